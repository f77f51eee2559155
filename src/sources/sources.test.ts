import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, type Browser, backends, createTestApp, csrfFrom, formFields, loginAs, tableCounts } from '../../test/helpers.ts';
import { normaliseUrl } from '../content/url.ts';
import { appSettings, auditLog, revisions, searchDocuments, sources, themeSources, themes } from '../db/schema.ts';
import { listSourcesForPicker } from '../themes/queries.ts';
import { waitForBackgroundChecks } from './linkcheck.ts';
import { createSource, reindexSource, SourceError } from './service.ts';

const versionIn = (html: string) => /name="versie" value="([^"]+)"/.exec(html)?.[1] ?? '';
const statusText = (html: string) => /<p class="hw-result-count" role="status">([^<]*)<\/p>/.exec(html)?.[1] ?? '';

/** The sources on the list page, in order, by the id their card links to. */
const cardIds = (html: string) => [...html.matchAll(/<h2><a class="utrecht-link" href="\/beheer\/bronnen\/(\d+)">/g)].map((m) => Number(m[1]));
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A form post with repeated fields (checkboxes), as a browser sends it, with the editor's cookies. */
function postPairs(browser: Browser, path: string, pairs: [string, string][]) {
  return browser.app.request(path, {
    method: 'POST',
    body: new URLSearchParams(pairs),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
}

/** A loopback site for the link checker: 200, a 301, a 404 and a route that never answers. */
async function startSite() {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/ok')) res.writeHead(200).end();
    else if (path.startsWith('/moved')) res.writeHead(301, { Location: '/verhuisd' }).end();
    else if (path === '/verhuisd') res.writeHead(200).end();
    else if (path === '/hang') return;
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe.each(backends())('bronnen on %s', (kind: Backend) => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let editor: Browser;
  let site: Awaited<ReturnType<typeof startSite>>;
  const themeId: Record<string, number> = {};
  beforeAll(async () => {
    // The checker may reach the loopback test site; production keeps LINKCHECK_ALLOW_PRIVATE off.
    [t, site] = await Promise.all([createTestApp(kind, { env: { LINKCHECK_ALLOW_PRIVATE: 'true', LINKCHECK_TIMEOUT_MS: '1000' } }), startSite()]);
    editor = await loginAs(t.app, t.deps.database, 'redacteur');
    for (const th of await t.deps.database.db.select().from(themes)) themeId[th.slug] = th.id;
  });
  afterAll(async () => {
    await waitForBackgroundChecks();
    await Promise.all([t.close(), site.stop()]);
  });
  const db = () => t.deps.database.db;
  const get = async (path: string) => {
    const res = await t.app.request(path);
    return { status: res.status, html: await res.text() };
  };
  const editorGet = async (path: string) => {
    const res = await editor.get(path);
    return { status: res.status, html: await res.text() };
  };
  const byUrl = async (url: string) => (await db().select().from(sources).where(eq(sources.url, url)))[0];
  const byId = async (id: number) => (await db().select().from(sources).where(eq(sources.id, id)))[0];
  const searchDoc = async (id: number) =>
    (
      await db()
        .select()
        .from(searchDocuments)
        .where(and(eq(searchDocuments.kind, 'source'), eq(searchDocuments.ref, String(id))))
    )[0];
  const linksOf = (theme: number) =>
    db().select().from(themeSources).where(eq(themeSources.themeId, theme)).orderBy(asc(themeSources.position), asc(themeSources.sourceId));
  const contentVersion = async () => (await db().select().from(appSettings).where(eq(appSettings.key, 'content_version')))[0]?.value;
  const auditFor = (id: number) =>
    db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectKind, 'source'), eq(auditLog.subjectId, id)))
      .orderBy(asc(auditLog.id));

  const good = (over: Record<string, string> = {}, themeSlugs = ['hechting', 'kansrijke-start']): [string, string][] => [
    ...Object.entries({
      title: 'Zorgen over een kind: online cursus',
      organisation: 'Augeo',
      url: 'HTTP://WWW.Voorbeeld-Bron.NL/zorgen?utm_source=nieuwsbrief&id=7#deel-2',
      description: 'Gratis online cursus over signalen van kindermishandeling en wat je dan doet.',
      ...over,
    }),
    ...themeSlugs.map((s): [string, string] => ['themes', String(themeId[s] ?? s)]),
  ];
  const NORMALISED = 'https://www.voorbeeld-bron.nl/zorgen/?id=7';

  describe('who may do what', () => {
    it('anonymous visitors are sent to login; every POST without a valid CSRF token is refused and changes nothing', async () => {
      const [s] = await db().select().from(sources).orderBy(asc(sources.id)).limit(1);
      const id = s?.id as number;
      for (const path of [
        '/beheer/bronnen',
        '/beheer/bronnen?status=kapot',
        '/beheer/bronnen/nieuw',
        `/beheer/bronnen/${id}`,
        `/beheer/bronnen/${id}/verwijderen`,
      ]) {
        const res = await t.app.request(path);
        expect(res.status, path).toBe(303);
        expect(res.headers.get('Location'), path).toBe(`/beheer/inloggen?terug=${encodeURIComponent(new URL(path, 'http://x').pathname)}`);
      }
      const html = (await editorGet(`/beheer/bronnen/${id}`)).html;
      const versie = versionIn(html);
      expect(versie).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
      const before = await tableCounts(t.deps.database);
      const row = await byId(id);
      const posts: [string, Record<string, string>][] = [
        ['/beheer/bronnen/nieuw', Object.fromEntries(good())],
        [`/beheer/bronnen/${id}`, { ...Object.fromEntries(good()), versie }],
        [`/beheer/bronnen/${id}/controleren`, {}],
        [`/beheer/bronnen/${id}/nieuw-adres`, { versie, adres: 'https://www.voorbeeld.nl/' }],
        [`/beheer/bronnen/${id}/verwijderen`, { versie, themas: '', bevestig: 'ja' }],
        ['/beheer/bronnen/controleren', {}],
      ];
      for (const [path, fields] of posts) {
        expect((await t.app.request(path, { method: 'POST', body: new URLSearchParams(fields) })).status, `anonymous ${path}`).toBe(403);
        expect((await editor.post(path, fields)).status, `no token ${path}`).toBe(403);
        expect((await editor.post(path, { ...fields, _csrf: 'vervalst' })).status, `forged token ${path}`).toBe(403);
      }
      expect(await tableCounts(t.deps.database)).toEqual(before);
      expect(await byId(id)).toEqual(row);
      expect((await db().select().from(appSettings).where(eq(appSettings.key, 'linkcheck_lease'))).length).toBe(0);
    });

    it('both a redacteur and a beheerder may use the library', async () => {
      const admin = await loginAs(t.app, t.deps.database, 'beheerder');
      for (const b of [editor, admin]) {
        const res = await b.get('/beheer/bronnen');
        expect(res.status).toBe(200);
        const html = await res.text();
        expect(html).toContain('<h1 class="utrecht-heading-1">Bronnen beheren</h1>');
        expect(html).toContain('<a href="/beheer/bronnen" aria-current="page">');
      }
    });
  });

  describe('the list', () => {
    it('shows every source with organisation, URL, the themes that use it and its link status, with the counts on top', async () => {
      const all = await db().select().from(sources);
      const { status, html } = await editorGet('/beheer/bronnen');
      expect(status).toBe(200);
      expect(cardIds(html).sort((a, b) => a - b)).toEqual(all.map((s) => s.id).sort((a, b) => a - b));
      // By title (Dutch collation).
      const titles = cardIds(html).map((id) => all.find((s) => s.id === id)?.title as string);
      expect(titles).toEqual([...titles].sort(new Intl.Collator('nl', { sensitivity: 'base', numeric: true }).compare));
      expect(html).toContain(`${all.length} bronnen in de bibliotheek. Geen kapotte links, geen doorverwijzingen, ${all.length} nog niet gecontroleerd.`);
      expect(statusText(html)).toBe(`${all.length} bronnen.`);
      const ncj = all.find((s) => s.url === 'https://www.ncj.nl/themadossiers/hechting/');
      expect(ncj).toBeDefined();
      expect(html).toContain(`<p class="hw-url">https://www.ncj.nl/themadossiers/hechting/</p>`);
      // The seed listed this source under two themes (once twice): it is one source, used by both.
      expect(html).toMatch(
        new RegExp(`href="/beheer/bronnen/${ncj?.id}">Themadossier Hechting</a></h2><p>NCJ</p>.*?Thema’s: Hechting, Hechting en hechtingsproblemen`),
      );
      expect(html.match(/Nog niet gecontroleerd/g)?.length).toBe(all.length);
      expect(html).toContain('<a class="utrecht-button utrecht-button--primary-action hw-button-link" href="/beheer/bronnen/nieuw">Nieuwe bron</a>');
      expect(html).toContain('<form method="post" action="/beheer/bronnen/controleren">');
      expect(html).toContain('<form class="hw-filter" method="get" action="/beheer/bronnen"');
    });

    it('filters by link status and by words, without JavaScript (GET form); unknown values get a calm 400', async () => {
      const all = await db().select().from(sources).orderBy(asc(sources.id));
      const [a, b, c] = all;
      const mark = (id: number, v: Partial<typeof sources.$inferInsert>) => db().update(sources).set(v).where(eq(sources.id, id));
      await mark(a?.id as number, { checkedAt: new Date(), checkResult: 'broken', checkStatus: 404 });
      await mark(b?.id as number, { checkedAt: new Date(), checkResult: 'unreachable', checkError: 'De servernaam is niet gevonden.' });
      await mark(c?.id as number, { checkedAt: new Date(), checkResult: 'redirect', checkStatus: 301, redirectTo: 'https://elders.example/nieuw' });
      const list = await editorGet('/beheer/bronnen');
      expect(list.html).toContain(`${all.length} bronnen in de bibliotheek. 2 kapotte links, 1 doorverwijzing, ${all.length - 3} nog niet gecontroleerd.`);
      expect(list.html).toContain('<span class="hw-badge hw-badge--broken">Kapot (404)</span>');
      expect(list.html).toContain('<span class="hw-badge hw-badge--broken">Niet bereikbaar</span>');
      expect(list.html).toContain('De servernaam is niet gevonden.');
      expect(list.html).toContain(
        '<span class="hw-badge hw-badge--redirect">Doorverwezen (301)</span> <span class="hw-url">naar <a class="utrecht-link" href="https://elders.example/nieuw">',
      );
      const cases: [string, number[]][] = [
        ['status=kapot', [a?.id as number, b?.id as number]],
        ['status=doorverwezen', [c?.id as number]],
        ['status=nooit', all.slice(3).map((s) => s.id)],
        ['status=alle', all.map((s) => s.id)],
        ['status=kapot&q=', [a?.id as number, b?.id as number]],
        // Words match title, organisation, URL or description, in any case.
        ['q=ncj', all.filter((s) => /ncj/i.test(`${s.title} ${s.organisation} ${s.url} ${s.description}`)).map((s) => s.id)],
        ['q=RIJKSOVERHEID', all.filter((s) => /rijksoverheid/i.test(`${s.title} ${s.organisation} ${s.url} ${s.description}`)).map((s) => s.id)],
        // % and _ are letters here, not wildcards.
        // (As wildcards, %_% would match every source; as letters it matches none.)
        ['q=%25_%25', []],
        ['q=%25', all.filter((s) => `${s.title} ${s.organisation} ${s.url} ${s.description}`.includes('%')).map((s) => s.id)],
        ['q=_', all.filter((s) => `${s.title} ${s.organisation} ${s.url} ${s.description}`.includes('_')).map((s) => s.id)],
      ];
      for (const [query, ids] of cases) {
        const { status, html } = await editorGet(`/beheer/bronnen?${query}`);
        expect(status, query).toBe(200);
        expect(
          cardIds(html).sort((x, y) => x - y),
          query,
        ).toEqual([...ids].sort((x, y) => x - y));
        if (query !== 'status=alle') expect(statusText(html), query).toBe(`${ids.length === 1 ? '1 bron' : `${ids.length} bronnen`} gevonden.`);
      }
      expect(cases[5]?.[1].length).toBeGreaterThan(0);
      expect(cases[6]?.[1].length).toBeGreaterThan(0);
      const kapot = (await editorGet('/beheer/bronnen?status=kapot&q=')).html;
      expect(kapot).toContain('<option value="kapot" selected="">Kapotte links</option>');
      expect((await editorGet('/beheer/bronnen?q=%25_%25')).html).toContain('Geen bronnen gevonden met dit filter.');

      const bad = await editorGet(`/beheer/bronnen?status=stuk&q=${'x'.repeat(150)}`);
      expect(bad.status).toBe(400);
      expect(bad.html).toContain('Er is een probleem');
      expect(bad.html).toContain('<a href="#status">Deze linkstatus kennen we niet. Kies er een uit de lijst.</a>');
      expect(bad.html).toContain('<a href="#q">Je zoekwoorden zijn te lang (150 tekens, hoogstens 100).</a>');
      expect(cardIds(bad.html).length).toBe(all.length);
      expect((await editorGet('/beheer/bronnen?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E')).html).not.toContain('<script>alert');
      // Back to "never checked" for what follows.
      await db().update(sources).set({ checkedAt: null, checkResult: null, checkStatus: null, checkError: null, redirectTo: null }).where(sql`true`);
    });
  });

  describe('new, edit, delete', () => {
    let createdId = 0;

    it('a new source: bad input first (messages, input kept, nothing written), then stored normalised, linked at the end of each theme, findable', async () => {
      const form = (await editorGet('/beheer/bronnen/nieuw')).html;
      expect(form).toContain('<h1 class="utrecht-heading-1">Nieuwe bron</h1>');
      for (const slug of ['hechting', 'kansrijke-start', 'kindermishandeling']) expect(form).toContain(`id="thema-${themeId[slug]}" name="themes"`);
      const csrf = csrfFrom(form);
      const before = await tableCounts(t.deps.database);
      const version = await contentVersion();

      const bad = await postPairs(editor, '/beheer/bronnen/nieuw', [
        ['_csrf', csrf],
        ...good({ title: '', organisation: 'A', url: 'javascript:alert(1)', description: 'x'.repeat(301) }, ['hechting']),
      ]);
      expect(bad.status).toBe(400);
      const badHtml = await bad.text();
      expect(badHtml).toContain('Er is een probleem');
      for (const [field, message] of [
        ['title', 'Titel is verplicht.'],
        ['organisation', 'Organisatie is te kort (minstens 2 tekens).'],
        ['url', 'Webadres (URL) moet een geldig http(s)-adres zijn.'],
        ['description', 'Korte beschrijving is te lang (max. 300 tekens).'],
      ]) {
        expect(badHtml, field).toContain(`<a href="#${field}">${message}</a>`);
        expect(badHtml, field).toContain(`<p class="hw-field-error" id="${field}-error">${message}</p>`);
      }
      expect(badHtml).toContain('value="A"');
      expect(badHtml).toContain('value="javascript:alert(1)"');
      expect(badHtml).toContain(`${'x'.repeat(301)}</textarea>`);
      expect(badHtml).toMatch(new RegExp(`id="thema-${themeId.hechting}" name="themes" value="${themeId.hechting}" checked=""`));
      expect(badHtml).not.toMatch(new RegExp(`id="thema-${themeId['kansrijke-start']}" name="themes" value="${themeId['kansrijke-start']}" checked=""`));

      for (const [over, slugs, message] of [
        [{ url: '' }, ['hechting'], 'Webadres (URL) is verplicht.'],
        [{ url: 'https://intranet/pagina' }, ['hechting'], 'Webadres (URL) moet een volledig adres zijn, zoals https://www.nji.nl/.'],
        [{ url: `https://www.voorbeeld.nl/${'a'.repeat(2000)}` }, ['hechting'], 'Webadres (URL) is te lang (max. 2000 tekens).'],
        [{}, ['geen-getal'], 'Kies thema’s uit de lijst.'],
        [{}, ['999999'], 'Een gekozen thema bestaat niet (meer). Kies opnieuw.'],
      ] as const) {
        const res = await postPairs(editor, '/beheer/bronnen/nieuw', [['_csrf', csrf], ...good(over, [...slugs])]);
        expect(res.status, message).toBe(400);
        expect(await res.text(), message).toContain(message);
      }
      expect(await tableCounts(t.deps.database)).toEqual(before);
      expect(await contentVersion()).toBe(version);

      // Warm the public page cache, so we see that the change reaches it.
      expect((await get('/themas/hechting')).html).not.toContain('Zorgen over een kind: online cursus');
      const hechtingBefore = await linksOf(themeId.hechting as number);
      const [themeBefore] = await db()
        .select()
        .from(themes)
        .where(eq(themes.id, themeId.hechting as number));

      const ok = await postPairs(editor, '/beheer/bronnen/nieuw', [['_csrf', csrf], ...good()]);
      expect(ok.status).toBe(303);
      const location = ok.headers.get('Location') as string;
      expect(location).toMatch(/^\/beheer\/bronnen\/\d+\?melding=aangemaakt$/);
      const row = await byUrl(NORMALISED);
      expect(row).toMatchObject({
        title: 'Zorgen over een kind: online cursus',
        organisation: 'Augeo',
        description: 'Gratis online cursus over signalen van kindermishandeling en wat je dan doet.',
        checkedAt: null,
      });
      createdId = row?.id as number;
      expect(location).toBe(`/beheer/bronnen/${createdId}?melding=aangemaakt`);
      const page = (await editorGet(location)).html;
      expect(page).toContain('De bron is aangemaakt.');
      expect(page).toContain(`<a class="utrecht-link" href="${NORMALISED.replace('&', '&amp;')}">`);

      // Appended at the end of each chosen theme's list, the others untouched.
      const hechtingAfter = await linksOf(themeId.hechting as number);
      expect(hechtingAfter.slice(0, -1)).toEqual(hechtingBefore);
      expect(hechtingAfter.at(-1)).toEqual({
        themeId: themeId.hechting,
        sourceId: createdId,
        position: Math.max(...hechtingBefore.map((l) => l.position)) + 1,
      });
      expect((await linksOf(themeId['kansrijke-start'] as number)).at(-1)?.sourceId).toBe(createdId);
      // The theme changed (its list of sources): its version moved and it has a revision saying so.
      const [themeAfter] = await db()
        .select()
        .from(themes)
        .where(eq(themes.id, themeId.hechting as number));
      expect(themeAfter?.updatedAt.getTime()).toBeGreaterThan(themeBefore?.updatedAt.getTime() as number);
      const [themeRev] = await db()
        .select()
        .from(revisions)
        .where(and(eq(revisions.kind, 'theme'), eq(revisions.ref, themeId.hechting as number)))
        .orderBy(sql`${revisions.id} desc`)
        .limit(1);
      expect(themeRev?.action).toBe('bronnen gewijzigd via Bronnen');
      expect((themeRev?.data as { sources?: number[] } | undefined)?.sources?.at(-1)).toBe(createdId);

      const after = await tableCounts(t.deps.database);
      expect(after.sources).toBe((before.sources ?? 0) + 1);
      expect(after.theme_sources).toBe((before.theme_sources ?? 0) + 2);
      expect(after.audit_log).toBe((before.audit_log ?? 0) + 1);
      expect(Number(await contentVersion())).toBe(Number(version) + 1);
      const [entry] = await auditFor(createdId);
      expect(entry).toMatchObject({ action: 'source.created', details: { url: NORMALISED, themes: [themeId.hechting, themeId['kansrijke-start']] } });
      expect(entry?.actorId).not.toBeNull();
      expect(await searchDoc(createdId)).toMatchObject({ title: 'Zorgen over een kind: online cursus', url: NORMALISED, summary: 'Augeo' });
      expect((await get('/zoeken?q=cursus+signalen')).html).toContain(`href="${NORMALISED.replace('&', '&amp;')}"`);
      // The public theme page shows it at once (content version bumped, cache invalidated).
      const themePage = (await get('/themas/hechting')).html;
      expect(themePage).toContain('Zorgen over een kind: online cursus');
      expect(themePage.lastIndexOf('Zorgen over een kind: online cursus')).toBeGreaterThan(themePage.indexOf('Themadossier Hechting'));

      // The list shows it, with the themes that use it.
      const list = (await editorGet('/beheer/bronnen?q=zorgen+over')).html;
      expect(cardIds(list)).toEqual([createdId]);
      expect(list).toContain('Thema’s: Hechting, Kansrijke Start');

      // An address typed without https:// gets it.
      const www = await postPairs(editor, '/beheer/bronnen/nieuw', [
        ['_csrf', csrf],
        ...good({ title: 'Zonder schema', url: 'www.voorbeeld-bron.nl/zonder' }, []),
      ]);
      expect(www.status).toBe(303);
      expect((await byUrl('https://www.voorbeeld-bron.nl/zonder/'))?.title).toBe('Zonder schema');
    });

    it('the same URL in another spelling is refused with a link to the existing source; nothing is written', async () => {
      const csrf = csrfFrom((await editorGet('/beheer/bronnen/nieuw')).html);
      const before = await tableCounts(t.deps.database);
      const res = await postPairs(editor, '/beheer/bronnen/nieuw', [
        ['_csrf', csrf],
        ...good({ title: 'Nog een keer', url: 'https://www.voorbeeld-bron.nl/zorgen/?utm_campaign=x&id=7#boven' }, ['kindermishandeling']),
      ]);
      expect(res.status).toBe(409);
      const html = await res.text();
      const link = `Deze bron bestaat al: <a class="utrecht-link" href="/beheer/bronnen/${createdId}">Zorgen over een kind: online cursus</a>`;
      // In the summary and at the field.
      expect(html.split(link).length - 1).toBe(2);
      expect(html).toContain('value="Nog een keer"');
      expect(await tableCounts(t.deps.database)).toEqual(before);
    });

    if (kind === 'postgres') {
      it('two editors adding the same URL at once: the unique index refuses the second, with the same message', async () => {
        // The other editor's insert is in an open transaction: ours cannot see it, and waits on the unique index.
        const other = await t.testDb.open();
        let commit = () => {};
        const held = new Promise<void>((resolve) => (commit = resolve));
        let inserted = () => {};
        const insertedP = new Promise<void>((resolve) => (inserted = resolve));
        const theirs = other.db.transaction(async (tx) => {
          await tx.insert(sources).values({ url: 'https://www.gelijktijdig.nl/', title: 'Gelijktijdig', organisation: 'Collega' });
          inserted();
          await held;
        });
        await insertedP;
        const before = await tableCounts(t.deps.database);
        const mine = createSource(db(), null, {
          title: 'Ook gelijktijdig',
          organisation: 'Ik',
          url: 'https://www.gelijktijdig.nl/',
          description: '',
          themeIds: [],
        });
        const outcome = mine.then(
          () => null,
          (err: unknown) => err,
        );
        // Wait until our insert really waits on their row lock, then let them commit.
        let waited = false;
        for (let i = 0; i < 100 && !waited; i++) {
          const waiting = await other.db.execute(sql`select count(*)::int as n from pg_locks where not granted`);
          waited = Boolean((waiting as unknown as { rows: { n: number }[] }).rows[0]?.n);
          if (!waited) await new Promise((r) => setTimeout(r, 20));
        }
        commit();
        // Our insert did wait on theirs: the refusal below comes from the unique index, not from the look-up before it.
        expect(waited).toBe(true);
        await theirs;
        const err = await outcome;
        expect(err).toBeInstanceOf(SourceError);
        expect(err).toMatchObject({ code: 'duplicate', field: 'url', existing: { title: 'Gelijktijdig' } });
        const after = await tableCounts(t.deps.database);
        expect(after.sources).toBe((before.sources ?? 0) + 1);
        expect(after.audit_log).toBe(before.audit_log);
        await db().delete(sources).where(eq(sources.url, 'https://www.gelijktijdig.nl/'));
      });
    }

    it('edits a source: themes kept in place, added at the end, removed; a stale form gets a 409 with both versions and changes nothing', async () => {
      const path = `/beheer/bronnen/${createdId}`;
      const mine = (await editorGet(path)).html;
      const versie = versionIn(mine);
      const hechtingBefore = await linksOf(themeId.hechting as number);

      const colleague = await loginAs(t.app, t.deps.database, 'beheerder');
      const theirs = (await (await colleague.get(path)).text()) as string;
      expect(versionIn(theirs)).toBe(versie);
      const saved = await postPairs(colleague, path, [
        ['_csrf', csrfFrom(theirs)],
        ['versie', versie],
        ...good({ url: NORMALISED, description: 'Gratis online cursus, nu ook met een module voor kraamzorg.' }, ['hechting', 'kindermishandeling']),
      ]);
      expect(saved.status).toBe(303);
      expect(saved.headers.get('Location')).toBe(`${path}?melding=opgeslagen`);
      const afterColleague = await byId(createdId);
      expect(afterColleague?.description).toContain('module voor kraamzorg');
      // Hechting keeps it in the same place; Kansrijke Start lost it; Kindermishandeling has it at the end.
      expect(await linksOf(themeId.hechting as number)).toEqual(hechtingBefore);
      expect((await linksOf(themeId['kansrijke-start'] as number)).some((l) => l.sourceId === createdId)).toBe(false);
      expect((await linksOf(themeId.kindermishandeling as number)).at(-1)?.sourceId).toBe(createdId);

      // My save, from the form I opened before theirs, must not overwrite it.
      const linksBefore = await db().select().from(themeSources).where(eq(themeSources.sourceId, createdId));
      const stale = await postPairs(editor, path, [
        ['_csrf', csrfFrom(mine)],
        ['versie', versie],
        ...good({ url: NORMALISED, title: 'Mijn nieuwe titel' }, ['hechting']),
      ]);
      expect(stale.status).toBe(409);
      const conflict = await stale.text();
      expect(conflict).toContain('Iemand anders heeft deze bron intussen gewijzigd');
      expect(conflict).toContain('Opgeslagen door Test beheerder op');
      // Both versions, field by field where they differ.
      const both = (label: string, saved: string, typed: string) =>
        `<dt>${label}</dt><dd><p><span class="hw-muted">Nu opgeslagen:</span> ${saved}</p><p><span class="hw-muted">Jouw invoer:</span> ${typed}</p></dd>`;
      expect(conflict).toContain(both('Titel', 'Zorgen over een kind: online cursus', 'Mijn nieuwe titel'));
      expect(conflict).toContain(both('Thema’s', 'Hechting, Kindermishandeling', 'Hechting'));
      expect(conflict).not.toContain('<dt>Organisatie</dt>');
      expect(conflict).toContain('module voor kraamzorg');
      expect(conflict).toContain('value="Mijn nieuwe titel"');
      expect(await byId(createdId)).toEqual(afterColleague);
      expect(await db().select().from(themeSources).where(eq(themeSources.sourceId, createdId))).toEqual(linksBefore);
      for (const v of ['', 'gisteren', '2020-01-01T00:00:00.000000Z']) {
        const res = await postPairs(editor, path, [['_csrf', csrfFrom(mine)], ['versie', v], ...good({ url: NORMALISED, title: 'Overschreven' })]);
        expect(res.status, v).toBe(409);
      }
      expect(await byId(createdId)).toEqual(afterColleague);

      // Bad input on edit: messages, input kept, the version I started from kept, nothing written.
      const current = (await editorGet(path)).html;
      const bad = await postPairs(editor, path, [['_csrf', csrfFrom(current)], ['versie', versionIn(current)], ...good({ url: NORMALISED, title: 'X' })]);
      expect(bad.status).toBe(400);
      const badHtml = await bad.text();
      expect(badHtml).toContain('Titel is te kort (minstens 2 tekens).');
      expect(versionIn(badHtml)).toBe(versionIn(current));
      expect(await byId(createdId)).toEqual(afterColleague);

      // Another source's URL is refused on edit too, with a link to it.
      const [ncj] = await db().select().from(sources).where(eq(sources.url, 'https://www.ncj.nl/themadossiers/hechting/'));
      const dup = await postPairs(editor, path, [
        ['_csrf', csrfFrom(current)],
        ['versie', versionIn(current)],
        ...good({ url: 'http://www.ncj.nl/themadossiers/hechting' }, ['hechting', 'kindermishandeling']),
      ]);
      expect(dup.status).toBe(409);
      expect(await dup.text()).toContain(`Deze bron bestaat al: <a class="utrecht-link" href="/beheer/bronnen/${ncj?.id}">Themadossier Hechting</a>`);
      expect(await byId(createdId)).toEqual(afterColleague);

      // Having seen their change, I save again from the conflict page: that goes through. A new URL forgets the old check.
      await db().update(sources).set({ checkedAt: new Date(), checkResult: 'broken', checkStatus: 404 }).where(eq(sources.id, createdId));
      const checkedVersion = versionIn((await editorGet(path)).html);
      expect(checkedVersion).toBe(versionIn(conflict));
      const retry = await postPairs(editor, path, [
        ['_csrf', csrfFrom(conflict)],
        ['versie', versionIn(conflict)],
        ...good({ url: 'https://www.voorbeeld-bron.nl/cursus-zorgen', title: 'Mijn nieuwe titel' }, ['hechting', 'kindermishandeling']),
      ]);
      expect(retry.status).toBe(303);
      expect(await byId(createdId)).toMatchObject({
        title: 'Mijn nieuwe titel',
        url: 'https://www.voorbeeld-bron.nl/cursus-zorgen/',
        checkedAt: null,
        checkResult: null,
        checkStatus: null,
      });
      expect(await searchDoc(createdId)).toMatchObject({ title: 'Mijn nieuwe titel', url: 'https://www.voorbeeld-bron.nl/cursus-zorgen/' });
      const updates = (await auditFor(createdId)).filter((a) => a.action === 'source.updated');
      expect(updates.map((u) => u.details.changed)).toEqual([
        ['description', 'themes'],
        ['title', 'url', 'description'],
      ]);
      expect(updates[0]?.details).toMatchObject({ themesAdded: [themeId.kindermishandeling], themesRemoved: [themeId['kansrijke-start']] });
      const sourceRevs = await db()
        .select()
        .from(revisions)
        .where(and(eq(revisions.kind, 'source'), eq(revisions.ref, createdId)))
        .orderBy(asc(revisions.id));
      expect(sourceRevs.map((r) => r.action)).toEqual(['aangemaakt', 'opgeslagen', 'opgeslagen']);
    });

    it('a late save with the form’s fingerprints: other fields are merged, only the same field conflicts', async () => {
      const path = `/beheer/bronnen/${createdId}`;
      const colleague = await loginAs(t.app, t.deps.database, 'beheerder');
      const set = (pairs: [string, string][], changes: Record<string, string>): [string, string][] =>
        pairs.map(([k, v]) => [k, k in changes ? (changes[k] as string) : v]);
      const mine = formFields((await editorGet(path)).html, path);
      const theirs = formFields(await (await colleague.get(path)).text(), path);
      expect((await postPairs(colleague, path, set(theirs, { organisation: 'Augeo Foundation' }))).status).toBe(303);
      expect((await postPairs(editor, path, set(mine, { description: 'Een eerste beschrijving.' }))).status).toBe(303);
      const both = await byId(createdId);
      expect([both?.organisation, both?.description]).toEqual(['Augeo Foundation', 'Een eerste beschrijving.']);
      // The same field from two forms opened before: a conflict on that field alone; the themes stay as they were.
      const a = formFields((await editorGet(path)).html, path);
      const b = formFields(await (await colleague.get(path)).text(), path);
      expect((await postPairs(colleague, path, set(b, { description: 'Beschrijving van de beheerder.' }))).status).toBe(303);
      const res = await postPairs(editor, path, set(a, { description: 'Beschrijving van de redacteur.', organisation: 'Augeo' }));
      expect(res.status).toBe(409);
      const html = await res.text();
      expect(html).toContain('Jullie wijzigden allebei: Korte beschrijving.');
      expect(Object.fromEntries(formFields(html, path))).toMatchObject({ description: 'Beschrijving van de redacteur.', organisation: 'Augeo' });
      expect((await byId(createdId))?.description).toBe('Beschrijving van de beheerder.');
      expect((await postPairs(editor, path, formFields(html, path))).status).toBe(303);
      const after = await byId(createdId);
      expect([after?.description, after?.organisation, after?.title]).toEqual(['Beschrijving van de redacteur.', 'Augeo', both?.title]);
    });

    it('delete of a source no theme uses: confirmation, a stale confirmation refused, then gone from the library and search', async () => {
      const row = await byUrl('https://www.voorbeeld-bron.nl/zonder/');
      const path = `/beheer/bronnen/${row?.id}`;
      const confirm = (await editorGet(`${path}/verwijderen`)).html;
      expect(confirm).toContain('Zonder schema verwijderen?');
      expect(confirm).toContain('Geen enkel thema gebruikt deze bron.');
      expect(confirm).not.toContain('name="bevestig"');
      await db()
        .update(sources)
        .set({ description: 'Intussen aangepast.', updatedAt: sql`now() + interval '1 second'` })
        .where(eq(sources.id, row?.id as number));
      const stale = await editor.post(`${path}/verwijderen`, { _csrf: csrfFrom(confirm), versie: versionIn(confirm), themas: '' });
      expect(stale.status).toBe(409);
      const again = await stale.text();
      expect(again).toContain('Er is niets verwijderd.');
      expect(await byId(row?.id as number)).toBeDefined();
      const done = await editor.post(`${path}/verwijderen`, { _csrf: csrfFrom(again), versie: versionIn(again), themas: '' });
      expect(done.status).toBe(303);
      expect(done.headers.get('Location')).toBe('/beheer/bronnen?melding=verwijderd');
      expect((await editorGet('/beheer/bronnen?melding=verwijderd')).html).toContain('De bron is verwijderd.');
      expect(await byId(row?.id as number)).toBeUndefined();
      expect(await searchDoc(row?.id as number)).toBeUndefined();
      const [entry] = (await auditFor(row?.id as number)).filter((a) => a.action === 'source.deleted');
      expect(entry?.details).toMatchObject({ title: 'Zonder schema', description: 'Intussen aangepast.', themes: [] });
      // What is gone already is a calm 404.
      expect((await editor.post(`${path}/verwijderen`, { _csrf: csrfFrom(again), versie: versionIn(again), themas: '' })).status).toBe(404);
      expect((await editorGet(path)).status).toBe(404);
    });

    it('delete of a source themes use: the themes are named, an explicit confirmation is needed, and a theme linked meanwhile stops it', async () => {
      const path = `/beheer/bronnen/${createdId}`;
      const confirm = (await editorGet(`${path}/verwijderen`)).html;
      expect(confirm).toContain('Mijn nieuwe titel verwijderen?');
      expect(confirm).toContain('deze 2 thema’s gebruiken de bron.');
      expect(confirm).toContain(`<a class="utrecht-link" href="/beheer/themas/${themeId.hechting}">Hechting</a>`);
      expect(confirm).toContain(`<a class="utrecht-link" href="/beheer/themas/${themeId.kindermishandeling}">Kindermishandeling</a>`);
      expect(confirm).toContain('Ja, haal de bron ook weg bij deze 2 thema’s');
      const themas = ([themeId.hechting, themeId.kindermishandeling] as number[]).sort((a, b) => a - b).join(',');
      const fields = { _csrf: csrfFrom(confirm), versie: versionIn(confirm), themas };
      expect(confirm).toContain(`name="themas" value="${fields.themas}"`);
      const before = await tableCounts(t.deps.database);

      const unconfirmed = await editor.post(`${path}/verwijderen`, fields);
      expect(unconfirmed.status).toBe(400);
      expect(await unconfirmed.text()).toContain('<a href="#bevestig">Vink aan dat de bron ook uit de thema’s hierboven mag verdwijnen.</a>');
      expect(await tableCounts(t.deps.database)).toEqual(before);

      // A colleague links it to a third theme while I look at the confirmation: I did not agree to that one.
      await db()
        .insert(themeSources)
        .values({ themeId: themeId['kansrijke-start'] as number, sourceId: createdId, position: 99 });
      const changed = await editor.post(`${path}/verwijderen`, { ...fields, bevestig: 'ja' });
      expect(changed.status).toBe(409);
      const again = await changed.text();
      expect(again).toContain('Er is niets verwijderd.');
      expect(again).toContain('Ja, haal de bron ook weg bij deze 3 thema’s');
      expect(await byId(createdId)).toBeDefined();

      const [hechtingBefore] = await db()
        .select()
        .from(themes)
        .where(eq(themes.id, themeId.hechting as number));
      const version = await contentVersion();
      const themasNow = /name="themas" value="([^"]*)"/.exec(again)?.[1] as string;
      const done = await editor.post(`${path}/verwijderen`, { _csrf: csrfFrom(again), versie: versionIn(again), themas: themasNow, bevestig: 'ja' });
      expect(done.status).toBe(303);
      expect(await byId(createdId)).toBeUndefined();
      expect(await db().select().from(themeSources).where(eq(themeSources.sourceId, createdId))).toEqual([]);
      expect(await searchDoc(createdId)).toBeUndefined();
      expect(Number(await contentVersion())).toBe(Number(version) + 1);
      const [hechtingAfter] = await db()
        .select()
        .from(themes)
        .where(eq(themes.id, themeId.hechting as number));
      expect(hechtingAfter?.updatedAt.getTime()).toBeGreaterThan(hechtingBefore?.updatedAt.getTime() as number);
      const [entry] = (await auditFor(createdId)).filter((a) => a.action === 'source.deleted');
      // The audit row keeps where it stood, so it can be put back by hand.
      expect(((entry?.details.themes ?? []) as { slug: string }[]).map((p) => p.slug).sort()).toEqual(['hechting', 'kansrijke-start', 'kindermishandeling']);
      expect((await get('/themas/hechting')).html).not.toContain('Mijn nieuwe titel');
    });
  });

  describe('link checks', () => {
    it('"Controleer deze link" records the answer without moving the version; "Gebruik het nieuwe adres" takes over the redirect target', async () => {
      const [row] = await db()
        .insert(sources)
        .values({ url: `${site.base}/moved`, title: 'Verhuisde pagina', organisation: 'Test' })
        .returning();
      const id = row?.id as number;
      await reindexSource(db(), id);
      const path = `/beheer/bronnen/${id}`;
      const page = (await editorGet(path)).html;
      expect(page).toContain('Nog niet gecontroleerd');
      expect(page).not.toContain('Gebruik het nieuwe adres');
      const checked = await editor.post(`${path}/controleren`, { _csrf: csrfFrom(page) });
      expect(checked.status).toBe(303);
      expect(checked.headers.get('Location')).toBe(`${path}?melding=gecontroleerd`);
      const after = await byId(id);
      expect(after).toMatchObject({ checkResult: 'redirect', checkStatus: 301, redirectTo: `${site.base}/verhuisd`, checkError: null });
      expect(after?.checkedAt).toBeInstanceOf(Date);
      expect(after?.updatedAt).toEqual(row?.updatedAt);
      const shown = (await editorGet(`${path}?melding=gecontroleerd`)).html;
      expect(shown).toContain('De link is gecontroleerd.');
      expect(shown).toContain('<span class="hw-badge hw-badge--redirect">Doorverwezen (301)</span>');
      expect(shown).toContain(`<input type="hidden" name="adres" value="${site.base}/verhuisd"/>`);
      expect(shown).toContain('Gebruik het nieuwe adres');
      expect(versionIn(shown)).toBe(versionIn(page));

      // A target other than the one the check found is refused (stale page or a made-up address).
      const made = await editor.post(`${path}/nieuw-adres`, { _csrf: csrfFrom(shown), versie: versionIn(shown), adres: 'https://www.aanvaller.example/' });
      expect(made.status).toBe(409);
      expect(await made.text()).toContain('Het adres is niet aangepast.');
      expect((await byId(id))?.url).toBe(`${site.base}/moved`);

      // The target is another source's address already: refused with a link to that source.
      const target = normaliseUrl(`${site.base}/verhuisd`);
      expect(target).toBe(`https://${new URL(site.base).host}/verhuisd/`);
      const [other] = await db().insert(sources).values({ url: target, title: 'Al bekend', organisation: 'Test' }).returning();
      const dup = await editor.post(`${path}/nieuw-adres`, { _csrf: csrfFrom(shown), versie: versionIn(shown), adres: `${site.base}/verhuisd` });
      expect(dup.status).toBe(409);
      expect(await dup.text()).toContain(`Deze bron bestaat al: <a class="utrecht-link" href="/beheer/bronnen/${other?.id}">Al bekend</a>`);
      await db()
        .delete(sources)
        .where(eq(sources.id, other?.id as number));

      const adopted = await editor.post(`${path}/nieuw-adres`, { _csrf: csrfFrom(shown), versie: versionIn(shown), adres: `${site.base}/verhuisd` });
      expect(adopted.status).toBe(303);
      expect(adopted.headers.get('Location')).toBe(`${path}?melding=adres-overgenomen`);
      // Normalised like every URL (https, trailing slash); the old answer is forgotten until the next check.
      expect(await byId(id)).toMatchObject({ url: target, checkedAt: null, checkResult: null, redirectTo: null });
      expect((await searchDoc(id))?.url).toBe(target);
      const [entry] = (await auditFor(id)).filter((a) => a.action === 'source.url_adopted');
      expect(entry?.details).toMatchObject({ from: `${site.base}/moved`, to: target });
      // The same form again: its version is stale now.
      expect((await editor.post(`${path}/nieuw-adres`, { _csrf: csrfFrom(shown), versie: versionIn(shown), adres: `${site.base}/verhuisd` })).status).toBe(409);
    });

    it('"Controleer alle links" runs in the background, one run at a time, and the list then shows what is broken or redirected', async () => {
      // Every source points at the loopback site: the test never leaves this machine.
      const all = await db().select().from(sources).orderBy(asc(sources.id));
      for (const [i, s] of all.entries()) {
        const target = i === 0 ? '/moved?a' : i === 1 ? '/weg' : i === 2 ? '/hang' : `/ok?n=${i}`;
        await db()
          .update(sources)
          .set({ url: `${site.base}${target}` })
          .where(eq(sources.id, s.id));
      }
      const versions = (await db().select().from(sources).orderBy(asc(sources.id))).map((s) => s.updatedAt.getTime());
      const list = (await editorGet('/beheer/bronnen')).html;
      const start = await editor.post('/beheer/bronnen/controleren', { _csrf: csrfFrom(list) });
      expect(start.status).toBe(303);
      expect(start.headers.get('Location')).toBe('/beheer/bronnen?melding=controle-gestart');
      // The /hang route keeps the run busy for a second: a second request finds it running.
      const busy = await editor.post('/beheer/bronnen/controleren', { _csrf: csrfFrom(list) });
      expect(busy.headers.get('Location')).toBe('/beheer/bronnen?melding=controle-bezig');
      expect((await editorGet('/beheer/bronnen?melding=controle-bezig')).html).toContain('Er loopt al een controle van alle links.');
      expect((await editorGet('/beheer/bronnen')).html).toContain('Er loopt een controle van alle links.');
      await waitForBackgroundChecks();

      const checked = await db().select().from(sources).orderBy(asc(sources.id));
      expect(checked.every((s) => s.checkedAt instanceof Date)).toBe(true);
      expect(checked.map((s) => s.checkResult)).toEqual(['redirect', 'broken', 'unreachable', ...checked.slice(3).map(() => 'ok')]);
      expect(checked.map((s) => s.updatedAt.getTime())).toEqual(versions);
      const after = (await editorGet('/beheer/bronnen')).html;
      expect(after).toContain(`${checked.length} bronnen in de bibliotheek. 2 kapotte links, 1 doorverwijzing.`);
      expect(after).not.toContain('Er loopt een controle');
      expect(after).toContain('Geen antwoord binnen 1 seconde.');
      expect(cardIds((await editorGet('/beheer/bronnen?status=kapot')).html).sort()).toEqual([checked[1]?.id, checked[2]?.id].sort());
      expect(cardIds((await editorGet('/beheer/bronnen?status=doorverwezen')).html)).toEqual([checked[0]?.id]);
      expect(cardIds((await editorGet('/beheer/bronnen?status=nooit')).html)).toEqual([]);
      // The lease is free again: a new run may start.
      const again = await editor.post('/beheer/bronnen/controleren', { _csrf: csrfFrom(list) });
      expect(again.headers.get('Location')).toBe('/beheer/bronnen?melding=controle-gestart');
      await waitForBackgroundChecks();
    });
  });

  describe('for other screens and rules the database keeps', () => {
    it('listSourcesForPicker gives every source with its link status, by title', async () => {
      const picked = await listSourcesForPicker(db());
      const all = await db().select().from(sources);
      expect(picked.length).toBe(all.length);
      expect(Object.keys(picked[0] ?? {}).sort()).toEqual(['checkResult', 'id', 'organisation', 'title', 'url']);
      const titles = picked.map((p) => p.title);
      expect(titles).toEqual([...titles].sort(new Intl.Collator('nl', { sensitivity: 'base', numeric: true }).compare));
      expect(picked.some((p) => p.checkResult === 'redirect')).toBe(true);
    });

    it('a write that fails halfway leaves nothing behind: no row, no links, no search entry, no new content version', async () => {
      const before = await tableCounts(t.deps.database);
      const version = await contentVersion();
      // The audit row (written late) points at a user that does not exist: the whole transaction rolls back.
      await expect(
        createSource(db(), 2 ** 30, {
          title: 'Halverwege',
          organisation: 'Test',
          url: 'https://www.halverwege.nl/',
          description: '',
          themeIds: [themeId.hechting as number],
        }),
      ).rejects.toThrow();
      expect(await tableCounts(t.deps.database)).toEqual(before);
      expect(await contentVersion()).toBe(version);
    });

    it('the database refuses a second row with the same URL and an unknown check result', async () => {
      const [s] = await db().select().from(sources).limit(1);
      await expect(
        db()
          .insert(sources)
          .values({ url: s?.url as string, title: 'Dubbel', organisation: 'Test' }),
      ).rejects.toThrow();
      await expect(
        db()
          .update(sources)
          .set({ checkResult: sql`'misschien'` })
          .where(eq(sources.id, s?.id as number)),
      ).rejects.toThrow();
    });
  });

  it('HTML in titles is escaped everywhere', async () => {
    const csrf = csrfFrom((await editorGet('/beheer/bronnen/nieuw')).html);
    const res = await postPairs(editor, '/beheer/bronnen/nieuw', [
      ['_csrf', csrf],
      ...good({ title: '<script>alert(1)</script>', url: 'https://www.xss.example/' }, []),
    ]);
    expect(res.status).toBe(303);
    for (const path of [res.headers.get('Location') as string, '/beheer/bronnen']) {
      const html = (await editorGet(path)).html;
      expect(html).not.toContain('<script>alert(1)</script>');
      expect(html).toContain(esc('<script>alert(1)</script>'));
    }
  });
});
