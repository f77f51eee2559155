import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends, createTestApp, loginAs } from '../../test/helpers.ts';
import { PUBLIC_PAGES } from '../../test/pages.ts';
import { ConfigError, loadConfig } from '../config.ts';

/** How often a page shows the Veilig Thuis number, in all of it or in one of its parts. */
const VT = '0800-2000';
const countVt = (html: string) => html.split(VT).length - 1;
const part = (html: string, tag: 'header' | 'main' | 'footer') => new RegExp(`<${tag}\\b[\\s\\S]*?</${tag}>`).exec(html)?.[0] ?? '';
/** The Veilig Thuis notice (src/site/views.tsx), not its one-line form on error pages. */
const hasNotice = (html: string) => /class="[^"]*\bhw-vt[\s"]/.test(html);

/**
 * Pages whose own content names the number more than twice. The header, the footer and the notice
 * then add nothing; the text itself is the editors' (content/), so it is listed here, with why.
 */
const CONTENT_REPEATS: Record<string, string> = {};

/** Fields of a signalenlijst with signals in several domains and a doubt about safety, so the overview advises calling Veilig Thuis. */
const SIGNALS_WITH_A_PATTERN: [string, string][] = [
  ['veiligheid', 'twijfel'],
  ['datum', '2026-11-20'],
  ['label', 'QX 18 mnd'],
  ['s-affectie-weinig', 'vaak'],
  ['s-troost-niet', 'vaak'],
  ['s-hulp-niet', 'vaak'],
  ['s-exploratie-weinig', 'vaak'],
];

describe.each(backends())('site shell on %s', (kind: Backend) => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp(kind);
    t.app.get('/test-kapot', () => {
      throw new Error('boom for test');
    });
  });
  afterAll(() => t.close());

  it.each(PUBLIC_PAGES)('%s renders in Dutch with the shell, security headers and no cookie', async (path) => {
    const res = await t.app.request(path);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.startsWith('<!doctype html><html lang="nl">')).toBe(true);
    expect(html).toContain('href="#inhoud"');
    expect(html).toContain('id="inhoud"');
    for (const label of ['Thema’s', 'Signalenlijst', 'Meldcode', 'Trainingen', 'Netwerk', 'Zoeken']) expect(html).toContain(`>${label}</a>`);
    expect(html).toContain('0800-2000');
    expect(html).toContain('href="/privacy"');
    expect(html).toContain('href="/toegankelijkheid"');
    const csp = res.headers.get('Content-Security-Policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(res.headers.get('Referrer-Policy')).toBe('strict-origin-when-cross-origin');
    expect(res.headers.get('Strict-Transport-Security')).toBeNull();
    expect(res.headers.get('Set-Cookie')).toBeNull();
    // No executable inline script and no inline style, so the strict CSP holds without nonces. The
    // only inline scripts allowed are JSON-LD data blocks, which browsers do not run; each must be
    // valid JSON with nothing in it that could end the element early.
    const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].filter((m) => !/\bsrc=/.test(m[1] as string));
    for (const [, attrs, body] of inline) {
      expect(attrs).toBe(' type="application/ld+json"');
      expect(body).not.toMatch(/[<>&]/);
      expect(() => JSON.parse(body as string)).not.toThrow();
    }
    expect(html.match(/<script\b/gi)?.length ?? 0).toBe(html.match(/<\/script>/gi)?.length ?? 0);
    expect(html).not.toMatch(/\sstyle="/);
  });

  it.each([...PUBLIC_PAGES, '/bestaat-niet'])('%s shows the Veilig Thuis number at least once and at most twice', async (path) => {
    const html = await (await t.app.request(path)).text();
    // The header always dials Veilig Thuis, with or without the number in its text.
    expect(part(html, 'header')).toContain('href="tel:08002000"');
    expect(countVt(html)).toBeGreaterThanOrEqual(1);
    if (CONTENT_REPEATS[path]) {
      expect(countVt(part(html, 'main')), `${path}: remove it from CONTENT_REPEATS`).toBeGreaterThan(2);
      expect(countVt(part(html, 'header')) + countVt(part(html, 'footer'))).toBe(0);
      expect(hasNotice(html)).toBe(false);
    } else {
      expect(countVt(html)).toBeLessThanOrEqual(2);
    }
  });

  it('the pages after a form show the number at most twice too: signalenlijst result, registration, confirmation', async () => {
    const post = (path: string, fields: [string, string][]) =>
      t.app.request(path, { method: 'POST', body: new URLSearchParams(fields), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    const result = await (await post('/signalenlijst/overzicht', SIGNALS_WITH_A_PATTERN)).text();
    expect(result).toContain('Overzicht van je observatie');
    // One notice with the number in the overview; the header gives it too, the footer does not.
    expect(countVt(part(result, 'main'))).toBe(1);
    expect(countVt(result)).toBe(2);
    expect(countVt(part(result, 'header'))).toBe(1);
    const registered = await (
      await post('/trainingen/hechting-voor-professionals/1/aanmelden', [
        ['name', 'Sanne de Vries'],
        ['email', 'sanne-telling@example.org'],
        ['organisation', 'JGZ Voorbeeld'],
        ['role', 'Jeugdarts'],
        ['consent', 'ja'],
      ])
    ).text();
    expect(registered).toContain('Kijk in je mail');
    // No notice on training pages: the header and the footer carry the number.
    expect(countVt(part(registered, 'header'))).toBe(1);
    expect(countVt(part(registered, 'footer'))).toBe(1);
    expect(countVt(registered)).toBe(2);
  });

  it('the notice stands where a reader decides: home, theme pages and the signalenlijst result; the 404 page has one short line', async () => {
    expect(hasNotice(await (await t.app.request('/')).text())).toBe(true);
    for (const path of PUBLIC_PAGES.filter((p) => p.startsWith('/themas/'))) {
      const html = await (await t.app.request(path)).text();
      // A theme whose own text gives the number needs no notice that repeats it.
      const ownText = countVt(part(html, 'main').replace(/<aside class="[^"]*\bhw-vt[\s\S]*?<\/aside>/, ''));
      expect(hasNotice(html), path).toBe(ownText === 0);
    }
    const result = await t.app.request('/signalenlijst/overzicht', {
      method: 'POST',
      body: new URLSearchParams(SIGNALS_WITH_A_PATTERN),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(hasNotice(await result.text())).toBe(true);
    const missing = await (await t.app.request('/bestaat-niet')).text();
    expect(hasNotice(missing)).toBe(false);
    expect(part(missing, 'main')).toContain('class="hw-vt-line"');
    // The footer keeps the number where the content shows none, and says how to call otherwise.
    expect(countVt(part(await (await t.app.request('/zoeken')).text(), 'footer'))).toBe(1);
    expect(part(await (await t.app.request('/')).text(), 'footer')).toContain('>Bel Veilig Thuis</a>');
  });

  it('training pages and /beheer pages carry no Veilig Thuis notice', async () => {
    const pages = ['/trainingen', '/trainingen/hechting-voor-professionals', '/trainingen/hechting-voor-professionals/1', '/beheer/inloggen'];
    for (const path of pages) expect(hasNotice(await (await t.app.request(path)).text()), path).toBe(false);
    const editor = await loginAs(t.app, t.deps.database, 'beheerder');
    for (const path of [
      '/beheer',
      '/beheer/themas',
      '/beheer/themas/nieuw',
      '/beheer/bronnen',
      '/beheer/trainingen',
      '/beheer/netwerk',
      '/beheer/mail',
      '/beheer/export',
      '/beheer/audit',
      '/beheer/gebruikers',
    ]) {
      const res = await editor.get(path);
      expect(res.status, path).toBe(200);
      const html = await res.text();
      expect(hasNotice(html), path).toBe(false);
      expect(countVt(html), path).toBeLessThanOrEqual(2);
    }
  });

  it('a compact header: the wordmark with the region, a Veilig Thuis link, and the menu as a disclosure that needs no script', async () => {
    const html = await (await t.app.request('/')).text();
    const header = part(html, 'header');
    expect(header).toContain('<span class="hw-logo__name">Hechtwerk</span>');
    expect(header).toContain('<span class="hw-logo__region">Regio Zuidoost<span class="hw-wide">: samen tegen kindermishandeling</span></span>');
    expect(header).not.toContain('<img');
    expect(header).toMatch(/<a class="hw-help" href="tel:08002000">Zorgen<span class="hw-wide"> om een kind<\/span>\?/);
    const nav = /<nav class="hw-nav" aria-label="Hoofdmenu">([\s\S]*?)<\/nav>/.exec(header)?.[1] ?? '';
    expect(nav).toMatch(/^<details class="hw-menu hw-wrap"><summary class="hw-menu__button">Menu<\/summary><ul class="hw-menu__list">/);
    expect(nav.match(/<li><a href="\/[a-z]+"/g)).toHaveLength(6);
  });

  it('marks the current section in the navigation and shows breadcrumbs', async () => {
    const html = await (await t.app.request('/themas/hechting')).text();
    expect(html).toMatch(/<a href="\/themas" aria-current="page">Thema’s<\/a>/);
    expect(html).toContain('aria-label="Kruimelpad"');
    expect(html).toMatch(/<span aria-current="page">Hechting<\/span>/);
  });

  it('theme page has summary, table of contents, key facts, sources, related themes, training and review date', async () => {
    const html = await (await t.app.request('/themas/hechting')).text();
    expect(html).toContain('<h1 class="utrecht-heading-1">Hechting</h1>');
    expect(html).toContain('Op deze pagina');
    const toc = [...html.matchAll(/<a class="utrecht-link" href="#([a-z0-9-]+)">/g)].map((m) => m[1]);
    expect(toc.length).toBeGreaterThanOrEqual(4);
    for (const id of toc) expect(html).toContain(`id="${id}"`);
    expect(html).toContain('Kernfeiten');
    expect(html).toContain('id="bronnen"');
    expect(html).toContain('Laatst inhoudelijk gecontroleerd op <time datetime="');
    expect(html).toContain('Training: Hechting voor professionals');
    expect(html).toContain('<a href="/trainingen/hechting-voor-professionals">Bekijk de training “Hechting voor professionals” en meld je aan</a>');
    // Related themes are cards whose link names the theme; never a bare "Lees meer".
    expect(html).not.toMatch(/>\s*Lees meer\s*</i);
    expect(html).toMatch(/<h3><a class="utrecht-link" href="\/themas\/hechting-en-hechtingsproblemen">Hechting en hechtingsproblemen<\/a><\/h3>/);
    // Sources are https and the seed's duplicate appears once.
    const sourceHrefs = [...html.matchAll(/<li><a class="utrecht-link" href="(https?:[^"]+)"/g)].map((m) => m[1]);
    expect(sourceHrefs.length).toBeGreaterThan(2);
    for (const href of sourceHrefs) expect(href).toMatch(/^https:\/\//);
    expect(new Set(sourceHrefs).size).toBe(sourceHrefs.length);
  });

  it('renders the Jeugdwet definition as an attributed quotation', async () => {
    const html = await (await t.app.request('/themas/kindermishandeling')).text();
    expect(html).toMatch(/<blockquote>[\s\S]*bedreigende of gewelddadige interactie[\s\S]*<\/blockquote>/);
    expect(html).toMatch(/Jeugdwet/);
  });

  it('unknown pages get a Dutch 404 with a way on', async () => {
    for (const path of ['/bestaat-niet', '/themas/bestaat-niet', '/themas/..%2F..%2Fetc%2Fpasswd', '/assets/app.css', '/assets/..%2Fpackage.json']) {
      const res = await t.app.request(path);
      expect(res.status, path).toBe(404);
      const html = await res.text();
      expect(html).toContain('Pagina niet gevonden');
      expect(html).toContain('href="/zoeken"');
    }
  });

  it('an error we caused shows a 500 page with a reference id that is in the log', async () => {
    t.logs.length = 0;
    const res = await t.app.request('/test-kapot');
    expect(res.status).toBe(500);
    const html = await res.text();
    expect(html).toContain('Er ging iets mis aan onze kant');
    expect(html).not.toContain('boom for test');
    expect(html).not.toContain('at ');
    const ref = /<strong>([0-9a-f-]{36})<\/strong>/.exec(html)?.[1];
    expect(ref).toBeDefined();
    expect(res.headers.get('X-Request-Id')).toBe(ref);
    const line = t.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'unhandled error');
    expect(line?.reqId).toBe(ref);
    expect(line?.err.message).toBe('boom for test');
  });

  it('logs one JSON line per request with a request id and without the query string', async () => {
    t.logs.length = 0;
    await t.app.request('/zoeken?q=geheimenaam');
    const lines = t.logs.map((l) => JSON.parse(l));
    const req = lines.find((l) => l.msg === 'request');
    expect(req).toMatchObject({ method: 'GET', path: '/zoeken', status: 200 });
    expect(req.reqId).toMatch(/^[0-9a-f-]{36}$/);
    expect(t.logs.join('\n')).not.toContain('geheimenaam');
  });

  it('pages carry an ETag and answer a conditional GET with 304', async () => {
    const first = await t.app.request('/themas/hechting');
    const etag = first.headers.get('ETag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const second = await t.app.request('/themas/hechting', { headers: { 'If-None-Match': etag as string } });
    expect(second.status).toBe(304);
    expect(await second.text()).toBe('');
    const other = await t.app.request('/themas/hechting', { headers: { 'If-None-Match': '"iets-anders"' } });
    expect(other.status).toBe(200);
  });

  it('compresses with brotli or gzip as the client allows, and the bytes decode to the page', async () => {
    const { brotliDecompressSync, gunzipSync } = await import('node:zlib');
    const plain = await (await t.app.request('/themas/hechting')).text();
    const br = await t.app.request('/themas/hechting', { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
    expect(br.headers.get('Content-Encoding')).toBe('br');
    expect(br.headers.get('Vary')).toContain('Accept-Encoding');
    const brBytes = Buffer.from(await br.arrayBuffer());
    expect(brBytes.length).toBeLessThan(Buffer.byteLength(plain) / 2);
    expect(brotliDecompressSync(brBytes).toString()).toBe(plain);
    const gz = await t.app.request('/themas/hechting', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(gz.headers.get('Content-Encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(plain);
    const none = await t.app.request('/themas/hechting', { headers: { 'Accept-Encoding': 'br;q=0, identity' } });
    expect(none.headers.get('Content-Encoding')).toBeNull();
  });

  it('serves the CSS under a hashed name, cached for a year, and small', async () => {
    const html = await (await t.app.request('/')).text();
    const href = /<link rel="stylesheet" href="(\/assets\/app\.[0-9a-f]{12}\.css)"/.exec(html)?.[1];
    expect(href).toBeDefined();
    const res = await t.app.request(href as string, { headers: { 'Accept-Encoding': 'br' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('Content-Type')).toContain('text/css');
    const bytes = (await res.arrayBuffer()).byteLength;
    expect(bytes).toBeLessThan(12 * 1024);
  });

  it.each(PUBLIC_PAGES)('%s weighs at most 30 KB compressed (HTML + CSS + JS) and loads nothing from another host', async (path) => {
    const { pageWeight } = await import('../../bench/page-weight.ts');
    const w = await pageWeight(t.app, path);
    expect(w.total).toBeLessThanOrEqual(30 * 1024);
    expect(w.foreign).toEqual([]);
  });

  it('health and readiness', async () => {
    expect(await (await t.app.request('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await t.app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', database: kind });
  });

  it('bodies over the limit are refused with 413', async () => {
    const res = await t.app.request('/beheer/inloggen', {
      method: 'POST',
      body: 'x'.repeat(300 * 1024),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(413);
  });
});

describe('region and logo in the header (SITE_REGION, SITE_LOGO)', () => {
  it('shows the configured region and logo; the logo is decorative, the wordmark names the site', async () => {
    const t = await createTestApp('pglite', { env: { SITE_REGION: 'Regio Rivierenland', SITE_LOGO: '/huisstijl/logo.svg' } });
    try {
      const header = part(await (await t.app.request('/')).text(), 'header');
      expect(header).toContain('<img class="hw-logo__image" src="/huisstijl/logo.svg" alt="" height="40"/>');
      expect(header).toContain('<span class="hw-logo__region">Regio Rivierenland');
    } finally {
      await t.close();
    }
  });

  it('refuses a logo from another site or of another kind (the CSP allows images from this site only)', () => {
    // The demo region the pages in content/paginas name.
    expect(loadConfig({}).SITE_REGION).toBe('Regio Zuidoost');
    expect(loadConfig({}).SITE_LOGO).toBeUndefined();
    expect(loadConfig({ SITE_LOGO: '/logo.png' }).SITE_LOGO).toBe('/logo.png');
    for (const bad of ['https://cdn.example/logo.svg', '//cdn.example/logo.svg', 'logo.svg', '/logo.gif', '/logo.svg?x=1', '/a"b.svg']) {
      expect(() => loadConfig({ SITE_LOGO: bad }), bad).toThrow(ConfigError);
    }
    expect(() => loadConfig({ SITE_REGION: 'x'.repeat(41) })).toThrow(ConfigError);
  });
});

describe('behind https', () => {
  it('sends HSTS when BASE_URL is https', async () => {
    const t = await createTestApp('embedded', { env: { BASE_URL: 'https://hechtwerk.example' } });
    try {
      const res = await t.app.request('/');
      expect(res.headers.get('Strict-Transport-Security')).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await t.close();
    }
  });
});

describe.each(backends())('rendered-page cache on %s', (kind: Backend) => {
  it('serves a cached page until the content version changes, then the new content at once', async () => {
    const { sql } = await import('drizzle-orm');
    const { bumpContentVersion } = await import('../db/content-version.ts');
    const t = await createTestApp(kind);
    try {
      const db = t.deps.database.db;
      expect(await (await t.app.request('/themas/hechting')).text()).toContain('<h1 class="utrecht-heading-1">Hechting</h1>');
      // A change that does not bump the version is not seen: the page comes from the cache.
      await db.execute(sql`update themes set title = 'Hechting (gewijzigd)', updated_at = now() where slug = 'hechting'`);
      expect(await (await t.app.request('/themas/hechting')).text()).toContain('<h1 class="utrecht-heading-1">Hechting</h1>');
      // Bumping the version in the changing transaction makes every page fresh.
      await db.transaction(async (tx) => {
        await tx.execute(sql`update themes set title = 'Hechting bij jonge kinderen', updated_at = now() where slug = 'hechting'`);
        await bumpContentVersion(tx);
      });
      t.deps.contentVersion.invalidate();
      const html = await (await t.app.request('/themas/hechting')).text();
      expect(html).toContain('<h1 class="utrecht-heading-1">Hechting bij jonge kinderen</h1>');
      expect(await (await t.app.request('/themas')).text()).toContain('Hechting bij jonge kinderen');
      // Another instance on the same database sees the change within the version's max age.
      const other = await createTestApp(kind, { testDb: t.testDb });
      expect(await (await other.app.request('/themas/hechting')).text()).toContain('Hechting bij jonge kinderen');
    } finally {
      await t.close();
    }
  });
});
