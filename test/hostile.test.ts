/**
 * Hostile input refused (issue #8), part 1: the route table and every GET route. Every string of
 * test/hostile-strings.ts goes into every query and path parameter of every route the router lists:
 * no answer may be a server error or a hang, reflect markup or an attribute unescaped, split or
 * redirect a header, or change a row. The full list runs on PGlite; a sample on the PostgreSQL
 * server. Forms: test/hostile-forms.test.ts and test/hostile-admin.test.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends } from './helpers.ts';
import { cookieHeader, type HostileApp, hostileApp, isBeheer, MATRIX_TIMEOUT_MS, patternOf } from './hostile-harness.ts';
import { checkResponse, HOSTILE, injectionsIn, tagsOf } from './hostile-strings.ts';
import { changedTables, enumerateRoutes, fillPath, paramNames, ROUTES, roleRuleFor, routeTableDiff } from './routes.ts';

function sourceFiles(dir = 'src'): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry) && !/\.test\.tsx?$/.test(entry) ? [path] : [];
  });
}

/** Every literal query parameter name read anywhere in src/ (c.req.query('x')). */
const queryNamesInSource = () =>
  sourceFiles().flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/req\.quer(?:y|ies)\(\s*(['"`])([^'"`$]+)\1/g)].map((m) => ({ name: m[2] as string, file })),
  );

/**
 * Files that read the whole query string at once (c.req.query() into a schema), and the route whose
 * `query` list in test/routes.ts names those parameters. A new such file fails the test below.
 */
const WHOLE_QUERY_READERS: Record<string, string> = {
  'src/network/routes.tsx': 'GET /netwerk',
  'src/audit/log.tsx': 'GET /beheer/audit',
};

describe('the injection detector (so the suites below can fail)', () => {
  // Each hostile string, put where a careless template would put it.
  const careless = (v: string) => `<p>${v}</p><input value="${v}"><a href="${v}">x</a><div title='${v}'></div>`;
  const careful = (v: string) => html`<p>${v}</p><input value="${v}"><a href="/zoeken?q=${encodeURIComponent(v)}">x</a><div title="${v}"></div>`;

  it('finds every markup and attribute string when it is reflected raw', () => {
    for (const h of HOSTILE.filter((x) => ['script', 'attribute'].includes(x.category))) expect(injectionsIn(careless(h.text)), h.name).not.toEqual([]);
  });

  it('finds nothing when hono/html escapes them', async () => {
    for (const h of HOSTILE) expect(injectionsIn(String(await careful(h.text))), h.name).toEqual([]);
  });

  it('reads tags as a browser does: comments, raw text, quoted and unquoted attributes', () => {
    expect(injectionsIn('<!-- <img src=y onerror=go()> -->')).toEqual([]);
    expect(injectionsIn('<textarea>&lt;script&gt;alert(1)&lt;/script&gt;</textarea>')).toEqual([]);
    expect(injectionsIn('<div data-x="a > b" class=y onclick=go()>')).toEqual(['<div onclick="go()">']);
    expect(injectionsIn('<a href=" JaVaScRiPt:alert(1)">')).toHaveLength(1);
    expect(injectionsIn('<link rel="icon" href="data:,"><a href="data:text/html,x">')).toEqual(['<a href="data:text/html,x">']);
    expect(injectionsIn('<script type="application/ld+json">{"a":"\\u003c/script>"}</script>')).toEqual([]);
    expect(injectionsIn('<script>alert(1)</script>')).toContain('inline <script type="">');
  });

  it('flags a server error, a split header, a foreign redirect and an injected cookie', async () => {
    const app = new Hono();
    app.get('/500', (c) => c.text('kapot', 500));
    app.get('/weg', (c) => c.redirect('//evil.example/x', 303));
    app.get('/koekje', (c) => {
      c.header('Set-Cookie', 'a=b; Path=/');
      return c.text('ok');
    });
    app.get('/echo', (c) => c.html(`<p>${c.req.query('q')}</p>`));
    expect((await checkResponse(await app.request('/500'))).problems).toEqual(['status 500']);
    expect((await checkResponse(await app.request('/weg'))).problems[0]).toMatch(/Location leaves the site/);
    expect((await checkResponse(await app.request('/koekje'))).problems[0]).toMatch(/injected cookie/);
    const echo = await checkResponse(await app.request(`/echo?q=${HOSTILE[1]?.wire}`));
    expect(echo.problems.join(' ')).toMatch(/onerror/);
  });
});

const getSpecs = ROUTES.filter((r) => r.route.startsWith('GET ') && !r.skipMatrix && (r.query || paramNames(r.route).length));

describe.each(backends())('hostile input on %s: routes and GET', (kind: Backend) => {
  let h: HostileApp;
  beforeAll(async () => {
    h = await hostileApp(kind);
  });
  afterAll(async () => {
    console.info(`hostile GET matrix on ${kind}: ${h?.sent} requests`);
    await h?.close();
  });

  describe('the route table', () => {
    it('knows every route in app.routes, and nothing the app no longer has', () => {
      const { unknown, stale } = routeTableDiff(enumerateRoutes(h.t.app));
      const message = [
        unknown.length
          ? `Routes in app.routes that test/routes.ts does not know. Add each to ROUTES (see "How to add a route" at the top of test/routes.ts):\n${unknown
              .map(
                (k) =>
                  `  { route: '${k}'${k.startsWith('ALL ') ? ", kind: 'middleware'" : k.startsWith('GET ') ? ', query: [/* parameters it reads */], prepare: …' : ", fields: [/* fields */], prepare: …, csrf: 'session'"} },`,
              )
              .join('\n')}`
          : '',
        stale.length ? `Routes in ROUTES that app.routes no longer lists (remove or rename them):\n${stale.map((k) => `  ${k}`).join('\n')}` : '',
      ]
        .filter(Boolean)
        .join('\n');
      expect(unknown.length + stale.length, message).toBe(0);
    });

    it('has a role rule for every /beheer route', () => {
      const uncovered = enumerateRoutes(h.t.app)
        .filter((r) => r.method !== 'ALL' && isBeheer(r.path) && !roleRuleFor(r.path))
        .map((r) => r.key);
      expect(uncovered, `Add a ROLE_RULES entry in test/routes.ts (who may use it: 'login' or 'beheerder') for:\n${uncovered.join('\n')}`).toEqual([]);
    });

    it('says how every state-changing route handles CSRF', () => {
      const missing = ROUTES.filter((r) => !r.kind && !/^(GET|HEAD) /.test(r.route) && !r.csrf).map((r) => r.route);
      expect(missing, 'give these routes a csrf entry in test/routes.ts').toEqual([]);
    });

    it('lists every query parameter the code reads', () => {
      const listed = new Set(ROUTES.flatMap((r) => (Array.isArray(r.query) ? r.query : [])));
      const found = queryNamesInSource();
      // The scan itself must work: these are read today.
      expect(found.map((q) => q.name)).toEqual(expect.arrayContaining(['q', 'terug', 'melding', 'pad']));
      const missing = found.filter((q) => !listed.has(q.name));
      expect(missing, 'add these query parameters to the route that reads them in test/routes.ts').toEqual([]);
    });

    it('knows every handler that reads the whole query string', () => {
      const readers = sourceFiles().filter((file) => /req\.quer(?:y|ies)\(\s*\)/.test(readFileSync(file, 'utf8')));
      expect(readers).toEqual(expect.arrayContaining(['src/network/routes.tsx']));
      const unknown = readers.filter((file) => !WHOLE_QUERY_READERS[file]);
      expect(
        unknown,
        'these files read c.req.query() as a whole: list the parameters on their route in test/routes.ts and add the file to WHOLE_QUERY_READERS',
      ).toEqual([]);
      for (const [file, route] of Object.entries(WHOLE_QUERY_READERS)) {
        const spec = ROUTES.find((r) => r.route === route);
        expect(Array.isArray(spec?.query) && spec.query.length > 0, `${route} (read in ${file}) lists its query parameters`).toBe(true);
      }
    });
  });

  it(
    'knows every field of every form the pages show',
    async () => {
      const posts = ROUTES.filter((r) => r.route.startsWith('POST '));
      const match = (action: string) =>
        posts.find((r) => new RegExp(`^${patternOf(r).replace(/:[A-Za-z0-9_]+(\{([^}]*)\})?/g, (_, _b, re) => `(${re ?? '[^/]+'})`)}$`).test(action));
      const missing: string[] = [];
      let formsSeen = 0;
      for (const spec of ROUTES.filter((r) => r.route.startsWith('GET ') && !r.kind)) {
        const { params = {}, search = '' } = (await spec.prepare?.({ f: h.f, t: h.t, n: h.nextN() })) ?? {};
        const path = fillPath(patternOf(spec), params) + search;
        const res = await h.t.app.request(path, { headers: { Cookie: isBeheer(path) ? cookieHeader(h.admin) : '' } });
        if (!(res.headers.get('Content-Type') ?? '').startsWith('text/html')) continue;
        const html = await res.text();
        for (const chunk of html.split(/<form\b/i).slice(1)) {
          const [formTag, ...fields] = tagsOf(`<form${chunk.split(/<\/form>/i)[0]}`);
          if (formTag?.attrs.get('method')?.toLowerCase() !== 'post') continue;
          formsSeen++;
          const action = (formTag.attrs.get('action') ?? path).split('?')[0] as string;
          const route = match(action);
          if (!route) {
            missing.push(`${spec.route}: a form posts to ${action}, which no POST route in the table matches`);
            continue;
          }
          const known = typeof route.fields === 'function' ? route.fields(h.f) : (route.fields ?? []);
          const names = new Set(fields.filter((t) => ['input', 'select', 'textarea', 'button'].includes(t.name)).map((t) => t.attrs.get('name') ?? ''));
          for (const name of names)
            if (name && name !== '_csrf' && !known.includes(name) && !route.fieldFamilies?.some((p) => name.startsWith(p)))
              missing.push(`${route.route}: field "${name}" (in the form on ${spec.route})`);
        }
      }
      expect(formsSeen).toBeGreaterThan(20);
      expect([...new Set(missing)], `add these to the route's fields in test/routes.ts:\n${[...new Set(missing)].join('\n')}`).toEqual([]);
    },
    MATRIX_TIMEOUT_MS,
  );

  it('the change detector sees an insert, an update to the same value, and a delete', async () => {
    const { sql } = await import('drizzle-orm');
    const db = h.t.deps.database.db;
    const before = await h.snap();
    await db.execute(sql`insert into app_settings (key, value) values ('hostile-probe', 'x')`);
    const inserted = await h.snap();
    expect(changedTables(before, inserted)).toEqual(['app_settings']);
    await db.execute(sql`update app_settings set value = value where key = 'hostile-probe'`);
    const updated = await h.snap();
    expect(changedTables(inserted, updated)).toEqual(['app_settings']);
    await db.execute(sql`delete from app_settings where key = 'hostile-probe'`);
    expect(changedTables(updated, await h.snap())).toEqual(['app_settings']);
    expect(changedTables(before, before)).toEqual([]);
  });

  describe('each hostile string in each query and path parameter', () => {
    it.each(getSpecs.map((s) => [s.route, s] as const))(
      '%s',
      async (_name, spec) => {
        const { failures, changed } = await h.hostileGet(spec);
        expect(failures, failures.join('\n')).toEqual([]);
        expect(changed, 'GET requests changed these tables').toEqual([]);
      },
      MATRIX_TIMEOUT_MS,
    );
  });
});
