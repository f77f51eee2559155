import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { themes } from '../src/db/schema.ts';
import { createRequestListener } from '../src/http/fast-path.ts';
import { bumpContentVersion, isPageCacheable } from '../src/http/page-cache.ts';
import { type Backend, backends, close, createTestApp, listen, loginAs } from './helpers.ts';
import { PUBLIC_PAGES } from './pages.ts';

interface Raw {
  status: number;
  /** Every response header except the ones that differ per request or connection. */
  headers: Record<string, string | string[]>;
  reqId: string;
  body: Buffer;
}

const PER_REQUEST = new Set(['date', 'x-request-id', 'connection', 'keep-alive']);

/** One request over a fresh connection, with the bytes exactly as sent (fetch would decompress them). */
function raw(port: number, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(res.headers)) if (!PER_REQUEST.has(k) && v !== undefined) headers[k] = v;
        resolve({ status: res.statusCode ?? 0, headers, reqId: String(res.headers['x-request-id'] ?? ''), body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** One GET written by hand, for header lines http.request would not send as they are. */
function rawLines(port: number, path: string, lines: string[]): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.end(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${lines.join('\r\n')}\r\nConnection: close\r\n\r\n`),
    );
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      const [statusLine, ...headerLines] = all.subarray(0, split).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const i = line.indexOf(':');
        const name = line.slice(0, i).toLowerCase();
        if (!PER_REQUEST.has(name)) headers[name] = line.slice(i + 1).trim();
      }
      resolve({ status: Number(statusLine?.split(' ')[1]), headers, reqId: '', body: all.subarray(split + 4) });
    });
  });
}

function decoded(r: Raw): string {
  const enc = r.headers['content-encoding'];
  return (enc === 'br' ? brotliDecompressSync(r.body) : enc === 'gzip' ? gunzipSync(r.body) : r.body).toString('utf8');
}

const ENCODINGS: (string | undefined)[] = ['br', 'gzip', 'gzip, deflate, br, zstd', 'br;q=0, gzip', undefined];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe.each(backends())('fast path on %s', (kind: Backend) => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let fast: ReturnType<typeof createRequestListener>;
  let fastServer: Server;
  let honoServer: Server;
  let fastPort: number;
  let honoPort: number;

  beforeAll(async () => {
    t = await createTestApp(kind);
    fast = createRequestListener(t.app, t.deps);
    fastServer = createServer(fast.listener);
    // With the front door, as `npm start` runs it: plain requests are answered there, the others by Node's HTTP server.
    fast.attach(fastServer);
    // The same app without the fast path: what every request got before it existed.
    honoServer = createServer(createRequestListener(t.app, t.deps, { enabled: false }).listener);
    fastPort = await listen(fastServer);
    honoPort = await listen(honoServer);
  });
  afterAll(async () => {
    await close(fastServer);
    await close(honoServer);
    await t.close();
  });

  /**
   * The request through both servers: the fast server until it has learnt the page (once; a URL
   * with a query string twice, see the Doorkeeper), then once more to answer it; Hono once.
   */
  async function both(path: string, init: { method?: string; headers?: Record<string, string> } = {}) {
    await raw(fastPort, path, init);
    if (path.includes('?')) await raw(fastPort, path, init);
    // The fast path only answers while this instance's view of the content version is fresh (1 s):
    // read it anew, so the next request finds it fresh however slow the machine is.
    t.deps.contentVersion.invalidate();
    await t.deps.contentVersion.current();
    const hitsBefore = fast.stats.hits;
    const frontDoorBefore = fast.stats.frontDoor;
    const viaFast = await raw(fastPort, path, init);
    const servedFast = fast.stats.hits > hitsBefore;
    const atFrontDoor = fast.stats.frontDoor > frontDoorBefore;
    const viaHono = await raw(honoPort, path, init);
    return { viaFast, viaHono, servedFast, atFrontDoor };
  }

  it.each(PUBLIC_PAGES)('%s: same status, headers and bytes from memory as from Hono, for every encoding, GET and HEAD', async (path) => {
    // What the page cache keeps, the fast path answers: not its skipped paths, nor pages marked no-store.
    const noStore = /no-store|private/.test(String((await raw(honoPort, path)).headers['cache-control'] ?? ''));
    const cacheable = isPageCacheable(new URL(path, 'http://x').pathname) && !noStore;
    for (const method of ['GET', 'HEAD']) {
      for (const encoding of ENCODINGS) {
        const headers: Record<string, string> = encoding ? { 'Accept-Encoding': encoding } : {};
        const { viaFast, viaHono, servedFast, atFrontDoor } = await both(path, { method, headers });
        const label = `${method} ${path} accept-encoding=${encoding ?? '(none)'}`;
        // A plain request (as http.request sends it) is answered by the front door, not Node's HTTP server.
        expect(atFrontDoor, label).toBe(servedFast);
        expect(viaFast.status, label).toBe(200);
        expect(viaFast.headers, label).toEqual(viaHono.headers);
        expect(viaFast.body.equals(viaHono.body), label).toBe(true);
        expect(servedFast, label).toBe(cacheable);
        expect(viaFast.reqId, label).toMatch(UUID);
        expect(viaFast.reqId).not.toBe(viaHono.reqId);
        if (method === 'HEAD') expect(viaFast.body.length).toBe(0);
        else expect(Number(viaFast.headers['content-length'])).toBe(viaFast.body.length);
        if (servedFast) {
          // The same log line the request log writes, with this request's id.
          const line = t.logs.map((l) => JSON.parse(l)).find((l) => l.reqId === viaFast.reqId);
          expect(line, label).toMatchObject({ msg: 'request', method, path: new URL(path, 'http://x').pathname, status: 200 });
        }
      }
    }
    // The negotiated encodings really are what they say.
    const br = await raw(fastPort, path, { headers: { 'Accept-Encoding': 'br' } });
    const gzip = await raw(fastPort, path, { headers: { 'Accept-Encoding': 'br;q=0, gzip' } });
    const plain = await raw(fastPort, path);
    expect(br.headers['content-encoding']).toBe('br');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(decoded(br)).toBe(plain.body.toString('utf8'));
    expect(decoded(gzip)).toBe(plain.body.toString('utf8'));
  });

  it('answers If-None-Match with the same 304 as Hono, and a stale or wrong tag with the page', async () => {
    const path = '/themas/kindermishandeling';
    const first = await raw(fastPort, path, { headers: { 'Accept-Encoding': 'br' } });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    for (const inm of [etag, `W/${etag}`, `"ouder", ${etag}`]) {
      for (const method of ['GET', 'HEAD']) {
        const { viaFast, viaHono, servedFast } = await both(path, { method, headers: { 'Accept-Encoding': 'br', 'If-None-Match': inm } });
        expect(viaFast.status).toBe(304);
        expect(viaFast.headers).toEqual(viaHono.headers);
        expect(viaFast.body.length).toBe(0);
        expect(servedFast).toBe(true);
      }
    }
    const { viaFast, viaHono, servedFast } = await both(path, { headers: { 'Accept-Encoding': 'br', 'If-None-Match': '"ouder"' } });
    expect(viaFast.status).toBe(200);
    expect(viaFast.headers).toEqual(viaHono.headers);
    expect(viaFast.body.equals(first.body)).toBe(true);
    expect(servedFast).toBe(true);
  });

  it('while the database cannot be reached: cached pages of the last version are still served, from memory and by Hono; others get 503', async () => {
    const path = '/themas/kindermishandeling';
    const br = { 'Accept-Encoding': 'br' };
    const good = await both(path, { headers: br });
    expect(good.servedFast).toBe(true);
    const version = t.deps.contentVersion as unknown as { db: unknown };
    const realDb = version.db;
    // Reads of the content version now fail, as they do while the server is away.
    const failing = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    version.db = { select: () => ({ from: () => ({ where: failing }) }) };
    try {
      t.deps.contentVersion.invalidate();
      // Never read since invalidate(): nothing is known, so nothing stale is served (a 503).
      const unknown = await raw(honoPort, path, { headers: br });
      expect(unknown.status).toBe(503);
      expect(t.deps.contentVersion.lastKnown()).toBeUndefined();
    } finally {
      version.db = realDb;
    }
    // Read once more while the database is there, then lose it again.
    await t.deps.contentVersion.current();
    await both(path, { headers: br });
    version.db = { select: () => ({ from: () => ({ where: failing }) }) };
    try {
      await new Promise((r) => setTimeout(r, 1100)); // the version is no longer fresh: a re-read fails
      await expect(t.deps.contentVersion.current()).rejects.toThrow('ECONNREFUSED');
      expect(t.deps.contentVersion.lastKnown()).toBeTypeOf('number');
      const hits = fast.stats.hits;
      const fromMemory = await raw(fastPort, path, { headers: br });
      expect(fromMemory.status).toBe(200);
      expect(fast.stats.hits).toBe(hits + 1);
      expect(fromMemory.body.equals(good.viaFast.body)).toBe(true);
      const fromHono = await raw(honoPort, path, { headers: br });
      expect(fromHono.status).toBe(200);
      expect(fromHono.body.equals(good.viaHono.body)).toBe(true);
      // A page not cached: 503 with Retry-After (the fault test covers a real outage, with trainings and writes).
      const other = await raw(honoPort, '/themas/complexe-echtscheidingen?nooit=gezien', { headers: br });
      expect(other.status).toBe(503);
      expect(other.headers['retry-after']).toMatch(/^\d+$/);
    } finally {
      version.db = realDb;
    }
    await t.deps.contentVersion.current();
    expect(t.deps.contentVersion.lastKnown()).toBeUndefined();
  });

  it('serves a fresh page once content changes: at once on this instance, within a second on others', async () => {
    const path = '/themas/hechting';
    const before = decoded(await raw(fastPort, path, { headers: { 'Accept-Encoding': 'br' } }));
    const again = await both(path, { headers: { 'Accept-Encoding': 'br' } });
    expect(again.servedFast).toBe(true);
    const db = t.deps.database.db;
    const [theme] = await db.select().from(themes).where(eq(themes.slug, 'hechting'));
    expect(before).toContain(`<h1`);
    expect(before).toContain(theme?.title as string);

    // A change made on this instance: the writer invalidates its own view after committing.
    await db.transaction(async (tx) => {
      await tx.update(themes).set({ title: 'Hechting, opnieuw bekeken' }).where(eq(themes.slug, 'hechting'));
      await bumpContentVersion(tx);
    });
    t.deps.contentVersion.invalidate();
    // Another request may read the new version first: the page kept under the old one is not served.
    await t.deps.contentVersion.current();
    const hits = fast.stats.hits;
    const after = await raw(fastPort, path, { headers: { 'Accept-Encoding': 'br' } });
    expect(fast.stats.hits).toBe(hits);
    expect(decoded(after)).toContain('Hechting, opnieuw bekeken');
    expect(after.headers.etag).not.toBe(again.viaFast.headers.etag);
    const { viaFast, viaHono, servedFast } = await both(path, { headers: { 'Accept-Encoding': 'br' } });
    expect(servedFast).toBe(true);
    expect(viaFast.body.equals(viaHono.body)).toBe(true);
    expect(decoded(viaFast)).toContain('Hechting, opnieuw bekeken');

    // A change made by another instance (no invalidate() here): seen once the version is re-read.
    await db.transaction(async (tx) => {
      await tx
        .update(themes)
        .set({ title: theme?.title as string })
        .where(eq(themes.slug, 'hechting'));
      await bumpContentVersion(tx);
    });
    await new Promise((r) => setTimeout(r, 1100));
    const restored = await both(path, { headers: { 'Accept-Encoding': 'br' } });
    expect(decoded(restored.viaFast)).not.toContain('Hechting, opnieuw bekeken');
    expect(decoded(restored.viaFast)).toContain(theme?.title as string);
    expect(restored.viaFast.body.equals(restored.viaHono.body)).toBe(true);
  });

  it('keeps at most its limit of responses and bytes, forgetting the oldest first', async () => {
    const pages = ['/themas/hechting', '/themas/kansrijke-start', '/themas/kindermishandeling'];
    const sizes = await Promise.all(pages.map(async (p) => (await raw(honoPort, p)).body.length));
    // Room for the two newest pages (with their headers, under 2 KB each) and not for the first.
    const maxBytes = (sizes[1] as number) + (sizes[2] as number) + 4000;
    expect(maxBytes).toBeLessThan((sizes[0] as number) + (sizes[1] as number) + (sizes[2] as number));
    for (const options of [{ limit: 2 }, { maxBytes }]) {
      const small = createRequestListener(t.app, t.deps, options);
      const server = createServer(small.listener);
      small.attach(server);
      const port = await listen(server);
      try {
        for (const p of pages) await raw(port, p);
        t.deps.contentVersion.invalidate();
        await t.deps.contentVersion.current();
        const served: boolean[] = [];
        // Newest first: a miss learns its page again and pushes the next oldest out.
        for (const p of [...pages].reverse()) {
          const before = small.stats.hits;
          await raw(port, p);
          served.push(small.stats.hits > before);
        }
        expect(served, JSON.stringify(options)).toEqual([true, true, false]);
      } finally {
        await close(server);
      }
    }
  });

  it('keeps a URL with a query string from its second request on; one-off query strings push no page out', async () => {
    const small = createRequestListener(t.app, t.deps, { limit: 2 });
    const server = createServer(small.listener);
    small.attach(server);
    const port = await listen(server);
    const fresh = async () => {
      t.deps.contentVersion.invalidate();
      await t.deps.contentVersion.current();
    };
    const servedFromMemory = async (path: string) => {
      const before = small.stats.hits;
      expect((await raw(port, path)).status).toBe(200);
      return small.stats.hits > before;
    };
    try {
      for (const p of ['/themas/hechting', '/themas/kansrijke-start']) await raw(port, p);
      const stored = small.stats.stored;
      // Forty searches asked once each (as a crawler or a stream of different readers would): none is
      // kept, so the two pages are not pushed out (the limit is two).
      for (let i = 0; i < 40; i++) await raw(port, `/zoeken?q=${encodeURIComponent(`eenmalig ${i}`)}`);
      await raw(port, '/themas/hechting?utm_source=nieuwsbrief');
      expect(small.stats.stored).toBe(stored);
      await fresh();
      expect(await servedFromMemory('/themas/hechting')).toBe(true);
      expect(await servedFromMemory('/themas/kansrijke-start')).toBe(true);
      // Asked again, a search is kept and then answered from memory.
      const q = '/zoeken?q=hechting';
      expect(await servedFromMemory(q)).toBe(false);
      expect(small.stats.stored).toBe(stored);
      expect(await servedFromMemory(q)).toBe(false);
      expect(small.stats.stored).toBe(stored + 1);
      await fresh();
      expect(await servedFromMemory(q)).toBe(true);
    } finally {
      await close(server);
    }
  });

  it('reads repeated and oddly cased headers as Hono does: the first Host, Accept-Encoding and If-None-Match joined', async () => {
    const path = '/themas/hechting';
    await both(path, { headers: { 'Accept-Encoding': 'br' } });
    const page = await raw(honoPort, path, { headers: { 'Accept-Encoding': 'br' } });
    const etag = String(page.headers.etag);
    const cases: [string, string[]][] = [
      ['two Accept-Encoding lines', ['Accept-Encoding: identity', 'ACCEPT-ENCODING: br']],
      ['gzip refused in the second line', ['accept-encoding: gzip', 'Accept-Encoding: gzip;q=0']],
      ['If-None-Match in two lines', ['Accept-Encoding: br', 'If-None-Match: "ouder"', `if-none-match: ${etag}`]],
      ['a second Host', ['Accept-Encoding: br', 'Host: elders.example']],
    ];
    for (const [label, lines] of cases) {
      const viaHono = await rawLines(honoPort, path, lines);
      t.deps.contentVersion.invalidate();
      await t.deps.contentVersion.current();
      await rawLines(fastPort, path, lines);
      const hits = fast.stats.hits;
      const viaFast = await rawLines(fastPort, path, lines);
      expect(viaFast.status, label).toBe(viaHono.status);
      expect(viaFast.headers, label).toEqual(viaHono.headers);
      expect(viaFast.body.equals(viaHono.body), label).toBe(true);
      // Each of these is a page the fast path may answer: it must have, with Hono's answer.
      expect(fast.stats.hits, label).toBe(hits + 1);
    }
  });

  it('never answers requests with a cookie or credentials, other methods, the editors’ area, trainings or errors from memory', async () => {
    const path = '/themas/hechting';
    const br = { 'Accept-Encoding': 'br' };
    await both(path, { headers: br });
    const editor = await loginAs(t.app, t.deps.database, 'redacteur');
    const cookie = [...editor.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const hits = fast.stats.hits;
    const cases: [string, { method?: string; headers?: Record<string, string>; body?: string }][] = [
      [path, { headers: { ...br, Cookie: cookie } }],
      [path, { headers: { ...br, Cookie: 'iets=anders' } }],
      [path, { headers: { ...br, Authorization: 'Basic eDp5' } }],
      [path, { headers: { ...br, COOKIE: 'iets=anders' } }],
      [path, { headers: { ...br, 'Content-Length': '3' }, body: 'a=b' }],
      [path, { method: 'POST', headers: { ...br, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a=b' }],
      ['/zoeken?q=hechting', { method: 'POST', headers: br }],
      ['/beheer', { headers: { ...br, Cookie: cookie } }],
      ['/beheer/inloggen', { headers: br }],
      ['/trainingen', { headers: br }],
      ['/trainingen/hechting-voor-professionals/1', { headers: br }],
      ['/api/v1/themes', { headers: br }],
      ['/bestaat-niet', { headers: br }],
      ['/feed.xml', { headers: br }],
      ['/healthz', { headers: br }],
    ];
    for (const [p, init] of cases) {
      const a = await raw(fastPort, p, init);
      const b = await raw(fastPort, p, init);
      const h = await raw(honoPort, p, init);
      expect(fast.stats.hits, `${init.method ?? 'GET'} ${p}`).toBe(hits);
      expect(b.status, p).toBe(h.status);
      expect(a.status, p).toBe(h.status);
    }
    // The editor sees the editors' area, the anonymous reader does not get it from memory.
    const asEditor = await raw(fastPort, '/beheer', { headers: { Cookie: cookie } });
    expect(asEditor.status).toBe(200);
    const anonymous = await raw(fastPort, '/beheer');
    expect(anonymous.status).not.toBe(200);
    expect(anonymous.headers['set-cookie']).toBeUndefined();
  });
});
