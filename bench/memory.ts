// npm run bench:memory — memory of the whole installation (the app's Node process and the embedded
// PostgreSQL server's processes) on a first start in an empty DATA_DIR and a walk over the main
// pages. Prints one JSON line: peak and after-walk, as the sum of PSS (each shared page counted
// once, split among the processes sharing it) and as the sum of RSS (shared pages counted in every
// process: an overstatement for PostgreSQL, whose processes share its buffers).
//
// BENCH_APP_DIR=<checkout>: measure another checkout's `src/server.ts` (say, the previous version).
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PUBLIC_PAGES } from '../test/pages.ts';

const appDir = resolve(process.env.BENCH_APP_DIR ?? '.');
const port = 3900 + Math.floor(Math.random() * 90);
const base = `http://127.0.0.1:${port}`;
const LIMITS = { afterWalkMb: 400, peakMb: 600 };

/** The process and all its descendants (from /proc: Linux only). */
function tree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(e)]);
    } catch {}
  }
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(root);
  return out;
}

function memoryOf(pid: number): { rss: number; pss: number; name: string } | null {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0);
    const name = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    return { rss: kb('Rss') * 1024, pss: kb('Pss') * 1024, name };
  } catch {
    return null;
  }
}

interface Sample {
  pss: number;
  rss: number;
  node: number;
  postgres: number;
  processes: number;
}
function sample(root: number): Sample {
  const s: Sample = { pss: 0, rss: 0, node: 0, postgres: 0, processes: 0 };
  for (const pid of tree(root)) {
    const m = memoryOf(pid);
    if (!m) continue;
    s.pss += m.pss;
    s.rss += m.rss;
    s.processes++;
    if (pid === root) s.node += m.rss;
    else s.postgres += m.pss;
  }
  return s;
}

const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;

const parent = mkdtempSync(join(tmpdir(), 'hw-memory-'));
chmodSync(parent, 0o755);
const dataDir = join(parent, 'data');
const started = Date.now();
const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
  cwd: appDir,
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', BASE_URL: '' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const pid = child.pid as number;
let peak: Sample = { pss: 0, rss: 0, node: 0, postgres: 0, processes: 0 };
let peakRss = 0;
const timer = setInterval(() => {
  const s = sample(pid);
  if (s.pss > peak.pss) peak = s;
  peakRss = Math.max(peakRss, s.rss);
}, 50);

try {
  let readyMs = 0;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/readyz`)).ok) {
        readyMs = Date.now() - started;
        break;
      }
    } catch {}
    if (Date.now() - started > 180_000) throw new Error('the app did not become ready');
    await new Promise((r) => setTimeout(r, 50));
  }
  const afterStart = sample(pid);
  // The walk: every public page of the sweep, twice (the second time from the page cache where there is one).
  for (let round = 0; round < 2; round++) for (const path of PUBLIC_PAGES) await (await fetch(`${base}${path}`)).arrayBuffer();
  for (const q of ['hechting', 'kindermishandeling', 'meldcode', 'scheiding']) await (await fetch(`${base}/zoeken?q=${q}`)).arrayBuffer();
  // Idle a moment, as a site between visitors.
  await new Promise((r) => setTimeout(r, 3000));
  const after = sample(pid);
  clearInterval(timer);
  const result = {
    version: existsSync(join(appDir, 'src/db/embedded.ts')) ? 'embedded PostgreSQL' : 'PGlite',
    readyMs,
    peakMb: mb(peak.pss),
    afterWalkMb: mb(after.pss),
    peakRssSumMb: mb(peakRss),
    afterWalkRssSumMb: mb(after.rss),
    afterStart: { pssMb: mb(afterStart.pss), nodeRssMb: mb(afterStart.node) },
    afterWalk: { nodeRssMb: mb(after.node), postgresPssMb: mb(after.postgres), processes: after.processes },
    limits: LIMITS,
    // The limits are RSS: judged on the RSS sums, which overstate (shared pages counted per process).
    withinLimits: mb(after.rss) <= LIMITS.afterWalkMb && mb(peakRss) <= LIMITS.peakMb,
  };
  console.log(JSON.stringify(result));
} finally {
  clearInterval(timer);
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  rmSync(parent, { recursive: true, force: true });
}
