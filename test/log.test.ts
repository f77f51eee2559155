import { Writable } from 'node:stream';
import { Hono } from 'hono';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { AppEnv, Deps } from '../src/context.ts';
import { logRequestLine, requestLineMiddle, requestLineZeroTail, requestLog } from '../src/http/middleware.ts';
import { isoTimestamp, LineSink } from '../src/log-sink.ts';

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
  it('is the same JSON line pino writes for log.info(fields, "request"), also for odd paths', async () => {
    for (const path of ['/themas/hechting', '/zoeken', '/a"b\\c/\u2028', '/ünïcode/😀']) {
      const { log, lines } = memoryLogger();
      const fields = { reqId: '7f0c6a4e-1c5d-4a8e-9a59-1b2f3c4d5e6f', method: 'GET', path, status: 200, ms: 3 };
      log.info(fields, 'request');
      logRequestLine(log, fields.reqId, fields.method, fields.path, fields.status, fields.ms);
      await new Promise((r) => setImmediate(r));
      expect(lines).toHaveLength(2);
      const [viaPino, direct] = lines.map((l) => JSON.parse(l as string) as Record<string, unknown>);
      expect(typeof direct?.time).toBe('string');
      expect({ ...direct, time: 'x' }).toEqual({ ...viaPino, time: 'x' });
      expect(Object.keys(direct ?? {})).toEqual(Object.keys(viaPino ?? {}));
    }
  });

  it('is the same line through the LineSink (written in parts), with or without the line end made beforehand', () => {
    for (const path of ['/themas/hechting', '/a"b\\c/\u2028', '/ünïcode/😀']) {
      for (const ms of [0, 3, 1234]) {
        const chunks: Buffer[] = [];
        // The lines are gathered in the buffer (written in parts), then handed over by flush().
        const sink = new LineSink({ write: (c) => chunks.push(c) }, 4096);
        const log = pino({ level: 'info', base: { app: 'hechtwerk' }, timestamp: isoTimestamp }, sink);
        const fields = { reqId: '7f0c6a4e-1c5d-4a8e-9a59-1b2f3c4d5e6f', method: 'GET', path, status: 200, ms };
        log.info(fields, 'request');
        logRequestLine(log, fields.reqId, fields.method, fields.path, fields.status, fields.ms);
        const middle = requestLineMiddle(fields.method, fields.path, fields.status);
        logRequestLine(log, fields.reqId, fields.method, fields.path, fields.status, fields.ms, middle, requestLineZeroTail(middle));
        expect(chunks, 'nothing handed over before flush()').toHaveLength(0);
        sink.flush();
        const lines = Buffer.concat(chunks).toString('utf8').split('\n').filter(Boolean);
        expect(lines, `${path} ${ms} ms`).toHaveLength(3);
        const [viaPino, ...direct] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
        for (const d of direct) {
          expect({ ...d, time: 'x' }).toEqual({ ...viaPino, time: 'x' });
          expect(Object.keys(d)).toEqual(Object.keys(viaPino ?? {}));
        }
      }
    }
  });

  it('logs a 503 with Retry-After (declined for a moment) as a warning, every other 5xx as an error', async () => {
    const { log, lines } = memoryLogger();
    const app = new Hono<AppEnv>();
    app.use(async (c, next) => {
      c.set('deps', { log } as unknown as Deps);
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

  it('writes nothing when the level is above info', async () => {
    const { log, lines } = memoryLogger('warn');
    logRequestLine(log, 'id', 'GET', '/', 200, 1);
    await new Promise((r) => setImmediate(r));
    expect(lines).toEqual([]);
  });
});

describe('LineSink (the buffer in front of stdout)', () => {
  const output = () => {
    const chunks: Buffer[] = [];
    return { chunks, text: () => Buffer.concat(chunks).toString('utf8'), out: { write: (b: Buffer) => chunks.push(b), flushSync: vi.fn() } };
  };
  const info = (n: number) => `{"level":30,"msg":"regel ${n} – ü 😀"}\n`;

  it('gathers lines up to the threshold, then hands them over together, in order and whole', () => {
    const o = output();
    const sink = new LineSink(o.out, 256);
    const lines = Array.from({ length: 40 }, (_, i) => info(i));
    for (const line of lines.slice(0, 3)) sink.write(line);
    expect(o.chunks).toHaveLength(0);
    for (const line of lines.slice(3)) sink.write(line);
    expect(o.chunks.length).toBeGreaterThan(1);
    expect(o.chunks.length).toBeLessThan(lines.length / 3);
    sink.flush();
    expect(o.text()).toBe(lines.join(''));
  });

  it('writes an error or fatal line at once, with what came before it', () => {
    for (const level of [50, 60]) {
      const o = output();
      const sink = new LineSink(o.out, 4096);
      sink.write(info(1));
      sink.write(`{"level":40,"msg":"let op"}\n`);
      expect(o.chunks).toHaveLength(0);
      sink.write(`{"level":${level},"msg":"mis"}\n`);
      expect(o.text()).toBe(`${info(1)}{"level":40,"msg":"let op"}\n{"level":${level},"msg":"mis"}\n`);
    }
  });

  it('passes a line longer than its buffer through whole, after what was gathered', () => {
    const o = output();
    const sink = new LineSink(o.out, 64);
    const long = `{"level":30,"msg":"${'é'.repeat(1000)}"}\n`;
    sink.write(info(1));
    sink.write(long);
    sink.write(info(2));
    sink.flushSync();
    expect(o.text()).toBe(info(1) + long + info(2));
    expect(o.out.flushSync).toHaveBeenCalled();
  });

  it('hands over copies: what the output keeps does not change when the buffer is reused', () => {
    const o = output();
    const sink = new LineSink(o.out, 64);
    sink.write(info(1));
    sink.flush();
    const first = Buffer.from(o.chunks[0] as Buffer);
    sink.write(info(2));
    sink.flush();
    expect((o.chunks[0] as Buffer).equals(first)).toBe(true);
  });

  it('is what createLogger writes through: pino lines and request lines arrive whole and in order', async () => {
    const o = output();
    const sink = new LineSink(o.out, 4096);
    const log = pino({ level: 'info', base: { app: 'hechtwerk' }, timestamp: isoTimestamp }, sink);
    log.info({ n: 1 }, 'eerst');
    logRequestLine(log, 'id-1', 'GET', '/themas/hechting', 200, 1);
    log.error({ n: 3 }, 'fout');
    const lines = o
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.msg)).toEqual(['eerst', 'request', 'fout']);
    expect(typeof lines[0]?.time).toBe('string');
    expect(Number.isNaN(Date.parse(String(lines[1]?.time)))).toBe(false);
  });
});
