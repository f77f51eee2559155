import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { close, createTestApp, listen } from '../../test/helpers.ts';
import type { AppEnv } from '../context.ts';
import { pageCache } from './page-cache.ts';

/**
 * Security review, finding 6: the never-cache list must be decided on the path the router
 * matches, not on the bytes of the request line. The old fast path checked the undecoded path, so
 * /%74rainingen/… was kept and served a stale seat count.
 */
describe('page cache decides on the normalised path', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp('pglite');
  });
  afterAll(() => t.close());

  it('a percent-encoded spelling of /trainingen or /beheer is never answered from the cache', async () => {
    const stats = { hits: 0, stored: 0 };
    let n = 0;
    const app = new Hono<AppEnv>();
    app.use('*', pageCache(t.deps.contentVersion, { maxBytes: 1024 * 1024, stats }));
    const counter = (c: Context<AppEnv>) => c.html(`<p>vrije plaatsen: ${++n}</p>`);
    app.get('/trainingen/:slug', counter);
    app.get('/beheer', counter);
    app.get('/themas/:slug', counter);
    for (const path of ['/%74rainingen/hechting', '/trainingen/%68echting', '/%74%72ainingen/hechting', '/%62eheer']) {
      const seen = new Set<string>();
      for (let i = 0; i < 3; i++) {
        const res = await app.request(path);
        expect(res.status, path).toBe(200);
        seen.add(await res.text());
      }
      expect(seen.size, `${path} rendered anew each time`).toBe(3);
    }
    expect(stats).toEqual({ hits: 0, stored: 0 });
    // The same cache does keep a public page, so the test can tell the difference.
    const texts = new Set<string>();
    for (let i = 0; i < 3; i++) texts.add(await (await app.request('/%74hemas/hechting')).text());
    expect(texts.size).toBe(1);
    expect(stats.hits).toBeGreaterThan(0);
  });

  it('through a real server, /%74rainingen/… shows the seat count of now, not a remembered one', async () => {
    const server = createServer(getRequestListener(t.app.fetch));
    const base = `http://127.0.0.1:${await listen(server)}`;
    const db = t.deps.database.db;
    try {
      const list = await (await fetch(`${base}/trainingen`)).text();
      const session = /href="(\/trainingen\/[a-z0-9-]+\/\d+)"/.exec(list)?.[1] as string;
      expect(session).toBeDefined();
      const id = Number(session.split('/').at(-1));
      const encoded = session.replace('/trainingen/', '/%74rainingen/');
      const capacity = async () => /van de (\d+) plekken vrij/.exec(await (await fetch(base + encoded)).text())?.[1];
      const before = await capacity();
      expect(before).toBeDefined();
      await capacity();
      // A change in the database that bumps no content version: only a page rendered now shows it.
      await db.execute(sql`update training_sessions set capacity = capacity + 7 where id = ${id}`);
      try {
        expect(await capacity()).toBe(String(Number(before) + 7));
      } finally {
        await db.execute(sql`update training_sessions set capacity = capacity - 7 where id = ${id}`);
      }
    } finally {
      await close(server);
    }
  });
});
