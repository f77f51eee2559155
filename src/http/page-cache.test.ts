import { sql } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs } from '../../test/helpers.ts';
import type { AppEnv } from '../context.ts';
import { pageCache } from './page-cache.ts';

const TITLE = '<h1 class="utrecht-heading-1">Hechting</h1>';

describe('rendered-page cache (src/http/page-cache.ts)', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp('pglite');
  });
  afterAll(() => t.close());

  /** A small app behind the cache that counts what it renders; pages of `size` bytes. */
  function counted(maxBytes: number, size = 2000, now?: () => Date) {
    const stats = { hits: 0, stored: 0 };
    const rendered: string[] = [];
    const app = new Hono<AppEnv>();
    app.use('*', pageCache(t.deps.contentVersion, { maxBytes, stats, ...(now ? { now } : {}) }));
    const html = (c: Context<AppEnv>) => {
      rendered.push(new URL(c.req.url).pathname + new URL(c.req.url).search);
      return c.html(`<p>${'x'.repeat(size)}</p>`);
    };
    app.get('/pagina/:n', html);
    app.post('/pagina/:n', html);
    app.get('/zoeken', html);
    app.get('/trainingen', html);
    app.get('/beheer', html);
    // A page that says how long it may be kept (search results with a training's free seats: 1 s).
    app.get('/vers', (c) => {
      rendered.push('/vers');
      return c.html('<p>plekken vrij</p>', 200, { 'Cache-Control': c.req.query('cc') ?? '' });
    });
    app.get('/prive', (c) => {
      rendered.push('/prive');
      return c.html('<p>alleen voor jou</p>', 200, { 'Cache-Control': 'private' });
    });
    return { app, stats, rendered };
  }

  it('never answers a request with a cookie or credentials from the cache, and keeps nothing from one', async () => {
    const db = t.deps.database.db;
    expect(await (await t.app.request('/themas/hechting')).text()).toContain(TITLE);
    // Changed without a new content version: the cache keeps answering the old page to readers…
    await db.execute(sql`update themes set title = 'Hechting (alleen in de database)' where slug = 'hechting'`);
    try {
      expect(await (await t.app.request('/themas/hechting')).text()).toContain(TITLE);
      // …but every request with a cookie or credentials is rendered anew.
      const editor = await loginAs(t.app, t.deps.database, 'redacteur');
      const session = [...editor.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const variants: Record<string, string>[] = [{ Cookie: session }, { Cookie: 'iets=anders' }, { Authorization: 'Basic eDp5' }];
      for (const headers of variants) {
        const html = await (await t.app.request('/themas/hechting', { headers })).text();
        expect(html, JSON.stringify(headers)).toContain('Hechting (alleen in de database)');
      }
      // What was rendered for them was not kept for others.
      expect(await (await t.app.request('/themas/hechting')).text()).toContain(TITLE);
    } finally {
      await db.execute(sql`update themes set title = 'Hechting' where slug = 'hechting'`);
    }
  });

  it('answers a hit with the page as the app made it for that encoding: the same bytes and headers, its own request id, 304 on a matching ETag', async () => {
    const path = `/themas/hechting?cache-test=${Date.now()}`;
    const headersOf = (res: Response) => {
      const h = Object.fromEntries(res.headers);
      delete h['x-request-id'];
      delete h.date;
      return h;
    };
    for (const encoding of ['br', 'gzip', undefined]) {
      const headers: Record<string, string> = encoding ? { 'Accept-Encoding': encoding } : {};
      // The doorkeeper keeps a URL with a query string from its second request on: the third is a hit.
      const made = await t.app.request(path, { headers });
      await t.app.request(path, { headers });
      // Changed without a new content version: only a page from the cache still has the old title.
      await t.deps.database.db.execute(sql`update themes set title = 'Hechting (alleen in de database)' where slug = 'hechting'`);
      let hit: Response;
      try {
        hit = await t.app.request(path, { headers });
      } finally {
        await t.deps.database.db.execute(sql`update themes set title = 'Hechting' where slug = 'hechting'`);
      }
      expect(hit.status).toBe(200);
      expect(hit.headers.get('Content-Encoding'), String(encoding)).toBe(encoding ?? null);
      expect(headersOf(hit)).toEqual(headersOf(made));
      expect(headersOf(hit)['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(Buffer.from(await hit.arrayBuffer()).equals(Buffer.from(await made.arrayBuffer()))).toBe(true);
      expect(hit.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(hit.headers.get('X-Request-Id')).not.toBe(made.headers.get('X-Request-Id'));
      const etag = made.headers.get('ETag') as string;
      const fresh = await t.app.request(path, { headers: { ...headers, 'If-None-Match': etag } });
      expect(fresh.status).toBe(304);
      expect(fresh.headers.get('ETag')).toBe(etag);
      expect(fresh.headers.get('Content-Length')).toBeNull();
      expect(fresh.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(await fresh.text()).toBe('');
    }
  });

  it('answers only GET and HEAD of public pages from the cache: not other methods, the editors’ area, trainings or private pages', async () => {
    const { app, stats, rendered } = counted(1024 * 1024);
    for (const path of ['/pagina/1', '/trainingen', '/beheer', '/prive']) {
      for (let i = 0; i < 2; i++) expect((await app.request(path)).status).toBe(200);
    }
    expect((await app.request('/pagina/1', { method: 'HEAD' })).status).toBe(200);
    expect((await app.request('/pagina/1', { method: 'POST' })).status).toBe(200);
    // Only /pagina/1 is kept: its second GET and its HEAD come from the cache.
    expect(stats.hits).toBe(2);
    expect(rendered).toEqual(['/pagina/1', '/trainingen', '/trainingen', '/beheer', '/beheer', '/prive', '/prive', '/pagina/1']);
  });

  it('keeps at most its bytes, forgetting the least recently used page first; 0 turns it off', async () => {
    // Room for two pages of about 10 KB (with their headers), not three.
    const { app, stats, rendered } = counted(25_000, 10_000);
    for (const p of ['/pagina/1', '/pagina/2', '/pagina/1', '/pagina/3']) await app.request(p);
    expect(stats.stored).toBe(3);
    // /pagina/2 was the least recently used when /pagina/3 came in.
    rendered.length = 0;
    for (const p of ['/pagina/1', '/pagina/3', '/pagina/2']) await app.request(p);
    expect(rendered).toEqual(['/pagina/2']);

    const off = counted(0);
    for (let i = 0; i < 3; i++) await off.app.request('/pagina/1');
    expect(off.stats).toEqual({ hits: 0, stored: 0 });
    // A page larger than the whole cache is not kept (and pushes nothing out).
    const small = counted(5_000, 10_000);
    await small.app.request('/pagina/1');
    expect(small.stats.stored).toBe(0);
  });

  it('keeps a URL with a query string from its second request on, so one-off searches push no page out', async () => {
    const { app, stats, rendered } = counted(25_000, 10_000);
    for (const p of ['/pagina/1', '/pagina/2']) await app.request(p);
    for (let i = 0; i < 40; i++) await app.request(`/zoeken?q=${encodeURIComponent(`eenmalig ${i}`)}`);
    expect(stats.stored).toBe(2);
    rendered.length = 0;
    for (const p of ['/pagina/1', '/pagina/2']) await app.request(p);
    expect(rendered).toEqual([]);
    // Asked a second time, a search is kept; the third time it comes from the cache.
    for (let i = 0; i < 3; i++) await app.request('/zoeken?q=hechting');
    expect(rendered).toEqual(['/zoeken?q=hechting', '/zoeken?q=hechting']);
  });

  it('keeps a page that names its own max-age no longer than that, by the app clock and the monotonic clock; max-age=0 not at all', async () => {
    let ms = Date.now();
    const { app, stats, rendered } = counted(1024 * 1024, 100, () => new Date(ms));
    const view = async (cc: string) => (await app.request(`/vers?cc=${encodeURIComponent(cc)}`)).status;
    for (let i = 0; i < 3; i++) expect(await view('public, max-age=0')).toBe(200);
    expect(stats).toEqual({ hits: 0, stored: 0 });

    // Kept from its second view on (a query string), answered from the cache within its second.
    for (let i = 0; i < 3; i++) await view('public, max-age=1');
    expect(stats).toEqual({ hits: 1, stored: 1 });
    ms += 999;
    await view('public, max-age=1');
    expect(stats.hits).toBe(2);
    // A second after it was made: made anew (and kept again).
    ms += 1;
    await view('public, max-age=1');
    expect(stats).toEqual({ hits: 2, stored: 2 });
    // A clock set back does not keep a page longer.
    ms -= 5000;
    await view('public, max-age=1');
    expect(stats).toEqual({ hits: 2, stored: 3 });
    // For shared caches s-maxage comes before max-age.
    ms += 10_000;
    for (let i = 0; i < 2; i++) await view('public, max-age=600, s-maxage=1');
    ms += 1000;
    await view('public, max-age=600, s-maxage=1');
    expect(stats).toEqual({ hits: 2, stored: 5 });
    expect(rendered.filter((r) => r === '/vers')).toHaveLength(10);
  });
});
