/**
 * Hostile input refused (issue #8): the checks that run over every route the router lists.
 * - Every state-changing route refuses a missing or wrong CSRF token (403) and changes nothing;
 *   the public forms that take no token say why (test/routes.ts) and are shown not to use cookies.
 * - /api is read-only.
 * - Every /beheer route refuses anonymous visitors (GET → login, other methods → 403) and, where
 *   ROLE_RULES says so, editors (403); and lets in whom it should.
 * - Bodies over the limit get 413 on every form route, and nothing is written.
 * - After login, a return address can only lead inside /beheer.
 * - Static file paths cannot leave their folder.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/crypto.ts';
import { users } from '../src/db/schema.ts';
import { type Backend, Browser, backends, csrfFrom, loginAs } from './helpers.ts';
import { cookieHeader, formBody, type HostileApp, hostileApp, isBeheer, patternOf } from './hostile-harness.ts';
import { checkResponse } from './hostile-strings.ts';
import { BODY_LIMIT, changedTables, enumerateRoutes, fillPath, paramNames, ROUTES, type RouteSpec, roleRuleFor } from './routes.ts';

const routeSpecs = ROUTES.filter((r) => !r.kind);
const stateChanging = routeSpecs.filter((r) => !/^(GET|HEAD) /.test(r.route));
const methodOf = (spec: RouteSpec) => spec.route.slice(0, spec.route.indexOf(' '));
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

describe.each(backends())('route security on %s', (kind: Backend) => {
  let h: HostileApp;
  let editor: Browser;
  let editorCsrf: string;
  beforeAll(async () => {
    h = await hostileApp(kind);
    editor = await loginAs(h.t.app, h.t.deps.database, 'redacteur');
    editorCsrf = csrfFrom(await (await editor.get('/beheer/netwerk/nieuw')).text());
  });
  afterAll(() => h?.close());

  /** A real request for a route: real path parameters and a valid form. */
  async function real(spec: RouteSpec) {
    const prepared = (await spec.prepare?.({ f: h.f, t: h.t, n: h.nextN() })) ?? {};
    const pattern = patternOf(spec);
    if (paramNames(pattern).length && !prepared.params) throw new Error(`${spec.route} needs prepare() with real path parameters`);
    return { path: fillPath(pattern, prepared.params ?? {}), form: prepared.form ?? {}, search: prepared.search ?? '' };
  }

  /** Sends, checks the universal rules (no 500, no injection, no split header), returns the status. */
  async function statusOf(path: string, init: RequestInit) {
    const res = await h.send(path, init);
    if (res === 'hang') throw new Error(`${init.method ?? 'GET'} ${path}: no answer`);
    const cause = h.causeOf(res);
    const { status, problems } = await checkResponse(res);
    expect(problems, `${init.method ?? 'GET'} ${path}${cause}`).toEqual([]);
    return { status, location: res.headers.get('Location') };
  }

  describe('CSRF', () => {
    it('every state-changing route in app.routes is in the table', () => {
      const known = new Set(stateChanging.map((r) => r.route));
      const missing = enumerateRoutes(h.t.app)
        .filter((r) => r.method !== 'ALL' && r.method !== 'GET' && r.method !== 'HEAD' && !known.has(r.key))
        .map((r) => r.key);
      expect(missing).toEqual([]);
      // The checks below would pass vacuously on an empty table.
      expect(stateChanging.filter((r) => r.csrf === 'session').length).toBeGreaterThan(20);
    });

    it.each(stateChanging.filter((r) => r.csrf === 'session').map((r) => [r.route, r] as const))(
      '%s refuses a logged-in editor’s post without the right token',
      async (_name, spec) => {
        const { path, form } = await real(spec);
        const before = await h.snap();
        const adminToken = h.adminCsrf;
        const flipped = `${adminToken.slice(0, -1)}${adminToken.endsWith('A') ? 'B' : 'A'}`;
        const attempts: [string, Record<string, string>, Record<string, string>][] = [
          ['no token', {}, {}],
          ['an empty token', { _csrf: '' }, {}],
          ['another session’s token', { _csrf: editorCsrf }, {}],
          ['a token with one character changed', { _csrf: flipped }, {}],
          ['a made-up token', { _csrf: 'x'.repeat(adminToken.length) }, {}],
          ['a wrong X-CSRF-Token header', {}, { 'X-CSRF-Token': flipped }],
        ];
        for (const [what, token, headers] of attempts) {
          const { status } = await statusOf(path, {
            method: methodOf(spec),
            body: formBody({ ...form, ...token }) as BodyInit,
            headers: { ...FORM, ...headers, Cookie: cookieHeader(h.admin) },
          });
          expect(status, `${what}`).toBe(403);
        }
        expect(changedTables(before, await h.snap())).toEqual([]);
        // Control: with the right token the same route gets past the check (pointed at a thing that does not exist, so nothing happens).
        if (paramNames(patternOf(spec)).length) {
          const params = Object.fromEntries(paramNames(patternOf(spec)).map((p) => [p, p === 'file' ? '2147483647.ics' : '2147483647']));
          const ok = await statusOf(fillPath(patternOf(spec), params), {
            method: methodOf(spec),
            body: formBody({ ...form, _csrf: adminToken }) as BodyInit,
            headers: { ...FORM, Cookie: cookieHeader(h.admin) },
          });
          expect(ok.status, 'with the right token').not.toBe(403);
        }
      },
    );

    it('the right token is accepted (control)', async () => {
      const { status } = await statusOf('/beheer/themas/voorbeeld', {
        method: 'POST',
        body: formBody({ body: '# Kop', _csrf: h.adminCsrf }) as BodyInit,
        headers: { ...FORM, Cookie: cookieHeader(h.admin) },
      });
      expect(status).toBe(200);
    });

    it.each(stateChanging.filter((r) => r.csrf === 'pre-auth').map((r) => [r.route, r] as const))(
      '%s (before login) refuses a post without the form cookie’s token',
      async (_name, spec) => {
        const { path, form } = await real(spec);
        const other = await h.t.app.request('/beheer/inloggen');
        const otherToken = csrfFrom(await other.text());
        const before = await h.snap();
        const attempts: [string, Record<string, string>, string][] = [
          ['no token', {}, h.anonCookie],
          ['a token but no form cookie', { _csrf: h.preAuthCsrf }, ''],
          ['another browser’s token', { _csrf: otherToken }, h.anonCookie],
          ['a logged-in token without a session', { _csrf: h.adminCsrf }, h.anonCookie],
        ];
        for (const [what, token, cookie] of attempts) {
          const { status } = await statusOf(path, { method: 'POST', body: formBody({ ...form, ...token }) as BodyInit, headers: { ...FORM, Cookie: cookie } });
          expect(status, what).toBe(403);
        }
        expect(changedTables(before, await h.snap())).toEqual([]);
        const ok = await statusOf(path, {
          method: 'POST',
          body: formBody({ ...form, _csrf: h.preAuthCsrf }) as BodyInit,
          headers: { ...FORM, Cookie: h.anonCookie },
        });
        expect(ok.status, 'with the right token').not.toBe(403);
      },
    );

    it.each(stateChanging.filter((r) => typeof r.csrf === 'object').map((r) => [r.route, r] as const))(
      '%s takes no token: its answer does not depend on cookies, and it sets none',
      async (_name, spec) => {
        // The same post with and without an editor's cookies (all a cross-site post could add).
        // An empty form, so that posting twice acts on nothing (the registration pair below is the real one).
        const { path } = await real(spec);
        const answers = [];
        for (const cookie of ['', `${cookieHeader(h.admin)}; ${h.anonCookie}`]) {
          const res = await h.send(path, { method: 'POST', body: '', headers: { ...FORM, Cookie: cookie } });
          if (res === 'hang') throw new Error('no answer');
          expect(res.headers.getSetCookie()).toEqual([]);
          answers.push(res.status);
        }
        expect(answers[0]).toBeLessThan(500);
        expect(answers[1]).toBe(answers[0]);
      },
    );

    it('a training registration is the same with or without an editor’s cookies', async () => {
      const spec = routeSpecs.find((r) => r.route.startsWith('POST ') && r.route.endsWith('/aanmelden')) as RouteSpec;
      const statuses = [];
      for (const cookie of ['', `${cookieHeader(h.admin)}; ${h.anonCookie}`]) {
        const { path, form } = await real(spec);
        const res = await h.send(path, { method: 'POST', body: formBody(form) as BodyInit, headers: { ...FORM, Cookie: cookie } });
        if (res === 'hang') throw new Error('no answer');
        expect(res.headers.getSetCookie()).toEqual([]);
        expect(await res.text()).toContain('Kijk in je mail');
        statuses.push(res.status);
      }
      expect(statuses).toEqual([200, 200]);
    });

    it('the API is read-only: no route but GET, and every other method changes nothing', async () => {
      const api = enumerateRoutes(h.t.app).filter((r) => r.path.startsWith('/api/') && r.method !== 'ALL');
      expect(api.length).toBeGreaterThan(5);
      expect(api.filter((r) => r.method !== 'GET').map((r) => r.key)).toEqual([]);
      const before = await h.snap();
      for (const r of api) {
        const spec = routeSpecs.find((s) => s.route === r.key) as RouteSpec;
        const { path } = await real(spec);
        for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
          const { status } = await statusOf(path, { method, body: 'a=b', headers: FORM });
          expect([400, 404, 405], `${method} ${path}`).toContain(status);
        }
      }
      expect(changedTables(before, await h.snap())).toEqual([]);
    });
  });

  describe('who may use /beheer', () => {
    const beheer = routeSpecs.filter((r) => isBeheer(patternOf(r)));

    it('every /beheer route in app.routes is in the table with a role rule', () => {
      const known = new Set(beheer.map((r) => r.route));
      const routes = enumerateRoutes(h.t.app).filter((r) => r.method !== 'ALL' && isBeheer(r.path));
      expect(routes.filter((r) => !known.has(r.key)).map((r) => r.key)).toEqual([]);
      expect(routes.filter((r) => !roleRuleFor(r.path)).map((r) => r.key)).toEqual([]);
      expect(beheer.filter((r) => roleRuleFor(patternOf(r))?.access === 'beheerder').length).toBeGreaterThan(3);
    });

    it.each(beheer.filter((r) => roleRuleFor(patternOf(r))?.access !== 'public').map((r) => [r.route, r] as const))(
      '%s refuses anonymous visitors',
      async (_name, spec) => {
        const { path, form } = await real(spec);
        const before = await h.snap();
        if (methodOf(spec) === 'GET') {
          const { status, location } = await statusOf(path, {});
          expect(status).toBe(303);
          expect(location).toBe(`/beheer/inloggen?terug=${encodeURIComponent(path)}`);
        }
        // Other methods: 403, with or without a valid pre-login form token.
        for (const method of new Set([methodOf(spec), 'POST', 'PUT', 'DELETE'])) {
          if (method === 'GET') continue;
          for (const cookie of ['', h.anonCookie]) {
            const { status } = await statusOf(path, {
              method,
              body: formBody({ ...form, _csrf: h.preAuthCsrf }) as BodyInit,
              headers: { ...FORM, Cookie: cookie },
            });
            expect(status, `${method} ${cookie ? 'with' : 'without'} a form cookie`).toBe(403);
          }
        }
        expect(changedTables(before, await h.snap())).toEqual([]);
      },
    );

    it.each(beheer.filter((r) => roleRuleFor(patternOf(r))?.access === 'beheerder').map((r) => [r.route, r] as const))(
      '%s refuses an editor (redacteur)',
      async (_name, spec) => {
        const { path, form } = await real(spec);
        const before = await h.snap();
        const method = methodOf(spec);
        const { status } = await statusOf(path, {
          method,
          ...(method === 'GET' ? {} : { body: formBody({ ...form, _csrf: editorCsrf }) as BodyInit }),
          headers: { ...FORM, Cookie: cookieHeader(editor) },
        });
        expect(status).toBe(403);
        expect(changedTables(before, await h.snap())).toEqual([]);
      },
    );

    it.each(beheer.filter((r) => methodOf(r) === 'GET' && roleRuleFor(patternOf(r))?.access !== 'public').map((r) => [r.route, r] as const))(
      '%s lets in whom ROLE_RULES names',
      async (_name, spec) => {
        const { path, search } = await real(spec);
        const rule = roleRuleFor(patternOf(spec));
        const asAdmin = await statusOf(path + search, { headers: { Cookie: cookieHeader(h.admin) } });
        expect(asAdmin.status).toBe(200);
        const asEditor = await statusOf(path + search, { headers: { Cookie: cookieHeader(editor) } });
        expect(asEditor.status).toBe(rule?.access === 'beheerder' ? 403 : 200);
      },
    );
  });

  describe('bodies over the limit', () => {
    it.each(stateChanging.map((r) => [r.route, r] as const))('%s answers 413 and writes nothing', async (_name, spec) => {
      const { path, form } = await real(spec);
      const limit = spec.bodyLimit ?? BODY_LIMIT;
      const fields = { ...form, ...(spec.csrf === 'session' ? { _csrf: h.adminCsrf } : spec.csrf === 'pre-auth' ? { _csrf: h.preAuthCsrf } : {}) };
      const body = Buffer.concat([Buffer.from(formBody(fields)), Buffer.from(`&opvulling=${'a'.repeat(limit + 1024)}`)]);
      const cookie = spec.csrf === 'pre-auth' ? h.anonCookie : isBeheer(path) ? cookieHeader(h.admin) : '';
      const before = await h.snap();
      // As sent by a client that says how long the body is, and as a stream of unknown length.
      const sized = await statusOf(path, {
        method: methodOf(spec),
        body: new Uint8Array(body) as BodyInit,
        headers: { ...FORM, Cookie: cookie, 'Content-Length': String(body.length) },
      });
      expect(sized.status).toBe(413);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < body.length; i += 64 * 1024) controller.enqueue(new Uint8Array(body.subarray(i, i + 64 * 1024)));
          controller.close();
        },
      });
      const streamed = await statusOf(path, { method: methodOf(spec), body: stream, headers: { ...FORM, Cookie: cookie }, duplex: 'half' } as RequestInit);
      expect(streamed.status).toBe(413);
      expect(changedTables(before, await h.snap())).toEqual([]);
    });

    it('a body just under the limit is read (control)', async () => {
      const { status } = await statusOf('/signalenlijst/aanpassen', {
        method: 'POST',
        body: formBody({ datum: h.f.today, label: 'x', [`n-${h.f.signalFields[2]?.slice(2)}`]: 'a'.repeat(BODY_LIMIT - 2048) }) as BodyInit,
        headers: FORM,
      });
      expect(status).toBe(200);
    });
  });

  describe('return address after login', () => {
    let email: string;
    const password = 'een lange zin als wachtwoord';
    beforeAll(async () => {
      email = `terug-${randomBytes(3).toString('hex')}@hechtwerk.example`;
      await h.t.deps.database.db.insert(users).values({ email, name: 'Terug Test', role: 'redacteur', passwordHash: await hashPassword(password) });
    });

    // As they would arrive on the wire: some deliberately percent-encoded once or twice.
    it.each([
      '//evil.example',
      'https://evil.example',
      'http://evil.example/beheer',
      '/\\evil.example',
      '%2F%5Cevil.example',
      '/beheer/../..//evil.example',
      '/beheer/..%2f..%2f%2fevil.example',
      '/beheer/%2e%2e/%2e%2e//evil.example',
      '%2F%2Fevil.example',
      '%252F%252Fevil.example',
      '/beheer%0d%0aLocation:%20https://evil.example',
      '/beheer%0aSet-Cookie:%20a=b',
      '%09/evil.example',
      '/%09/evil.example',
      '/beheer@evil.example',
      'javascript:alert(1)',
      '\\\\evil.example',
    ])('terug=%s ends up on /beheer', async (terug) => {
      const b = new Browser(h.t.app);
      const form = await b.get(`/beheer/inloggen?terug=${terug}`);
      const html = await form.text();
      expect(html).toContain('action="/beheer/inloggen?terug=%2Fbeheer"');
      const res = await b.post(`/beheer/inloggen?terug=${terug}`, { _csrf: csrfFrom(html), email, password });
      const { problems } = await checkResponse(res.clone());
      expect(problems).toEqual([]);
      expect(res.status).toBe(303);
      expect(res.headers.get('Location')).toBe('/beheer');
      // Logged in already: the login page sends you on to /beheer, not to the address given.
      const again = await b.get(`/beheer/inloggen?terug=${terug}`);
      expect(again.headers.get('Location')).toBe('/beheer');
    });

    it('a return address inside /beheer is kept (control)', async () => {
      const anonymous = await h.t.app.request('/beheer/netwerk/nieuw');
      expect(anonymous.headers.get('Location')).toBe('/beheer/inloggen?terug=%2Fbeheer%2Fnetwerk%2Fnieuw');
      const b = new Browser(h.t.app);
      const html = await (await b.get('/beheer/inloggen?terug=%2Fbeheer%2Fnetwerk%2Fnieuw')).text();
      const res = await b.post('/beheer/inloggen?terug=%2Fbeheer%2Fnetwerk%2Fnieuw', { _csrf: csrfFrom(html), email, password });
      expect(res.headers.get('Location')).toBe('/beheer/netwerk/nieuw');
    });
  });

  describe('static files', () => {
    const secrets = [/"name":\s*"hechtwerk"/, /import \{ Hono \}/, /root:x:0:0/, /DATABASE_URL/, /BEGIN [A-Z ]*PRIVATE KEY/];
    it.each([
      '/assets/..%2f..%2fpackage.json',
      '/assets/..%2fpackage.json',
      '/assets/%2e%2e/src/app.tsx',
      '/assets/%2e%2e%2fsrc%2fapp.tsx',
      '/assets/.%2e/.%2e/package.json',
      '/assets/..%5c..%5cpackage.json',
      '/assets/%252e%252e%252fpackage.json',
      '/assets/%c0%ae%c0%ae%c0%afpackage.json',
      '/assets/....//....//package.json',
      '/assets/..;/package.json',
      '/assets/%00../package.json',
      '/assets//etc/passwd',
      '/assets/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/..%2fpackage.json',
      '/%2e%2e/package.json',
      '/assets/../package.json',
      '/trainingen/sessie/..%2f..%2fpackage.json',
      '/signalenlijst/..%2f..%2fsrc%2fapp.tsx',
      '/themas/..%2f..%2fpackage.json',
    ])('%s → 404, never a file', async (path) => {
      const res = await h.send(path);
      if (res === 'hang') throw new Error('no answer');
      const body = await res.clone().text();
      expect(res.status).toBe(404);
      for (const secret of secrets) expect(body).not.toMatch(secret);
      expect((await checkResponse(res)).problems).toEqual([]);
    });

    it('the real asset is served (control)', async () => {
      const res = await h.t.app.request(h.t.deps.assets.css.path);
      expect(res.status).toBe(200);
      expect(res.headers.get('Content-Type')).toMatch(/text\/css/);
    });
  });
});
