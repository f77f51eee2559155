import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { Hono } from 'hono';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import type { AppEnv, Deps } from '../src/context.ts';
import { requestLog } from '../src/http/middleware.ts';

/** A pino logger like createLogger's, writing into memory. */
function memoryLogger(level = 'info') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { log: pino({ level, base: { app: 'hechtwerk' }, timestamp: pino.stdTimeFunctions.isoTime }, stream), lines };
}

describe('request log line', () => {
  it('logs a 503 with Retry-After (declined for a moment) as a warning, every other 5xx as an error', async () => {
    const { log, lines } = memoryLogger();
    const app = new Hono<AppEnv>();
    app.use(async (c, next) => {
      c.set('deps', { log, config: loadConfig({}) } as unknown as Deps);
      await next();
    });
    app.use(requestLog);
    app.get('/druk', (c) => c.text('druk', 503, { 'Retry-After': '2' }));
    app.get('/stuk', (c) => c.text('stuk', 503));
    app.get('/fout', (c) => c.text('fout', 500, { 'Retry-After': '2' }));
    app.get('/goed', (c) => c.text('goed'));
    for (const path of ['/druk', '/stuk', '/fout', '/goed']) await app.request(path);
    await new Promise((r) => setImmediate(r));
    const levels = lines.map((l) => JSON.parse(l) as { level: number; path: string; msg: string }).map((l) => [l.path, l.level, l.msg]);
    expect(levels).toEqual([
      ['/druk', 40, 'request declined for now'],
      ['/stuk', 50, 'request failed'],
      ['/fout', 50, 'request failed'],
      ['/goed', 30, 'request'],
    ]);
  });

  it('writes nothing for a plain request when the level is above info', async () => {
    const { log, lines } = memoryLogger('warn');
    const app = new Hono<AppEnv>();
    app.use(async (c, next) => {
      c.set('deps', { log, config: loadConfig({}) } as unknown as Deps);
      await next();
    });
    app.use(requestLog);
    app.get('/goed', (c) => c.text('goed'));
    expect((await app.request('/goed')).status).toBe(200);
    await new Promise((r) => setImmediate(r));
    expect(lines).toEqual([]);
  });
});

describe('request id', () => {
  /** The id each request was logged under and sent back with, for this X-Request-Id header. */
  async function idFor(trustProxy: string, sent?: string) {
    const { log, lines } = memoryLogger();
    const app = new Hono<AppEnv>();
    app.use(async (c, next) => {
      c.set('deps', { log, config: loadConfig({ TRUST_PROXY: trustProxy }) } as unknown as Deps);
      await next();
    });
    app.use(requestLog);
    app.get('/goed', (c) => c.text('goed'));
    const res = await app.request('/goed', { headers: sent === undefined ? {} : { 'X-Request-Id': sent } });
    await new Promise((r) => setImmediate(r));
    const logged = (JSON.parse(lines[0] ?? '{}') as { reqId?: string }).reqId;
    expect(res.headers.get('X-Request-Id')).toBe(logged);
    return logged;
  }
  const nginxId = '0123456789abcdef0123456789abcdef';

  it("behind a trusted proxy takes nginx's $request_id, so both logs name a request alike", async () => {
    expect(await idFor('1', nginxId)).toBe(nginxId);
    expect(await idFor('2', nginxId)).toBe(nginxId);
  });

  it('makes its own id without a trusted proxy, and for anything that is not such an id', async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    // Without a proxy of our own the header is the client's: never taken.
    expect(await idFor('0', nginxId)).toMatch(uuid);
    for (const sent of ['', 'abc', `${nginxId}0`, nginxId.toUpperCase(), `${nginxId.slice(0, 31)}\n`, 'x'.repeat(32), '"} ,{"level":60'])
      expect(await idFor('1', sent), JSON.stringify(sent)).toMatch(uuid);
    expect(await idFor('1')).toMatch(uuid);
  });
});

describe('createLogger (what `npm start` logs through)', () => {
  const run = (exit: string) => {
    // 100 short lines: about 4 KB, so some wait in the destination's buffer until the end.
    const script = `
      import { createLogger } from './src/boot.ts';
      const log = createLogger({ LOG_LEVEL: 'info' });
      for (let n = 0; n < 100; n++) log.info({ n }, 'regel');
      ${exit}`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
    expect(child.stderr).toBe('');
    return child.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: number; app: string; time: string; n: number; msg: string });
  };
  const all = Array.from({ length: 100 }, (_, n) => n);

  it('writes JSON lines through pino’s asynchronous destination; flushed as on shutdown, every line arrives in order', () => {
    // What src/server.ts does on SIGTERM before it exits.
    const lines = run('log.flush(() => process.exit(0));');
    expect(lines.map((l) => l.n)).toEqual(all);
    expect(lines[0]).toMatchObject({ level: 30, app: 'hechtwerk', msg: 'regel' });
    expect(Number.isNaN(Date.parse(lines[0]?.time ?? ''))).toBe(false);
  });

  it('loses no line when the process exits without flushing (pino flushes its destination at exit)', () => {
    // Order is not promised here: a write in flight and the flush at exit may land either way round.
    const lines = run('process.exit(0);');
    expect(lines.map((l) => l.n).sort((a, b) => a - b)).toEqual(all);
  });
});
