import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends, createTestDatabase, type TestDatabase } from '../../test/helpers.ts';
import { loadConfig } from '../config.ts';
import type { Database } from '../db/client.ts';
import { sources } from '../db/schema.ts';
import {
  acquireLease,
  checkSources,
  checkUrl,
  isPrivateAddress,
  publicOnlyLookup,
  type Resolver,
  recordOutcome,
  releaseLease,
  runExclusive,
  runningUntil,
  userAgentFor,
} from './linkcheck.ts';

/** A loopback web server with one route per kind of answer; it records every request and how many were in flight at once. */
async function startSite() {
  const seen: { method: string; path: string; userAgent: string }[] = [];
  const headers: IncomingMessage['headers'][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    '/ok': (_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<p>ok</p>'),
    '/moved': (_req, res) => res.writeHead(301, { Location: '/ok' }).end(),
    '/found': (_req, res) => res.writeHead(302, { Location: `${site.base}/nieuw-adres?x=1` }).end(),
    '/nieuw-adres': (_req, res) => res.writeHead(200).end('nieuw'),
    '/gone': (_req, res) => res.writeHead(404).end('weg'),
    '/removed': (_req, res) => res.writeHead(410).end(),
    '/error': (_req, res) => res.writeHead(500).end(),
    '/head-405': (req, res) => res.writeHead(req.method === 'HEAD' ? 405 : 200, { Allow: 'GET' }).end(req.method === 'HEAD' ? undefined : 'x'.repeat(100_000)),
    '/loop': (_req, res) => res.writeHead(302, { Location: '/loop' }).end(),
    '/to-gone': (_req, res) => res.writeHead(308, { Location: '/gone' }).end(),
    '/no-location': (_req, res) => res.writeHead(302).end(),
    '/with-password': (_req, res) => res.writeHead(302, { Location: `${site.base.replace('//', '//geheim:wachtwoord@')}/ok` }).end(),
    // http → https and a trailing slash are the same page once normalised: not worth an editor's time.
    '/slash': (_req, res) => res.writeHead(301, { Location: '/slash/' }).end(),
    '/slash/': (_req, res) => res.writeHead(200).end(),
    '/hang': () => {},
  };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    seen.push({ method: req.method ?? '', path, userAgent: req.headers['user-agent'] ?? '' });
    headers.push(req.headers);
    if (path.startsWith('/slow/')) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(200).end();
      }, 80);
      return;
    }
    const route = routes[path];
    if (route) route(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const site = {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    headers,
    get maxInFlight() {
      return maxInFlight;
    },
    reset() {
      seen.length = 0;
      headers.length = 0;
      maxInFlight = 0;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return site;
}

let site: Awaited<ReturnType<typeof startSite>>;
beforeAll(async () => {
  site = await startSite();
});
afterAll(() => site.stop());

const loopback = { timeoutMs: 2000, allowPrivateHosts: true, userAgent: userAgentFor('https://hechtwerk.example') };

describe('checkUrl against a loopback server', () => {
  it('200 is ok, with a clear User-Agent and only a HEAD request', async () => {
    site.reset();
    expect(await checkUrl(`${site.base}/ok`, loopback)).toEqual({ result: 'ok', status: 200, redirectTo: null, error: null });
    expect(site.seen).toEqual([{ method: 'HEAD', path: '/ok', userAgent: 'Hechtwerk-linkcontrole/1.0 (+https://hechtwerk.example)' }]);
  });

  it('301 is a redirect with the absolute Location as redirectTo; 302 to an absolute address keeps its query', async () => {
    expect(await checkUrl(`${site.base}/moved`, loopback)).toEqual({ result: 'redirect', status: 301, redirectTo: `${site.base}/ok`, error: null });
    expect(await checkUrl(`${site.base}/found`, loopback)).toEqual({
      result: 'redirect',
      status: 302,
      redirectTo: `${site.base}/nieuw-adres?x=1`,
      error: null,
    });
  });

  it('404, 410 and 500 are broken with their status', async () => {
    expect(await checkUrl(`${site.base}/gone`, loopback)).toEqual({ result: 'broken', status: 404, redirectTo: null, error: null });
    expect(await checkUrl(`${site.base}/removed`, loopback)).toMatchObject({ result: 'broken', status: 410 });
    site.reset();
    expect(await checkUrl(`${site.base}/error`, loopback)).toMatchObject({ result: 'broken', status: 500 });
    // A server error on HEAD is asked again with GET before we call the link broken.
    expect(site.seen.map((s) => s.method)).toEqual(['HEAD', 'GET']);
  });

  it('HEAD answered with 405 is tried again with GET, which decides (and whose body is not downloaded)', async () => {
    site.reset();
    expect(await checkUrl(`${site.base}/head-405`, loopback)).toEqual({ result: 'ok', status: 200, redirectTo: null, error: null });
    expect(site.seen.map((s) => `${s.method} ${s.path}`)).toEqual(['HEAD /head-405', 'GET /head-405']);
  });

  it('a route that never answers ends as unreachable after timeoutMs (≈300 ms), with a Dutch message', async () => {
    const started = performance.now();
    const outcome = await checkUrl(`${site.base}/hang`, { ...loopback, timeoutMs: 300 });
    const took = performance.now() - started;
    expect(outcome).toEqual({ result: 'unreachable', status: null, redirectTo: null, error: 'Geen antwoord binnen 0,3 seconden.' });
    expect(took).toBeGreaterThanOrEqual(280);
    // Well short of a hang; how much past 300 ms a busy machine answers is not the point.
    expect(took).toBeLessThan(30_000);
  });

  it('a closed port, a name that does not exist and a malformed address each get their own Dutch message', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await checkUrl(`http://127.0.0.1:${port}/`, loopback)).toEqual({
      result: 'unreachable',
      status: null,
      redirectTo: null,
      error: 'De server weigert de verbinding.',
    });
    // .invalid never resolves (RFC 2606), here or anywhere.
    expect(await checkUrl('https://bestaat-niet.invalid/', loopback)).toMatchObject({ result: 'unreachable', error: 'De servernaam is niet gevonden.' });
    expect(await checkUrl('geen adres', loopback)).toMatchObject({ result: 'broken', error: 'Dit is geen geldig webadres.' });
    expect(await checkUrl('ftp://example.org/', loopback)).toMatchObject({ result: 'broken', error: 'Dit is geen geldig webadres.' });
  });

  it('follows a chain to its end: a loop is broken after 5 hops, a redirect to a 404 is broken, a trailing-slash redirect is ok', async () => {
    site.reset();
    expect(await checkUrl(`${site.base}/loop`, loopback)).toEqual({
      result: 'broken',
      status: 302,
      redirectTo: `${site.base}/loop`,
      error: 'Meer dan 5 doorverwijzingen achter elkaar.',
    });
    expect(site.seen.filter((s) => s.path === '/loop').length).toBe(6);
    expect(await checkUrl(`${site.base}/to-gone`, loopback)).toEqual({
      result: 'broken',
      status: 404,
      redirectTo: `${site.base}/gone`,
      error: 'De doorverwijzing leidt naar een pagina die niet werkt (404).',
    });
    expect(await checkUrl(`${site.base}/no-location`, loopback)).toMatchObject({
      result: 'broken',
      status: 302,
      error: 'De site verwijst door, maar zegt niet waarheen.',
    });
    expect(await checkUrl(`${site.base}/slash`, loopback)).toEqual({ result: 'ok', status: 200, redirectTo: null, error: null });
  });

  it('asks like a browser (Accept, Accept-Language, Accept-Encoding) and never passes on a name and password from a redirect', async () => {
    site.reset();
    expect(await checkUrl(`${site.base}/with-password`, loopback)).toMatchObject({ result: 'redirect', status: 302 });
    expect(site.seen.map((r) => r.path)).toEqual(['/with-password', '/ok']);
    for (const h of site.headers) {
      expect(h['accept-language']).toBe('nl,en;q=0.8,*;q=0.5');
      expect(h['accept-encoding']).toBe('gzip, deflate, br');
      expect(h.authorization).toBeUndefined();
    }
  });

  it('refuses loopback and private hosts unless allowPrivateHosts is set: no request reaches them', async () => {
    site.reset();
    const port = new URL(site.base).port;
    const refused = { result: 'unreachable', status: null, redirectTo: null, error: 'Dit adres wijst naar een intern netwerk. Dat controleren we niet.' };
    for (const url of [
      `${site.base}/ok`,
      `http://localhost:${port}/ok`,
      `http://[::1]:${port}/ok`,
      `http://[::ffff:127.0.0.1]:${port}/ok`,
      'http://10.1.2.3/',
      'http://169.254.169.254/latest/meta-data/',
    ])
      expect(await checkUrl(url, { timeoutMs: 2000 }), url).toEqual(refused);
    expect(site.seen).toEqual([]);
    // The same address with the option set is checked as usual.
    expect((await checkUrl(`http://localhost:${port}/ok`, loopback)).result).toBe('ok');
  });

  it('refuses a name that resolves to a public address first and to an internal one when connecting (DNS rebinding)', async () => {
    site.reset();
    const port = new URL(site.base).port;
    const answers: string[] = [];
    // A hostile DNS server: a documentation (public) address for the first question, loopback after.
    const rebinding: Resolver = (hostname, callback) => {
      const address = answers.length === 0 ? '93.184.216.7' : '127.0.0.1';
      answers.push(`${hostname} ${address}`);
      queueMicrotask(() => callback(null, [{ address, family: 4 }]));
    };
    expect(await checkUrl(`http://herbind.example:${port}/ok`, { timeoutMs: 2000, resolve: rebinding })).toEqual({
      result: 'unreachable',
      status: null,
      redirectTo: null,
      error: 'Dit adres wijst naar een intern netwerk. Dat controleren we niet.',
    });
    // Asked twice: once before sending (public then), once by the connection itself (internal now).
    expect(answers).toEqual(['herbind.example 93.184.216.7', 'herbind.example 127.0.0.1']);
    expect(site.seen).toEqual([]);
  });

  it('the connection lookup passes public addresses on in the form the socket asks for, and refuses mixed answers', async () => {
    const answer =
      (...addresses: [string, number][]): Resolver =>
      (_host, callback) =>
        callback(
          null,
          addresses.map(([address, family]) => ({ address, family })),
        );
    const ask = (resolve: Resolver, options: { all?: boolean; family?: number }) =>
      new Promise<unknown>((done) =>
        publicOnlyLookup(resolve)('x.example', options as never, (err, address, family) => done(err ? err.message : { address, family })),
      );
    const both = answer(['93.184.216.7', 4], ['2a00:1450:4001::7', 6]);
    expect(await ask(both, {})).toEqual({ address: '93.184.216.7', family: 4 });
    expect(await ask(both, { family: 6 })).toEqual({ address: '2a00:1450:4001::7', family: 6 });
    expect(await ask(both, { all: true })).toEqual({
      address: [
        { address: '93.184.216.7', family: 4 },
        { address: '2a00:1450:4001::7', family: 6 },
      ],
      family: undefined,
    });
    const internal = 'Dit adres wijst naar een intern netwerk. Dat controleren we niet.';
    expect(await ask(answer(['93.184.216.7', 4], ['10.0.0.8', 4]), {})).toBe(internal);
    expect(await ask(answer(['::ffff:127.0.0.1', 6]), { all: true })).toBe(internal);
    expect(await ask(answer(), {})).toBe('no address for x.example');
    expect(await ask(answer(['93.184.216.7', 4]), { family: 6 })).toBe('no address for x.example');
  });

  it('a name without any address is "not found", not "internal"', async () => {
    const nothing: Resolver = (_host, callback) => callback(null, []);
    expect(await checkUrl('http://leeg.example/', { timeoutMs: 2000, resolve: nothing })).toMatchObject({
      result: 'unreachable',
      error: 'De servernaam is niet gevonden.',
    });
  });

  it('judges IPv6 forms that embed an IPv4 address on the address inside (NAT64, 6to4, mapped, compatible, Teredo)', () => {
    for (const ip of [
      '64:ff9b::7f00:1', // NAT64 of 127.0.0.1
      '64:ff9b::a9fe:a9fe', // NAT64 of 169.254.169.254 (cloud metadata)
      '64:ff9b::10.0.0.1',
      '64:ff9b:1::a00:1', // local-use NAT64
      '2002:7f00:1::1', // 6to4 of 127.0.0.1
      '2002:c0a8:101::', // 6to4 of 192.168.1.1
      '::7f00:1', // IPv4-compatible 127.0.0.1
      '::10.0.0.1',
      '::ffff:0:7f00:1', // SIIT
      '::ffff:127.0.0.1',
      '[::ffff:a9fe:a9fe]',
      '2001:0:4136:e378:8000:63bf:80ff:fffe', // Teredo
      '2001:db8::1', // documentation
      'fec0::1', // site-local
      '100::1', // discard
      '0177.0.0.1',
      'geen-adres',
    ])
      expect(isPrivateAddress(ip), ip).toBe(true);
    for (const ip of ['64:ff9b::808:808', '2002:808:808::1', '::ffff:93.184.216.34', '2606:4700:4700::1111']) expect(isPrivateAddress(ip), ip).toBe(false);
  });

  it('knows which addresses are not public', () => {
    for (const ip of [
      '127.0.0.1',
      '127.255.0.9',
      '10.0.0.1',
      '172.16.5.4',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd12:3456::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:a00:1',
    ])
      expect(isPrivateAddress(ip), ip).toBe(true);
    for (const ip of ['93.184.216.34', '172.32.0.1', '8.8.8.8', '2a00:1450:4001::1', '::ffff:8.8.8.8']) expect(isPrivateAddress(ip), ip).toBe(false);
  });
});

describe.each(backends())('checkSources on %s', (kind: Backend) => {
  let t: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    database = t.database;
    await database.migrate();
  });
  afterAll(() => t.dispose());
  const db = () => database.db;

  const add = async (paths: string[]) => {
    const rows = await db()
      .insert(sources)
      .values(paths.map((p, i) => ({ url: `${site.base}${p}${p.includes('?') ? '&' : '?'}n=${Math.random()}`, title: `Bron ${i}`, organisation: 'Test' })))
      .returning();
    return rows;
  };
  const byIds = async (ids: number[]) => db().select().from(sources).where(inArray(sources.id, ids)).orderBy(sources.id);

  it('with concurrency 3 and 12 URLs at most 3 requests are in flight, and all 12 are recorded; updated_at does not move', async () => {
    const rows = await add(Array.from({ length: 12 }, (_, i) => `/slow/${i}`));
    site.reset();
    const at = new Date('2026-12-01T02:30:00Z');
    const summary = await checkSources(db(), { ...loopback, concurrency: 3, ids: rows.map((r) => r.id), now: () => at });
    expect(summary).toEqual({ checked: 12, ok: 12, redirect: 0, broken: 0, unreachable: 0 });
    expect(site.maxInFlight).toBe(3);
    expect(site.seen.length).toBe(12);
    const after = await byIds(rows.map((r) => r.id));
    for (const [i, r] of after.entries()) {
      expect(r).toMatchObject({ checkedAt: at, checkStatus: 200, checkResult: 'ok', redirectTo: null, checkError: null });
      // A check is not an edit: the editors' version stays.
      expect(r.updatedAt).toEqual(rows[i]?.updatedAt);
    }
  });

  it('records every kind of answer: ok, redirect with target, broken with status, unreachable with message', async () => {
    const rows = await add(['/ok', '/moved', '/gone', '/hang']);
    const summary = await checkSources(db(), { ...loopback, timeoutMs: 300, concurrency: 4, ids: rows.map((r) => r.id) });
    expect(summary).toEqual({ checked: 4, ok: 1, redirect: 1, broken: 1, unreachable: 1 });
    const [ok, moved, gone, hang] = await byIds(rows.map((r) => r.id));
    expect(ok).toMatchObject({ checkResult: 'ok', checkStatus: 200 });
    expect(moved).toMatchObject({ checkResult: 'redirect', checkStatus: 301, redirectTo: `${site.base}/ok` });
    expect(gone).toMatchObject({ checkResult: 'broken', checkStatus: 404, redirectTo: null });
    expect(hang).toMatchObject({ checkResult: 'unreachable', checkStatus: null, checkError: 'Geen antwoord binnen 0,3 seconden.' });
    for (const r of [ok, moved, gone, hang]) expect(r?.checkedAt).toBeInstanceOf(Date);
  });

  it('without allowPrivateHosts a loopback URL is recorded as unreachable with the reason, and never requested', async () => {
    const [row] = await add(['/ok']);
    site.reset();
    await checkSources(db(), { timeoutMs: 1000, concurrency: 2, ids: [row?.id as number] });
    expect(site.seen).toEqual([]);
    expect((await byIds([row?.id as number]))[0]).toMatchObject({
      checkResult: 'unreachable',
      checkError: 'Dit adres wijst naar een intern netwerk. Dat controleren we niet.',
    });
  });

  it('picks what to check: never checked, or checked before a moment; the oldest first', async () => {
    await db().delete(sources);
    const [fresh, old, never] = await add(['/ok', '/ok', '/ok']);
    await db()
      .update(sources)
      .set({ checkedAt: new Date('2026-12-01T10:00:00Z'), checkResult: 'ok' })
      .where(eq(sources.id, fresh?.id as number));
    await db()
      .update(sources)
      .set({ checkedAt: new Date('2026-11-01T10:00:00Z'), checkResult: 'broken' })
      .where(eq(sources.id, old?.id as number));
    const at = new Date('2026-12-02T03:30:00Z');
    expect((await checkSources(db(), { ...loopback, concurrency: 1, neverChecked: true, now: () => at })).checked).toBe(1);
    expect((await byIds([never?.id as number]))[0]?.checkedAt).toEqual(at);
    expect((await checkSources(db(), { ...loopback, concurrency: 1, olderThan: new Date('2026-11-15T00:00:00Z'), now: () => at })).checked).toBe(1);
    expect((await byIds([old?.id as number]))[0]).toMatchObject({ checkedAt: at, checkResult: 'ok' });
    expect((await byIds([fresh?.id as number]))[0]?.checkedAt).toEqual(new Date('2026-12-01T10:00:00Z'));
    // A deadline in the past starts nothing.
    expect((await checkSources(db(), { ...loopback, concurrency: 2, deadline: Date.now() - 1 })).checked).toBe(0);
  });

  it('a result for a URL the editor has changed in the meantime is not recorded', async () => {
    const [row] = await add(['/ok']);
    await recordOutcome(
      db(),
      row?.id as number,
      'https://een-ander-adres.example/',
      { result: 'broken', status: 404, redirectTo: null, error: null },
      new Date(),
    );
    expect((await byIds([row?.id as number]))[0]).toMatchObject({ checkedAt: null, checkResult: null });
  });

  it('one run at a time across instances: the lease is taken once, expires, and is released after a run', async () => {
    const other = await t.open();
    const now = new Date('2026-12-02T03:30:00Z');
    const [a, b] = await Promise.all([acquireLease(db(), now, 60_000), acquireLease(other.db, now, 60_000)]);
    expect([a, b].filter(Boolean).length).toBe(1);
    expect(await runningUntil(db(), now)).toEqual(new Date(now.getTime() + 60_000));
    // Busy: a scheduled run on either instance skips.
    expect(await runExclusive(other.db, { ...loopback, concurrency: 1, maxDurationMs: 1000, now: () => now })).toBeNull();
    // A holder that crashed: its lease expires and another instance takes over.
    const later = new Date(now.getTime() + 61_000);
    expect(await runningUntil(db(), later)).toBeNull();
    const c = await acquireLease(other.db, later, 60_000);
    expect(c).not.toBeNull();
    await releaseLease(other.db, c as string);
    // Releasing someone else's (old) lease does nothing harmful; a run takes and frees the lease.
    await releaseLease(db(), (a ?? b) as string);
    await db().delete(sources);
    const [row] = await add(['/ok']);
    expect(await runExclusive(db(), { ...loopback, concurrency: 1, maxDurationMs: 1000, now: () => later })).toMatchObject({ checked: 1 });
    expect((await byIds([row?.id as number]))[0]?.checkResult).toBe('ok');
    expect(await runningUntil(db(), later)).toBeNull();
  });
});

describe('link checker configuration', () => {
  it('has sane defaults and refuses bad values naming the variable', () => {
    expect(loadConfig({})).toMatchObject({ LINKCHECK_TIMEOUT_MS: 10_000, LINKCHECK_CONCURRENCY: 4, LINKCHECK_ALLOW_PRIVATE: false });
    expect(loadConfig({ LINKCHECK_TIMEOUT_MS: '2500', LINKCHECK_CONCURRENCY: '8', LINKCHECK_ALLOW_PRIVATE: 'true' })).toMatchObject({
      LINKCHECK_TIMEOUT_MS: 2500,
      LINKCHECK_CONCURRENCY: 8,
      LINKCHECK_ALLOW_PRIVATE: true,
    });
    for (const [name, value, allowed] of [
      ['LINKCHECK_TIMEOUT_MS', '100', 'tussen 500 en 60000'],
      ['LINKCHECK_TIMEOUT_MS', 'snel', 'moet een getal zijn'],
      ['LINKCHECK_CONCURRENCY', '0', 'tussen 1 en 32'],
      ['LINKCHECK_CONCURRENCY', '2.5', 'geheel getal'],
      ['LINKCHECK_ALLOW_PRIVATE', 'misschien', 'toegestaan: true, false'],
    ] as const) {
      let message = '';
      try {
        loadConfig({ [name]: value });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message, `${name}=${value}`).toContain(`${name}=${JSON.stringify(value)}: `);
      expect(message, `${name}=${value}`).toContain(allowed);
    }
  });
});

// One database handle is enough to show the lease keeps two runs apart within one process, too.
describe('lease within one process', () => {
  it('a second run while the first is going returns null', async () => {
    const t = await createTestDatabase('embedded');
    const { database } = t;
    await database.migrate();
    await database.db.insert(sources).values({ url: `${site.base}/slow/lease`, title: 'Traag', organisation: 'Test' });
    const opts = { ...loopback, concurrency: 1, maxDurationMs: 5000 };
    const [first, second] = await Promise.all([runExclusive(database.db, opts), runExclusive(database.db, opts)]);
    expect([first?.checked, second?.checked].sort()).toEqual([1, undefined]);
    await t.dispose();
  });
});
