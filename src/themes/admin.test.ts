import { and, asc, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, type Browser, backends, createTestApp, csrfFrom, loginAs, tableCounts } from '../../test/helpers.ts';
import { diffLines } from '../audit/revisions.ts';
import { auditLog, revisions, searchDocuments, themeSources, themes } from '../db/schema.ts';
import { type ThemeSnapshot, themeSnapshot } from './queries.ts';
import { updateTheme } from './service.ts';

const versionIn = (html: string) => /name="versie" value="([^"]+)"/.exec(html)?.[1] ?? '';
const ids = (html: string, name: string) => [...html.matchAll(new RegExp(`name="${name}" value="([^"]+)" checked`, 'g'))].map((m) => m[1] as string);
const textareaValue = (html: string, name: string) => {
  const m = new RegExp(`<textarea[^>]*name="${name}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
  return (m?.[1] ?? '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
};
const inputValue = (html: string, name: string) => {
  const m = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html);
  return (m?.[1] ?? '').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
};

/** The edit form of a page as a browser would post it: every field as shown, checkboxes as checked. */
function formOf(html: string): [string, string][] {
  const pairs: [string, string][] = [
    ['_csrf', csrfFrom(html)],
    ['versie', versionIn(html)],
    ['basis', inputValue(html, 'basis')],
    ['title', inputValue(html, 'title')],
    ['slug', inputValue(html, 'slug')],
    ['summary', textareaValue(html, 'summary')],
    ['reviewed', inputValue(html, 'reviewed')],
    ['body', textareaValue(html, 'body')],
    ['keyFacts', textareaValue(html, 'keyFacts')],
    ['trainingTitle', inputValue(html, 'trainingTitle')],
    ['trainingText', textareaValue(html, 'trainingText')],
  ];
  if (/name="reviewedNow" value="ja" checked/.test(html)) pairs.push(['reviewedNow', 'ja']);
  for (const v of ids(html, 'related')) pairs.push(['related', v]);
  for (const v of ids(html, 'sources')) pairs.push(['sources', v]);
  return pairs;
}
const withField = (pairs: [string, string][], name: string, value: string): [string, string][] => pairs.map(([k, v]) => [k, k === name ? value : v]);

function postPairs(browser: Browser, path: string, pairs: [string, string][]) {
  return browser.app.request(path, {
    method: 'POST',
    body: new URLSearchParams(pairs),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
}

const BODY = [
  'Een nieuwe tekst over veerkracht bij jonge kinderen, geschreven voor deze test.',
  '',
  '## Wat je ziet',
  '',
  'Kinderen die zich veilig voelen, gaan op onderzoek uit en komen terug als het spannend wordt.',
  '',
  '* Eerste punt',
  '* Tweede punt',
].join('\n');

describe.each(backends())('theme editor on %s', (kind: Backend) => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let editor: Browser;
  let other: Browser;
  beforeAll(async () => {
    t = await createTestApp(kind);
    editor = await loginAs(t.app, t.deps.database, 'redacteur');
    other = await loginAs(t.app, t.deps.database, 'beheerder');
  });
  afterAll(() => t.close());
  const db = () => t.deps.database.db;
  const themeBySlug = async (slug: string) => (await db().select().from(themes).where(eq(themes.slug, slug)))[0];
  const revisionsOf = (id: number) =>
    db()
      .select()
      .from(revisions)
      .where(and(eq(revisions.kind, 'theme'), eq(revisions.ref, id)))
      .orderBy(asc(revisions.id));
  const searchDoc = async (slug: string) =>
    (
      await db()
        .select()
        .from(searchDocuments)
        .where(and(eq(searchDocuments.kind, 'theme'), eq(searchDocuments.ref, slug)))
    )[0];
  const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(t.deps.now());
  const publicPage = async (path: string) => {
    const res = await t.app.request(path);
    return { status: res.status, html: await res.text() };
  };

  it('keeps anonymous visitors out: GET goes to the login page, POST is refused and changes nothing', async () => {
    const res = await t.app.request('/beheer/themas');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/beheer/inloggen?terug=%2Fbeheer%2Fthemas');
    const before = await tableCounts(t.deps.database);
    const post = await t.app.request('/beheer/themas/nieuw', { method: 'POST', body: new URLSearchParams({ title: 'x' }) });
    expect(post.status).toBe(403);
    expect(await tableCounts(t.deps.database)).toEqual(before);
  });

  it('lists every theme with its status, in the site order, each loaded from content/ with a first revision', async () => {
    const res = await editor.get('/beheer/themas');
    expect(res.status).toBe(200);
    const html = await res.text();
    const rows = await db().select().from(themes).orderBy(asc(themes.position), asc(themes.title));
    const positions = rows.map((r) => html.indexOf(`href="/beheer/themas/${r.id}"`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    for (const r of rows) expect((await revisionsOf(r.id)).map((v) => v.action)).toEqual(['geladen uit content/']);
  });

  it('refuses an incomplete new theme with Dutch messages per field, keeps the input and writes nothing', async () => {
    const page = await (await editor.get('/beheer/themas/nieuw')).text();
    const before = await tableCounts(t.deps.database);
    const res = await postPairs(editor, '/beheer/themas/nieuw', [
      ['_csrf', csrfFrom(page)],
      ['title', 'Veerkracht'],
      ['summary', 'Kort'],
      ['reviewed', '2026-13-45'],
      ['body', '# Kop van niveau 1\n\nTe kort.'],
      ['keyFacts', 'x'],
      ['trainingTitle', 'Alleen een titel'],
      ['actie', 'opslaan'],
    ]);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Er is een probleem');
    expect(html).toContain('Samenvatting: is verplicht (min. 10 tekens)');
    // A new theme gets a review date only when the editor says the content was checked; a posted date is ignored.
    expect(html).toContain('Laatst inhoudelijk gecontroleerd: vink aan dat je de inhoud inhoudelijk hebt gecontroleerd');
    expect(html).toContain('Kernfeiten: een kernfeit is minstens 2 tekens');
    expect(html).toContain('Training: tekst: tekst over de training is verplicht (min. 2 tekens)');
    expect(html).toMatch(/Tekst \(Markdown\): (de tekst is te kort|gebruik geen kop van niveau 1)/);
    // Input kept as typed.
    expect(inputValue(html, 'title')).toBe('Veerkracht');
    expect(textareaValue(html, 'body')).toBe('# Kop van niveau 1\n\nTe kort.');
    expect(await tableCounts(t.deps.database)).toEqual(before);
  });

  it('shows a server-side preview without saving anything (works without JavaScript)', async () => {
    const page = await (await editor.get('/beheer/themas/nieuw')).text();
    const before = await tableCounts(t.deps.database);
    const res = await postPairs(editor, '/beheer/themas/nieuw', [
      ['_csrf', csrfFrom(page)],
      ['title', 'Veerkracht <script>alert(1)</script>'],
      ['summary', 'Hoe jonge kinderen terugveren na spanning.'],
      ['reviewed', '2026-11-20'],
      ['body', `${BODY}\n\n<script>alert(2)</script>`],
      ['actie', 'voorbeeld'],
    ]);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Voorbeeld – nog niet opgeslagen');
    expect(html).toMatch(/<h2 id="[^"]+">Wat je ziet<\/h2>/);
    expect(html).toContain('<li>Eerste punt</li>');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('Veerkracht &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(await tableCounts(t.deps.database)).toEqual(before);
  });

  it('renders the live preview (JS) with the public renderer, raw HTML escaped, and refuses it without a CSRF token', async () => {
    const page = await (await editor.get('/beheer/themas/nieuw')).text();
    expect(page).toMatch(/<script type="module" src="\/assets\/thema-editor\.[0-9a-f]{12}\.js">/);
    const res = await editor.post('/beheer/themas/voorbeeld', { _csrf: csrfFrom(page), body: '## Kop\n\n<img src=x onerror=alert(1)>' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<h2 id="[^"]+">Kop<\/h2>/);
    expect(html).not.toContain('<img');
    expect((await editor.post('/beheer/themas/voorbeeld', { body: '## Kop' })).status).toBe(403);
  });

  let id = 0;
  it('creates a concept theme (not public), then publishes it: page, search and revisions follow', async () => {
    const page = await (await editor.get('/beheer/themas/nieuw')).text();
    const [firstSource] = ids(page.replace(/name="sources" value="(\d+)"/, 'name="sources" value="$1" checked'), 'sources');
    const res = await postPairs(editor, '/beheer/themas/nieuw', [
      ['_csrf', csrfFrom(page)],
      ['title', 'Veerkracht'],
      ['slug', ''],
      ['summary', 'Hoe jonge kinderen terugveren na spanning.'],
      ['reviewedNow', 'ja'],
      ['body', BODY],
      ['keyFacts', 'Veerkracht groeit in relaties\nSteun helpt'],
      ['related', 'hechting'],
      ['sources', firstSource as string],
      ['actie', 'opslaan'],
    ]);
    expect(res.status).toBe(303);
    const row = await themeBySlug('veerkracht');
    expect(row).toMatchObject({ title: 'Veerkracht', published: false, keyFacts: ['Veerkracht groeit in relaties', 'Steun helpt'], reviewed: today() });
    id = row?.id as number;
    expect(res.headers.get('location')).toBe(`/beheer/themas/${id}?melding=aangemaakt`);
    expect((await db().select().from(themeSources).where(eq(themeSources.themeId, id))).map((s) => String(s.sourceId))).toEqual([firstSource]);
    expect((await publicPage('/themas/veerkracht')).status).toBe(404);
    expect(await searchDoc('veerkracht')).toBeUndefined();

    const edit = await (await editor.get(res.headers.get('location') as string)).text();
    expect(edit).toContain('Het thema is aangemaakt.');
    const pub = await editor.post(`/beheer/themas/${id}/publiceren`, { _csrf: csrfFrom(edit), versie: versionIn(edit) });
    expect(pub.status).toBe(303);
    const shown = await publicPage('/themas/veerkracht');
    expect(shown.status).toBe(200);
    expect(shown.html).toContain('Kinderen die zich veilig voelen');
    expect((await searchDoc('veerkracht'))?.title).toBe('Veerkracht');
    expect((await publicPage('/zoeken?q=veerkracht')).html).toContain('href="/themas/veerkracht"');
    expect((await revisionsOf(id)).map((r) => r.action)).toEqual(['aangemaakt', 'gepubliceerd']);
    const audits = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectKind, 'theme'), eq(auditLog.subjectId, id)));
    expect(audits.map((a) => [a.action, a.subject])).toEqual([
      ['theme.created', 'Veerkracht'],
      ['theme.published', 'Veerkracht'],
    ]);
  });

  it('saves an edit: the public page (cached before) and search change at once, a revision records author and time', async () => {
    expect((await publicPage('/themas/veerkracht')).html).not.toContain('Derde punt');
    const edit = await (await editor.get(`/beheer/themas/${id}`)).text();
    const res = await postPairs(editor, `/beheer/themas/${id}`, [
      ...withField(formOf(edit), 'body', `${BODY}\n* Derde punt over zelfvertrouwen`),
      ['actie', 'opslaan'],
    ]);
    expect(res.status).toBe(303);
    expect((await publicPage('/themas/veerkracht')).html).toContain('Derde punt over zelfvertrouwen');
    expect((await searchDoc('veerkracht'))?.body).toContain('zelfvertrouwen');
    const last = (await revisionsOf(id)).at(-1);
    expect(last?.action).toBe('opgeslagen');
    expect(last?.authorId).not.toBeNull();
    expect((last?.data as { bodyMd?: string } | undefined)?.bodyMd).toContain('Derde punt');
    // The audit row names the theme by its title and the field that changed.
    const [logged] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectKind, 'theme'), eq(auditLog.subjectId, id), eq(auditLog.action, 'theme.updated')))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(logged).toMatchObject({ subject: 'Veerkracht', details: { slug: 'veerkracht', title: 'Veerkracht', changed: ['bodyMd'] } });
  });

  it('saving does not move the review date: without the check it stays, even when a date is posted', async () => {
    await db().update(themes).set({ reviewed: '2025-01-15' }).where(eq(themes.slug, 'kansrijke-start'));
    const themeId = (await themeBySlug('kansrijke-start'))?.id as number;
    const edit = await (await editor.get(`/beheer/themas/${themeId}`)).text();
    // The form shows the stored date and asks; the box is not ticked, and there is no date field to change.
    expect(edit).toContain('Nu: <time datetime="2025-01-15">');
    expect(edit).toMatch(/<input type="checkbox" id="reviewedNow" name="reviewedNow" value="ja"\s*\/?>/);
    expect(edit).not.toMatch(/<input[^>]*name="reviewed"/);
    const res = await postPairs(editor, `/beheer/themas/${themeId}`, [
      // A browser (or a tampered form) that posts today's date in a field called "reviewed" changes nothing.
      ...withField(withField(formOf(edit), 'summary', 'Een kleine taalcorrectie in de samenvatting van Kansrijke Start.'), 'reviewed', today()),
      ['actie', 'opslaan'],
    ]);
    expect(res.status).toBe(303);
    const row = await themeBySlug('kansrijke-start');
    expect(row?.summary).toBe('Een kleine taalcorrectie in de samenvatting van Kansrijke Start.');
    expect(row?.reviewed).toBe('2025-01-15');
    expect((await publicPage('/themas/kansrijke-start')).html).toContain('Laatst inhoudelijk gecontroleerd op <time datetime="2025-01-15">');
    expect(((await revisionsOf(themeId)).at(-1)?.data as { reviewed?: string } | undefined)?.reviewed).toBe('2025-01-15');
  });

  it('the check "Ik heb de inhoud inhoudelijk gecontroleerd" sets the review date to today, on the public page too', async () => {
    const themeId = (await themeBySlug('kansrijke-start'))?.id as number;
    const edit = await (await editor.get(`/beheer/themas/${themeId}`)).text();
    expect(edit).toContain('Ik heb de inhoud inhoudelijk gecontroleerd');
    const res = await postPairs(editor, `/beheer/themas/${themeId}`, [...formOf(edit), ['reviewedNow', 'ja'], ['actie', 'opslaan']]);
    expect(res.status).toBe(303);
    expect((await themeBySlug('kansrijke-start'))?.reviewed).toBe(today());
    expect((await publicPage('/themas/kansrijke-start')).html).toContain(`Laatst inhoudelijk gecontroleerd op <time datetime="${today()}">`);
    // The next form is unticked again: the next save keeps today's date but does not claim a new check.
    const again = await (await editor.get(`/beheer/themas/${themeId}`)).text();
    expect(again).not.toMatch(/name="reviewedNow" value="ja" checked/);
  });

  it('refuses a save without or with a wrong CSRF token and changes nothing', async () => {
    const edit = await (await editor.get(`/beheer/themas/${id}`)).text();
    const before = await themeBySlug('veerkracht');
    for (const token of ['', 'nep']) {
      const pairs = withField(withField(formOf(edit), '_csrf', token), 'title', 'Gehackt');
      const res = await postPairs(editor, `/beheer/themas/${id}`, pairs);
      expect(res.status).toBe(403);
    }
    expect(await themeBySlug('veerkracht')).toEqual(before);
  });

  it('detects a conflict: the second editor sees both versions, nothing is overwritten; saving again is a deliberate choice', async () => {
    const mine = await (await editor.get(`/beheer/themas/${id}`)).text();
    const theirs = await (await other.get(`/beheer/themas/${id}`)).text();
    expect(versionIn(mine)).toBe(versionIn(theirs));
    const first = await postPairs(other, `/beheer/themas/${id}`, [
      ...withField(formOf(theirs), 'summary', 'Samenvatting van de beheerder, die eerst opsloeg.'),
      ['actie', 'opslaan'],
    ]);
    expect(first.status).toBe(303);
    const second = await postPairs(editor, `/beheer/themas/${id}`, [
      ...withField(formOf(mine), 'summary', 'Samenvatting van de redacteur, die te laat was.'),
      ['actie', 'opslaan'],
    ]);
    expect(second.status).toBe(409);
    const html = await second.text();
    expect(html).toContain('Iemand anders heeft dit thema intussen gewijzigd');
    expect(html).toContain('Opgeslagen door Test beheerder');
    expect(html).toMatch(
      /<del class="hw-diff__del"><span class="hw-visually-hidden">verwijderd: <\/span>− Samenvatting van de beheerder, die eerst opsloeg\.\n<\/del>/,
    );
    expect(html).toMatch(
      /<ins class="hw-diff__add"><span class="hw-visually-hidden">toegevoegd: <\/span>\+ Samenvatting van de redacteur, die te laat was\.\n<\/ins>/,
    );
    // The editor's input is kept in the form…
    expect(textareaValue(html, 'summary')).toBe('Samenvatting van de redacteur, die te laat was.');
    // …and the database keeps the first save.
    expect((await themeBySlug('veerkracht'))?.summary).toBe('Samenvatting van de beheerder, die eerst opsloeg.');
    // A missing, made-up or impossible version is no better than a stale one: without the fingerprints
    // of what the form started from (or with broken ones), a conflict, never a crash.
    for (const v of ['', 'gisteren', '2026-99-99T99:99:99.999999Z']) {
      for (const basis of ['', '{kapot', '[]', '{"title":12}']) {
        const res = await postPairs(editor, `/beheer/themas/${id}`, [
          ...withField(withField(withField(formOf(mine), 'versie', v), 'basis', basis), 'title', 'Overschreven'),
          ['actie', 'opslaan'],
        ]);
        expect(res.status, `${v} ${basis}`).toBe(409);
      }
    }
    expect((await themeBySlug('veerkracht'))?.title).toBe('Veerkracht');
    // The conflict page carries the new version: saving again overwrites on purpose.
    const again = await postPairs(editor, `/beheer/themas/${id}`, [...formOf(html), ['actie', 'opslaan']]);
    expect(again.status).toBe(303);
    expect((await themeBySlug('veerkracht'))?.summary).toBe('Samenvatting van de redacteur, die te laat was.');
  });

  it('two editors change different fields: both changes are kept without a conflict; the related themes keep their order', async () => {
    // Two related themes, stored in the reverse order of the list of boxes (the form cannot reorder them; the service can).
    const setup = await (await editor.get(`/beheer/themas/${id}`)).text();
    const listed = [...setup.matchAll(/name="related" value="([^"]+)"/g)].map((m) => m[1] as string);
    const relatedBefore = listed.slice(0, 2).reverse();
    const snapshot = (await themeSnapshot(db(), id)) as ThemeSnapshot;
    const { sources, position: _, ...rest } = snapshot;
    await updateTheme(db(), null, id, versionIn(setup), { ...rest, related: relatedBefore, sourceIds: sources });
    const start = await (await editor.get(`/beheer/themas/${id}`)).text();
    const theirs = await (await other.get(`/beheer/themas/${id}`)).text();
    expect((await themeSnapshot(db(), id))?.related).toEqual(relatedBefore);
    const first = await postPairs(other, `/beheer/themas/${id}`, [
      ...withField(formOf(theirs), 'title', 'Veerkracht bij jonge kinderen'),
      ['actie', 'opslaan'],
    ]);
    expect(first.status).toBe(303);
    const second = await postPairs(editor, `/beheer/themas/${id}`, [
      ...withField(
        formOf(start).filter(([k]) => k !== 'related'),
        'summary',
        'Een nieuwe samenvatting van de redacteur, over veerkracht.',
      ),
      // A browser posts the ticked boxes in the order of the list.
      ...listed.slice(0, 2).map((v): [string, string] => ['related', v]),
      ['actie', 'opslaan'],
    ]);
    expect(second.status).toBe(303);
    const row = await themeBySlug('veerkracht');
    expect(row?.title).toBe('Veerkracht bij jonge kinderen');
    expect(row?.summary).toBe('Een nieuwe samenvatting van de redacteur, over veerkracht.');
    expect((await themeSnapshot(db(), id))?.related).toEqual(relatedBefore);
  });

  it('the same field changed by both is a conflict on that field alone, side by side; the rest is merged in the form', async () => {
    const mine = await (await editor.get(`/beheer/themas/${id}`)).text();
    const theirs = await (await other.get(`/beheer/themas/${id}`)).text();
    expect(
      (
        await postPairs(other, `/beheer/themas/${id}`, [
          ...withField(withField(formOf(theirs), 'summary', 'De samenvatting volgens de beheerder.'), 'keyFacts', 'Een kernfeit van de beheerder.'),
          ['actie', 'opslaan'],
        ])
      ).status,
    ).toBe(303);
    const res = await postPairs(editor, `/beheer/themas/${id}`, [
      ...withField(withField(formOf(mine), 'summary', 'De samenvatting volgens de redacteur.'), 'title', 'Veerkracht volgens de redacteur'),
      ['actie', 'opslaan'],
    ]);
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain('Jullie wijzigden allebei: Samenvatting.');
    const notice = html.slice(html.indexOf('hw-conflict'), html.indexOf('</section>', html.indexOf('hw-conflict')));
    expect(notice).toContain('− De samenvatting volgens de beheerder.');
    expect(notice).toContain('+ De samenvatting volgens de redacteur.');
    expect(notice).not.toContain('kernfeit');
    // The form: the editor's summary (to decide on), the other's key fact, the editor's title.
    expect(textareaValue(html, 'summary')).toBe('De samenvatting volgens de redacteur.');
    expect(textareaValue(html, 'keyFacts')).toBe('Een kernfeit van de beheerder.');
    expect(inputValue(html, 'title')).toBe('Veerkracht volgens de redacteur');
    expect((await themeBySlug('veerkracht'))?.summary).toBe('De samenvatting volgens de beheerder.');
    // Saving the conflict page keeps all three.
    expect((await postPairs(editor, `/beheer/themas/${id}`, [...formOf(html), ['actie', 'opslaan']])).status).toBe(303);
    const row = await themeBySlug('veerkracht');
    expect([row?.summary, row?.keyFacts, row?.title]).toEqual([
      'De samenvatting volgens de redacteur.',
      ['Een kernfeit van de beheerder.'],
      'Veerkracht volgens de redacteur',
    ]);
  });

  it('refuses a slug that another theme has, with the input kept and nothing changed', async () => {
    const edit = await (await editor.get(`/beheer/themas/${id}`)).text();
    const before = await themeBySlug('veerkracht');
    const res = await postPairs(editor, `/beheer/themas/${id}`, [...withField(formOf(edit), 'slug', 'hechting'), ['actie', 'opslaan']]);
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain('Er bestaat al een thema met dit webadres (slug). Kies een ander.');
    expect(inputValue(html, 'slug')).toBe('hechting');
    expect(await themeBySlug('veerkracht')).toEqual(before);
  });

  it('refuses related themes that do not exist or the theme itself', async () => {
    const edit = await (await editor.get(`/beheer/themas/${id}`)).text();
    expect(edit).not.toContain('name="related" value="veerkracht"');
    for (const slug of ['bestaat-niet', 'veerkracht']) {
      const res = await postPairs(editor, `/beheer/themas/${id}`, [...formOf(edit), ['related', slug], ['actie', 'opslaan']]);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('Verwante thema’s:');
    }
  });

  it('renames the slug: the new address works, the old one redirects there and is gone from search', async () => {
    const edit = await (await editor.get(`/beheer/themas/${id}`)).text();
    const res = await postPairs(editor, `/beheer/themas/${id}`, [...withField(formOf(edit), 'slug', 'veerkracht-bij-jonge-kinderen'), ['actie', 'opslaan']]);
    expect(res.status).toBe(303);
    expect((await publicPage('/themas/veerkracht-bij-jonge-kinderen')).status).toBe(200);
    const old = await t.app.request('/themas/veerkracht');
    expect(old.status).toBe(301);
    expect(old.headers.get('location')).toBe('/themas/veerkracht-bij-jonge-kinderen');
    expect(await searchDoc('veerkracht')).toBeUndefined();
    expect((await searchDoc('veerkracht-bij-jonge-kinderen'))?.url).toBe('/themas/veerkracht-bij-jonge-kinderen');
  });

  it('shows the history, compares two revisions as a readable diff, and restores an older one as a new revision', async () => {
    const history = await (await editor.get(`/beheer/themas/${id}/geschiedenis`)).text();
    const revs = await revisionsOf(id);
    expect(revs.length).toBeGreaterThanOrEqual(5);
    for (const r of revs) expect(history).toContain(`value="${r.id}"`);
    const created = revs[0] as (typeof revs)[number];
    const latest = revs.at(-1) as (typeof revs)[number];
    const cmp = await (await editor.get(`/beheer/themas/${id}/vergelijk?van=${created.id}&naar=${latest.id}`)).text();
    expect(cmp).toContain('<h2 class="utrecht-heading-3">Webadres (slug)</h2>');
    expect(cmp).toMatch(/<del class="hw-diff__del">.*− veerkracht\n<\/del><ins class="hw-diff__add">.*\+ veerkracht-bij-jonge-kinderen\n<\/ins>/s);
    expect(cmp).toMatch(/<ins class="hw-diff__add">.*\+ \* Derde punt over zelfvertrouwen/s);
    // Unknown revisions: a clear 404, not a crash.
    expect((await editor.get(`/beheer/themas/${id}/vergelijk?van=999999&naar=${latest.id}`)).status).toBe(404);

    // Restore the first version: slug, summary and body come back; published stays as it is now.
    const restore = await editor.post(`/beheer/themas/${id}/versies/${created.id}/terugzetten`, { _csrf: csrfFrom(history), versie: versionIn(history) });
    expect(restore.status).toBe(303);
    const row = await themeBySlug('veerkracht');
    expect(row).toMatchObject({ summary: 'Hoe jonge kinderen terugveren na spanning.', published: true, bodyMd: BODY });
    expect((await publicPage('/themas/veerkracht')).status).toBe(200);
    const after = await revisionsOf(id);
    expect(after.length).toBe(revs.length + 1);
    expect(after.at(-1)?.action).toMatch(/^teruggezet naar de versie van /);
  });

  it('refuses to restore from a stale page (someone saved in between): conflict, nothing changed', async () => {
    const history = await (await editor.get(`/beheer/themas/${id}/geschiedenis`)).text();
    const edit = await (await other.get(`/beheer/themas/${id}`)).text();
    expect(
      (await postPairs(other, `/beheer/themas/${id}`, [...withField(formOf(edit), 'title', 'Veerkracht (bijgewerkt)'), ['actie', 'opslaan']])).status,
    ).toBe(303);
    const revs = await revisionsOf(id);
    const res = await editor.post(`/beheer/themas/${id}/versies/${revs[1]?.id}/terugzetten`, { _csrf: csrfFrom(history), versie: versionIn(history) });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('Iemand anders heeft dit thema intussen gewijzigd');
    expect((await themeBySlug('veerkracht'))?.title).toBe('Veerkracht (bijgewerkt)');
    expect((await revisionsOf(id)).length).toBe(revs.length);
  });

  it('orders themes with up/down without moving any version (open forms stay valid); the public list follows', async () => {
    const list = async () =>
      (await db().select({ id: themes.id, version: themes.updatedAt }).from(themes).orderBy(asc(themes.position), asc(themes.title))).map((r) => r.id);
    const before = await list();
    const versions = () => db().select({ id: themes.id, updatedAt: themes.updatedAt }).from(themes).orderBy(asc(themes.id));
    const versionsBefore = await versions();
    const page = await (await editor.get('/beheer/themas')).text();
    const second = before[1] as number;
    expect((await editor.post(`/beheer/themas/${second}/omhoog`, { _csrf: csrfFrom(page) })).status).toBe(303);
    const after = await list();
    expect(after).toEqual([before[1], before[0], ...before.slice(2)]);
    expect(await versions()).toEqual(versionsBefore);
    const pub = (await publicPage('/themas')).html;
    const published = (await db().select().from(themes).where(eq(themes.published, true)).orderBy(asc(themes.position))).map((r) =>
      pub.indexOf(`href="/themas/${r.slug}"`),
    );
    expect([...published].sort((a, b) => a - b)).toEqual(published);
  });

  it('unpublishes: gone from the site and search; a stale version is refused', async () => {
    const edit = await (await editor.get(`/beheer/themas/${id}`)).text();
    const res = await editor.post(`/beheer/themas/${id}/terugtrekken`, { _csrf: csrfFrom(edit), versie: versionIn(edit) });
    expect(res.status).toBe(303);
    expect((await publicPage('/themas/veerkracht')).status).toBe(404);
    expect(await searchDoc('veerkracht')).toBeUndefined();
    // The same (now stale) version again: refused.
    const stale = await editor.post(`/beheer/themas/${id}/publiceren`, { _csrf: csrfFrom(edit), versie: versionIn(edit) });
    expect(stale.status).toBe(409);
    expect((await themeBySlug('veerkracht'))?.published).toBe(false);
  });

  it('a changed slug: the old address redirects (301) to the new one, renaming twice makes no chain, and a live slug wins', async () => {
    const slugOf = async (path: string) => {
      const res = await t.app.request(path);
      return { status: res.status, location: res.headers.get('location') };
    };
    const saveSlug = async (themeId: number, slug: string) => {
      const edit = await (await editor.get(`/beheer/themas/${themeId}`)).text();
      const res = await postPairs(editor, `/beheer/themas/${themeId}`, [...withField(formOf(edit), 'slug', slug), ['actie', 'opslaan']]);
      expect(res.status).toBe(303);
    };
    const hechting = (await themeBySlug('hechting'))?.id as number;
    expect((await slugOf('/themas/hechting')).status).toBe(200);
    await saveSlug(hechting, 'hechting-bij-jonge-kinderen');
    expect(await slugOf('/themas/hechting')).toEqual({ status: 301, location: '/themas/hechting-bij-jonge-kinderen' });
    expect((await slugOf('/themas/hechting-bij-jonge-kinderen')).status).toBe(200);
    await saveSlug(hechting, 'hechting-0-4');
    // Both earlier addresses lead straight to the current one.
    expect(await slugOf('/themas/hechting')).toEqual({ status: 301, location: '/themas/hechting-0-4' });
    expect(await slugOf('/themas/hechting-bij-jonge-kinderen')).toEqual({ status: 301, location: '/themas/hechting-0-4' });
    // Back to the first name: it is served again, and the name it leaves redirects.
    await saveSlug(hechting, 'hechting');
    expect((await slugOf('/themas/hechting')).status).toBe(200);
    expect(await slugOf('/themas/hechting-0-4')).toEqual({ status: 301, location: '/themas/hechting' });
    // Another theme takes an old address: its own page, not the redirect.
    const page = await (await editor.get('/beheer/themas/nieuw')).text();
    const created = await postPairs(editor, '/beheer/themas/nieuw', [
      ['_csrf', csrfFrom(page)],
      ['title', 'Hechting van nul tot vier'],
      ['slug', 'hechting-0-4'],
      ['summary', 'Een ander thema op een oud adres.'],
      ['reviewedNow', 'ja'],
      ['body', BODY],
      ['keyFacts', ''],
      ['actie', 'opslaan'],
    ]);
    expect(created.status).toBe(303);
    const other = (await themeBySlug('hechting-0-4'))?.id as number;
    // Not yet published: no page, and no redirect either (the address is taken).
    expect((await slugOf('/themas/hechting-0-4')).status).toBe(404);
    const edit = await (await editor.get(`/beheer/themas/${other}`)).text();
    expect((await editor.post(`/beheer/themas/${other}/publiceren`, { _csrf: csrfFrom(edit), versie: versionIn(edit) })).status).toBe(303);
    expect((await slugOf('/themas/hechting-0-4')).status).toBe(200);
    // An unpublished theme's old address is a 404 like the theme itself.
    expect((await slugOf('/themas/bestaat-niet-en-nooit')).status).toBe(404);
  });
});

describe('line diff', () => {
  it('marks only the changed lines and keeps the rest in order', () => {
    const d = diffLines('a\nb\nc\nd', 'a\nB\nc\nd\ne');
    expect(d).toEqual([
      { op: 'same', text: 'a' },
      { op: 'del', text: 'b' },
      { op: 'add', text: 'B' },
      { op: 'same', text: 'c' },
      { op: 'same', text: 'd' },
      { op: 'add', text: 'e' },
    ]);
  });
  it('rebuilds both texts from the diff (random inputs)', async () => {
    const fc = await import('fast-check');
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd', ''), { maxLength: 30 }),
        fc.array(fc.constantFrom('a', 'b', 'c', 'e', ''), { maxLength: 30 }),
        (x, y) => {
          const d = diffLines(x.join('\n'), y.join('\n'));
          expect(d.filter((l) => l.op !== 'add').map((l) => l.text)).toEqual(x.join('\n').split('\n'));
          expect(d.filter((l) => l.op !== 'del').map((l) => l.text)).toEqual(y.join('\n').split('\n'));
        },
      ),
      { numRuns: 300 },
    );
  });
});
