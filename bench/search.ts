// npm run bench:search — /zoeken with 10,000 generated Dutch documents indexed, 10 connections,
// 10 s, on a fresh embedded PostgreSQL server (DATA_DIR) and (when one answers) on a fresh database on the PostgreSQL server.
//
// Rendered pages are cached per URL (the page cache), so a repeated query would
// be answered from memory. Every request here therefore asks a query not asked before in the run:
// the figures are those of a real search (database + render) each time.
//
// Each database also holds the demo content (as a first start loads it), and the judged queries of
// bench/search-judgements.yaml are asked there through the app's search(): nDCG@10 and the share of
// queries without results (issue #22) stand next to the latencies.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { type Database, openEmbedded, openPostgres, rows } from '../src/db/client.ts';
import { defaultLimit } from '../src/search/gate.ts';
import { machineCpu, postgresCpuSeconds, procCpuSeconds } from './cpu.ts';
import { recordResults } from './report.ts';
import { documents, queries } from './search-data.ts';
import { insertDocuments, loadDemoContent, loadJudgements, measureQuality, TARGET_NDCG, TARGET_ZERO_SHARE } from './search-quality.ts';
import { startAppProcess } from './server.ts';
import { ensureCommand, runWrk, type WrkFigures } from './wrk.ts';

const DOCUMENTS = 10_000;
const CONNECTIONS = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 2;
const TARGET_P95_MS = 20;
const PORT = Number(process.env.BENCH_PORT ?? 3240);
const GATE = process.env.SEARCH_CONCURRENCY ?? `${defaultLimit()} (the default: the cores + 1)`;
const ADMIN_URL = process.env.DATABASE_URL_BENCH ?? process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

ensureCommand('wrk', ['wrk']);
const judgements = loadJudgements();
// First from the seeded generator, before the queries: the same documents in every database and
// every run, the ones bench/search-judgements.yaml names (/bench/<kind>/<i>).
const docs = documents(DOCUMENTS);

/** The judged queries whose documents are all demo content: measured before the generated documents are in, and after. */
const demoJudgements = judgements.filter((j) => j.relevant.every((r) => !r.url.startsWith('/bench/')));

async function fill(database: Database) {
  // Migrations and the demo content, through the loaders a first start uses.
  await loadDemoContent(database);
  // What the ranking does on the network's own pages alone, beside what it does among the generated ones.
  const demoOnly = await measureQuality(database.db, demoJudgements);
  const started = performance.now();
  // As after any bulk load, insertDocuments ends with vacuum analyze: the visibility map and statistics
  // are set now, not by an autovacuum that would otherwise start in the middle of the measurement.
  await insertDocuments(database, docs);
  return { fillMs: Math.round(performance.now() - started), demoOnly: demoOnly.ndcgAt10 };
}

/** How many documents the queries find, for a sample, and the query that finds most. */
async function profile(database: Database, paths: string[]) {
  const sample = paths.slice(0, 200).map((p) => new URL(p, 'http://x').searchParams.get('q') as string);
  const found: { q: string; n: number }[] = [];
  for (const q of sample) {
    const [r] = await rows<{ n: number }>(database.db, sql`select count(*)::int as n from search_documents where tsv @@ websearch_to_tsquery('dutch', ${q})`);
    found.push({ q, n: r?.n ?? 0 });
  }
  found.sort((a, b) => a.n - b.n);
  const at = (share: number) => found[Math.min(found.length - 1, Math.floor(found.length * share))]?.n ?? 0;
  return {
    sampled: found.length,
    withHits: found.filter((f) => f.n > 0).length,
    medianMatches: at(0.5),
    p90Matches: at(0.9),
    maxMatches: found[found.length - 1]?.n ?? 0,
    broadest: found[found.length - 1]?.q ?? '',
  };
}

interface Run {
  backend: string;
  documents: number;
  fillMs: number;
  queries: number;
  requests: number;
  repeatedRequests: number;
  matches: Awaited<ReturnType<typeof profile>>;
  /** The judged queries: nDCG@10 and the share without any result. */
  quality: {
    queries: number;
    ndcgAt10: number;
    zeroResultShare: number;
    worst: { q: string; ndcg: number }[];
    /** The judged queries about demo content: nDCG@10 on the demo content alone, and with the generated documents in. */
    demo: { queries: number; aloneNdcgAt10: number; mixedNdcgAt10: number };
  };
  load: WrkFigures;
  /**
   * CPU per request during the measured run (Linux /proc): the app's process, every PostgreSQL process
   * on the machine, and the share of the machine's cores that was busy (wrk and the rest included).
   * The latencies of a closed loop follow throughput; these say whether the app or the database
   * took the time, and whether the cores were busy at all. Both move with the host's speed.
   */
  cpu: { appMsPerRequest: number; postgresMsPerRequest: number; machineBusyShare: number };
  targetMet: boolean;
}

async function measure(backend: string, database: Database, env: Record<string, string>, warm: string[], paths: string[]): Promise<Run> {
  const { fillMs, demoOnly } = await fill(database);
  const matches = await profile(database, paths);
  const judged = await measureQuality(database.db, judgements);
  const demoQueries = new Set(demoJudgements.map((j) => j.q));
  const mixed = judged.perQuery.filter((p) => demoQueries.has(p.q));
  const mixedNdcg = Math.round((mixed.reduce((n, p) => n + p.ndcg, 0) / Math.max(mixed.length, 1)) * 1000) / 1000;
  await database.close();
  const worst = [...judged.perQuery].sort((a, b) => a.ndcg - b.ndcg).slice(0, 5);
  const quality = {
    queries: judged.queries,
    ndcgAt10: judged.ndcgAt10,
    zeroResultShare: judged.zeroResultShare,
    worst: worst.map(({ q, ndcg }) => ({ q, ndcg })),
    demo: { queries: demoJudgements.length, aloneNdcgAt10: demoOnly, mixedNdcgAt10: mixedNdcg },
  };
  const app = await startAppProcess(PORT, { LOG_LEVEL: 'warn', ...env });
  try {
    await runWrk(`${app.base}/zoeken`, { seconds: WARMUP_SECONDS, connections: CONNECTIONS, paths: warm });
    const before = { app: procCpuSeconds(app.pid ?? 0), postgres: postgresCpuSeconds(), machine: machineCpu() };
    const load = await runWrk(`${app.base}/zoeken`, { seconds: SECONDS, connections: CONNECTIONS, paths });
    const after = { app: procCpuSeconds(app.pid ?? 0), postgres: postgresCpuSeconds(), machine: machineCpu() };
    const perRequest = (seconds: number) => Math.round((seconds * 1000 * 1000) / Math.max(1, load.requests)) / 1000;
    const cpu = {
      appMsPerRequest: perRequest(after.app - before.app),
      postgresMsPerRequest: perRequest(after.postgres - before.postgres),
      machineBusyShare: Math.round(((after.machine.busy - before.machine.busy) / Math.max(0.01, after.machine.total - before.machine.total)) * 100) / 100,
    };
    if (load.badStatus || load.socketErrors) console.error(`${backend}: ${load.badStatus} error responses, ${load.socketErrors} socket errors or timeouts`);
    const run: Run = {
      backend,
      documents: DOCUMENTS,
      fillMs,
      queries: paths.length,
      requests: load.requests,
      repeatedRequests: Math.max(0, load.requests - paths.length),
      matches,
      quality,
      load,
      cpu,
      targetMet: load.latencyMs.p95 < TARGET_P95_MS && load.badStatus + load.socketErrors === 0,
    };
    console.log(
      `${backend.padEnd(10)} ${String(load.requestsPerSecond).padStart(6)} req/s   p50 ${load.latencyMs.p50} ms   p95 ${load.latencyMs.p95} ms   p99 ${load.latencyMs.p99} ms   ` +
        `(${load.requests} requests, ${paths.length} distinct queries; ${matches.withHits}/${matches.sampled} sampled queries find documents, median ${matches.medianMatches}, p90 ${matches.p90Matches}, max ${matches.maxMatches}; indexing ${fillMs} ms)`,
    );
    console.log(
      `  CPU per request: app ${cpu.appMsPerRequest} ms, PostgreSQL ${cpu.postgresMsPerRequest} ms; the machine's cores ${Math.round(cpu.machineBusyShare * 100)}% busy`,
    );
    console.log(
      `  judged queries: nDCG@10 ${quality.ndcgAt10}, zero-result share ${quality.zeroResultShare} (${quality.queries} queries; worst: ${worst.map((w) => `${JSON.stringify(w.q)} ${w.ndcg}`).join(', ')})`,
    );
    console.log(
      `  the ${quality.demo.queries} judged queries about demo content: nDCG@10 ${quality.demo.aloneNdcgAt10} on the demo content alone, ${quality.demo.mixedNdcgAt10} with the ${DOCUMENTS.toLocaleString('en')} generated documents in`,
    );
    if (run.repeatedRequests > 0) console.log(`  note: ${run.repeatedRequests} requests repeated a query (answered from the page cache)`);
    return run;
  } finally {
    await app.stop();
  }
}

async function postgresDatabase(): Promise<string | null> {
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch {
    return null;
  }
  try {
    const name = `hw_bench_search_${randomBytes(4).toString('hex')}`;
    await admin.query(`create database ${name}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    return url.toString();
  } finally {
    await admin.end();
  }
}

async function dropDatabase(url: string) {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
  await admin.end();
}

// Enough distinct queries that none repeats, even at a few thousand requests per second.
const warm = queries(3000);
const paths = queries(60_000, new Set(warm));
const runs: Run[] = [];

// BENCH_ONLY=postgres or BENCH_ONLY=embedded: measure one database only (for quick comparisons).
const only = process.env.BENCH_ONLY;
if (only !== 'postgres') {
  const parent = mkdtempSync(join(tmpdir(), 'hw-search-'));
  chmodSync(parent, 0o755);
  const dataDir = join(parent, 'data');
  try {
    runs.push(await measure('embedded', await openEmbedded(dataDir), { DATA_DIR: dataDir }, warm, paths));
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

if (only !== 'embedded') {
  const pgUrl = await postgresDatabase();
  if (pgUrl) {
    try {
      runs.push(await measure('postgres', await openPostgres(pgUrl, 2), { DATABASE_URL: pgUrl }, warm, paths));
    } finally {
      await dropDatabase(pgUrl);
    }
  } else if (process.env.REQUIRE_POSTGRES === '1') throw new Error(`REQUIRE_POSTGRES=1 but no PostgreSQL server at ${ADMIN_URL}`);
  else console.log(`no PostgreSQL server at ${ADMIN_URL}: measured the embedded server only`);
}

const targetMet = runs.every((r) => r.targetMet);
console.log(`target p95 < ${TARGET_P95_MS} ms at ${CONNECTIONS} connections: ${targetMet ? 'met' : 'NOT MET'}`);
const qualityTargetMet = runs.every((r) => r.quality.ndcgAt10 >= TARGET_NDCG && r.quality.zeroResultShare <= TARGET_ZERO_SHARE);
console.log(`target nDCG@10 >= ${TARGET_NDCG} and zero-result share ${TARGET_ZERO_SHARE} over the judged queries: ${qualityTargetMet ? 'met' : 'NOT MET'}`);
const figures = {
  date: new Date().toISOString(),
  documents: DOCUMENTS,
  connections: CONNECTIONS,
  durationSeconds: SECONDS,
  targetP95Ms: TARGET_P95_MS,
  searchConcurrency: GATE,
  targetMet,
  targetNdcgAt10: TARGET_NDCG,
  judgedQueries: judgements.length,
  qualityTargetMet,
  runs,
};
await recordResults(
  'search',
  figures,
  [
    `${DOCUMENTS.toLocaleString('en')} generated Dutch documents; wrk, 1 thread, ${CONNECTIONS} connections, ${SECONDS} s; every request a query not asked before in the run (so the page cache never answers it); searches in the database at once: ${GATE}. Target p95 < ${TARGET_P95_MS} ms.`,
    `Quality: the ${judgements.length} judged queries of bench/search-judgements.yaml over the same documents plus the demo content, first page; targets nDCG@10 ≥ ${TARGET_NDCG}, zero-result share ${TARGET_ZERO_SHARE}.`,
    '',
    `The ${demoJudgements.length} judged queries about demo content are also measured on the demo content alone, before the generated documents are added ("demo alone"), and again with them in ("demo, mixed").`,
    '',
    '| database | requests/s | p50 ms | p95 ms | p99 ms | requests | errors | CPU ms/request: app | CPU ms/request: PostgreSQL | cores busy | sampled queries with hits | median matches | nDCG@10 | zero-result share | nDCG@10 demo alone | nDCG@10 demo, mixed |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...runs.map(
      (r) =>
        `| ${r.backend} | ${r.load.requestsPerSecond} | ${r.load.latencyMs.p50} | ${r.load.latencyMs.p95} | ${r.load.latencyMs.p99} | ${r.requests} | ${r.load.badStatus + r.load.socketErrors} | ${r.cpu.appMsPerRequest} | ${r.cpu.postgresMsPerRequest} | ${Math.round(r.cpu.machineBusyShare * 100)}% | ${r.matches.withHits}/${r.matches.sampled} | ${r.matches.medianMatches} | ${r.quality.ndcgAt10} | ${r.quality.zeroResultShare} | ${r.quality.demo.aloneNdcgAt10} | ${r.quality.demo.mixedNdcgAt10} |`,
    ),
  ].join('\n'),
);
console.log(
  JSON.stringify({
    documents: DOCUMENTS,
    connections: CONNECTIONS,
    targetMet,
    qualityTargetMet,
    runs: Object.fromEntries(
      runs.map((r) => [
        r.backend,
        {
          requestsPerSecond: r.load.requestsPerSecond,
          ...r.load.latencyMs,
          ...r.cpu,
          ndcgAt10: r.quality.ndcgAt10,
          zeroResultShare: r.quality.zeroResultShare,
          demoAloneNdcgAt10: r.quality.demo.aloneNdcgAt10,
          demoMixedNdcgAt10: r.quality.demo.mixedNdcgAt10,
        },
      ]),
    ),
  }),
);
if (runs.some((r) => r.load.badStatus + r.load.socketErrors > 0)) process.exit(1);
