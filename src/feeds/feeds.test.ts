import { and, eq, gt, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends, createTestApp } from '../../test/helpers.ts';
import { PUBLIC_PAGES } from '../../test/pages.ts';
import { bumpContentVersion } from '../db/content-version.ts';
import { organisations, themes, trainingSessions, trainings } from '../db/schema.ts';
import { scriptSafeJson } from '../ui/structured-data.ts';
import { escapeXml } from '../ui/xml.ts';

const BASE = 'http://localhost:3000';
const DAY = 86_400_000;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;

/**
 * A small XML well-formedness check, enough for the documents we write: one root, balanced and
 * properly nested tags, double-quoted attributes, and no stray `<` or `&` in text or attributes.
 * Returns the problems found (none for a good document).
 */
function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const body = xml.replace(/^<\?xml version="1\.0" encoding="utf-8"\?>\n/, '');
  if (body === xml) problems.push('no XML declaration');
  const token = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  while (i < body.length) {
    token.lastIndex = i;
    const m = token.exec(body);
    if (!m) {
      problems.push(`unexpected markup at ${i}: ${body.slice(i, i + 40)}`);
      break;
    }
    i = token.lastIndex;
    const [, closing, name, attrs, selfClosing, text] = m;
    if (text !== undefined) {
      if (ENTITY.test(text)) problems.push(`bare & in text: ${text.slice(0, 40)}`);
      if (!stack.length && text.trim()) problems.push(`text outside the root: ${text.slice(0, 40)}`);
      continue;
    }
    if (ENTITY.test(attrs ?? '')) problems.push(`bare & in attributes of <${name}>`);
    if (closing) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open}>`);
    } else {
      if (!stack.length) roots++;
      if (!selfClosing) stack.push(name as string);
    }
  }
  if (stack.length) problems.push(`unclosed: ${stack.join(', ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}

const unescapeXml = (s: string) =>
  s.replace(/&(lt|gt|quot|apos|amp|#\d+);/g, (_, e: string) =>
    e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' }[e] as string),
  );

/** The text of each <tag>…</tag> (attributes allowed) inside a piece of XML. */
const elements = (xml: string, tag: string) => [...xml.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1] as string);
const one = (xml: string, tag: string) => unescapeXml(elements(xml, tag)[0] ?? '');

/** Every JSON-LD block in a page, parsed. */
function jsonLd(html: string): Record<string, unknown>[] {
  return [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1] as string));
}

const meta = (html: string, attr: 'name' | 'property', key: string) =>
  [...html.matchAll(new RegExp(`<meta ${attr}="${key}" content="([^"]*)"/?>`, 'g'))].map((m) => unescapeXml(m[1] as string));

/** Text that is mostly the characters that matter here, and any other character now and then. */
const tricky = fc.string({
  unit: fc.oneof(
    fc.constantFrom('<', '>', '&', '"', "'", '\u0000', '\u001f', '\u2028', '</script>', '<!--', ']]>', '&amp;'),
    fc.string({ unit: 'grapheme', maxLength: 1 }),
  ),
});

describe('escaping helpers', () => {
  it('scriptSafeJson never contains <, > or & and parses back to the same value', () => {
    fc.assert(
      fc.property(fc.oneof(tricky, fc.string({ unit: 'binary' })), fc.jsonValue(), (s, v) => {
        const out = scriptSafeJson({ s, v });
        expect(out).not.toMatch(/[<>&\u2028\u2029]/);
        expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify({ s, v })));
      }),
    );
    expect(scriptSafeJson('</script><!--')).toBe('"\\u003c/script\\u003e\\u003c!--"');
  });

  it('escapeXml leaves no markup and keeps every character XML allows', () => {
    fc.assert(
      fc.property(tricky, (s) => {
        const out = escapeXml(s);
        expect(out).not.toMatch(/[<>"']/);
        expect(out).not.toMatch(ENTITY);
        const allowed = s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
        expect(unescapeXml(out)).toBe(allowed);
      }),
    );
    expect(escapeXml('a\u0000b\u0007c')).toBe('abc');
  });
});

describe.each(backends())('feeds, sitemap and discoverability on %s', (kind: Backend) => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());

  /** Changes content the way the admin does: in a transaction that bumps the content version. */
  async function change(statement: ReturnType<typeof sql>) {
    await t.deps.database.db.transaction(async (tx) => {
      await tx.execute(statement);
      await bumpContentVersion(tx);
    });
    t.deps.contentVersion.invalidate();
  }

  const publishedThemes = async () =>
    (await t.deps.database.db.select({ slug: themes.slug }).from(themes).where(eq(themes.published, true))).map((r) => `/themas/${r.slug}`);

  describe('Atom feed', () => {
    it('is well-formed Atom 1.0 with one entry per published theme, newest first, each with an absolute link', async () => {
      // Give the themes distinct update times so the order is meaningful.
      await change(sql`update themes set updated_at = now() - (position * interval '1 day')`);
      await change(sql`update themes set updated_at = now() + interval '1 hour' where slug = 'kindermishandeling'`);
      const res = await t.app.request('/feed.xml');
      expect(res.status).toBe(200);
      expect(res.headers.get('Content-Type')).toBe('application/atom+xml; charset=utf-8');
      const xml = await res.text();
      expect(xmlProblems(xml)).toEqual([]);
      expect(xml).toMatch(/^<\?xml version="1\.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www\.w3\.org\/2005\/Atom" xml:lang="nl">/);
      expect(xml).toContain(`<link rel="self" type="application/atom+xml" href="${BASE}/feed.xml"/>`);
      expect(one(xml, 'title')).toBe('Hechtwerk: thema’s');
      expect(one(xml, 'updated')).toMatch(RFC3339);

      const entries = elements(xml, 'entry');
      const expected = await publishedThemes();
      expect(entries).toHaveLength(expected.length);
      expect(entries.length).toBe(5);
      const parsed = entries.map((e) => ({
        id: one(e, 'id'),
        title: one(e, 'title'),
        updated: one(e, 'updated'),
        summary: one(e, 'summary'),
        href: /<link rel="alternate" type="text\/html" href="([^"]+)"\/>/.exec(e)?.[1] ?? '',
      }));
      for (const p of parsed) {
        expect(p.href.startsWith(`${BASE}/themas/`)).toBe(true);
        expect(p.id).toBe(p.href);
        expect(p.updated).toMatch(RFC3339);
        expect(p.title.length).toBeGreaterThan(2);
        expect(p.summary.length).toBeGreaterThan(20);
        const page = await t.app.request(p.href.slice(BASE.length));
        expect(page.status, p.href).toBe(200);
        expect(await page.text()).toContain(`<h1 class="utrecht-heading-1">${p.title}</h1>`);
      }
      expect(new Set(parsed.map((p) => p.href))).toEqual(new Set(expected.map((path) => `${BASE}${path}`)));
      const times = parsed.map((p) => Date.parse(p.updated));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(parsed[0]?.href).toBe(`${BASE}/themas/kindermishandeling`);
      // The feed's own updated is its newest entry's.
      expect(one(xml, 'updated')).toBe(parsed[0]?.updated);
    });

    it('leaves out unpublished themes', async () => {
      await change(sql`update themes set published = false where slug = 'kansrijke-start'`);
      try {
        const xml = await (await t.app.request('/feed.xml')).text();
        expect(elements(xml, 'entry')).toHaveLength(4);
        expect(xml).not.toContain('/themas/kansrijke-start');
      } finally {
        await change(sql`update themes set published = true where slug = 'kansrijke-start'`);
      }
    });

    it('answers a conditional GET with 304 and compresses', async () => {
      const first = await t.app.request('/feed.xml', { headers: { 'Accept-Encoding': 'br' } });
      expect(first.headers.get('Content-Encoding')).toBe('br');
      const etag = first.headers.get('ETag') as string;
      expect(etag).toMatch(/^"[\w-]+"$/);
      const again = await t.app.request('/feed.xml', { headers: { 'If-None-Match': etag } });
      expect(again.status).toBe(304);
    });
  });

  describe('a theme title with markup in it', () => {
    const nasty = 'Hechting <&> "tussen" \'ons\' </script><script>alert(1)</script>';
    beforeAll(() => change(sql`update themes set title = ${nasty}, updated_at = now() + interval '1 day' where slug = 'hechting'`));
    afterAll(() => change(sql`update themes set title = 'Hechting' where slug = 'hechting'`));

    it('is escaped in the feed, which stays well-formed', async () => {
      const xml = await (await t.app.request('/feed.xml')).text();
      expect(xmlProblems(xml)).toEqual([]);
      expect(xml).toContain(
        '<title type="text">Hechting &lt;&amp;&gt; &quot;tussen&quot; &apos;ons&apos; &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>',
      );
      const first = elements(xml, 'entry')[0] as string;
      expect(one(first, 'title')).toBe(nasty);
    });

    it('stays inside the JSON-LD script element, and in the head only as escaped attribute text', async () => {
      const html = await (await t.app.request('/themas/hechting')).text();
      // One inline data block and no other inline script: the title did not open or close one.
      expect(html.match(/<script\b/g)).toHaveLength(1);
      expect(html.match(/<\/script>/g)).toHaveLength(1);
      expect(html).not.toContain('<script>alert');
      const [article] = jsonLd(html);
      expect(article?.headline).toBe(nasty);
      const block = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)?.[1] as string;
      expect(block).not.toMatch(/[<>&]/);
      expect(meta(html, 'property', 'og:title')).toEqual([nasty]);
    });
  });

  describe('sitemap and robots.txt', () => {
    async function sitemapLocs() {
      const res = await t.app.request('/sitemap.xml');
      expect(res.status).toBe(200);
      expect(res.headers.get('Content-Type')).toBe('application/xml; charset=utf-8');
      const xml = await res.text();
      expect(xmlProblems(xml)).toEqual([]);
      expect(xml).toContain('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
      return elements(xml, 'url').map((u) => ({ loc: one(u, 'loc'), lastmod: elements(u, 'lastmod')[0] }));
    }

    it('lists every public page as an absolute URL, with lastmod where known, and nothing of /beheer', async () => {
      const db = t.deps.database.db;
      const now = t.clock.now();
      const upcoming = await db
        .select({ id: trainingSessions.id, slug: trainings.slug })
        .from(trainingSessions)
        .innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
        .where(and(eq(trainings.published, true), gt(trainingSessions.endsAt, now)));
      const trainingSlugs = (await db.select({ slug: trainings.slug }).from(trainings).where(eq(trainings.published, true))).map((r) => r.slug);
      const orgSlugs = (await db.select({ slug: organisations.slug }).from(organisations).where(eq(organisations.published, true))).map((r) => r.slug);
      expect(upcoming.length).toBeGreaterThanOrEqual(4);
      expect(orgSlugs.length).toBeGreaterThan(0);
      const expected = [
        '/',
        '/themas',
        ...(await publishedThemes()),
        '/signalenlijst',
        '/signalenlijst/blanco',
        '/meldcode',
        '/meldcode/afwegingskader',
        '/meldcode/afwegingskader/evaluatie',
        '/trainingen',
        ...trainingSlugs.map((s) => `/trainingen/${s}`),
        ...upcoming.map((s) => `/trainingen/${s.slug}/${s.id}`),
        '/netwerk',
        ...orgSlugs.map((s) => `/netwerk/${s}`),
        '/zoeken',
        '/privacy',
        '/toegankelijkheid',
        '/over',
        '/aanmelden',
      ];
      const urls = await sitemapLocs();
      const locs = urls.map((u) => u.loc);
      expect(new Set(locs).size).toBe(locs.length);
      expect([...locs].sort()).toEqual(expected.map((p) => `${BASE}${p}`).sort());
      // Every public HTML page of the sweep without a query string is in it.
      for (const p of PUBLIC_PAGES.filter((p) => !p.includes('?') && !p.startsWith('/api/'))) expect(locs).toContain(`${BASE}${p}`);
      for (const loc of locs) {
        expect(loc).not.toContain('/beheer');
        const res = await t.app.request(loc.slice(BASE.length));
        expect(res.status, loc).toBe(200);
      }
      for (const u of urls) if (u.lastmod !== undefined) expect(u.lastmod).toMatch(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$/);
      const lastmod = (p: string) => urls.find((u) => u.loc === `${BASE}${p}`)?.lastmod;
      expect(lastmod('/themas/hechting')).toMatch(RFC3339);
      expect(lastmod('/privacy')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(lastmod('/trainingen/hechting-voor-professionals/1')).toMatch(RFC3339);
      expect(lastmod('/meldcode')).toBeUndefined();
    });

    it('drops a session once it has ended, and an unpublished training with its sessions', async () => {
      const before = (await sitemapLocs()).map((u) => u.loc);
      const [first] = await t.deps.database.db
        .select({ id: trainingSessions.id, endsAt: trainingSessions.endsAt, slug: trainings.slug })
        .from(trainingSessions)
        .innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
        .orderBy(trainingSessions.endsAt)
        .limit(1);
      if (!first) throw new Error('no sessions');
      const path = `${BASE}/trainingen/${first.slug}/${first.id}`;
      expect(before).toContain(path);
      const start = t.clock.now();
      t.clock.set(new Date(first.endsAt.getTime() + 1000));
      try {
        const after = (await sitemapLocs()).map((u) => u.loc);
        expect(after).not.toContain(path);
        expect(after).toContain(`${BASE}/trainingen/${first.slug}`);
      } finally {
        t.clock.set(start);
      }
      await change(sql`update trainings set published = false where slug = 'signalen-van-kindermishandeling-herkennen'`);
      try {
        const locs = (await sitemapLocs()).map((u) => u.loc);
        expect(locs.some((l) => l.includes('/trainingen/signalen-van-kindermishandeling-herkennen'))).toBe(false);
      } finally {
        await change(sql`update trainings set published = true where slug = 'signalen-van-kindermishandeling-herkennen'`);
      }
    });

    it('robots.txt allows everything but /beheer and points at the sitemap', async () => {
      const res = await t.app.request('/robots.txt');
      expect(res.status).toBe(200);
      expect(res.headers.get('Content-Type')).toBe('text/plain; charset=utf-8');
      const lines = (await res.text()).split('\n');
      expect(lines[0]).toBe('User-agent: *');
      expect(lines.filter((l) => l.startsWith('Disallow:'))).toEqual(['Disallow: /beheer']);
      expect(lines).toContain(`Sitemap: ${BASE}/sitemap.xml`);
    });

    it('uses BASE_URL for every absolute URL', async () => {
      const other = await createTestApp(kind, { env: { BASE_URL: 'https://hechtwerk.example/' } });
      try {
        expect(await (await other.app.request('/robots.txt')).text()).toContain('Sitemap: https://hechtwerk.example/sitemap.xml');
        const sitemap = await (await other.app.request('/sitemap.xml')).text();
        for (const loc of elements(sitemap, 'loc')) expect(loc.startsWith('https://hechtwerk.example/')).toBe(true);
        expect(sitemap).toContain('<loc>https://hechtwerk.example/</loc>');
        const feed = await (await other.app.request('/feed.xml')).text();
        expect(feed).toContain('href="https://hechtwerk.example/themas/hechting"');
        const html = await (await other.app.request('/themas/hechting?utm=x')).text();
        expect(html).toContain('<link rel="canonical" href="https://hechtwerk.example/themas/hechting"/>');
      } finally {
        await other.close();
      }
    });
  });

  describe('canonical URL, description and Open Graph', () => {
    it.each(PUBLIC_PAGES)('%s', async (path) => {
      const res = await t.app.request(path);
      expect(res.status).toBe(200);
      const html = await res.text();
      const head = html.slice(0, html.indexOf('</head>'));
      const canonical = [...head.matchAll(/<link rel="canonical" href="([^"]*)"\/>/g)].map((m) => m[1]);
      const expected = `${BASE}${new URL(path, BASE).pathname}`;
      expect(canonical).toEqual([expected]);
      const [description] = meta(head, 'name', 'description');
      expect(description?.length ?? 0).toBeGreaterThan(30);
      expect(meta(head, 'property', 'og:description')).toEqual([description]);
      expect(meta(head, 'property', 'og:url')).toEqual([expected]);
      expect(meta(head, 'property', 'og:title')[0]?.length ?? 0).toBeGreaterThan(2);
      expect(meta(head, 'property', 'og:type')).toEqual([/^\/themas\/[a-z]/.test(path) ? 'article' : 'website']);
      expect(meta(head, 'property', 'og:locale')).toEqual(['nl_NL']);
      expect(meta(head, 'property', 'og:site_name')).toEqual(['Hechtwerk']);
      expect(head).toContain('<link rel="alternate" type="application/atom+xml" title="Hechtwerk: thema’s" href="/feed.xml"/>');
    });

    it('search results point at the search page; error pages, POST results and personal links have no canonical', async () => {
      const search = await (await t.app.request('/zoeken?q=hechting&p=2')).text();
      expect(search).toContain(`<link rel="canonical" href="${BASE}/zoeken"/>`);
      const missing = await t.app.request('/bestaat-niet');
      expect(missing.status).toBe(404);
      const notFound = await missing.text();
      expect(notFound).not.toContain('rel="canonical"');
      expect(notFound).not.toContain('og:url');
      for (const path of ['/beheer/inloggen', '/trainingen/aanmelding/onbekend-token', '/trainingen/bevestigen/onbekend-token']) {
        const html = await (await t.app.request(path)).text();
        expect(html, path).not.toContain('rel="canonical"');
        expect(html, path).not.toContain('og:url');
      }
      const result = await t.app.request('/meldcode/afwegingskader', {
        method: 'POST',
        body: new URLSearchParams({}),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      expect(await result.text()).not.toContain('rel="canonical"');
    });
  });

  describe('JSON-LD', () => {
    it('a theme page carries a schema.org Article', async () => {
      const html = await (await t.app.request('/themas/kindermishandeling')).text();
      const blocks = jsonLd(html);
      expect(blocks).toHaveLength(1);
      const reviewed = /Laatst inhoudelijk gecontroleerd op <time datetime="(\d{4}-\d{2}-\d{2})">/.exec(html)?.[1];
      expect(reviewed).toBeDefined();
      const url = `${BASE}/themas/kindermishandeling`;
      expect(blocks[0]).toMatchObject({
        '@context': 'https://schema.org',
        '@type': 'Article',
        headline: 'Kindermishandeling',
        dateModified: reviewed,
        inLanguage: 'nl-NL',
        url,
        mainEntityOfPage: { '@type': 'WebPage', '@id': url },
        publisher: { '@type': 'Organization', name: 'Hechtwerk', url: `${BASE}/` },
      });
      expect(blocks[0]?.description).toBe(meta(html, 'name', 'description')[0]);
    });

    it('a session page carries a schema.org Event whose remaining capacity follows the registrations', async () => {
      const db = t.deps.database.db;
      const [row] = await db
        .select({ session: trainingSessions, training: trainings })
        .from(trainingSessions)
        .innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
        .where(eq(trainingSessions.online, false))
        .orderBy(trainingSessions.id)
        .limit(1);
      if (!row) throw new Error('no session');
      const { session, training } = row;
      const path = `/trainingen/${training.slug}/${session.id}`;
      const event = async () => {
        const blocks = jsonLd(await (await t.app.request(path)).text());
        expect(blocks).toHaveLength(1);
        return blocks[0] as Record<string, unknown> & { offers: Record<string, unknown>; location: Record<string, unknown> };
      };
      const before = await event();
      expect(before).toMatchObject({
        '@context': 'https://schema.org',
        '@type': 'Event',
        name: training.title,
        description: training.summary,
        url: `${BASE}${path}`,
        eventStatus: 'https://schema.org/EventScheduled',
        eventAttendanceMode: 'https://schema.org/OfflineEventAttendanceMode',
        location: { '@type': 'Place', name: session.location, address: session.location },
        organizer: { '@type': 'Organization', name: 'Hechtwerk' },
        offers: { '@type': 'Offer', price: 0, priceCurrency: 'EUR', availability: 'https://schema.org/InStock', url: `${BASE}${path}` },
        maximumAttendeeCapacity: session.capacity,
      });
      expect(before.startDate).toMatch(RFC3339);
      expect(Date.parse(before.startDate as string)).toBe(Math.floor(session.startsAt.getTime() / 1000) * 1000);
      expect(Date.parse(before.endDate as string)).toBe(Math.floor(session.endsAt.getTime() / 1000) * 1000);
      const remaining = before.remainingAttendeeCapacity as number;
      expect(remaining).toBeGreaterThan(0);
      expect(remaining).toBeLessThanOrEqual(session.capacity);

      const res = await t.app.request(`${path}/aanmelden`, {
        method: 'POST',
        body: new URLSearchParams({ name: 'Deelnemer LD', email: 'ld@example.org', organisation: 'GGD Voorbeeld', role: 'Jeugdarts', consent: 'ja' }),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      expect(res.status).toBe(200);
      expect((await event()).remainingAttendeeCapacity).toBe(remaining - 1);

      // Full: SoldOut with nothing left; cancelled: EventCancelled.
      const taken = session.capacity - remaining + 1;
      await db.update(trainingSessions).set({ capacity: taken }).where(eq(trainingSessions.id, session.id));
      const full = await event();
      expect(full.remainingAttendeeCapacity).toBe(0);
      expect(full.maximumAttendeeCapacity).toBe(taken);
      expect(full.offers.availability).toBe('https://schema.org/SoldOut');
      await db.update(trainingSessions).set({ status: 'geannuleerd' }).where(eq(trainingSessions.id, session.id));
      expect((await event()).eventStatus).toBe('https://schema.org/EventCancelled');
      await db.update(trainingSessions).set({ status: 'gepland', capacity: session.capacity }).where(eq(trainingSessions.id, session.id));
    });

    it('an online session is a VirtualLocation with the online attendance mode', async () => {
      const [row] = await t.deps.database.db
        .select({ id: trainingSessions.id, slug: trainings.slug, location: trainingSessions.location })
        .from(trainingSessions)
        .innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
        .where(eq(trainingSessions.online, true))
        .limit(1);
      if (!row) throw new Error('no online session');
      const [event] = jsonLd(await (await t.app.request(`/trainingen/${row.slug}/${row.id}`)).text());
      expect(event).toMatchObject({
        eventAttendanceMode: 'https://schema.org/OnlineEventAttendanceMode',
        location: { '@type': 'VirtualLocation', name: row.location, url: `${BASE}/trainingen/${row.slug}/${row.id}` },
      });
    });

    it('a location containing </script> stays inside the session page’s data block', async () => {
      const db = t.deps.database.db;
      const [s] = await db
        .select()
        .from(trainingSessions)
        .where(gt(trainingSessions.endsAt, new Date(t.clock.now().getTime() + DAY)))
        .limit(1);
      if (!s) throw new Error('no session');
      const [tr] = await db.select().from(trainings).where(eq(trainings.id, s.trainingId));
      const location = 'Zaal </script><script src="/x.js"></script><!-- & > "1"';
      await db.update(trainingSessions).set({ location }).where(eq(trainingSessions.id, s.id));
      try {
        const html = await (await t.app.request(`/trainingen/${tr?.slug}/${s.id}`)).text();
        expect(html.match(/<script\b/g)).toHaveLength(1);
        expect(html).not.toContain('src="/x.js"');
        const [event] = jsonLd(html);
        expect((event?.location as { name?: string } | undefined)?.name).toBe(location);
      } finally {
        await db.update(trainingSessions).set({ location: s.location }).where(eq(trainingSessions.id, s.id));
      }
    });
  });
});
