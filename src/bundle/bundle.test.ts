import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, desc, eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, type Browser, backends, createTestApp, csrfFrom, loginAs, tableCounts } from '../../test/helpers.ts';
import { readContent, splitFrontMatter } from '../content/loader.ts';
import type { Database } from '../db/client.ts';
import { auditLog, organisations, revisions, searchDocuments, sources, themeSources, themes, users } from '../db/schema.ts';
import { updateOrganisation } from '../network/service.ts';
import { type Bundle, themeMarkdown } from './export.ts';
import { importBundle, parseBundle } from './import.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

const CONTENT_TABLES = ['themes', 'sources', 'theme_sources', 'theme_relations', 'organisations', 'search_documents', 'revisions', 'audit_log', 'app_settings'];

/** A fingerprint of every table an import may touch: equal fingerprints mean nothing changed. */
async function contentHash(database: Database): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of CONTENT_TABLES) {
    const r = (await database.db.execute(sql.raw(`select md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as h from "${table}" x`))) as unknown as {
      rows: { h: string }[];
    };
    out[table] = r.rows[0]?.h ?? '';
  }
  return out;
}
const state = async (database: Database) => ({ counts: await tableCounts(database), hash: await contentHash(database) });

const cookies = (b: Browser) => ({ Cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ') });

/** Sends the import form as a browser does: multipart, with the file, the button pressed and the CSRF token. */
async function upload(
  b: Browser,
  content: string | Uint8Array,
  opts: { action?: 'importeren' | 'controleren'; csrf?: string | null; name?: string; noFile?: boolean } = {},
) {
  const form = new FormData();
  if (opts.csrf !== null) form.set('_csrf', opts.csrf ?? csrfFrom(await (await b.get('/beheer')).text()));
  form.set('actie', opts.action ?? 'importeren');
  if (!opts.noFile) form.set('bundel', new File([content as BlobPart], opts.name ?? 'bundel.json', { type: 'application/json' }));
  const res = await b.app.request('/beheer/import', { method: 'POST', body: form, headers: cookies(b) });
  return { status: res.status, html: await res.text() };
}

async function download(b: Browser): Promise<Bundle> {
  const res = await b.get('/beheer/export/bundel.json');
  expect(res.status).toBe(200);
  return (await res.json()) as Bundle;
}
const withoutTime = (b: Bundle) => ({ ...b, exportedAt: '' });

/** A copy of the bundle with one theme file changed: front-matter fields merged in, the body rewritten. */
function editTheme(bundle: Bundle, slug: string, patch: Record<string, unknown>, body?: (body: string) => string): Bundle {
  const copy = structuredClone(bundle);
  const entry = copy.themes.find((t) => t.file === `themas/${slug}.md`);
  if (!entry) throw new Error(`no theme ${slug}`);
  const split = splitFrontMatter(entry.file, entry.markdown);
  entry.markdown = themeMarkdown({ ...(split.data as Record<string, unknown>), ...patch }, body ? body(split.body) : split.body);
  return copy;
}

const BODY = 'Dit thema is alleen voor de test. Het heeft genoeg tekst om door de controle van de inhoud te komen.\n\n## Kopje\n\nMeer tekst.\n';
const newTheme = (slug: string, extra: Record<string, unknown> = {}) => ({
  file: `themas/${slug}.md`,
  markdown: themeMarkdown({ title: `Thema ${slug}`, slug, summary: 'Een samenvatting van dit testthema.', order: 50, reviewed: '2026-01-15', ...extra }, BODY),
});

/** The problems listed in the error summary. */
const problemsIn = (html: string) =>
  [...(/<ul class="hw-problems">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '').matchAll(/<li>(?:<a [^>]*>)?([\s\S]*?)(?:<\/a>)?<\/li>/g)].map((m) =>
    (m[1] ?? '')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&')
      .replace(/&#39;/g, "'"),
  );

/** The counts table of a result page: kind → [new, changed, unchanged]. */
const resultCounts = (html: string) =>
  Object.fromEntries(
    [...html.matchAll(/<th scope="row">([^<]+)<\/th><td[^>]*>(\d+)<\/td><td[^>]*>(\d+)<\/td><td[^>]*>(\d+)<\/td>/g)].map((m) => [
      m[1],
      [Number(m[2]), Number(m[3]), Number(m[4])],
    ]),
  );

/** An app on a database with nothing in it: content/ without themes, pages, trainings or organisations. */
async function emptyApp(kind: Backend): Promise<{ t: TestApp; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'hw-leeg-'));
  copyFileSync('content/signalenlijst.yaml', join(dir, 'signalenlijst.yaml'));
  copyFileSync('content/synoniemen.yaml', join(dir, 'synoniemen.yaml'));
  return { t: await createTestApp(kind, { contentDir: dir }), dir };
}

describe.each(backends())('export and import on %s', (kind: Backend) => {
  let t: TestApp;
  let admin: Browser;
  let editor: Browser;
  let adminId: number;
  beforeAll(async () => {
    t = await createTestApp(kind);
    admin = await loginAs(t.app, t.deps.database, 'beheerder');
    editor = await loginAs(t.app, t.deps.database, 'redacteur');
    const [row] = await db().select({ id: users.id }).from(users).where(eq(users.role, 'beheerder'));
    adminId = row?.id as number;
  });
  afterAll(() => t.close());
  const db = () => t.deps.database.db;
  const themeBySlug = async (slug: string) => (await db().select().from(themes).where(eq(themes.slug, slug)))[0];

  it('roles: anonymous visitors are sent to login or refused, an editor may export but not import', async () => {
    for (const path of ['/beheer/export', '/beheer/export/bundel.json', '/beheer/import']) {
      const res = await t.app.request(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('Location'), path).toBe(`/beheer/inloggen?terug=${encodeURIComponent(path)}`);
    }
    const page = await editor.get('/beheer/export');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<h1 class="utrecht-heading-1">Inhoud exporteren</h1>');
    expect(html).toContain('<form class="hw-bundle-download" method="get" action="/beheer/export/bundel.json">');
    expect(html).toContain('Een bundel importeren kan alleen een beheerder.');
    expect(html).not.toContain('href="/beheer/import"');
    const bundle = await download(editor);
    expect((await editor.get('/beheer/import')).status).toBe(403);

    const changed = JSON.stringify(editTheme(bundle, 'hechting', { title: 'Hechting (gewijzigd)' }));
    const before = await state(t.deps.database);
    const anonymous = new FormData();
    anonymous.set('bundel', new File([changed], 'bundel.json'));
    expect((await t.app.request('/beheer/import', { method: 'POST', body: anonymous })).status).toBe(403);
    const refused = await upload(editor, changed);
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('Geen toegang');
    expect(await state(t.deps.database)).toEqual(before);
    expect((await themeBySlug('hechting'))?.title).toBe('Hechting');

    const adminPage = await (await admin.get('/beheer/export')).text();
    expect(adminPage).toContain('<a class="utrecht-link" href="/beheer/import">Inhoud importeren</a>');
    const start = await (await admin.get('/beheer')).text();
    expect(start).toContain('href="/beheer/export"');
    expect(start).toContain('href="/beheer/audit"');
    const importPage = await admin.get('/beheer/import');
    expect(importPage.status).toBe(200);
    const importHtml = await importPage.text();
    expect(importHtml).toContain('enctype="multipart/form-data"');
    expect(importHtml).toContain('<input class="hw-file-input" type="file" id="bundel" name="bundel" accept=".json,application/json"');
    expect(importHtml).toContain('Wat niet in de bundel staat, blijft staan zoals het is.');
    expect(importHtml).toContain('>Controleer eerst</button>');
  });

  it('CSRF: an import without the token or with a wrong one is refused and changes nothing', async () => {
    const bundle = await download(admin);
    const changed = JSON.stringify(editTheme(bundle, 'hechting', { title: 'Hechting (gewijzigd)' }));
    const before = await state(t.deps.database);
    for (const csrf of [null, 'vervalst', '']) {
      const res = await upload(admin, changed, { csrf });
      expect(res.status, String(csrf)).toBe(403);
      expect(res.html).toContain('Dit formulier is verlopen');
    }
    // The token of another session does not work either.
    const other = csrfFrom(await (await editor.get('/beheer')).text());
    expect((await upload(admin, changed, { csrf: other })).status).toBe(403);
    expect(await state(t.deps.database)).toEqual(before);
  });

  it('the download is one JSON bundle: themes as content/ files, loose sources, organisations, nothing personal', async () => {
    // A source no theme links to.
    await db()
      .insert(sources)
      .values({ url: 'https://www.voorbeeld.nl/losse-bron/', title: 'Losse bron', organisation: 'Voorbeeld', description: 'Nog bij geen thema.' });
    const res = await admin.get('/beheer/export/bundel.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('Content-Disposition')).toMatch(/^attachment; filename="hechtwerk-bundel-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    const text = await res.text();
    const bundle = JSON.parse(text) as Bundle;
    expect(bundle.format).toBe('hechtwerk-bundel');
    expect(bundle.version).toBe(1);
    expect(Math.abs(Date.parse(bundle.exportedAt) - t.clock.now().getTime())).toBeLessThan(60_000);
    expect(Object.keys(bundle).sort()).toEqual(['exportedAt', 'format', 'organisations', 'sources', 'themes', 'version']);

    // Dropped into a content/ folder, the theme files load with the same loader and schema as content/.
    const dir = mkdtempSync(join(tmpdir(), 'hw-export-'));
    try {
      mkdirSync(join(dir, 'themas'));
      for (const th of bundle.themes) writeFileSync(join(dir, th.file), th.markdown);
      const exported = readContent(dir).themes;
      const original = readContent('content').themes;
      expect(exported.map((x) => x.slug).sort()).toEqual(original.map((x) => x.slug).sort());
      for (const o of original) {
        const e = exported.find((x) => x.slug === o.slug);
        const { file: _f1, sources: s1, ...restO } = o;
        const { file: _f2, sources: s2, ...restE } = e as typeof o;
        expect(restE, o.slug).toEqual(restO);
        // The seed lists one link twice; the database keeps it once, with one set of details.
        expect(
          s2.map((s) => s.url),
          o.slug,
        ).toEqual([...new Set(s1.map((s) => s.url))]);
        for (const s of s2) {
          const [row] = await db().select().from(sources).where(eq(sources.url, s.url));
          expect(s).toEqual({ title: row?.title, organisation: row?.organisation, url: row?.url, description: row?.description });
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const linked = await db().select({ id: themeSources.sourceId }).from(themeSources);
    const allSources = await db().select().from(sources);
    expect(bundle.sources).toEqual([
      { title: 'Losse bron', organisation: 'Voorbeeld', url: 'https://www.voorbeeld.nl/losse-bron/', description: 'Nog bij geen thema.' },
    ]);
    expect(allSources.length - new Set(linked.map((l) => l.id)).size).toBe(1);

    const orgs = await db().select().from(organisations);
    expect(bundle.organisations.map((o) => o.slug)).toEqual(orgs.map((o) => o.slug).sort());
    const vt = bundle.organisations.find((o) => o.slug === 'veilig-thuis');
    expect(vt).toMatchObject({ name: expect.any(String), type: 'Veilig Thuis', phone: '0800-2000', published: true, demo: false });
    expect(Object.keys(vt ?? {}).sort()).toEqual(
      ['address', 'demo', 'description', 'email', 'municipalities', 'name', 'phone', 'published', 'slug', 'themes', 'type', 'website'].sort(),
    );

    // Nothing personal: no account, e-mail address of a user, registration or audit row.
    const people = await db().select({ email: users.email }).from(users);
    for (const p of people) expect(text).not.toContain(p.email);
    expect(text).not.toMatch(/"(users|registrations|audit|passwordHash|sessions)"/);
    const [logged] = await db().select().from(auditLog).where(eq(auditLog.action, 'bundle.exported')).orderBy(desc(auditLog.id)).limit(1);
    expect(logged).toMatchObject({ actorId: adminId, details: { themes: bundle.themes.length, sources: 1, organisations: orgs.length } });
  });

  it('export → import into an empty database reproduces the same themes, sources and organisations', async () => {
    const original = await download(admin);
    const { t: fresh, dir } = await emptyApp(kind);
    try {
      expect((await tableCounts(fresh.deps.database)).themes).toBe(0);
      const freshAdmin = await loginAs(fresh.app, fresh.deps.database, 'beheerder');
      const res = await upload(freshAdmin, JSON.stringify(original), { name: 'reservekopie.json' });
      expect(res.status).toBe(200);
      expect(res.html).toContain('<h1 class="utrecht-heading-1">De bundel is geïmporteerd</h1>');
      expect(res.html).toContain('De inhoud uit reservekopie.json staat nu op de site.');
      const sourceCount = (await db().select().from(sources)).length;
      expect(resultCounts(res.html)).toEqual({
        'Thema’s': [original.themes.length, 0, 0],
        Bronnen: [sourceCount, 0, 0],
        Organisaties: [original.organisations.length, 0, 0],
      });

      const copy = await download(freshAdmin);
      expect(withoutTime(copy)).toEqual(withoutTime(original));

      // Search documents, revisions, one audit row, public pages.
      const fdb = fresh.deps.database.db;
      const docs = await fdb.select().from(searchDocuments);
      const published = (await fdb.select().from(themes)).filter((x) => x.published);
      expect(docs.filter((d) => d.kind === 'theme').length).toBe(published.length);
      expect(docs.filter((d) => d.kind === 'source').length).toBe(sourceCount);
      expect(docs.filter((d) => d.kind === 'organisation').length).toBe(original.organisations.filter((o) => o.published).length);
      const revs = await fdb.select().from(revisions);
      // Written through the services: every theme, source and organisation gets its first revision, as when made by hand.
      expect(revs.length).toBe(original.themes.length + sourceCount + original.organisations.length);
      expect(revs.filter((r) => r.kind === 'source').length).toBe(sourceCount);
      expect(new Set(revs.map((r) => r.action))).toEqual(new Set(['geïmporteerd']));
      const [logged] = await fdb.select().from(auditLog).where(eq(auditLog.action, 'bundle.imported'));
      expect(logged).toMatchObject({ subject: 'reservekopie.json', subjectKind: 'bundle', subjectId: null });
      expect(logged?.details).toMatchObject({
        themes: { new: original.themes.length, changed: 0, unchanged: 0 },
        organisations: { new: original.organisations.length, changed: 0, unchanged: 0 },
      });
      const pageRes = await fresh.app.request('/themas/hechting');
      expect(pageRes.status).toBe(200);
      expect(await pageRes.text()).toContain('<h1 class="utrecht-heading-1">Hechting</h1>');
      expect((await fresh.app.request('/netwerk/veilig-thuis')).status).toBe(200);

      // The same bundle again: everything unchanged, no new revisions, no new content version.
      const before = await state(fresh.deps.database);
      const again = await upload(freshAdmin, JSON.stringify(original));
      expect(again.status).toBe(200);
      expect(again.html).toContain('was gelijk aan wat er al stond. Er is niets veranderd.');
      const after = await state(fresh.deps.database);
      expect(after.counts).toEqual({ ...before.counts, audit_log: (before.counts.audit_log ?? 0) + 1 });
      for (const table of CONTENT_TABLES.filter((x) => x !== 'audit_log')) expect(after.hash[table], table).toBe(before.hash[table]);
    } finally {
      await fresh.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a change made after the export is undone by importing it again, recorded as a revision; what is not in the bundle stays', async () => {
    const bundle = await download(admin);
    const hechting = await themeBySlug('hechting');
    const org = (await db().select().from(organisations).where(eq(organisations.slug, 'jgz-voorbeeldregio')))[0];
    if (!hechting || !org) throw new Error('seed missing');
    // Changes after the export: a theme title, an organisation's phone, and a theme only this site has.
    await db().update(themes).set({ title: 'Hechting (oud)' }).where(eq(themes.id, hechting.id));
    await db()
      .update(searchDocuments)
      .set({ title: 'Hechting (oud)' })
      .where(and(eq(searchDocuments.kind, 'theme'), eq(searchDocuments.ref, 'hechting')));
    const version = (await db().execute(
      sql`select to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as v from organisations where id = ${org.id}`,
    )) as unknown as {
      rows: { v: string }[];
    };
    const { id: _id, updatedAt: _u, ...fields } = org;
    await updateOrganisation(db(), null, org.id, version.rows[0]?.v as string, { ...fields, phone: '010-9999999' });
    await db()
      .insert(themes)
      .values({ slug: 'alleen-hier', title: 'Alleen hier', summary: 'Een thema dat niet in de bundel staat.', bodyMd: BODY.trim(), reviewed: '2026-01-01' });
    expect((await (await t.app.request('/themas/hechting')).text()).includes('Hechting (oud)')).toBe(true);

    // Check first: says what would change, changes nothing.
    const before = await state(t.deps.database);
    const dry = await upload(admin, JSON.stringify(bundle), { action: 'controleren' });
    expect(dry.status).toBe(200);
    expect(dry.html).toContain('<h1 class="utrecht-heading-1">Controle: de bundel is in orde</h1>');
    expect(dry.html).toContain('Er is nog niets veranderd.');
    expect(resultCounts(dry.html)).toEqual({
      'Thema’s': [0, 1, bundle.themes.length - 1],
      Bronnen: [0, 0, expect.any(Number)],
      Organisaties: [0, 1, bundle.organisations.length - 1],
    });
    expect(dry.html).toContain('<strong>Gewijzigd:</strong> Hechting</p>');
    expect(dry.html).toContain('Kies het bestand opnieuw');
    expect(await state(t.deps.database)).toEqual(before);

    const res = await upload(admin, JSON.stringify(bundle));
    expect(res.status).toBe(200);
    expect(resultCounts(res.html)).toEqual(resultCounts(dry.html));
    expect((await themeBySlug('hechting'))?.title).toBe('Hechting');
    expect((await db().select().from(organisations).where(eq(organisations.id, org.id)))[0]?.phone).toBe(org.phone);
    expect(await themeBySlug('alleen-hier')).toBeTruthy();
    const [rev] = await db()
      .select()
      .from(revisions)
      .where(and(eq(revisions.kind, 'theme'), eq(revisions.ref, hechting.id)))
      .orderBy(desc(revisions.id))
      .limit(1);
    expect(rev).toMatchObject({ action: 'geïmporteerd', authorId: adminId, data: { title: 'Hechting', slug: 'hechting' } });
    const [orgRev] = await db()
      .select()
      .from(revisions)
      .where(and(eq(revisions.kind, 'organisation'), eq(revisions.ref, org.id)))
      .orderBy(desc(revisions.id))
      .limit(1);
    expect(orgRev).toMatchObject({ action: 'geïmporteerd', authorId: adminId, data: { phone: org.phone } });
    const [doc] = await db()
      .select()
      .from(searchDocuments)
      .where(and(eq(searchDocuments.kind, 'theme'), eq(searchDocuments.ref, 'hechting')));
    expect(doc?.title).toBe('Hechting');
    // The public page shows it at once: the import bumped the content version.
    const publicHtml = await (await t.app.request('/themas/hechting')).text();
    expect(publicHtml).not.toContain('Hechting (oud)');
    expect(publicHtml).toContain('<h1 class="utrecht-heading-1">Hechting</h1>');
  });

  it('a bundle may add themes that relate to each other and to a theme only the database has', async () => {
    const bundle = await download(admin);
    bundle.themes.push(
      newTheme('eerste-nieuw', { related: ['tweede-nieuw', 'alleen-hier'] }),
      newTheme('tweede-nieuw', { related: ['eerste-nieuw'], published: false }),
    );
    bundle.organisations[0]?.themes.push('tweede-nieuw');
    const res = await upload(admin, JSON.stringify(bundle));
    expect(res.status).toBe(200);
    expect(resultCounts(res.html)['Thema’s']).toEqual([2, 0, bundle.themes.length - 2]);
    const exported = await download(admin);
    const first = exported.themes.find((x) => x.file === 'themas/eerste-nieuw.md');
    expect(splitFrontMatter('x', first?.markdown ?? '').data).toMatchObject({ related: ['tweede-nieuw', 'alleen-hier'] });
    // The unpublished one is not findable.
    const docs = await db().select().from(searchDocuments).where(eq(searchDocuments.kind, 'theme'));
    expect(docs.some((d) => d.ref === 'eerste-nieuw')).toBe(true);
    expect(docs.some((d) => d.ref === 'tweede-nieuw')).toBe(false);
  });

  describe('a broken bundle changes nothing', () => {
    let good: Bundle;
    beforeAll(async () => {
      good = await download(admin);
    });

    const cases: [string, () => string | Uint8Array, (string | RegExp)[]][] = [
      [
        'invalid JSON',
        () => '{"format": "hechtwerk-bundel",\n  "version": 1\n  "themes": []}',
        ['Het bestand is geen geldige JSON: er klopt iets niet in regel 3, kolom 3.'],
      ],
      ['a cut-off file', () => JSON.stringify(good).slice(0, 500), ['Het bestand is geen geldige JSON: het houdt midden in op. Is het helemaal gedownload?']],
      ['not UTF-8', () => new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), ['Het bestand is geen tekstbestand (UTF-8).']],
      ['a JSON array', () => '[]', ['Het bestand is geen Hechtwerk-bundel: het moet een JSON-object zijn.']],
      [
        'wrong format',
        () => JSON.stringify({ ...good, format: 'iets-anders' }),
        ['Het bestand is geen Hechtwerk-bundel: het veld "format" moet "hechtwerk-bundel" zijn.'],
      ],
      [
        'wrong version',
        () => JSON.stringify({ ...good, version: 2 }),
        ['Deze bundel heeft versie 2. Deze versie van Hechtwerk leest alleen bundels van versie 1.'],
      ],
      [
        'one invalid theme among valid ones (and a valid new one)',
        () => {
          const b = editTheme(good, 'kindermishandeling', { summary: 'kort' });
          b.themes.unshift(newTheme('nieuw-maar-niet-geimporteerd'));
          return JSON.stringify(b);
        },
        ['themas/kindermishandeling.md: veld "summary": is verplicht (min. 10 tekens)'],
      ],
      [
        'a theme body with a level-1 heading and an unknown field',
        () => JSON.stringify(editTheme(good, 'hechting', { auteur: 'X' }, (body) => `# Titel\n\n${body}`)),
        ['themas/hechting.md: onbekend veld "auteur"', 'themas/hechting.md: tekst: gebruik geen kop van niveau 1 (#): de titel komt uit de front-matter'],
      ],
      [
        'duplicate slug',
        () => {
          const b = structuredClone(good);
          b.themes.push({ ...(b.themes[0] as Bundle['themes'][number]) });
          return JSON.stringify(b);
        },
        [/veld "slug": "[a-z-]+" komt twee keer voor in de bundel/],
      ],
      [
        'file name and slug differ',
        () => {
          const b = structuredClone(good);
          (b.themes[0] as { file: string }).file = 'themas/anders.md';
          return JSON.stringify(b);
        },
        [/themas\/anders\.md: veld "slug": moet gelijk zijn aan de bestandsnaam \("anders"\)/],
      ],
      [
        'unknown related slug',
        () => JSON.stringify(editTheme(good, 'hechting', { related: ['kansrijke-start', 'bestaat-niet'] })),
        ['themas/hechting.md: veld "related.1": thema "bestaat-niet" bestaat niet (niet in de bundel en niet op de site)'],
      ],
      [
        'invalid organisation',
        () => {
          const b = structuredClone(good);
          Object.assign(b.organisations[1] as object, { email: 'geen-mail', type: 'tandarts' });
          return JSON.stringify(b);
        },
        [
          /^organisatie nummer 2 \([a-z-]+\): veld "type": Kies een type organisatie\.$/,
          /^organisatie nummer 2 \([a-z-]+\): veld "email": Vul een geldig e-mailadres in/,
        ],
      ],
      [
        'organisation with an unknown theme',
        () => {
          const b = structuredClone(good);
          b.organisations[0]?.themes.push('verzonnen-thema');
          return JSON.stringify(b);
        },
        [/^organisatie nummer 1 \([a-z-]+\): veld "themes\.\d": thema "verzonnen-thema" bestaat niet/],
      ],
      [
        'duplicate organisation slug',
        () => {
          const b = structuredClone(good);
          b.organisations.push({ ...(b.organisations[0] as Bundle['organisations'][number]) });
          return JSON.stringify(b);
        },
        [/veld "slug": "[a-z-]+" komt twee keer voor in de bundel \(ook organisatie nummer 1\)/],
      ],
      [
        'one source URL with two different titles',
        () => {
          const b = structuredClone(good);
          b.sources.push({ title: 'Andere titel', organisation: 'NCJ', url: 'http://www.ncj.nl/themadossiers/hechting?utm_source=x', description: '' });
          return JSON.stringify(b);
        },
        [/^bron https:\/\/www\.ncj\.nl\/themadossiers\/hechting\/: staat in themas\/[a-z-]+\.md en in bron nummer 2 in "sources" met een andere titel/],
      ],
      [
        'invalid source',
        () => JSON.stringify({ ...good, sources: [{ title: 'X', organisation: 'Voorbeeld', url: 'ftp://voorbeeld.nl', description: '' }] }),
        ['bron nummer 1 in "sources": veld "title": is verplicht', 'bron nummer 1 in "sources": veld "url": moet een geldig http(s)-adres zijn'],
      ],
      [
        'a NUL character',
        () => JSON.stringify(editTheme(good, 'hechting', { title: 'Hech\u0000ting' })),
        ['themas/hechting.md: veld "title": bevat een teken dat niet kan worden opgeslagen.'],
      ],
      [
        'a NUL character and a lone surrogate in JSON strings',
        () => {
          const b = structuredClone(good);
          Object.assign(b.organisations[0] as object, { description: `${b.organisations[0]?.description}\u0000` });
          Object.assign(b.organisations[1] as object, { address: 'Straat \ud800 1' });
          return JSON.stringify(b);
        },
        [
          'veld "organisations.0.description": bevat een teken dat niet kan worden opgeslagen (zoals een NUL-teken).',
          'veld "organisations.1.address": bevat een teken dat niet kan worden opgeslagen (zoals een NUL-teken).',
        ],
      ],
      ['themes is not a list', () => JSON.stringify({ ...good, themes: {} }), ['Het veld "themes" moet een lijst zijn.']],
    ];

    it.each(cases)('%s: 400, every problem listed in Dutch, nothing changed', async (_name, make, expected) => {
      const before = await state(t.deps.database);
      const res = await upload(admin, make());
      expect(res.status).toBe(400);
      expect(res.html).toContain('<h2 id="error-summary-title">Er is een probleem</h2>');
      expect(res.html).toContain('De bundel is niet geïmporteerd. Er is niets veranderd.');
      expect(res.html).toContain('<a href="#bundel">');
      const problems = [...problemsIn(res.html), res.html];
      for (const e of expected)
        expect(
          problems.some((p) => (typeof e === 'string' ? p.includes(e) : e.test(p))),
          `${String(e)} in ${problems.slice(0, -1).join(' | ')}`,
        ).toBe(true);
      expect(await state(t.deps.database)).toEqual(before);
    });

    it('many problems: the first 50 are listed, and how many more there are', async () => {
      const b = structuredClone(good);
      for (let i = 0; i < 60; i++)
        b.organisations.push({ ...(b.organisations[0] as Bundle['organisations'][number]), slug: `kapot-${i}`, email: 'kapot', phone: '', website: '' });
      const before = await state(t.deps.database);
      const res = await upload(admin, JSON.stringify(b));
      expect(res.status).toBe(400);
      const problems = problemsIn(res.html);
      expect(problems.length).toBe(51);
      expect(problems.at(-1)).toBe('En nog 10 andere problemen.');
      expect(await state(t.deps.database)).toEqual(before);
    });

    it('no file, or an empty one: a message at the field', async () => {
      const none = await upload(admin, '', { noFile: true });
      expect(none.status).toBe(400);
      expect(none.html).toContain('<a href="#bundel">Kies een bundelbestand (.json).</a>');
      expect(none.html).toContain('aria-invalid="true"');
      const empty = await upload(admin, '');
      expect(empty.status).toBe(400);
      expect(empty.html).toContain('Het gekozen bestand is leeg.');
    });

    it('size: a bundle over 5 MB gets 413; a 1 MB one is accepted; other forms keep the 256 KB limit', async () => {
      const before = await state(t.deps.database);
      const huge = JSON.stringify(editTheme(good, 'hechting', { title: 'Te groot' })) + ' '.repeat(5 * 1024 * 1024);
      const res = await upload(admin, huge);
      expect(res.status).toBe(413);
      expect(res.html).toContain('Het bestand is te groot');
      expect(await state(t.deps.database)).toEqual(before);

      const padded = JSON.stringify(good, null, 2) + ' '.repeat(1024 * 1024);
      const ok = await upload(admin, padded);
      expect(ok.status).toBe(200);

      const big = await admin.post('/beheer/netwerk/nieuw', {
        _csrf: csrfFrom(await (await admin.get('/beheer')).text()),
        description: 'x'.repeat(300 * 1024),
      });
      expect(big.status).toBe(413);
    });

    it('a bundle the database refuses halfway (a rule only the database knows) rolls back everything', async () => {
      // A rule the validator cannot know: a trigger refuses one theme. It comes last, after new
      // sources, a new theme and a new organisation were already written in the transaction.
      const db = t.deps.database.db;
      await db.execute(
        sql.raw(`create function hw_test_refuse() returns trigger language plpgsql as $$ begin
          if new.slug = 'geweigerd' then raise exception 'geweigerd door de test' using errcode = '23514'; end if; return new; end $$`),
      );
      await db.execute(sql.raw('create trigger hw_test_refuse before insert on themes for each row execute function hw_test_refuse()'));
      try {
        const b = structuredClone(good);
        b.sources.push({ title: 'Nieuwe bron', organisation: 'Voorbeeld', url: 'https://www.voorbeeld.nl/nieuw/', description: '' });
        b.themes.push(newTheme('halverwege-nieuw'), newTheme('geweigerd'));
        b.organisations.push({ ...(b.organisations[0] as Bundle['organisations'][number]), slug: 'ook-nieuw' });
        expect(parseBundle(JSON.stringify(b)).ok).toBe(true);
        const before = await state(t.deps.database);
        const res = await upload(admin, JSON.stringify(b));
        expect(res.status).toBe(400);
        expect(problemsIn(res.html)).toEqual([expect.stringMatching(/^themas\/geweigerd\.md: de database weigerde dit: .*\(code 23514\)\.$/)]);
        expect(await state(t.deps.database)).toEqual(before);
        expect(await themeBySlug('halverwege-nieuw')).toBeUndefined();
      } finally {
        await db.execute(sql.raw('drop trigger hw_test_refuse on themes'));
        await db.execute(sql.raw('drop function hw_test_refuse()'));
      }
    });

    it('refuses a review date outside 1900–2999 before writing anything (PostgreSQL has no year 0)', async () => {
      const b = structuredClone(good);
      b.themes.push(newTheme('jaar-nul', { reviewed: '0000-01-01' }));
      const before = await state(t.deps.database);
      const res = await upload(admin, JSON.stringify(b));
      expect(res.status).toBe(400);
      expect(problemsIn(res.html).join('\n')).toContain('moet een datum tussen 1900 en 2999 zijn');
      expect(await state(t.deps.database)).toEqual(before);
    });
  });

  it('property: random changes to a valid bundle never cause a 500; the import is complete or changes nothing', async () => {
    const base = await download(admin);
    type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
    const paths = (v: Json, at: (string | number)[] = [], out: (string | number)[][] = []) => {
      out.push(at);
      if (Array.isArray(v)) for (const [i, x] of v.entries()) paths(x, [...at, i], out);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
      return out;
    };
    const all = paths(base as unknown as Json).filter((p) => p.length > 0);
    const text = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.constantFrom('', ' ', 'x', '😀', '\u0000', 'hechting', 'javascript:alert(1)', '---', '# kop', '0000-01-01', 'https://voorbeeld.nl'),
    );
    const mutation = fc.record({
      path: fc.constantFrom(...all),
      kind: fc.constantFrom('delete', 'replace', 'text', 'duplicate', 'yaml'),
      value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), text),
      line: fc.nat(60),
      str: text,
    });
    const apply = (bundle: Bundle, m: { path: (string | number)[]; kind: string; value: unknown; line: number; str: string }) => {
      const copy = structuredClone(bundle) as unknown as Record<string | number, unknown>;
      // An earlier mutation may have removed or replaced the place this one points at: then it does nothing.
      let at: unknown = copy;
      for (const k of m.path.slice(0, -1)) at = at && typeof at === 'object' ? (at as Record<string | number, unknown>)[k] : undefined;
      if (!at || typeof at !== 'object') return JSON.stringify(copy);
      const parent = at as Record<string | number, unknown>;
      const key = m.path.at(-1) as string | number;
      if (m.kind === 'delete') {
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
      } else if (m.kind === 'replace') parent[key] = m.value;
      else if (m.kind === 'text') parent[key] = typeof parent[key] === 'string' ? `${parent[key]}${m.str}` : m.str;
      else if (m.kind === 'duplicate' && Array.isArray(parent)) parent.push(structuredClone(parent[Number(key)]));
      else if (m.kind === 'yaml' && typeof parent[key] === 'string') {
        // Change one line of a theme file (front-matter or body).
        const lines = (parent[key] as string).split('\n');
        lines[m.line % lines.length] = m.str;
        parent[key] = lines.join('\n');
      }
      return JSON.stringify(copy);
    };
    let imported = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
        let bundle = base;
        let json = JSON.stringify(base);
        for (const m of ms) {
          json = apply(bundle, m);
          try {
            bundle = JSON.parse(json) as Bundle;
          } catch {
            break;
          }
        }
        const before = await state(t.deps.database);
        const res = await upload(admin, json);
        expect([200, 400, 409]).toContain(res.status);
        if (res.status === 200) {
          imported++;
          // Complete: checking the same bundle again finds nothing left to change.
          const again = await importBundle(db(), json, { actorId: null, dryRun: true });
          for (const k of ['themes', 'sources', 'organisations'] as const) expect([again[k].new, again[k].changed], k).toEqual([[], []]);
        } else {
          refused++;
          expect(problemsIn(res.html).length).toBeGreaterThan(0);
          expect(await state(t.deps.database)).toEqual(before);
        }
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 30), endOnFailure: true },
    );
    // Both outcomes happened, so the property was not vacuous.
    expect(imported).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 180_000);
});
