// npm run bench:pages — the app next to nginx on the theme page, and the app alone on two more
// pages. wrk (one thread, 50 connections, keep-alive) loads each in turn on loopback.
//
// nginx serves the exact compressed bytes of /themas/hechting as fetched from the app, with the
// app's own response headers (so the header weight matches) and as many worker processes as the
// app has processes. The ratio app/nginx is the framework's cost, measured side by side in one run.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordResults } from './report.ts';
import { startAppProcess } from './server.ts';
import { cpuSplit, ensureCommand, nginxVersion, pinned, runWrk, track, type WrkFigures, wrkVersion } from './wrk.ts';

const THEME = '/themas/hechting';
const OTHERS = ['/', '/zoeken?q=hechting'];
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 2;
// Before the first round each server also gets this long (the app's JIT and heap settle in it).
const FIRST_WARMUP_SECONDS = 5;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 50;
const ENCODING = 'br';
const APP_PROCESSES = 1; // The embedded server belongs to one app process.
const APP_PORT = Number(process.env.BENCH_PORT ?? 3210);
const NGINX_PORT = APP_PORT + 1;
const BARE_PORT = APP_PORT + 2;
const TARGET = { ratio: 0.7, p99Ms: 10 };

ensureCommand('wrk', ['wrk']);
ensureCommand('nginx', ['nginx']);
const cpus = cpuSplit();

interface Raw {
  status: number;
  headers: [string, string][];
  headerBytes: number;
  body: Buffer;
}

/** One GET with the exact bytes on the wire (fetch would decompress). */
function rawGet(url: string, headers: Record<string, string>): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const pairs: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string]);
        const headerBytes = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`.length + pairs.reduce((n, [k, v]) => n + k.length + v.length + 4, 0) + 2;
        resolve({ status: res.statusCode ?? 0, headers: pairs, headerBytes, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

// Headers nginx writes itself (or that describe the connection, not the page).
const OWN = new Set(['date', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'content-type']);

function nginxString(value: string): string {
  if (/[$\r\n]/.test(value)) throw new Error(`header value cannot be put in an nginx config: ${value}`);
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

async function startNginx(page: Raw, workers: number) {
  const dir = mkdtempSync(join(tmpdir(), 'hw-nginx-'));
  // nginx workers run as nobody: they must be able to read the page.
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'temp'));
  writeFileSync(join(dir, 'page.br'), page.body);
  const type = page.headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? 'text/html';
  const addHeaders = page.headers
    .filter(([k]) => !OWN.has(k.toLowerCase()))
    .map(([k, v]) => `      add_header ${k} ${nginxString(v)} always;`)
    .join('\n');
  const conf = `
worker_processes ${workers};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  server_tokens off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 10000000;
  etag off;
  client_body_temp_path ${dir}/temp;
  proxy_temp_path ${dir}/temp;
  fastcgi_temp_path ${dir}/temp;
  uwsgi_temp_path ${dir}/temp;
  scgi_temp_path ${dir}/temp;
  types { }
  default_type ${nginxString(type)};
  server {
    listen 127.0.0.1:${NGINX_PORT} reuseport;
    location = ${THEME} {
      alias ${dir}/page.br;
${addHeaders}
    }
  }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child: ChildProcess = track(
    spawn(...pinned(cpus?.servers, 'nginx', ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;']), {
      stdio: ['ignore', 'inherit', 'inherit'],
    }),
  );
  const base = `http://127.0.0.1:${NGINX_PORT}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) {
      const log = readFileSync(join(dir, 'error.log'), 'utf8');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`nginx exited with ${child.exitCode}: ${log}`);
    }
    try {
      if ((await rawGet(base + THEME, {})).status === 200) break;
    } catch {}
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error('nginx did not start');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * For reference: a bare node:http server in its own process, sending the same bytes and headers
 * from memory with no framework, no logging and no checks. It is the ceiling for one Node process.
 */
async function startBareNode(page: Raw) {
  const dir = mkdtempSync(join(tmpdir(), 'hw-bare-'));
  writeFileSync(join(dir, 'page.br'), page.body);
  const headers = page.headers.filter(([k]) => !['date', 'connection', 'keep-alive', 'transfer-encoding'].includes(k.toLowerCase())).flat();
  const script = `
    const body = require('node:fs').readFileSync(${JSON.stringify(join(dir, 'page.br'))});
    const headers = ${JSON.stringify(headers)};
    const server = require('node:http').createServer((req, res) => { res.writeHead(200, headers); res.end(body); });
    server.keepAliveTimeout = 65000;
    server.listen(${BARE_PORT}, '127.0.0.1');`;
  const child = track(spawn(...pinned(cpus?.servers, process.execPath, ['-e', script]), { stdio: ['ignore', 'ignore', 'inherit'] }));
  const base = `http://127.0.0.1:${BARE_PORT}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if ((await rawGet(base + THEME, {})).status === 200) break;
    } catch {}
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error('bare node:http server did not start');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex').slice(0, 16);
const headers = { 'Accept-Encoding': ENCODING };
const load = (url: string, seconds = SECONDS) => runWrk(url, { seconds, connections: CONNECTIONS, headers, cpus: cpus?.load });
const line = (name: string, f: WrkFigures) =>
  `${name.padEnd(28)} ${String(f.requestsPerSecond).padStart(7)} req/s   p50 ${f.latencyMs.p50.toFixed(2).padStart(6)} ms   p99 ${f.latencyMs.p99.toFixed(2).padStart(6)} ms   ${String(f.bytesPerResponse).padStart(6)} B/resp   errors ${f.badStatus + f.socketErrors}`;

/**
 * Several rounds of nginx, app and bare node:http in turn, each run after its own short warm-up.
 * This machine's speed drifts by 10 % and more over a minute (the bare server alone moved from 84k
 * to 62k requests/s between two runs 30 s apart), so one run of each, a minute apart, compares
 * the machine's moods as much as the servers; in turns, each round's three runs share its mood.
 */
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

const app = await startAppProcess(APP_PORT, {}, { cpus: cpus?.servers });
let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
let bare: Awaited<ReturnType<typeof startBareNode>> | undefined;
let bareFigures: ReturnType<typeof combine>;
const pages: Record<string, WrkFigures> = {};
let nginxFigures: ReturnType<typeof combine>;
let pageInfo: { bodyBytes: number; appHeaderBytes: number; nginxHeaderBytes: number; sha256: string };
const roundRatios: number[] = [];
try {
  const page = await rawGet(app.base + THEME, headers);
  const encoding = page.headers.find(([k]) => k.toLowerCase() === 'content-encoding')?.[1];
  if (page.status !== 200 || encoding !== ENCODING)
    throw new Error(`${THEME} answered ${page.status} with encoding ${encoding ?? 'none'}; expected 200 ${ENCODING}`);
  nginx = await startNginx(page, APP_PROCESSES);
  bare = await startBareNode(page);
  const fromNginx = await rawGet(nginx.base + THEME, headers);
  if (!fromNginx.body.equals(page.body)) throw new Error('nginx does not serve the same bytes as the app');
  pageInfo = { bodyBytes: page.body.length, appHeaderBytes: page.headerBytes, nginxHeaderBytes: fromNginx.headerBytes, sha256: sha(page.body) };
  console.log(
    `${THEME}: ${pageInfo.bodyBytes} B ${ENCODING} body (sha256 ${pageInfo.sha256}…); headers app ${pageInfo.appHeaderBytes} B, nginx ${pageInfo.nginxHeaderBytes} B`,
  );

  const servers = { nginx: nginx.base, app: app.base, bare: bare.base };
  const runs: Record<keyof typeof servers, WrkFigures[]> = { nginx: [], app: [], bare: [] };
  for (const base of Object.values(servers)) await load(base + THEME, FIRST_WARMUP_SECONDS);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, base] of Object.entries(servers) as [keyof typeof servers, string][]) {
      // Warm-up (JIT, page cache, compressed bodies, nginx's open file cache), then measure.
      await load(base + THEME, WARMUP_SECONDS);
      const figures = await load(base + THEME);
      runs[name].push(figures);
      console.log(line(`round ${round} ${name === 'bare' ? 'bare node:http' : name} ${THEME}`, figures));
    }
    roundRatios.push(
      Math.round(((runs.app[round - 1] as WrkFigures).requestsPerSecond / (runs.nginx[round - 1] as WrkFigures).requestsPerSecond) * 1000) / 1000,
    );
  }
  nginxFigures = combine(runs.nginx);
  pages[THEME] = combine(runs.app);
  bareFigures = combine(runs.bare);
  await nginx.stop();
  nginx = undefined;
  await bare.stop();
  bare = undefined;
  for (const path of OTHERS) {
    await load(app.base + path, WARMUP_SECONDS);
    pages[path] = await load(app.base + path);
    console.log(line(`app   ${path}`, pages[path]));
  }
} finally {
  await nginx?.stop();
  await bare?.stop();
  await app.stop();
}

const theme = pages[THEME] as WrkFigures;
const nginxRatio = Math.round((theme.requestsPerSecond / nginxFigures.requestsPerSecond) * 1000) / 1000;
const targetMet = nginxRatio >= TARGET.ratio && theme.latencyMs.p99 < TARGET.p99Ms;
const errors = [theme, nginxFigures, bareFigures, ...Object.values(pages)].reduce((n, f) => n + f.badStatus + f.socketErrors, 0);
const tool = `${wrkVersion()}, 1 thread, ${CONNECTIONS} connections, ${SECONDS} s, keep-alive, Accept-Encoding: ${ENCODING}`;
const placement = cpus
  ? `nginx, app and bare node:http pinned to CPU ${cpus.servers}, wrk to CPU ${cpus.load} (taskset)`
  : 'no CPU pinning (taskset missing, one core, or BENCH_PIN=0)';
const rounds = `${ROUNDS} rounds of nginx, app and bare node:http in turn (after ${FIRST_WARMUP_SECONDS} s of warm-up each, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s each); requests/s is the mean of the rounds, p50 the middle round's, p99 the worst round's`;
console.log(
  `app/nginx on ${THEME}: ${(nginxRatio * 100).toFixed(1)} % of nginx's requests/s, app p99 ${theme.latencyMs.p99} ms — target ≥ ${TARGET.ratio * 100} % and p99 < ${TARGET.p99Ms} ms: ${targetMet ? 'met' : 'NOT MET'}`,
);
const bareRatio = bareFigures.requestsPerSecond / nginxFigures.requestsPerSecond;
console.log(
  `for reference, bare node:http with the same bytes: ${(bareRatio * 100).toFixed(1)} % of nginx; the app reaches ${((theme.requestsPerSecond / bareFigures.requestsPerSecond) * 100).toFixed(1)} % of bare node:http`,
);
console.log(`${tool}; ${placement}; ${rounds}; ${APP_PROCESSES} app process (embedded PostgreSQL), nginx ${nginxVersion()} with ${APP_PROCESSES} worker`);
console.log(`app/nginx per round: ${roundRatios.map((r) => `${(r * 100).toFixed(1)} %`).join(', ')}`);

const figures = {
  date: new Date().toISOString(),
  tool,
  durationSeconds: SECONDS,
  rounds: ROUNDS,
  cpus: cpus ?? null,
  roundRatios,
  connections: CONNECTIONS,
  appProcesses: APP_PROCESSES,
  nginxWorkers: APP_PROCESSES,
  page: { path: THEME, encoding: ENCODING, ...pageInfo },
  nginx: nginxFigures,
  bareNode: bareFigures,
  bareNodeRatio: Math.round((bareFigures.requestsPerSecond / nginxFigures.requestsPerSecond) * 1000) / 1000,
  pages,
  nginxRatio,
  target: TARGET,
  targetMet,
};
const row = (name: string, f: WrkFigures) => [name, f.requestsPerSecond, f.latencyMs.p50, f.latencyMs.p99, f.bytesPerResponse, f.badStatus + f.socketErrors];
await recordResults(
  'pages',
  figures,
  [
    `wrk (${tool}); ${APP_PROCESSES} app process on the embedded PostgreSQL; nginx ${nginxVersion()} with ${APP_PROCESSES} worker serving the app's exact bytes and headers of \`${THEME}\`.`,
    `On \`${THEME}\`: ${rounds}; ${placement}.`,
    '',
    `**app/nginx on \`${THEME}\`: ${(nginxRatio * 100).toFixed(1)} %** (target ≥ ${TARGET.ratio * 100} % with p99 < ${TARGET.p99Ms} ms: ${targetMet ? 'met' : 'not met'}).`,
    `Per round, app/nginx: ${roundRatios.map((r) => `${(r * 100).toFixed(1)} %`).join(', ')}; requests/s nginx ${nginxFigures.rounds.join(', ')}, app ${(pages[THEME] as ReturnType<typeof combine>).rounds.join(', ')}, bare node:http ${bareFigures.rounds.join(', ')}.`,
    `For reference, a bare node:http process sending the same bytes from memory (no framework, no logging) reaches ${(bareRatio * 100).toFixed(1)} % of nginx; the app reaches ${((theme.requestsPerSecond / bareFigures.requestsPerSecond) * 100).toFixed(1)} % of it.`,
    '',
    '| server | page | requests/s | p50 ms | p99 ms | bytes/response | errors |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    `| nginx | \`${THEME}\` | ${row('', nginxFigures).slice(1).join(' | ')} |`,
    `| bare node:http (reference) | \`${THEME}\` | ${row('', bareFigures).slice(1).join(' | ')} |`,
    ...Object.entries(pages).map(([path, f]) => `| app | \`${path}\` | ${row('', f).slice(1).join(' | ')} |`),
  ].join('\n'),
);
console.log(JSON.stringify(figures));
if (errors) {
  console.error(`${errors} failed requests (status ≥ 400 or socket errors)`);
  process.exit(1);
}
