// The production nginx configuration (docs/nginx/hechtwerk.conf) in front of the app: TLS with a
// certificate made here, the micro-cache, its bypass, and the long-cached assets.
import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { getRequestListener } from '@hono/node-server';
import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_FILE, hasNginx, httpsGet, type RunningNginx, SERVER_NAME, startDeployedNginx } from '../bench/nginx.ts';
import { themes } from '../src/db/schema.ts';
import { close, createTestApp, csrfFrom, listen, loginAs } from './helpers.ts';

const available = hasNginx();
if (!available && process.env.REQUIRE_NGINX === '1') throw new Error('REQUIRE_NGINX=1 but nginx is not installed (apt-get install nginx)');
if (!available) console.warn('\n*** SKIPPED: test/nginx.test.ts needs nginx (apt-get install nginx) ***\n');

/** A port nobody listens on just now. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe.skipIf(!available)('nginx with docs/nginx/hechtwerk.conf in front of the app', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let server: Server;
  let nginx: RunningNginx;
  let httpsPort: number;
  let httpPort: number;
  const get = (path: string, init: Parameters<typeof httpsGet>[3] = {}) => httpsGet(httpsPort, nginx.cert, path, init);
  /** Whether the app itself answered this response (its request id is in the app's log). */
  const fromApp = (res: { headers: Record<string, unknown> }) => t.logs.some((l) => l.includes(`"reqId":"${String(res.headers['x-request-id'])}"`));

  beforeAll(async () => {
    t = await createTestApp('pglite', { env: { BASE_URL: `https://${SERVER_NAME}`, TRUST_PROXY: 'true' } });
    server = createServer(getRequestListener(t.app.fetch));
    const appPort = await listen(server);
    httpsPort = await freePort();
    httpPort = await freePort();
    nginx = await startDeployedNginx({ appPort, httpsPort, httpPort });
  });
  afterAll(async () => {
    await nginx?.stop();
    if (server) await close(server);
    await t?.close();
  });

  it('is the configuration docs/deploy.md shows', () => {
    const deploy = readFileSync(new URL('../docs/deploy.md', import.meta.url), 'utf8');
    // The block sits in a numbered list, indented by three spaces.
    const shown = /\n {3}```nginx\n([\s\S]*?)\n {3}```/.exec(deploy)?.[1]?.replace(/^ {3}/gm, '');
    expect(shown).toBe(readFileSync(CONFIG_FILE, 'utf8').trim());
  });

  it('sends plain HTTP to HTTPS', async () => {
    const res = await new Promise<{ status: number; location?: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: httpPort, path: '/themas?x=1', headers: { Host: SERVER_NAME } }, (r) => {
        r.resume();
        resolve({ status: r.statusCode ?? 0, location: r.headers.location });
      });
      req.on('error', reject);
      req.end();
    });
    expect(res).toEqual({ status: 301, location: `https://${SERVER_NAME}/themas?x=1` });
  });

  it('answers a public page from its cache, and never a request with a cookie or credentials', async () => {
    const path = '/themas/hechting';
    // Ask until nginx answers from its cache (a page is kept one second; a slow machine may need more tries).
    let hit: Awaited<ReturnType<typeof get>> | undefined;
    for (let i = 0; i < 50 && !hit; i++) {
      const res = await get(path);
      expect(res.status).toBe(200);
      if (res.headers['x-cache-status'] === 'HIT') hit = res;
    }
    expect(hit, 'a HIT within 50 requests').toBeDefined();

    const editor = await loginAs(t.app, t.deps.database, 'redacteur');
    const session = [...editor.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const variants: Record<string, string>[] = [{ Cookie: session }, { Cookie: 'iets=anders' }, { Authorization: 'Basic eDp5' }];
    for (const headers of variants) {
      for (let i = 0; i < 2; i++) {
        const res = await get(path, { headers });
        expect(res.status).toBe(200);
        expect(res.headers['x-cache-status'], JSON.stringify(headers)).toBe('BYPASS');
        expect(fromApp(res), JSON.stringify(headers)).toBe(true);
      }
    }
  });

  it('gives each reader a compression it accepts, keeping one copy per compression rather than per Accept-Encoding header', async () => {
    const path = '/themas/kindermishandeling';
    const plain = (await get(path)).body.toString('utf8');
    expect(plain).toContain('<html');
    const cases: [string, string | undefined][] = [
      ['br', 'br'],
      ['gzip, deflate, br, zstd', 'br'],
      ['BR;q=0.5, gzip', 'br'],
      ['gzip', 'gzip'],
      ['br;q=0, gzip', 'gzip'],
      ['br; q=0.000, gzip;q=1.0', 'gzip'],
      ['deflate', undefined],
      ['br;q=0, gzip;q=0', undefined],
    ];
    for (const [accept, expected] of cases) {
      const res = await get(path, { headers: { 'Accept-Encoding': accept } });
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding'], accept).toBe(expected);
      expect(res.headers.vary, accept).toBe('Accept-Encoding');
      const body = expected === 'br' ? brotliDecompressSync(res.body) : expected === 'gzip' ? gunzipSync(res.body) : res.body;
      expect(body.toString('utf8'), accept).toBe(plain);
    }
    // A browser that words its header differently gets the copy another browser's request left:
    // ask with one wording until it is a hit, then with another. A MISS would be a copy per wording;
    // if the second passed in between (the copy is kept one second), the second wording finds it
    // expired, and the pair is asked again.
    const other: string[] = [];
    for (let i = 0; i < 50 && !other.includes('HIT'); i++) {
      const first = await get(path, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
      if (first.headers['x-cache-status'] !== 'HIT') continue;
      const second = await get(path, { headers: { 'Accept-Encoding': 'br, gzip' } });
      other.push(String(second.headers['x-cache-status']));
    }
    expect(other).not.toContain('MISS');
    expect(other).toContain('HIT');
  });

  it('gives every response an id of its own, nginx’s, which the app logs when it answers', async () => {
    const path = '/themas/kindermishandeling';
    const seen: { id: string; status: string; fromApp: boolean }[] = [];
    // Until two answers came from nginx's cache: each must carry a new id, not the stored one.
    for (let i = 0; i < 60 && seen.filter((s) => s.status === 'HIT').length < 2; i++) {
      const res = await get(path);
      expect(res.status).toBe(200);
      seen.push({ id: String(res.headers['x-request-id']), status: String(res.headers['x-cache-status']), fromApp: fromApp(res) });
    }
    expect(seen.filter((s) => s.status === 'HIT').length, JSON.stringify(seen)).toBe(2);
    expect(new Set(seen.map((s) => s.id)).size, JSON.stringify(seen)).toBe(seen.length);
    for (const s of seen) {
      // nginx's $request_id, sent on to the app as X-Request-Id.
      expect(s.id).toMatch(/^[0-9a-f]{32}$/);
      // An answer from the cache (a hit, or the page of the second before while it is fetched anew) never
      // reached the app under its id; a miss did, and the app logged it under nginx's id.
      expect(s.fromApp, JSON.stringify(s)).toBe(!['HIT', 'STALE', 'UPDATING'].includes(s.status));
    }
    // A client cannot choose the id: nginx replaces it before the app sees it.
    const chosen = 'f'.repeat(32);
    const res = await get('/beheer/inloggen', { headers: { 'X-Request-Id': chosen } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers['x-request-id']).not.toBe(chosen);
    expect(fromApp(res)).toBe(true);
  });

  it('passes every POST through to the app', async () => {
    const form = await get('/beheer/inloggen');
    expect(form.status).toBe(200);
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const res = await get('/beheer/inloggen', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: `https://${SERVER_NAME}` },
        body: new URLSearchParams({ _csrf: 'geen', email: 'niemand@hechtwerk.example', password: 'fout' }).toString(),
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.headers['x-cache-status']).not.toBe('HIT');
      expect(fromApp(res)).toBe(true);
      ids.add(String(res.headers['x-request-id']));
    }
    expect(ids.size).toBe(3);
    const posts = t.logs.filter((l) => l.includes('"method":"POST"') && l.includes('"path":"/beheer/inloggen"'));
    expect(posts.length).toBeGreaterThanOrEqual(3);
  });

  it('makes a change made in /beheer public within about a second', async () => {
    const db = t.deps.database.db;
    const [first, second] = await db.select().from(themes).orderBy(asc(themes.position)).limit(2);
    const order = (html: string) => html.indexOf(`>${first?.title}<`) < html.indexOf(`>${second?.title}<`);
    // The list is in nginx's cache, first theme first.
    for (let i = 0; i < 50; i++) if ((await get('/themas')).headers['x-cache-status'] === 'HIT') break;
    expect(order((await get('/themas')).body.toString('utf8'))).toBe(true);

    // An editor moves the first theme down, through nginx, as in the browser.
    const editor = await loginAs(t.app, t.deps.database, 'redacteur');
    const cookie = [...editor.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const list = await get('/beheer/themas', { headers: { Cookie: cookie } });
    expect(list.status).toBe(200);
    const moved = await get(`/beheer/themas/${first?.id}/omlaag`, {
      method: 'POST',
      headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', Origin: `https://${SERVER_NAME}` },
      body: new URLSearchParams({ _csrf: csrfFrom(list.body.toString('utf8')) }).toString(),
    });
    expect(moved.status).toBe(303);
    const changedAt = Date.now();

    // Readers see the new order once the cached list is a second old (give or take a request that
    // gets the page of the second before while nginx fetches the new one).
    let seenAfter: number | undefined;
    while (seenAfter === undefined && Date.now() - changedAt < 10_000) {
      const res = await get('/themas');
      if (res.status === 200 && !order(res.body.toString('utf8'))) seenAfter = Date.now() - changedAt;
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(seenAfter, 'public within 10 s').toBeDefined();
    // About a second: the cache's one second, plus the time a busy machine takes to render the list.
    expect(seenAfter as number).toBeLessThan(5_000);
    // Once seen, never the older page again: not from a cache file nginx still holds open, through
    // the renewals of the next two seconds.
    const seenAt = Date.now();
    const statuses = new Set<string>();
    while (Date.now() - seenAt < 2_200) {
      const res = await get('/themas');
      statuses.add(String(res.headers['x-cache-status']));
      expect(order(res.body.toString('utf8')), 'the older order again').toBe(false);
    }
    expect(statuses).toContain('HIT');
  });

  it('serves the CSS and scripts with a long cache, from nginx’s cache after the first request', async () => {
    const page = (await get('/')).body.toString('utf8');
    const assets = [...page.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      await get(asset);
      const res = await get(asset);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers['x-cache-status'], asset).toBe('HIT');
    }
  });
});
