// npm run bench:pages — requests/s and p99 latency for three pages, autocannon, 10 s, 50 connections.
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { startAppProcess } from './server.ts';

const PATHS = ['/', '/themas/hechting', '/zoeken?q=hechting'];
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;

const app = await startAppProcess(Number(process.env.BENCH_PORT ?? 3210));
const figures: Record<string, { requestsPerSecond: number; p99Ms: number; bytesPerRequest: number; errors: number; non2xx: number }> = {};
try {
  for (const path of PATHS) {
    // Warm up: first renders, compression cache, JIT.
    await autocannon({ url: app.base + path, connections: 10, duration: 2, headers: { 'accept-encoding': 'br, gzip' } });
    const r = await autocannon({ url: app.base + path, connections: CONNECTIONS, duration: DURATION, headers: { 'accept-encoding': 'br, gzip' } });
    figures[path] = {
      requestsPerSecond: Math.round(r.requests.average),
      p99Ms: r.latency.p99,
      bytesPerRequest: Math.round(r.throughput.average / Math.max(1, r.requests.average)),
      errors: r.errors + r.timeouts,
      non2xx: r.non2xx,
    };
    console.log(
      `${path.padEnd(22)} ${String(figures[path].requestsPerSecond).padStart(7)} req/s   p99 ${String(r.latency.p99).padStart(4)} ms   ${figures[path].bytesPerRequest} B/resp   errors ${figures[path].errors}   non-2xx ${r.non2xx}`,
    );
  }
} finally {
  await app.stop();
}
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}, ${DURATION} s, ${CONNECTIONS} connections, one app process (PGlite)`,
);
console.log(JSON.stringify({ date: new Date().toISOString(), durationSeconds: DURATION, connections: CONNECTIONS, pages: figures }));
