// Start-up with the database not there yet: the app listens, says 503 on /readyz and pages, logs
// why with back-off, and serves as soon as the database answers, without a restart.
import { createConnection, createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../src/db/embedded.ts';
import { startApp, until } from './app-process.ts';
import { createTestDatabase, tempDataDir } from './helpers.ts';

describe('start-up while the database is down', () => {
  it('retries with back-off and a clear log line, /readyz 503 meanwhile, then serves', async () => {
    const t = await createTestDatabase('embedded');
    const target = new URL(t.url as string);
    // DATABASE_URL points at a port where nothing listens yet; later a relay to the real server opens there.
    const port = await freePort();
    const url = new URL(target);
    url.port = String(port);
    const appPort = await freePort();
    const base = `http://127.0.0.1:${appPort}`;
    const app = startApp(tempDataDir('hw-startup-'), { DATABASE_URL: url.toString(), LOG_LEVEL: 'info', PORT: String(appPort) });
    const sockets = new Set<Socket>();
    const relay = createServer((client) => {
      const upstream = createConnection(Number(target.port), target.hostname);
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
    try {
      await until(
        'two failed attempts in the log',
        () => (app.output().match(/database niet bereikbaar \(ECONNREFUSED\); nieuwe poging over \d+ s/g) ?? []).length >= 2,
        60_000,
      );
      // Listening meanwhile: alive, not ready; pages say so in Dutch.
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const readyz = await fetch(`${base}/readyz`);
      expect(readyz.status).toBe(503);
      expect(readyz.headers.get('Retry-After')).toMatch(/^\d+$/);
      const page = await fetch(`${base}/themas/hechting`);
      expect(page.status).toBe(503);
      expect(await page.text()).toContain('Hechtwerk start op');
      // No stack trace.
      expect(app.output()).not.toMatch(/\n\s+at /);
      expect(app.child.exitCode).toBeNull();
      await new Promise<void>((r) => relay.listen(port, '127.0.0.1', r));
      expect(await app.ready).toBe(base);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      expect((await fetch(`${base}/themas/hechting`)).status).toBe(200);
    } finally {
      await app.stop();
      for (const s of sockets) s.destroy();
      await new Promise((r) => relay.close(r));
      await t.dispose();
    }
  }, 120_000);
});
