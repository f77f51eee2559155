import { readFileSync } from 'node:fs';
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type Backend, type Browser, backends, createTestApp, csrfFrom, formFields, loginAs, tableCounts } from '../../test/helpers.ts';
import { appSettings, auditLog, organisations, revisions, searchDocuments } from '../db/schema.ts';
import { importDemoOrganisations } from './demo.ts';
import type { OrganisationInput } from './form.ts';
import { createOrganisation } from './service.ts';

const demoFile = parseYaml(readFileSync('content/netwerk.yaml', 'utf8')) as { slug: string; name: string }[];

/** The organisations on a list page, in order, by the slug their card links to. */
const cardSlugs = (html: string) => [...html.matchAll(/<h2><a class="utrecht-link" href="\/netwerk\/([a-z0-9-]+)">/g)].map((m) => m[1]);
const statusText = (html: string) => /<p role="status">([^<]*)<\/p>/.exec(html)?.[1] ?? '';
const versionIn = (html: string) => /name="versie" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** A form post with repeated fields (checkboxes), as a browser sends it, with the editor's cookies. */
function postPairs(browser: Browser, path: string, pairs: [string, string][]) {
  return browser.app.request(path, {
    method: 'POST',
    body: new URLSearchParams(pairs),
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    },
  });
}

describe.each(backends())('netwerk on %s', (kind: Backend) => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let editor: Browser;
  beforeAll(async () => {
    t = await createTestApp(kind);
    editor = await loginAs(t.app, t.deps.database, 'redacteur');
  });
  afterAll(() => t.close());
  const db = () => t.deps.database.db;
  const get = async (path: string) => {
    const res = await t.app.request(path);
    return { status: res.status, html: await res.text() };
  };
  const bySlug = async (slug: string) => (await db().select().from(organisations).where(eq(organisations.slug, slug)))[0];
  const searchDoc = async (slug: string) =>
    (
      await db()
        .select()
        .from(searchDocuments)
        .where(and(eq(searchDocuments.kind, 'organisation'), eq(searchDocuments.ref, slug)))
    )[0];

  describe('demo data and public pages', () => {
    it('loads the demo organisations once on first start; all fictional except Veilig Thuis', async () => {
      const all = await db().select().from(organisations);
      expect(all.map((o) => o.slug).sort()).toEqual(demoFile.map((o) => o.slug).sort());
      expect(all.length).toBeGreaterThanOrEqual(8);
      expect(new Set(all.map((o) => o.type)).size).toBeGreaterThanOrEqual(8);
      const vt = all.find((o) => o.type === 'Veilig Thuis');
      expect(vt).toMatchObject({ demo: false, phone: '0800-2000', website: 'https://www.vooreenveiligthuis.nl/' });
      for (const o of all.filter((x) => x !== vt)) {
        expect(o.demo, o.slug).toBe(true);
        if (o.email) expect(o.email).toMatch(/@voorbeeld\.nl$/);
        if (o.website) expect(o.website).toMatch(/^https:\/\/www\.voorbeeld\.nl\//);
      }
      // Every published organisation is in the search index.
      for (const o of all) expect((await searchDoc(o.slug))?.url).toBe(`/netwerk/${o.slug}`);
      // A second start (another instance, or a restart) loads nothing again.
      expect(await importDemoOrganisations(db(), 'content/netwerk.yaml')).toBe(0);
      expect((await db().select().from(organisations)).length).toBe(all.length);
      expect((await db().select().from(appSettings).where(eq(appSettings.key, 'network_demo_loaded'))).length).toBe(1);
    });

    it('/netwerk lists every published organisation as a card named after it, with a count, the demo notice and a GET filter form', async () => {
      const { status, html } = await get('/netwerk');
      expect(status).toBe(200);
      const slugs = cardSlugs(html);
      expect(slugs.sort()).toEqual(demoFile.map((o) => o.slug).sort());
      for (const o of demoFile) expect(html).toContain(`<a class="utrecht-link" href="/netwerk/${o.slug}">${o.name.replace(/&/g, '&amp;')}</a>`);
      expect(statusText(html)).toBe(`${demoFile.length} organisaties in het netwerk.`);
      expect(html).toContain('<form class="hw-filter" method="get" action="/netwerk"');
      for (const name of ['type', 'gemeente', 'thema']) expect(html).toContain(`<select class="hw-select" id="${name}" name="${name}"`);
      expect(html).toContain('>Filter toepassen</button>');
      expect(html).toContain('<a class="utrecht-link" href="/netwerk">Wis filters</a>');
      expect(html).toContain('dit zijn grotendeels demo-gegevens');
      expect(html.match(/Demo-gegevens: fictieve organisatie<\/p>/g)?.length).toBe(demoFile.length - 1);
      expect(html).toMatch(/<meta name="description" content="Partnerorganisaties in de regio/);
    });

    it('filters by type, municipality and theme, alone and combined', async () => {
      const all = await db().select().from(organisations);
      const expected = (pred: (o: (typeof all)[number]) => boolean) =>
        all
          .filter(pred)
          .map((o) => o.slug)
          .sort();
      const cases: [string, (o: (typeof all)[number]) => boolean][] = [
        ['type=JGZ', (o) => o.type === 'JGZ'],
        ['type=Veilig+Thuis', (o) => o.type === 'Veilig Thuis'],
        ['gemeente=Heuvelrijk', (o) => o.municipalities.includes('Heuvelrijk')],
        ['thema=kansrijke-start', (o) => o.themes.includes('kansrijke-start')],
        ['gemeente=Beekdal&thema=kindermishandeling', (o) => o.municipalities.includes('Beekdal') && o.themes.includes('kindermishandeling')],
        [
          'type=kraamzorg&gemeente=Beekdal&thema=kansrijke-start',
          (o) => o.type === 'kraamzorg' && o.municipalities.includes('Beekdal') && o.themes.includes('kansrijke-start'),
        ],
        // What the form sends when "Alle …" is chosen everywhere.
        ['type=&gemeente=&thema=', () => true],
        // Case does not matter for a typed link.
        ['type=jgz&gemeente=heuvelrijk', (o) => o.type === 'JGZ' && o.municipalities.includes('Heuvelrijk')],
      ];
      for (const [query, pred] of cases) {
        const { status, html } = await get(`/netwerk?${query}`);
        expect(status, query).toBe(200);
        const want = expected(pred);
        expect(want.length, `${query} is a useful case`).toBeGreaterThan(0);
        expect(cardSlugs(html).sort(), query).toEqual(want);
        expect(statusText(html), query).toMatch(new RegExp(`^${want.length} organisatie`));
      }
      const jgz = (await get('/netwerk?type=JGZ')).html;
      expect(jgz).toContain('<option value="JGZ" selected="">');
      expect(statusText(jgz)).toBe('1 organisatie gevonden van het type Jeugdgezondheidszorg (JGZ).');
      const none = await get('/netwerk?type=politie&gemeente=Heuvelrijk');
      expect(none.status).toBe(200);
      expect(cardSlugs(none.html)).toEqual([]);
      expect(statusText(none.html)).toContain('Geen organisaties gevonden van het type Politie, in Heuvelrijk.');
    });

    it('unknown or overlong filter values get a calm Dutch message and are ignored, never a 500', async () => {
      const everyone = demoFile.length;
      const cases: [string, string, number][] = [
        ['type=tandarts', 'Het type “tandarts” kennen we niet. Kies een type uit de lijst.', everyone],
        ['gemeente=Atlantis', 'Voor de gemeente “Atlantis” staan geen organisaties in het netwerk.', everyone],
        ['thema=bestaat-niet', 'Het thema “bestaat-niet” kennen we niet.', everyone],
        [`type=${'x'.repeat(5000)}`, 'Deze filterwaarde is te lang (5000 tekens).', everyone],
        // The known filter still applies next to the unknown one.
        ['type=JGZ&gemeente=Atlantis', 'Voor de gemeente “Atlantis”', 1],
        ['gemeente=%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'Voor de gemeente “&lt;script&gt;alert(1)&lt;/script&gt;”', everyone],
        // Control characters are read as spaces, never passed to the database.
        ['thema=hech%00ting', 'Het thema “hech ting” kennen we niet.', everyone],
      ];
      for (const [query, message, count] of cases) {
        const { status, html } = await get(`/netwerk?${query}`);
        expect(status, query).toBe(400);
        expect(html, query).toContain('Er is een probleem');
        expect(html, query).toContain(message);
        expect(html, query).not.toContain('<script>alert');
        expect(cardSlugs(html).length, query).toBe(count);
      }
      // Repeated and unknown parameters are harmless.
      expect((await get('/netwerk?type=JGZ&type=GGZ&foo=bar')).status).toBe(200);
    });

    it('an organisation page shows every detail: tel:, mailto:, website, municipalities, themes linked to /themas, breadcrumbs', async () => {
      const { status, html } = await get('/netwerk/jgz-voorbeeldregio');
      expect(status).toBe(200);
      expect(html).toContain('<h1 class="utrecht-heading-1">Jeugdgezondheidszorg Voorbeeldregio</h1>');
      expect(html).toContain('<a class="utrecht-link" href="tel:0880000001">088-0000001</a>');
      expect(html).toContain('<a class="utrecht-link" href="mailto:jgz@voorbeeld.nl">jgz@voorbeeld.nl</a>');
      expect(html).toContain('<a class="utrecht-link" href="https://www.voorbeeld.nl/jgz-voorbeeldregio/">www.voorbeeld.nl/jgz-voorbeeldregio</a>');
      expect(html).toContain('Parklaan 10, Voorbeeldstad');
      for (const m of ['Voorbeeldstad', 'Beekdal', 'Heuvelrijk']) expect(html).toContain(`href="/netwerk?gemeente=${m}"`);
      expect(html).toContain('<a class="utrecht-link" href="/themas/hechting">Hechting</a>');
      expect(html).toContain('<a class="utrecht-link" href="/themas/kansrijke-start">Kansrijke Start</a>');
      expect(html).toContain('aria-label="Kruimelpad"');
      expect(html).toContain('<a class="utrecht-breadcrumb-nav__link utrecht-link" href="/netwerk">Netwerk</a>');
      expect(html).toContain('<span aria-current="page">Jeugdgezondheidszorg Voorbeeldregio</span>');
      expect(html).toContain('<p class="hw-demo">Demo-gegevens: fictieve organisatie</p>');
      expect(html).toMatch(/<meta name="description" content="Jeugdgezondheidszorg Voorbeeldregio: De jeugdgezondheidszorg/);
      expect(html).toMatch(/<a href="\/netwerk" aria-current="page">Netwerk<\/a>/);

      const vt = (await get('/netwerk/veilig-thuis')).html;
      expect(vt).toContain('<a class="utrecht-link" href="tel:08002000">0800-2000</a>');
      expect(vt).toContain('href="https://www.vooreenveiligthuis.nl/"');
      expect(vt).not.toContain('Demo-gegevens');

      for (const path of ['/netwerk/bestaat-niet', '/netwerk/Fout%20Slug', '/netwerk/..%2F..%2Fetc', `/netwerk/${'a'.repeat(300)}`]) {
        const res = await get(path);
        expect(res.status, path).toBe(404);
        expect(res.html).toContain('Pagina niet gevonden');
      }
    });

    it('search finds an organisation', async () => {
      const { html } = await get('/zoeken?q=kraamverzorgenden');
      expect(html).toMatch(
        /<span class="hw-kind">Organisatie<\/span><h2><a class="utrecht-link" href="\/netwerk\/kraamzorg-voorbeeldstad">Kraamzorg Voorbeeldstad<\/a>/,
      );
    });
  });

  describe('beheer', () => {
    const good = (over: Record<string, string> = {}, themes = ['hechting', 'kansrijke-start']): [string, string][] => [
      ...Object.entries({
        name: 'Opvoedpunt Beekdal',
        slug: '',
        type: 'anders',
        description: 'Inloopspreekuur voor ouders met vragen over opvoeden en opgroeien van jonge kinderen.',
        phone: '010-0000099',
        email: 'Info@Voorbeeld.NL',
        website: 'www.voorbeeld.nl/opvoedpunt?utm_source=nieuwsbrief',
        address: 'Beekstraat 1, Beekdal',
        municipalities: 'beekdal, Heuvelrijk, Beekdal',
        published: 'ja',
        ...over,
      }),
      ...themes.map((s): [string, string] => ['themes', s]),
    ];

    it('anonymous visitors are sent to login; every POST without a valid CSRF token is refused and changes nothing', async () => {
      const org = await bySlug('jgz-voorbeeldregio');
      for (const path of ['/beheer/netwerk', '/beheer/netwerk/nieuw', `/beheer/netwerk/${org?.id}`, `/beheer/netwerk/${org?.id}/verwijderen`]) {
        const res = await t.app.request(path);
        expect(res.status, path).toBe(303);
        expect(res.headers.get('Location'), path).toBe(`/beheer/inloggen?terug=${encodeURIComponent(path)}`);
      }
      const html = await (await editor.get(`/beheer/netwerk/${org?.id}`)).text();
      const versie = versionIn(html);
      const before = await tableCounts(t.deps.database);
      const posts: [string, Record<string, string>][] = [
        ['/beheer/netwerk/nieuw', Object.fromEntries(good())],
        [`/beheer/netwerk/${org?.id}`, { ...Object.fromEntries(good()), versie }],
        [`/beheer/netwerk/${org?.id}/terugtrekken`, { versie }],
        [`/beheer/netwerk/${org?.id}/publiceren`, { versie }],
        [`/beheer/netwerk/${org?.id}/verwijderen`, { versie }],
      ];
      for (const [path, fields] of posts) {
        expect((await t.app.request(path, { method: 'POST', body: new URLSearchParams(fields) })).status, `anonymous ${path}`).toBe(403);
        expect((await editor.post(path, fields)).status, `no token ${path}`).toBe(403);
        expect((await editor.post(path, { ...fields, _csrf: 'vervalst' })).status, `forged token ${path}`).toBe(403);
      }
      expect(await tableCounts(t.deps.database)).toEqual(before);
      expect(await bySlug('jgz-voorbeeldregio')).toEqual(org);
    });

    it('a redacteur creates an organisation: bad input first (messages, input kept, nothing written), then it is on the site and in search', async () => {
      const form = await (await editor.get('/beheer/netwerk/nieuw')).text();
      expect(form).toContain('<h1 class="utrecht-heading-1">Nieuwe organisatie</h1>');
      const csrf = csrfFrom(form);
      const before = await tableCounts(t.deps.database);
      const bad = await postPairs(editor, '/beheer/netwerk/nieuw', [
        ['_csrf', csrf],
        ...good({ slug: 'Niet Goed', type: 'tandarts', description: 'kort', email: 'geen-mail', website: 'javascript:alert(1)', municipalities: '' }),
      ]);
      expect(bad.status).toBe(400);
      const badHtml = await bad.text();
      expect(badHtml).toContain('Er is een probleem');
      for (const message of [
        'Gebruik alleen kleine letters, cijfers en koppeltekens',
        'Kies een type organisatie.',
        'Beschrijf in minstens 20 tekens wat de organisatie doet voor gezinnen.',
        'Vul een geldig e-mailadres in',
        'Vul een geldig webadres in',
        'Vul minstens één gemeente in.',
      ])
        expect(badHtml).toContain(message);
      for (const field of ['slug', 'type', 'description', 'email', 'website', 'municipalities']) expect(badHtml).toContain(`<a href="#${field}">`);
      expect(badHtml).toContain('value="Opvoedpunt Beekdal"');
      expect(badHtml).toContain('value="Niet Goed"');
      expect(badHtml).toContain('value="geen-mail"');
      expect(badHtml).toMatch(/id="thema-kansrijke-start" name="themes" value="kansrijke-start" checked=""/);
      expect(await tableCounts(t.deps.database)).toEqual(before);

      const noContact = await postPairs(editor, '/beheer/netwerk/nieuw', [['_csrf', csrf], ...good({ phone: '', email: '', website: '' })]);
      expect(noContact.status).toBe(400);
      expect(await noContact.text()).toContain('Vul minstens één manier van contact in: telefoon, e-mail of website.');
      const unknownTheme = await postPairs(editor, '/beheer/netwerk/nieuw', [['_csrf', csrf], ...good({}, ['hechting', 'verzonnen-thema'])]);
      expect(unknownTheme.status).toBe(400);
      expect(await unknownTheme.text()).toContain('Onbekend thema: verzonnen-thema');
      expect(await tableCounts(t.deps.database)).toEqual(before);

      const ok = await postPairs(editor, '/beheer/netwerk/nieuw', [['_csrf', csrf], ...good()]);
      expect(ok.status).toBe(303);
      const location = ok.headers.get('Location') as string;
      expect(location).toMatch(/^\/beheer\/netwerk\/\d+\?melding=aangemaakt$/);
      expect(await (await editor.get(location)).text()).toContain('De organisatie is aangemaakt.');
      const row = await bySlug('opvoedpunt-beekdal');
      expect(row).toMatchObject({
        name: 'Opvoedpunt Beekdal',
        type: 'anders',
        email: 'info@voorbeeld.nl',
        website: 'https://www.voorbeeld.nl/opvoedpunt/',
        // One spelling per municipality: the one already in use, duplicates dropped.
        municipalities: ['Beekdal', 'Heuvelrijk'],
        themes: ['hechting', 'kansrijke-start'],
        published: true,
        demo: false,
      });
      const after = await tableCounts(t.deps.database);
      expect(after.organisations).toBe((before.organisations ?? 0) + 1);
      expect(after.search_documents).toBe((before.search_documents ?? 0) + 1);
      expect(after.audit_log).toBe((before.audit_log ?? 0) + 1);
      const [entry] = await db()
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'organisation.created'), eq(auditLog.subjectKind, 'organisation'), eq(auditLog.subjectId, row?.id as number)));
      expect(entry?.actorId).not.toBeNull();
      expect(entry?.subject).toBe(row?.name);

      expect(cardSlugs((await get('/netwerk')).html)).toContain('opvoedpunt-beekdal');
      expect(cardSlugs((await get('/netwerk?gemeente=Beekdal&type=anders')).html)).toEqual(['opvoedpunt-beekdal']);
      expect((await get('/netwerk/opvoedpunt-beekdal')).html).toContain('<a class="utrecht-link" href="tel:0100000099">010-0000099</a>');
      expect((await get('/zoeken?q=opvoedpunt')).html).toContain('href="/netwerk/opvoedpunt-beekdal"');

      const again = await postPairs(editor, '/beheer/netwerk/nieuw', [['_csrf', csrf], ...good({ name: 'Ander opvoedpunt', slug: 'opvoedpunt-beekdal' })]);
      expect(again.status).toBe(409);
      expect(await again.text()).toContain('Er bestaat al een organisatie met dit webadres');
      expect((await tableCounts(t.deps.database)).organisations).toBe(after.organisations);
    });

    it('edits an organisation; a save from a stale form gets a 409 and leaves the row unchanged', async () => {
      const org = await bySlug('opvoedpunt-beekdal');
      const path = `/beheer/netwerk/${org?.id}`;
      const mine = await (await editor.get(path)).text();
      const versie = versionIn(mine);
      expect(versie).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);

      // A colleague opens the same organisation and saves first.
      const colleague = await loginAs(t.app, t.deps.database, 'beheerder');
      const theirs = await (await colleague.get(path)).text();
      expect(versionIn(theirs)).toBe(versie);
      const saved = await postPairs(colleague, path, [
        ['_csrf', csrfFrom(theirs)],
        ['versie', versie],
        ...good({ slug: 'opvoedpunt-beekdal', description: 'Inloopspreekuur voor ouders, nu ook op zaterdag, over opvoeden en opgroeien.' }),
      ]);
      expect(saved.status).toBe(303);
      expect(saved.headers.get('Location')).toBe(`${path}?melding=opgeslagen`);
      const afterColleague = await bySlug('opvoedpunt-beekdal');
      expect(afterColleague?.description).toContain('nu ook op zaterdag');

      // My save, from the form I opened before that, must not overwrite theirs.
      const stale = await postPairs(editor, path, [
        ['_csrf', csrfFrom(mine)],
        ['versie', versie],
        ...good({ slug: 'opvoedpunt-beekdal', name: 'Opvoedpunt Beekdal en Heuvelrijk' }),
      ]);
      expect(stale.status).toBe(409);
      const conflict = await stale.text();
      expect(conflict).toContain('Iemand anders heeft deze organisatie intussen gewijzigd');
      expect(conflict).toContain('Opgeslagen door Test beheerder op');
      expect(conflict).toContain('nu ook op zaterdag');
      expect(conflict).toContain('value="Opvoedpunt Beekdal en Heuvelrijk"');
      expect(await bySlug('opvoedpunt-beekdal')).toEqual(afterColleague);
      // A missing or made-up version is no better than a stale one.
      for (const v of ['', 'gisteren', '2020-01-01T00:00:00.000000Z']) {
        const res = await postPairs(editor, path, [['_csrf', csrfFrom(mine)], ['versie', v], ...good({ slug: 'opvoedpunt-beekdal', name: 'Overschreven' })]);
        expect(res.status, v).toBe(409);
      }
      expect(await bySlug('opvoedpunt-beekdal')).toEqual(afterColleague);

      // Having seen their change, I save again from the conflict page: that is a deliberate choice, so it goes through.
      const retry = await postPairs(editor, path, [
        ['_csrf', csrfFrom(conflict)],
        ['versie', versionIn(conflict)],
        ...good({ slug: 'opvoedpunt-heuvelrijk', name: 'Opvoedpunt Beekdal en Heuvelrijk' }),
      ]);
      expect(retry.status).toBe(303);
      expect((await bySlug('opvoedpunt-heuvelrijk'))?.name).toBe('Opvoedpunt Beekdal en Heuvelrijk');
      // The address moved: the old one redirects there and is gone from the index, the new one is there.
      const old = await t.app.request('/netwerk/opvoedpunt-beekdal');
      expect(old.status).toBe(301);
      expect(old.headers.get('location')).toBe('/netwerk/opvoedpunt-heuvelrijk');
      expect((await get('/netwerk/opvoedpunt-heuvelrijk')).status).toBe(200);
      expect(await searchDoc('opvoedpunt-beekdal')).toBeUndefined();
      expect((await searchDoc('opvoedpunt-heuvelrijk'))?.title).toBe('Opvoedpunt Beekdal en Heuvelrijk');

      const updates = await db()
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'organisation.updated'), eq(auditLog.subjectKind, 'organisation'), eq(auditLog.subjectId, org?.id as number)))
        .orderBy(asc(auditLog.id));
      expect(updates.length).toBe(2);
      expect(updates.map((u) => u.details.changed)).toEqual([['description'], ['name', 'slug', 'description']]);

      // Bad input on edit: messages, input kept, the version I started from kept, nothing written.
      const current = await (await editor.get(`/beheer/netwerk/${org?.id}`)).text();
      const snapshot = await bySlug('opvoedpunt-heuvelrijk');
      const bad = await postPairs(editor, path, [
        ['_csrf', csrfFrom(current)],
        ['versie', versionIn(current)],
        ...good({ slug: 'opvoedpunt-heuvelrijk', name: 'X' }),
      ]);
      expect(bad.status).toBe(400);
      const badHtml = await bad.text();
      expect(badHtml).toContain('Vul de naam in (minstens 2 tekens).');
      expect(versionIn(badHtml)).toBe(versionIn(current));
      expect(await bySlug('opvoedpunt-heuvelrijk')).toEqual(snapshot);
    });

    it('a changed slug: every old address redirects (301) to the current one, and renaming back serves the page again', async () => {
      const org = await bySlug('opvoedpunt-heuvelrijk');
      const path = `/beheer/netwerk/${org?.id}`;
      const rename = async (slug: string) => {
        const form = await (await editor.get(path)).text();
        const fields = good({ slug, name: org?.name ?? '', description: org?.description ?? '' });
        const res = await postPairs(editor, path, [['_csrf', csrfFrom(form)], ['versie', versionIn(form)], ...fields]);
        expect(res.status).toBe(303);
      };
      const redirects = async (from: string, to: string) => {
        const res = await t.app.request(`/netwerk/${from}`);
        expect(res.status, from).toBe(301);
        expect(res.headers.get('location'), from).toBe(`/netwerk/${to}`);
      };
      await rename('opvoedpunt-beekdal-centrum');
      await redirects('opvoedpunt-beekdal', 'opvoedpunt-beekdal-centrum');
      await redirects('opvoedpunt-heuvelrijk', 'opvoedpunt-beekdal-centrum');
      expect((await t.app.request('/netwerk/opvoedpunt-beekdal-centrum')).status).toBe(200);
      // And back, so the tests below find it where they expect it.
      await rename('opvoedpunt-heuvelrijk');
      expect((await t.app.request('/netwerk/opvoedpunt-heuvelrijk')).status).toBe(200);
      await redirects('opvoedpunt-beekdal-centrum', 'opvoedpunt-heuvelrijk');
    });

    it('a late save with the form’s fingerprints: other fields are merged, only the same field conflicts', async () => {
      const org = await bySlug('kraamzorg-voorbeeldstad');
      const path = `/beheer/netwerk/${org?.id}`;
      const colleague = await loginAs(t.app, t.deps.database, 'beheerder');
      const mine = formFields(await (await editor.get(path)).text(), path);
      const theirs = formFields(await (await colleague.get(path)).text(), path);
      expect(mine.find(([k]) => k === 'basis')?.[1]).toMatch(/^\{"name":"/);
      const set = (pairs: [string, string][], changes: Record<string, string>): [string, string][] =>
        pairs.map(([k, v]) => [k, k in changes ? (changes[k] as string) : v]);
      expect((await postPairs(colleague, path, set(theirs, { phone: '088-1112233' }))).status).toBe(303);
      // Different fields: both kept, no conflict.
      expect((await postPairs(editor, path, set(mine, { description: 'Kraamzorg aan huis, met aandacht voor de band tussen ouder en baby.' }))).status).toBe(
        303,
      );
      const both = await bySlug('kraamzorg-voorbeeldstad');
      expect([both?.phone, both?.description]).toEqual(['088-1112233', 'Kraamzorg aan huis, met aandacht voor de band tussen ouder en baby.']);
      // The same field, from forms opened before: the second gets a conflict on that field alone.
      const a = formFields(await (await editor.get(path)).text(), path);
      const b = formFields(await (await colleague.get(path)).text(), path);
      expect((await postPairs(colleague, path, set(b, { phone: '088-4445566' }))).status).toBe(303);
      const res = await postPairs(editor, path, set(a, { phone: '088-7778899', address: 'Dorpsstraat 1, Voorbeeldstad' }));
      expect(res.status).toBe(409);
      const html = await res.text();
      expect(html).toContain('Jullie wijzigden allebei: Telefoon.');
      const notice = html.slice(html.indexOf('conflict-title'), html.indexOf('</section>', html.indexOf('conflict-title')));
      expect(notice).toContain('088-4445566');
      expect(notice).not.toContain('Dorpsstraat');
      const form = formFields(html, path);
      expect(Object.fromEntries(form)).toMatchObject({ phone: '088-7778899', address: 'Dorpsstraat 1, Voorbeeldstad' });
      expect((await bySlug('kraamzorg-voorbeeldstad'))?.phone).toBe('088-4445566');
      expect((await postPairs(editor, path, form)).status).toBe(303);
      const after = await bySlug('kraamzorg-voorbeeldstad');
      expect([after?.phone, after?.address]).toEqual(['088-7778899', 'Dorpsstraat 1, Voorbeeldstad']);
    });

    it('publish and unpublish: an unpublished organisation is gone from the list, its page and search', async () => {
      const org = await bySlug('opvoedpunt-heuvelrijk');
      const path = `/beheer/netwerk/${org?.id}`;
      const html = await (await editor.get(path)).text();
      const csrf = csrfFrom(html);
      const versie = versionIn(html);
      const off = await editor.post(`${path}/terugtrekken`, { _csrf: csrf, versie });
      expect(off.status).toBe(303);
      expect(off.headers.get('Location')).toBe(`${path}?melding=teruggetrokken`);
      expect((await bySlug('opvoedpunt-heuvelrijk'))?.published).toBe(false);
      expect(cardSlugs((await get('/netwerk')).html)).not.toContain('opvoedpunt-heuvelrijk');
      expect(cardSlugs((await get('/netwerk?type=anders')).html)).toEqual([]);
      expect((await get('/netwerk/opvoedpunt-heuvelrijk')).status).toBe(404);
      expect((await get('/zoeken?q=opvoedpunt')).html).not.toContain('/netwerk/opvoedpunt-heuvelrijk');
      expect(await searchDoc('opvoedpunt-heuvelrijk')).toBeUndefined();
      const page = await (await editor.get(path)).text();
      expect(page).toContain('Deze organisatie staat niet op de site');
      expect(page).toContain('<a href="/beheer/netwerk" aria-current="page">Netwerk beheren</a>');

      // Publishing from the old page (its version is stale now) is refused.
      const stale = await editor.post(`${path}/publiceren`, { _csrf: csrf, versie });
      expect(stale.status).toBe(409);
      expect(await stale.text()).toContain('Iemand anders heeft deze organisatie gewijzigd');
      expect((await bySlug('opvoedpunt-heuvelrijk'))?.published).toBe(false);

      const on = await editor.post(`${path}/publiceren`, { _csrf: csrf, versie: versionIn(page) });
      expect(on.status).toBe(303);
      expect(cardSlugs((await get('/netwerk')).html)).toContain('opvoedpunt-heuvelrijk');
      expect((await get('/netwerk/opvoedpunt-heuvelrijk')).status).toBe(200);
      expect((await get('/zoeken?q=opvoedpunt')).html).toContain('/netwerk/opvoedpunt-heuvelrijk');
      const actions = (
        await db()
          .select()
          .from(auditLog)
          .where(and(eq(auditLog.subjectKind, 'organisation'), eq(auditLog.subjectId, org?.id as number)))
      ).map((a) => a.action);
      expect(actions).toEqual(expect.arrayContaining(['organisation.unpublished', 'organisation.published']));
    });

    it('delete asks for confirmation, refuses a stale confirmation, then removes the organisation and its search entry', async () => {
      const org = await bySlug('opvoedpunt-heuvelrijk');
      const path = `/beheer/netwerk/${org?.id}`;
      const confirm = await (await editor.get(`${path}/verwijderen`)).text();
      expect(confirm).toContain('Opvoedpunt Beekdal en Heuvelrijk verwijderen?');
      expect(confirm).toContain('Ja, verwijder Opvoedpunt Beekdal en Heuvelrijk');
      const csrf = csrfFrom(confirm);
      // Someone changes it while the confirmation is open.
      await db()
        .update(organisations)
        .set({ address: 'Nieuw adres 2, Heuvelrijk', updatedAt: sql`now() + interval '1 second'` })
        .where(eq(organisations.id, org?.id as number));
      const stale = await editor.post(`${path}/verwijderen`, { _csrf: csrf, versie: versionIn(confirm) });
      expect(stale.status).toBe(409);
      const again = await stale.text();
      expect(again).toContain('Iemand anders heeft deze organisatie gewijzigd');
      expect(await bySlug('opvoedpunt-heuvelrijk')).toBeDefined();

      const done = await editor.post(`${path}/verwijderen`, { _csrf: csrf, versie: versionIn(again) });
      expect(done.status).toBe(303);
      expect(done.headers.get('Location')).toBe('/beheer/netwerk?melding=verwijderd');
      expect(await (await editor.get('/beheer/netwerk?melding=verwijderd')).text()).toContain('De organisatie is verwijderd.');
      expect(await bySlug('opvoedpunt-heuvelrijk')).toBeUndefined();
      expect(await searchDoc('opvoedpunt-heuvelrijk')).toBeUndefined();
      expect((await get('/netwerk/opvoedpunt-heuvelrijk')).status).toBe(404);
      const [entry] = await db()
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'organisation.deleted'), eq(auditLog.subjectKind, 'organisation'), eq(auditLog.subjectId, org?.id as number)));
      expect(entry?.details).toMatchObject({ name: 'Opvoedpunt Beekdal en Heuvelrijk', address: 'Nieuw adres 2, Heuvelrijk' });
      // The log keeps its name after it is gone.
      expect(entry?.subject).toBe('Opvoedpunt Beekdal en Heuvelrijk');
      // Deleting what is gone already is a calm 404.
      expect((await editor.post(`${path}/verwijderen`, { _csrf: csrf, versie: versionIn(again) })).status).toBe(404);
    });

    it('keeps a revision per save with author and time; history compares two and restores an older one (stale pages refused)', async () => {
      const org = await bySlug('jgz-voorbeeldregio');
      const path = `/beheer/netwerk/${org?.id}`;
      const revs = () =>
        db()
          .select()
          .from(revisions)
          .where(and(eq(revisions.kind, 'organisation'), eq(revisions.ref, org?.id as number)))
          .orderBy(asc(revisions.id));
      // The demo import recorded the first version.
      expect((await revs()).map((r) => r.action)).toEqual(['aangemaakt']);
      const form = await (await editor.get(path)).text();
      expect(form).toContain(`href="${path}/geschiedenis"`);
      const fields = (html: string, over: Record<string, string>): [string, string][] => [
        ['_csrf', csrfFrom(html)],
        ['versie', versionIn(html)],
        ...good({ name: org?.name as string, slug: org?.slug as string, type: org?.type as string, ...over }, org?.themes ?? []),
      ];
      expect(
        (await postPairs(editor, path, fields(form, { description: 'Eerste nieuwe beschrijving voor de geschiedenis van deze organisatie.' }))).status,
      ).toBe(303);
      const form2 = await (await editor.get(path)).text();
      expect((await postPairs(editor, path, fields(form2, { description: 'Tweede beschrijving, die we straks weer terugdraaien.' }))).status).toBe(303);
      const list = await revs();
      expect(list.map((r) => r.action)).toEqual(['aangemaakt', 'opgeslagen', 'opgeslagen']);
      expect(list[2]?.authorId).not.toBeNull();

      const history = await (await editor.get(`${path}/geschiedenis`)).text();
      expect(history).toContain('Geschiedenis van');
      const cmp = await (await editor.get(`${path}/vergelijk?van=${list[1]?.id}&naar=${list[2]?.id}`)).text();
      expect(cmp).toMatch(/<del class="hw-diff__del">.*− Eerste nieuwe beschrijving/s);
      expect(cmp).toMatch(/<ins class="hw-diff__add">.*\+ Tweede beschrijving/s);

      // Restore from a page that went stale (someone saved in between): refused, nothing changed.
      const staleHistory = history;
      const form3 = await (await editor.get(path)).text();
      expect((await postPairs(editor, path, fields(form3, { description: 'Derde beschrijving, tussendoor opgeslagen door iemand anders.' }))).status).toBe(303);
      const stale = await editor.post(`${path}/versies/${list[1]?.id}/terugzetten`, { _csrf: csrfFrom(staleHistory), versie: versionIn(staleHistory) });
      expect(stale.status).toBe(409);
      expect((await bySlug('jgz-voorbeeldregio'))?.description).toContain('Derde beschrijving');

      const fresh = await (await editor.get(`${path}/geschiedenis`)).text();
      const ok = await editor.post(`${path}/versies/${list[1]?.id}/terugzetten`, { _csrf: csrfFrom(fresh), versie: versionIn(fresh) });
      expect(ok.status).toBe(303);
      expect(ok.headers.get('Location')).toBe(`${path}?melding=teruggezet`);
      expect((await bySlug('jgz-voorbeeldregio'))?.description).toBe('Eerste nieuwe beschrijving voor de geschiedenis van deze organisatie.');
      expect((await get('/netwerk/jgz-voorbeeldregio')).html).toContain('Eerste nieuwe beschrijving');
      expect((await revs()).at(-1)?.action).toMatch(/^teruggezet naar de versie van /);
      // A revision of another organisation cannot be restored here.
      const other = await bySlug('veilig-thuis');
      const [foreign] = await db()
        .select()
        .from(revisions)
        .where(and(eq(revisions.kind, 'organisation'), eq(revisions.ref, other?.id ?? -1)));
      expect(foreign).toBeDefined();
      expect((await editor.post(`${path}/versies/${foreign?.id}/terugzetten`, { _csrf: csrfFrom(fresh), versie: versionIn(fresh) })).status).toBe(404);
    });

    it('the list screen shows every organisation, published or not, with a link to add one', async () => {
      const html = await (await editor.get('/beheer/netwerk')).text();
      expect(html).toContain('<h1 class="utrecht-heading-1">Netwerk beheren</h1>');
      expect(html).toContain('<a class="utrecht-link" href="/beheer/netwerk/nieuw">Nieuwe organisatie</a>');
      expect(html.match(/<a class="utrecht-link" href="\/beheer\/netwerk\/\d+">/g)?.length).toBe(demoFile.length);
    });
  });

  describe('rules the database keeps', () => {
    const input: OrganisationInput = {
      name: 'Halverwege BV',
      slug: 'halverwege',
      type: 'anders',
      description: 'Bestaat alleen in deze test, die halverwege misgaat.',
      phone: '010-0000000',
      email: '',
      website: '',
      address: '',
      municipalities: ['Beekdal'],
      themes: [],
      published: true,
      demo: true,
    };

    it('a write that fails halfway leaves nothing behind: no row, no search entry, no new content version', async () => {
      const before = await tableCounts(t.deps.database);
      const [version] = await db().select().from(appSettings).where(eq(appSettings.key, 'content_version'));
      // The audit row (written last) points at a user that does not exist: the whole transaction rolls back.
      await expect(createOrganisation(db(), 2 ** 30, input)).rejects.toThrow();
      expect(await tableCounts(t.deps.database)).toEqual(before);
      expect(await searchDoc('halverwege')).toBeUndefined();
      expect((await db().select().from(appSettings).where(eq(appSettings.key, 'content_version')))[0]).toEqual(version);
    });

    it('refuses an unknown type, a malformed slug, a plain-http website and a duplicate slug', async () => {
      const insert = (values: Record<string, unknown>) =>
        db()
          .insert(organisations)
          .values({ ...input, ...values } as typeof organisations.$inferInsert);
      await expect(insert({ type: 'tandarts' })).rejects.toThrow();
      await expect(insert({ slug: 'Fout Slug' })).rejects.toThrow();
      await expect(insert({ website: 'http://www.voorbeeld.nl/' })).rejects.toThrow();
      await expect(insert({ email: 'Info@Voorbeeld.nl' })).rejects.toThrow();
      await expect(insert({ slug: 'veilig-thuis' })).rejects.toThrow();
      expect(await bySlug('halverwege')).toBeUndefined();
    });
  });
});
