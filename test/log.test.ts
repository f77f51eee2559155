import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { logRequestLine } from '../src/http/middleware.ts';

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

  it('writes nothing when the level is above info', async () => {
    const { log, lines } = memoryLogger('warn');
    logRequestLine(log, 'id', 'GET', '/', 200, 1);
    await new Promise((r) => setImmediate(r));
    expect(lines).toEqual([]);
  });
});
