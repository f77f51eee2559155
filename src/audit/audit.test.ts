import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, type Browser, backends, createTestApp, loginAs } from '../../test/helpers.ts';
import { auditLog, organisations, sources, themes, users } from '../db/schema.ts';
import { detailsText, parseAuditQuery } from './log.tsx';

/** The rows of the log table: [when, who, action, subject, details] as text, and the subject's link. */
function tableRows(html: string) {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => {
    const cells = [...(m[1] ?? '').matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1] ?? '');
    const text = cells.map((c) =>
      c
        .replace(/<[^>]+>/g, '')
        .replace(/&amp;/g, '&')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"'),
    );
    return { when: text[0], who: text[1], action: text[2], subject: text[3], details: text[4], link: /href="([^"]+)"/.exec(cells[3] ?? '')?.[1] ?? null };
  });
}
const statusLine = (html: string) => /<p role="status" class="hw-audit-count">([^<]*)<\/p>/.exec(html)?.[1] ?? '';

describe('audit filter parsing', () => {
  const options = { users: [{ id: 1 }, { id: 7 }], actions: ['login', 'organisation.updated'] };
  it('keeps valid values and gives a Dutch message for each invalid one, never throwing', () => {
    expect(parseAuditQuery({ gebruiker: '7', actie: 'login', onderwerp: '  a\u0000b ', van: '2026-03-01', tot: '2026-03-31', pagina: '2' }, options)).toEqual({
      filter: { gebruiker: '7', actie: 'login', onderwerp: 'a b', van: '2026-03-01', tot: '2026-03-31' },
      shown: { gebruiker: '7', actie: 'login', onderwerp: 'a b', van: '2026-03-01', tot: '2026-03-31' },
      page: 2,
      errors: {},
    });
    const bad = parseAuditQuery({ gebruiker: '8', actie: 'drop table', van: '2026-02-30', tot: 'gisteren', pagina: '0' }, options);
    expect(bad.filter).toEqual({ gebruiker: '', actie: '', onderwerp: '', van: '', tot: '' });
    expect(bad.page).toBe(1);
    expect(bad.errors).toEqual({
      gebruiker: 'Deze gebruiker kennen we niet. Kies iemand uit de lijst.',
      actie: 'De actie “drop table” komt niet voor in het logboek. Kies een actie uit de lijst.',
      van: '“2026-02-30” is geen datum die we kunnen gebruiken. Vul een datum in als 2026-03-31.',
      tot: '“gisteren” is geen datum die we kunnen gebruiken. Vul een datum in als 2026-03-31.',
      pagina: '“0” is geen paginanummer. We tonen de eerste pagina.',
    });
    expect(parseAuditQuery({ van: '2026-04-02', tot: '2026-04-01' }, options).errors.tot).toBe(
      'De datum ‘tot en met’ ligt vóór de datum ‘van’. Kies een latere datum.',
    );
    expect(parseAuditQuery({ onderwerp: 'x'.repeat(101) }, options).errors.onderwerp).toBe('Gebruik hoogstens 100 tekens (nu 101).');
    expect(parseAuditQuery({ gebruiker: 'systeem', onderwerp: 'x'.repeat(100) }, options).errors).toEqual({});
  });

  it('shows details compactly in Dutch', () => {
    expect(detailsText({ slug: 'jgz', name: 'JGZ', changed: ['phone', 'email'] })).toBe('slug: jgz; naam: JGZ; gewijzigd: phone, email');
    expect(detailsText({ themes: { new: 1, changed: 0, unchanged: 4 }, published: false, exportedAt: null })).toBe(
      'thema’s: nieuw 1, gewijzigd 0, ongewijzigd 4; op de site: nee; geëxporteerd op: –',
    );
    expect(detailsText({ text: 'x'.repeat(500) }).length).toBe(241);
  });
});

describe.each(backends())('audit log on %s', (kind: Backend) => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let admin: Browser;
  let anna: number;
  let bert: number;
  let orgId: number;
  beforeAll(async () => {
    t = await createTestApp(kind);
    admin = await loginAs(t.app, t.deps.database, 'beheerder');
    const db = t.deps.database.db;
    const made = await db
      .insert(users)
      .values([
        { email: 'anna@voorbeeld.nl', name: 'Anna Alfa', role: 'beheerder' },
        { email: 'bert@voorbeeld.nl', name: 'Bert <b>Beta</b>', role: 'redacteur' },
      ])
      .returning({ id: users.id });
    [anna, bert] = made.map((u) => u.id) as [number, number];
    const [org] = await db.select({ id: organisations.id }).from(organisations).limit(1);
    orgId = org?.id as number;
    // Around midnight in Amsterdam, in winter (UTC+1) and in summer (UTC+2).
    await db.insert(auditLog).values([
      {
        at: new Date('2026-03-10T22:59:59Z'),
        actorId: anna,
        action: 'organisation.updated',
        subject: `organisatie ${orgId}`,
        details: { name: 'JGZ', changed: ['phone'] },
      },
      { at: new Date('2026-03-10T23:30:00Z'), actorId: bert, action: 'organisation.updated', subject: 'organisatie 999999', details: { name: 'Weg' } },
      { at: new Date('2026-07-01T21:59:00Z'), actorId: null, action: 'registrations.anonymised', subject: '3 aanmeldingen', details: { retentionMonths: 12 } },
      { at: new Date('2026-07-01T22:30:00Z'), actorId: anna, action: 'test.onbekend', subject: '100% <script>alert(1)</script>', details: {} },
      { at: new Date('2026-07-02T10:00:00Z'), actorId: bert, action: 'login', subject: 'bert@voorbeeld.nl', details: {} },
    ]);
    // 120 rows of one action, one minute apart, for the pages.
    await db.insert(auditLog).values(
      Array.from({ length: 120 }, (_, i) => ({
        at: new Date(Date.UTC(2025, 0, 1, 12, i)),
        actorId: null,
        action: 'test.bulk',
        subject: `rij-${String(i).padStart(3, '0')}`,
      })),
    );
  });
  afterAll(() => t.close());

  const get = async (query = '') => {
    const res = await admin.get(`/beheer/audit${query}`);
    return { status: res.status, html: await res.text() };
  };

  it('only a beheerder sees it: anonymous → login, redacteur → 403', async () => {
    const anonymous = await t.app.request('/beheer/audit?actie=login');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('Location')).toBe(`/beheer/inloggen?terug=${encodeURIComponent('/beheer/audit')}`);
    const editor = await loginAs(t.app, t.deps.database, 'redacteur');
    const res = await editor.get('/beheer/audit');
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Geen toegang');
    expect((await editor.get('/beheer/audit/iets')).status).toBe(403);
    expect(await (await editor.get('/beheer')).text()).not.toContain('href="/beheer/audit"');
  });

  it('shows the newest first: time in Amsterdam, who, the action in Dutch, a linked subject, details', async () => {
    const { status, html } = await get('?van=2026-03-01&tot=2026-07-31');
    expect(status).toBe(200);
    expect(html).toContain('<h1 class="utrecht-heading-1">Logboek</h1>');
    expect(html).toContain('<form class="hw-filter hw-audit-filter" method="get" action="/beheer/audit"');
    const list = tableRows(html);
    expect(list.map((r) => r.subject)).toEqual([
      'bert@voorbeeld.nl',
      '100% <script>alert(1)</script>',
      '3 aanmeldingen',
      'organisatie 999999',
      `organisatie ${orgId}`,
    ]);
    expect(list[0]).toMatchObject({ when: '02-07-2026, 12:00:00', who: 'Bert <b>Beta</b>', action: 'Ingelogd', link: '/beheer/gebruikers' });
    expect(list[1]).toMatchObject({ when: '02-07-2026, 00:30:00', who: 'Anna Alfa', action: 'test.onbekend', link: null, details: '–' });
    expect(list[2]).toMatchObject({ who: 'systeem', action: 'Oude aanmeldingen geanonimiseerd', details: 'bewaartermijn in maanden: 12' });
    // A subject that no longer exists is not a link.
    expect(list[3]).toMatchObject({ when: '11-03-2026, 00:30:00', action: 'Organisatie gewijzigd', link: null });
    expect(list[4]).toMatchObject({ when: '10-03-2026, 23:59:59', link: `/beheer/netwerk/${orgId}`, details: 'naam: JGZ; gewijzigd: phone' });
    // Text from the log is escaped, never markup.
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).not.toContain('<b>Beta</b>');
    expect(html).toContain('<code>test.onbekend</code>');
    expect(html).toContain('<time datetime="2026-07-02T10:00:00.000Z">');
    expect(statusLine(html)).toBe('5 regels gevonden. Je ziet 1 tot en met 5, nieuwste eerst.');
  });

  it('filters by user, by "systeem", by action (a select of the actions that occur), by subject text and by date, alone and combined', async () => {
    const subjects = async (query: string) => {
      const { status, html } = await get(query);
      expect(status, query).toBe(200);
      return tableRows(html).map((r) => r.subject);
    };
    const window = 'van=2026-03-01&tot=2026-07-31';
    expect(await subjects(`?gebruiker=${anna}&${window}`)).toEqual(['100% <script>alert(1)</script>', `organisatie ${orgId}`]);
    expect(await subjects(`?gebruiker=systeem&${window}`)).toEqual(['3 aanmeldingen']);
    expect(await subjects(`?actie=organisation.updated&${window}`)).toEqual(['organisatie 999999', `organisatie ${orgId}`]);
    expect(await subjects(`?actie=organisation.updated&gebruiker=${bert}`)).toEqual(['organisatie 999999']);
    // Text: anywhere in the subject, any case; % and _ are plain characters, not wildcards.
    expect(await subjects('?onderwerp=ORGANISATIE+9999')).toEqual(['organisatie 999999']);
    expect(await subjects('?onderwerp=%25')).toEqual(['100% <script>alert(1)</script>']);
    expect(await subjects('?onderwerp=rij_00')).toEqual([]);
    expect(await subjects('?onderwerp=rij-00&actie=test.bulk')).toEqual(Array.from({ length: 10 }, (_, i) => `rij-00${9 - i}`));
    // Days are Amsterdam days: 22:59:59 UTC on 10 March is still the 10th, 23:30 UTC already the 11th.
    expect(await subjects('?van=2026-03-10&tot=2026-03-10')).toEqual([`organisatie ${orgId}`]);
    expect(await subjects('?van=2026-03-11&tot=2026-03-11')).toEqual(['organisatie 999999']);
    // In summer the day starts at 22:00 UTC.
    expect(await subjects('?van=2026-07-01&tot=2026-07-01')).toEqual(['3 aanmeldingen']);
    expect(await subjects('?van=2026-07-02&tot=2026-07-02')).toEqual(['bert@voorbeeld.nl', '100% <script>alert(1)</script>']);
    expect(await subjects('?tot=2025-01-01&actie=test.bulk')).toHaveLength(50);
    expect(await subjects('?van=2030-01-01')).toEqual([]);

    const { html } = await get(`?gebruiker=${bert}&actie=login&onderwerp=bert&van=2026-07-01&tot=2026-07-03`);
    // The form shows the filters that are on.
    expect(html).toContain(`<option value="${bert}" selected="">Bert &lt;b&gt;Beta&lt;/b&gt; (bert@voorbeeld.nl)</option>`);
    expect(html).toContain('<option value="login" selected="">Ingelogd</option>');
    expect(html).toMatch(/id="onderwerp" name="onderwerp" value="bert"/);
    expect(html).toMatch(/type="date" id="van" name="van" value="2026-07-01"/);
    expect(html).toMatch(/type="date" id="tot" name="tot" value="2026-07-03"/);
    // The action select lists exactly the actions in the log, in Dutch where we know them.
    const options = [...(/<select class="hw-select" id="actie"[\s\S]*?<\/select>/.exec(html)?.[0] ?? '').matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]);
    const actions = (await t.deps.database.db.selectDistinct({ a: auditLog.action }).from(auditLog)).map((r) => r.a);
    expect(options.slice(1).sort()).toEqual(actions.sort());
    expect(html).toContain('<option value="">Alle acties</option>');
    const none = await get('?onderwerp=bestaat-nergens');
    expect(tableRows(none.html)).toEqual([]);
    expect(statusLine(none.html)).toBe('Geen regels gevonden met deze filters.');
  });

  it('pages of 50, newest first, with the filters kept in the links', async () => {
    const pages = [];
    for (const p of [1, 2, 3]) {
      const { status, html } = await get(`?actie=test.bulk${p > 1 ? `&pagina=${p}` : ''}`);
      expect(status).toBe(200);
      expect(html).toContain(`Pagina ${p} van 3`);
      pages.push(tableRows(html).map((r) => r.subject));
      if (p < 3) expect(html).toContain(`href="/beheer/audit?actie=test.bulk&amp;pagina=${p + 1}" rel="next">Oudere regels</a>`);
      else expect(html).not.toContain('Oudere regels');
      if (p > 1) expect(html).toContain(`rel="prev">Nieuwere regels</a>`);
      if (p === 2) expect(statusLine(html)).toBe('120 regels gevonden. Je ziet 51 tot en met 100, nieuwste eerst.');
    }
    expect(pages.map((p) => p.length)).toEqual([50, 50, 20]);
    const all = Array.from({ length: 120 }, (_, i) => `rij-${String(119 - i).padStart(3, '0')}`);
    expect(pages.flat()).toEqual(all);
    expect((await get('?actie=test.bulk&pagina=2&gebruiker=systeem')).html).toContain(
      'href="/beheer/audit?gebruiker=systeem&amp;actie=test.bulk&amp;pagina=3"',
    );
    // Past the last page: an honest message and a way back, not an error.
    const past = await get('?actie=test.bulk&pagina=9');
    expect(past.status).toBe(200);
    expect(tableRows(past.html)).toEqual([]);
    expect(statusLine(past.html)).toBe('Pagina 9 bestaat niet: er zijn 120 regels (3 pagina’s).');
    expect(past.html).toContain('href="/beheer/audit?actie=test.bulk&amp;pagina=3" rel="prev">Nieuwere regels</a>');
  });

  it('invalid filter values get a Dutch message (400, not 500); the valid filters still apply and the input is kept', async () => {
    const cases: [string, string[], number | null][] = [
      ['?gebruiker=abc&actie=test.bulk', ['Deze gebruiker kennen we niet. Kies iemand uit de lijst.'], 50],
      ['?gebruiker=99999999999999999999', ['Deze gebruiker kennen we niet.'], null],
      ['?actie=bestaat.niet&onderwerp=rij-11', ['De actie “bestaat.niet” komt niet voor in het logboek.'], 10],
      ['?van=2026-02-30&tot=gisteren', ['“2026-02-30” is geen datum die we kunnen gebruiken.', '“gisteren” is geen datum'], null],
      [`?van=2026-07-02&tot=2026-07-01&gebruiker=${bert}`, ['De datum ‘tot en met’ ligt vóór de datum ‘van’.'], 1],
      [`?onderwerp=${'x'.repeat(150)}`, ['Gebruik hoogstens 100 tekens (nu 150).'], null],
      [`?onderwerp=${'y'.repeat(5000)}`, ['Deze waarde is te lang (5000 tekens).'], null],
      ['?pagina=-1&actie=test.bulk', ['“-1” is geen paginanummer. We tonen de eerste pagina.'], 50],
      ['?van=%27%3B+drop+table+audit_log', ['is geen datum die we kunnen gebruiken'], null],
      ['?van=99999-01-01', ['is geen datum die we kunnen gebruiken'], null],
    ];
    for (const [query, messages, count] of cases) {
      const { status, html } = await get(query);
      expect(status, query).toBe(400);
      expect(html, query).toContain('Er is een probleem');
      for (const m of messages) expect(html, `${query}: ${m}`).toContain(m);
      if (count !== null) expect(tableRows(html).length, query).toBe(count);
    }
    const kept = await get(`?onderwerp=${'x'.repeat(150)}&van=morgen`);
    expect(kept.html).toContain(`value="${'x'.repeat(150)}"`);
    expect(kept.html).toContain('value="morgen"');
    expect(kept.html).toContain('<a href="#onderwerp">Onderwerp bevat: Gebruik hoogstens 100 tekens (nu 150).</a>');
    expect((await t.deps.database.db.select().from(auditLog).where(like(auditLog.action, 'test.bulk'))).length).toBe(120);
  });

  it('shows what really happens: an organisation saved in beheer appears with its editor and a link', async () => {
    const [org] = await t.deps.database.db.select().from(organisations).where(eq(organisations.id, orgId));
    const { html } = await get(`?onderwerp=organisatie+${orgId}&actie=organisation.updated`);
    expect(tableRows(html)[0]).toMatchObject({ link: `/beheer/netwerk/${orgId}`, subject: `organisatie ${orgId}` });
    expect(org).toBeTruthy();
    // Themes and sources, as the theme editor and the sources library write them.
    const db = t.deps.database.db;
    const [theme] = await db.select({ id: themes.id }).from(themes).limit(1);
    const [source] = await db.select({ id: sources.id }).from(sources).limit(1);
    await db.insert(auditLog).values([
      {
        at: new Date('2026-08-01T08:00:00Z'),
        actorId: anna,
        action: 'theme.updated',
        subject: `theme:${theme?.id}`,
        details: { slug: 'hechting', title: 'Hechting' },
      },
      { at: new Date('2026-08-01T09:00:00Z'), actorId: anna, action: 'theme.updated', subject: 'theme:999999', details: {} },
      { at: new Date('2026-08-01T10:00:00Z'), actorId: anna, action: 'source.updated', subject: `source:${source?.id}`, details: { changed: ['title'] } },
    ]);
    const edits = tableRows((await get(`?gebruiker=${anna}&van=2026-08-01&tot=2026-08-01`)).html);
    expect(edits.map((r) => [r.subject, r.action, r.link])).toEqual([
      [`source:${source?.id}`, 'Bron gewijzigd', `/beheer/bronnen/${source?.id}`],
      ['theme:999999', 'Thema gewijzigd', null],
      [`theme:${theme?.id}`, 'Thema gewijzigd', `/beheer/themas/${theme?.id}`],
    ]);
    expect(edits[2]?.details).toBe('slug: hechting; titel: Hechting');
    await admin.get('/beheer/export/bundel.json');
    const exported = tableRows((await get('?actie=bundle.exported')).html);
    expect(exported[0]).toMatchObject({ who: 'Test beheerder', action: 'Inhoud geëxporteerd', subject: 'bundel' });
    expect(exported[0]?.details).toMatch(/^thema’s: \d+; bronnen: \d+; organisaties: \d+$/);
  });
});
