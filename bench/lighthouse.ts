// npm run bench:lighthouse — Lighthouse (mobile preset, Debian Chromium) on five pages of one app
// process; prints the four category scores per page and, for any below 100, the audits that cost points.
import { existsSync } from 'node:fs';
import { launch } from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { recordResults } from './report.ts';
import { startAppProcess } from './server.ts';

const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PORT = Number(process.env.BENCH_PORT ?? 3230);

if (!existsSync(CHROME)) throw new Error(`Chromium not found at ${CHROME}: apt-get install chromium (or set CHROME_PATH)`);

type Scores = Record<(typeof CATEGORIES)[number], number>;
interface PageResult {
  path: string;
  scores: Scores;
  /** Audits that cost points, per category below 100. */
  failing: Record<string, { id: string; title: string; score: number | null; displayValue?: string }[]>;
  metrics: { fcpMs: number; lcpMs: number; tbtMs: number; cls: number; speedIndexMs: number };
  /** Lighthouse's measure of this machine's speed (its throttling assumes roughly 1,000 or more). */
  benchmarkIndex: number;
  /** The longest main-thread tasks (ms) and what Lighthouse attributes them to: where a TBT comes from. */
  longTasks: { url: string; ms: number }[];
}

const app = await startAppProcess(PORT);
let chrome: Awaited<ReturnType<typeof launch>> | undefined;
const results: PageResult[] = [];
let settings = '';
try {
  // The first session page the trainings list links to.
  const list = await (await fetch(`${app.base}/trainingen`)).text();
  const session = /href="(\/trainingen\/[a-z0-9-]+\/\d+)"/.exec(list)?.[1];
  if (!session) throw new Error('no session page linked from /trainingen');
  const paths = ['/', '/themas/hechting', '/signalenlijst', '/trainingen', session];

  chrome = await launch({ chromePath: CHROME, chromeFlags: FLAGS, logLevel: 'error' });
  for (const path of paths) {
    const run = await lighthouse(`${app.base}${path}`, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: [...CATEGORIES] });
    if (!run) throw new Error(`Lighthouse returned nothing for ${path}`);
    const lhr = run.lhr;
    if (lhr.runtimeError) throw new Error(`Lighthouse failed on ${path}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    settings = `${lhr.configSettings.formFactor}, ${lhr.configSettings.throttlingMethod} throttling`;
    const scores = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)])) as Scores;
    const failing: PageResult['failing'] = {};
    for (const c of CATEGORIES) {
      if (scores[c] === 100) continue;
      failing[c] = (lhr.categories[c]?.auditRefs ?? [])
        .filter((ref) => ref.weight > 0)
        .map((ref) => lhr.audits[ref.id])
        .filter((a) => a && a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'notApplicable')
        .map((a) => ({ id: a?.id as string, title: a?.title as string, score: a?.score ?? null, displayValue: a?.displayValue }));
    }
    const num = (id: string) => Math.round(Number(lhr.audits[id]?.numericValue ?? Number.NaN) * 1000) / 1000;
    const metrics = {
      fcpMs: Math.round(num('first-contentful-paint')),
      lcpMs: Math.round(num('largest-contentful-paint')),
      tbtMs: Math.round(num('total-blocking-time')),
      cls: num('cumulative-layout-shift'),
      speedIndexMs: Math.round(num('speed-index')),
    };
    const longTasks = ((lhr.audits['long-tasks']?.details as { items?: { url: string; duration: number }[] } | undefined)?.items ?? [])
      .slice(0, 5)
      .map((t) => ({ url: t.url.replace(app.base, ''), ms: Math.round(t.duration) }));
    const benchmarkIndex = Math.round(lhr.environment.benchmarkIndex);
    results.push({ path, scores, failing, metrics, benchmarkIndex, longTasks });
    console.log(
      `${path.padEnd(44)} performance ${String(scores.performance).padStart(3)}   accessibility ${String(scores.accessibility).padStart(3)}   best-practices ${String(scores['best-practices']).padStart(3)}   seo ${String(scores.seo).padStart(3)}   (FCP ${metrics.fcpMs} ms, LCP ${metrics.lcpMs} ms, TBT ${metrics.tbtMs} ms, CLS ${metrics.cls})`,
    );
    for (const [c, audits] of Object.entries(failing))
      for (const a of audits) console.log(`    ${c}: ${a.id} — ${a.title} (score ${a.score}${a.displayValue ? `, ${a.displayValue}` : ''})`);
    if (metrics.tbtMs > 0) console.log(`    benchmark index ${benchmarkIndex}; longest tasks: ${longTasks.map((t) => `${t.ms} ms ${t.url}`).join(', ')}`);
  }
} finally {
  chrome?.kill();
  await app.stop();
}

const all100 = results.every((r) => CATEGORIES.every((c) => r.scores[c] === 100));
const version = (await import('lighthouse/package.json', { with: { type: 'json' } })).default.version as string;
const figures = { date: new Date().toISOString(), lighthouse: version, preset: `default (${settings})`, chromium: CHROME, pages: results, all100 };
await recordResults('lighthouse', figures, {
  columns: ['page', 'performance', 'accessibility', 'best practices', 'SEO', 'FCP ms', 'LCP ms', 'TBT ms', 'CLS', 'benchmark index'],
  rows: results.map((r) => [
    `\`${r.path}\``,
    r.scores.performance,
    r.scores.accessibility,
    r.scores['best-practices'],
    r.scores.seo,
    r.metrics.fcpMs,
    r.metrics.lcpMs,
    r.metrics.tbtMs,
    r.metrics.cls,
    r.benchmarkIndex,
  ]),
});
console.log(`Lighthouse ${version}, default preset (${settings}), ${CHROME}: ${all100 ? 'every score 100' : 'NOT every score 100'}`);
console.log(JSON.stringify({ lighthouse: version, all100, pages: Object.fromEntries(results.map((r) => [r.path, r.scores])) }));
