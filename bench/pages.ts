// npm run bench:pages — the production setup side by side, in one run (wrk, one thread, 50
// connections, keep-alive, Accept-Encoding: br, over TLS where nginx is in front):
//
//   static    nginx serving the app's exact bytes and headers of /themas/hechting as a file;
//   deployed  nginx with docs/nginx/hechtwerk.conf (micro-cache) in front of the app;
//   node:http Node's own HTTP server sending the same bytes and headers from memory, nothing else:
//             the ceiling of any app on Node on this machine, beside which the app's figure reads;
//   app       the app alone (Node's HTTP server, Hono, its rendered-page cache);
//   app, no page cache  the same with PAGE_CACHE_MB=0, to show what the page cache earns;
//
// and /zoeken?q=hechting through the deployed setup with a new query string on every request, so
// neither nginx's cache nor the app's answers it. With BENCH_BEFORE=<git revision> the app of that
// revision runs too (alone and behind its own nginx with the same configuration), in the same rounds.
// The last line printed is one JSON object.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SERVER_NAME, startDeployedNginx } from './nginx.ts';
import { recordResults } from './report.ts';
import { startAppProcess } from './server.ts';
import { cpuSplit, ensureCommand, nginxVersion, pinned, runWrk, track, type WrkFigures, wrkVersion } from './wrk.ts';

const THEME = '/themas/hechting';
const SEARCH = '/zoeken?q=hechting';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 2;
// Before the first round each server also gets this long (the app's JIT and heap settle in it).
const FIRST_WARMUP_SECONDS = 5;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 50;
const ENCODING = 'br';
const BASE_PORT = Number(process.env.BENCH_PORT ?? 3210);
const PORTS = {
  app: BASE_PORT,
  appNoCache: BASE_PORT + 1,
  before: BASE_PORT + 2,
  https: BASE_PORT + 3,
  http: BASE_PORT + 4,
  static: BASE_PORT + 5,
  node: BASE_PORT + 8,
};
const BEFORE_PORTS = { https: BASE_PORT + 6, http: BASE_PORT + 7 };
const BEFORE = process.env.BENCH_BEFORE;
const TARGET = { deployedRatio: 0.9, appP99Ms: 10 };

ensureCommand('wrk', ['wrk']);
ensureCommand('nginx', ['nginx']);
ensureCommand('openssl', ['openssl']);
const cpus = cpuSplit();
const pin = (command: string, args: string[]) => pinned(cpus?.servers, command, args);

interface Raw {
  status: number;
  headers: [string, string][];
  body: Buffer;
}

/** One GET with the exact bytes on the wire (fetch would decompress): over TLS when a certificate is given. */
function rawGet(port: number, path: string, cert?: string): Promise<Raw> {
  return new Promise((done, reject) => {
    const request = cert ? httpsRequest : httpRequest;
    const req = request({ host: '127.0.0.1', port, path, servername: SERVER_NAME, ca: cert, headers: { 'Accept-Encoding': ENCODING }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const pairs: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string]);
        done({ status: res.statusCode ?? 0, headers: pairs, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

// Headers nginx writes itself, or that describe the connection or the cache, not the page.
const OWN = new Set(['date', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'content-type', 'server', 'x-cache-status']);

function nginxString(value: string): string {
  if (/[$\r\n]/.test(value)) throw new Error(`header value cannot be put in an nginx config: ${value}`);
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A server block for the deployed nginx: the page as a static file, with the app's headers, over the same TLS, and the same open-file cache. */
function staticServer(dir: string, page: Raw): string {
  writeFileSync(join(dir, 'page.br'), page.body);
  const type = page.headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? 'text/html';
  const add = page.headers
    .filter(([k]) => !OWN.has(k.toLowerCase()) && k.toLowerCase() !== 'x-request-id')
    .map(([k, v]) => `      add_header ${k} ${nginxString(v)} always;`)
    .join('\n');
  // A request id of its own per response, as the deployed configuration gives every reader (nginx's $request_id).
  const id = '      add_header X-Request-Id $request_id always;';
  return `
  server {
    listen 127.0.0.1:${PORTS.static} ssl;
    ssl_certificate CERT;
    ssl_certificate_key KEY;
    ssl_protocols TLSv1.2 TLSv1.3;
    server_tokens off;
    etag off;
    # The file handles kept open as the deployed configuration keeps its cache files open: like for like.
    open_file_cache max=2000 inactive=60s;
    location = ${THEME} {
      alias ${dir}/page.br;
      default_type ${nginxString(type)};
${add}
${id}
    }
  }`;
}

/** A bare node:http server answering every request with the page's bytes and headers (as the app sent them), pinned like the app. */
async function startNodeStatic(dir: string, page: Raw): Promise<{ base: string; stop: () => Promise<void> }> {
  writeFileSync(
    join(dir, 'page.json'),
    JSON.stringify(page.headers.filter(([k]) => !['date', 'connection', 'keep-alive', 'x-request-id'].includes(k.toLowerCase()))),
  );
  const script = `
    const { readFileSync } = require('node:fs');
    const { randomUUID } = require('node:crypto');
    const body = readFileSync(${JSON.stringify(join(dir, 'page.br'))});
    const headers = Object.fromEntries(JSON.parse(readFileSync(${JSON.stringify(join(dir, 'page.json'))}, 'utf8')));
    require('node:http').createServer((req, res) => {
      res.writeHead(200, { ...headers, 'x-request-id': randomUUID() });
      res.end(body);
    }).listen(${PORTS.node}, '127.0.0.1', () => console.log('ready'));`;
  const child = track(spawn(...pin(process.execPath, ['-e', script]), { stdio: ['ignore', 'pipe', 'inherit'] }));
  await new Promise<void>((ready, failed) => {
    child.stdout?.once('data', () => ready());
    child.once('exit', (code) => failed(new Error(`node:http server exited with ${code}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  const got = await rawGet(PORTS.node, THEME);
  if (!got.body.equals(page.body)) throw new Error(`the node:http server does not serve the app's bytes of ${THEME}`);
  return { base: `http://127.0.0.1:${PORTS.node}`, stop };
}

/** The app of another revision, unpacked next to this one (git archive; node_modules shared). */
function checkout(rev: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hw-before-'));
  const archive = spawnSync('sh', ['-c', `git archive ${JSON.stringify(rev)} | tar -x -C ${JSON.stringify(dir)}`], { stdio: 'inherit' });
  if (archive.status !== 0) throw new Error(`git archive ${rev} failed`);
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
  return dir;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex').slice(0, 16);
const headers = { 'Accept-Encoding': ENCODING };
const load = (url: string, seconds = SECONDS, paths?: string[]) => runWrk(url, { seconds, connections: CONNECTIONS, headers, cpus: cpus?.load, paths });
const line = (name: string, f: WrkFigures) =>
  `${name.padEnd(40)} ${String(f.requestsPerSecond).padStart(7)} req/s   p50 ${f.latencyMs.p50.toFixed(2).padStart(6)} ms   p99 ${f.latencyMs.p99.toFixed(2).padStart(6)} ms   ${String(f.bytesPerResponse).padStart(6)} B/resp   errors ${f.badStatus + f.socketErrors}`;

/** Several rounds, each server in turn: this machine's speed drifts over a minute, so each round's runs share its mood. */
function combine(runs: WrkFigures[]): WrkFigures & { rounds: number[] } {
  const sum = (f: (w: WrkFigures) => number) => runs.reduce((n, w) => n + f(w), 0);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const requests = sum((w) => w.requests);
  return {
    requestsPerSecond: Math.round(sum((w) => w.requestsPerSecond) / runs.length),
    requests,
    // The middle round's median; the worst round's tail.
    latencyMs: {
      p50: median(runs.map((w) => w.latencyMs.p50)),
      p90: Math.max(...runs.map((w) => w.latencyMs.p90)),
      p95: Math.max(...runs.map((w) => w.latencyMs.p95)),
      p99: Math.max(...runs.map((w) => w.latencyMs.p99)),
      max: Math.max(...runs.map((w) => w.latencyMs.max)),
    },
    badStatus: sum((w) => w.badStatus),
    socketErrors: sum((w) => w.socketErrors),
    bytesPerResponse: Math.round(sum((w) => w.bytesPerResponse * w.requests) / Math.max(requests, 1)),
    rounds: runs.map((w) => w.requestsPerSecond),
  };
}

type Stop = () => Promise<void>;
const stops: Stop[] = [];
const series: Record<string, string> = {};
let figuresBySeries: Record<string, ReturnType<typeof combine>> = {};
let search: WrkFigures;
let pageInfo: { bodyBytes: number; sha256: string };
try {
  const app = await startAppProcess(PORTS.app, {}, { cpus: cpus?.servers });
  stops.push(app.stop);
  const noCache = await startAppProcess(PORTS.appNoCache, { PAGE_CACHE_MB: '0' }, { cpus: cpus?.servers });
  stops.push(noCache.stop);
  // The page as the app sends it; nginx passes the same bytes through.
  const page = await rawGet(PORTS.app, THEME);
  if (page.status !== 200 || !page.headers.some(([k, v]) => k.toLowerCase() === 'content-encoding' && v === ENCODING))
    throw new Error(`${THEME} answered ${page.status} without ${ENCODING}`);
  const staticDir = mkdtempSync(join(tmpdir(), 'hw-static-'));
  // nginx's workers run as nobody when started by root.
  chmodSync(staticDir, 0o755);
  stops.push(async () => rmSync(staticDir, { recursive: true, force: true }));
  // The deployed nginx; the static file server is a server block of the same nginx (one worker, as the app has one process).
  const nginx = await startDeployedNginx({ appPort: PORTS.app, httpsPort: PORTS.https, httpPort: PORTS.http, pin, extra: staticServer(staticDir, page) });
  stops.push(nginx.stop);
  const ca = readFileSync(nginx.cert, 'utf8');
  for (const port of [PORTS.static, PORTS.https]) {
    const got = await rawGet(port, THEME, ca);
    if (!got.body.equals(page.body)) throw new Error(`nginx on port ${port} does not serve the app's bytes of ${THEME}`);
  }
  pageInfo = { bodyBytes: page.body.length, sha256: sha(page.body) };
  console.log(`${THEME}: ${pageInfo.bodyBytes} B ${ENCODING} body (sha256 ${pageInfo.sha256}…)`);

  // Node's own HTTP server sending the same bytes and headers from memory, nothing else: what any
  // app on Node can at most reach on this machine, beside which the app's own figure reads.
  const nodeServer = await startNodeStatic(staticDir, page);
  stops.push(nodeServer.stop);

  series.static = `https://127.0.0.1:${PORTS.static}`;
  series.deployed = `https://127.0.0.1:${PORTS.https}`;
  series['node:http, same bytes'] = nodeServer.base;
  series.app = app.base;
  series['app, no page cache'] = noCache.base;
  if (BEFORE) {
    const dir = checkout(BEFORE);
    stops.push(async () => rmSync(dir, { recursive: true, force: true }));
    const before = await startAppProcess(PORTS.before, {}, { cpus: cpus?.servers, cwd: dir });
    stops.push(before.stop);
    const beforeNginx = await startDeployedNginx({ appPort: PORTS.before, httpsPort: BEFORE_PORTS.https, httpPort: BEFORE_PORTS.http, pin });
    stops.push(beforeNginx.stop);
    series[`deployed, before (${BEFORE})`] = `https://127.0.0.1:${BEFORE_PORTS.https}`;
    series[`app, before (${BEFORE})`] = before.base;
  }

  const runs: Record<string, WrkFigures[]> = Object.fromEntries(Object.keys(series).map((k) => [k, []]));
  for (const base of Object.values(series)) await load(base + THEME, FIRST_WARMUP_SECONDS);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, base] of Object.entries(series)) {
      await load(base + THEME, WARMUP_SECONDS);
      const f = await load(base + THEME);
      runs[name]?.push(f);
      console.log(line(`round ${round} ${name}`, f));
    }
  }
  figuresBySeries = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, combine(v)]));

  // Searches through the deployed setup, each with a query string not asked before.
  const unique = (n: number) => Array.from({ length: n }, (_, i) => `${SEARCH}&r=${i}`);
  await load(
    series.deployed + SEARCH,
    WARMUP_SECONDS,
    unique(100_000).map((p) => p.replace('&r=', '&w=')),
  );
  search = await load(series.deployed + SEARCH, SECONDS, unique(300_000));
  console.log(line(`deployed ${SEARCH}&r=<new>`, search));
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => {});
}

const by = (name: string) => figuresBySeries[name] as ReturnType<typeof combine>;
const staticF = by('static');
const deployed = by('deployed');
const app = by('app');
const noCacheF = by('app, no page cache');
const nodeF = by('node:http, same bytes');
const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
const deployedRatio = ratio(deployed.requestsPerSecond, staticF.requestsPerSecond);
const targetMet = deployedRatio >= TARGET.deployedRatio && app.latencyMs.p99 < TARGET.appP99Ms;
const beforeKeys = Object.keys(figuresBySeries).filter((k) => k.includes('before'));
const errors = [...Object.values(figuresBySeries), search].reduce((n, f) => n + f.badStatus + f.socketErrors, 0);
const tool = `${wrkVersion()}, 1 thread, ${CONNECTIONS} connections, ${SECONDS} s, keep-alive, Accept-Encoding: ${ENCODING}; TLS (self-signed P-256) where nginx is in front`;
const placement = cpus
  ? `nginx and app processes pinned to CPU ${cpus.servers}, wrk to CPU ${cpus.load} (taskset)`
  : 'no CPU pinning (taskset missing, one core, or BENCH_PIN=0)';
const rounds = `${ROUNDS} rounds of every server in turn (after ${FIRST_WARMUP_SECONDS} s of warm-up each, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s each); requests/s is the mean of the rounds, p50 the middle round's, p99 the worst round's`;
console.log(
  `deployed/static on ${THEME}: ${(deployedRatio * 100).toFixed(1)} % (target ≥ ${TARGET.deployedRatio * 100} %); app alone ${app.requestsPerSecond} req/s, p99 ${app.latencyMs.p99} ms (target < ${TARGET.appP99Ms} ms): ${targetMet ? 'met' : 'NOT MET'}`,
);
console.log(
  `the app's page cache: ${app.requestsPerSecond} req/s with it, ${noCacheF.requestsPerSecond} without (${(ratio(app.requestsPerSecond, noCacheF.requestsPerSecond) * 100).toFixed(0)} %)`,
);
console.log(
  `Node's own server with the same bytes: ${nodeF.requestsPerSecond} req/s, p99 ${nodeF.latencyMs.p99} ms; the app reaches ${(ratio(app.requestsPerSecond, nodeF.requestsPerSecond) * 100).toFixed(0)} % of it`,
);
console.log(`${tool}; ${placement}; ${rounds}; 1 app process (embedded PostgreSQL) per series, nginx ${nginxVersion()} with 1 worker`);

const summary = (f: WrkFigures) => ({ rps: f.requestsPerSecond, p50Ms: f.latencyMs.p50, p99Ms: f.latencyMs.p99 });
const result = {
  date: new Date().toISOString(),
  tool,
  placement,
  rounds: ROUNDS,
  page: { path: THEME, encoding: ENCODING, ...pageInfo },
  series: Object.fromEntries(
    Object.entries(figuresBySeries).map(([k, f]) => [k, { ...summary(f), roundsRps: f.rounds, bytesPerResponse: f.bytesPerResponse }]),
  ),
  pageCacheGain: ratio(app.requestsPerSecond, noCacheF.requestsPerSecond),
  target: TARGET,
  targetMet,
  staticRps: staticF.requestsPerSecond,
  deployedRps: deployed.requestsPerSecond,
  deployedP99Ms: deployed.latencyMs.p99,
  deployedRatio,
  appRps: app.requestsPerSecond,
  appP99Ms: app.latencyMs.p99,
  nodeHttpRps: nodeF.requestsPerSecond,
  nodeHttpP99Ms: nodeF.latencyMs.p99,
  appOfNodeHttp: ratio(app.requestsPerSecond, nodeF.requestsPerSecond),
  searchPath: `${SEARCH}&r=<new every request>`,
  searchRps: search.requestsPerSecond,
  searchP50Ms: search.latencyMs.p50,
  searchP99Ms: search.latencyMs.p99,
};
const row = (name: string, path: string, f: WrkFigures) =>
  `| ${name} | \`${path}\` | ${f.requestsPerSecond} | ${f.latencyMs.p50} | ${f.latencyMs.p99} | ${f.bytesPerResponse} | ${f.badStatus + f.socketErrors} |`;
await recordResults(
  'pages',
  result,
  [
    `wrk (${tool}); ${placement}; nginx ${nginxVersion()} with 1 worker and the configuration of \`docs/nginx/hechtwerk.conf\`; 1 app process on the embedded PostgreSQL per series.`,
    `On \`${THEME}\`: ${rounds}.`,
    '',
    `**deployed/static: ${(deployedRatio * 100).toFixed(1)} %** (target ≥ ${TARGET.deployedRatio * 100} %); **app alone: ${app.requestsPerSecond} requests/s, p99 ${app.latencyMs.p99} ms** (target < ${TARGET.appP99Ms} ms): ${targetMet ? 'met' : 'not met'}.`,
    `Node's own HTTP server sending the same bytes and headers from memory (no framework, no log): ${nodeF.requestsPerSecond} requests/s, p99 ${nodeF.latencyMs.p99} ms; the app reaches ${(ratio(app.requestsPerSecond, nodeF.requestsPerSecond) * 100).toFixed(0)} % of it.`,
    `The app's own page cache: ${app.requestsPerSecond} requests/s with it, ${noCacheF.requestsPerSecond} without (PAGE_CACHE_MB=0).`,
    ...(beforeKeys.length ? [`Before: ${beforeKeys.map((k) => `${k} ${by(k).requestsPerSecond} requests/s, p99 ${by(k).latencyMs.p99} ms`).join('; ')}.`] : []),
    `Per round, requests/s: ${Object.entries(figuresBySeries)
      .map(([k, f]) => `${k} ${f.rounds.join(', ')}`)
      .join('; ')}.`,
    '',
    '| setup | page | requests/s | p50 ms | p99 ms | bytes/response | errors |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...Object.entries(figuresBySeries).map(([k, f]) => row(k, THEME, f)),
    row('deployed, new query string each request', `${SEARCH}&r=…`, search),
    '',
    `\`${JSON.stringify({ deployedRatio, appRps: app.requestsPerSecond, appP99Ms: app.latencyMs.p99, searchRps: search.requestsPerSecond, searchP99Ms: search.latencyMs.p99 })}\``,
  ].join('\n'),
);
console.log(JSON.stringify(result));
if (errors) {
  console.error(`${errors} failed requests (status ≥ 400 or socket errors)`);
  process.exit(1);
}
