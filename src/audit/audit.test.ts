import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq, like, sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, type Browser, backends, createOpenSession, createTestApp, createTestDatabase, loginAs } from '../../test/helpers.ts';
import { setUserDisabled } from '../beheer/accounts.ts';
import { rows } from '../db/client.ts';
import { AUDIT_SUBJECT_KINDS, auditLog, ORGANISATION_TYPES, organisations, themes, users } from '../db/schema.ts';
import { lastChange as organisationLastChange } from '../network/queries.ts';
import { editableFields } from '../network/service.ts';
import { LABELS as SOURCE_FIELDS } from '../sources/form.ts';
import { themeForEdit } from '../themes/queries.ts';
import { moveTheme, themeFields, updateTheme } from '../themes/service.ts';
import { cancelSession } from '../trainings/service.ts';
import { settingsFrom } from '../trainings/settings.ts';
import { ACTIONS, FIELD_NAMES, isAuditAction, sentenceText } from './actions.ts';
import { detailsText, parseAuditQuery } from './log.tsx';
import { audit } from './record.ts';

/** The rows of the log table: [when, who, what, details] as text, and the link in the sentence. */
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
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'"),
    );
    return { when: text[0], who: text[1], what: text[2], details: text[3], link: /href="([^"]+)"/.exec(cells[2] ?? '')?.[1] ?? null };
  });
}
const statusLine = (html: string) => /<p role="status" class="hw-audit-count">([^<]*)<\/p>/.exec(html)?.[1] ?? '';

// ---------------------------------------------------------------- the actions src/ writes, read from its text

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );

/** The top-level arguments of the call whose "(" is at `open`, as source text. */
function callArgs(text: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let quote = '';
  let start = open + 1;
  for (let i = open; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) {
      depth--;
      if (depth === 0) {
        args.push(text.slice(start, i).trim());
        return args;
      }
    } else if (ch === ',' && depth === 1) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  throw new Error('unbalanced call');
}

/** The string literals an expression can evaluate to (`x === 'invite' ? 'a' : 'b'` gives a and b, not the compared value). */
const literals = (code: string) =>
  [...code.matchAll(/'([^'\\]*)'/g)]
    .filter((m) => !/[!=]==\s*$/.test(code.slice(0, m.index)) && !/^\s*[!=]==/.test(code.slice(m.index + m[0].length)))
    .map((m) => m[1] as string);

/**
 * Every action string passed to audit() anywhere in src/: literals at the call, and literals passed
 * to a function that hands its `AuditAction` parameter on to audit() (the theme and source editors).
 */
function actionsInSource(): { file: string; action: string }[] {
  const found: { file: string; action: string }[] = [];
  for (const file of sourceFiles('src')) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\baudit\(/g)) {
      const line = text.slice(text.lastIndexOf('\n', m.index) + 1, m.index).trim();
      if (line.includes('function') || line.startsWith('*') || line.startsWith('/')) continue;
      const arg = callArgs(text, m.index + 'audit'.length)[2] ?? '';
      const direct = literals(arg);
      if (direct.length) {
        found.push(...direct.map((action) => ({ file, action })));
        continue;
      }
      // A parameter: find the function that declares it as an AuditAction, then the calls of that function.
      const param = /^[A-Za-z_]\w*$/.exec(arg)?.[0];
      expect(param, `${file}: audit() with action ${arg}`).toBeTruthy();
      const declared = [...text.matchAll(/function (\w+)\(/g)].find((d) => {
        const params = callArgs(text, d.index + d[0].length - 1);
        return params.some((p) => p.startsWith(`${param}: AuditAction`));
      });
      expect(declared, `${file}: ${param} must be typed AuditAction`).toBeTruthy();
      const name = declared?.[1] as string;
      const position = callArgs(text, (declared?.index ?? 0) + (declared?.[0].length ?? 0) - 1).findIndex((p) => p.startsWith(`${param}:`));
      const calls = [...text.matchAll(new RegExp(`(?<!function )\\b${name}\\(`, 'g'))];
      expect(calls.length, `${file}: calls of ${name}`).toBeGreaterThan(0);
      for (const call of calls) found.push(...literals(callArgs(text, call.index + name.length)[position] ?? '').map((action) => ({ file, action })));
    }
  }
  return found;
}

describe('audit actions in Dutch', () => {
  it('every action src/ writes has a title and a sentence, with no action or field ids in them', () => {
    const used = actionsInSource();
    const actions = [...new Set(used.map((u) => u.action))].sort();
    // The scan finds the direct calls and the ones passed on (theme.created goes through the theme editor's afterWrite).
    expect(actions).toEqual(
      expect.arrayContaining(['login', 'logout', 'theme.created', 'source.url_adopted', 'session.cancelled', 'registrations.anonymised']),
    );
    expect(actions.length).toBeGreaterThanOrEqual(45);
    for (const { file, action } of used) expect(isAuditAction(action), `${action} in ${file} has no Dutch label in src/audit/actions.ts`).toBe(true);
    for (const action of Object.keys(ACTIONS)) {
      for (const kind of [...AUDIT_SUBJECT_KINDS, null])
        for (const details of [{}, { changed: ['title', 'phone', 'url'], role: 'redacteur', register: 'vvn', direction: 'up', attendance: 'deels' }]) {
          const text = sentenceText({ action, subject: 'X', subjectKind: kind, subjectId: 3, details });
          expect(text, action).not.toContain(action);
          expect(text, action).not.toMatch(/\b[a-z]+[._:][a-z]+\b|\bphone\b|\burl\b|\btitle\b|\bvvn\b/);
          expect(text.charAt(0), action).toBe(text.charAt(0).toUpperCase());
        }
    }
  });

  it('names every field an editor can change in Dutch', () => {
    const theme = themeFields({
      slug: 's',
      title: 't',
      summary: 's',
      bodyMd: 'b',
      reviewed: '2026-01-01',
      published: true,
      keyFacts: [],
      training: null,
      related: [],
      sourceIds: [],
    });
    expect(Object.keys(theme).filter((k) => !FIELD_NAMES.theme?.[k])).toEqual([]);
    const org = editableFields({
      name: 'n',
      slug: 's',
      type: 'jgz' as never,
      description: 'd',
      phone: '',
      email: '',
      website: '',
      address: '',
      municipalities: [],
      themes: [],
      demo: false,
    });
    expect(Object.keys(org).filter((k) => !FIELD_NAMES.organisation?.[k])).toEqual([]);
    expect(Object.keys(SOURCE_FIELDS).filter((k) => !FIELD_NAMES.source?.[k])).toEqual([]);
  });

  it('says what happened in a sentence: the subject by its label, the changed fields by name', () => {
    const say = (action: string, subjectKind: (typeof AUDIT_SUBJECT_KINDS)[number] | null, subject: string, details: Record<string, unknown> = {}) =>
      sentenceText({ action, subject, subjectKind, subjectId: 3, details });
    expect(say('theme.updated', 'theme', 'Hechting', { changed: ['title', 'summary'] })).toBe('Thema ‘Hechting’ gewijzigd: titel, samenvatting');
    expect(say('theme.updated', 'theme', 'Hechting', { changed: [] })).toBe('Thema ‘Hechting’ opgeslagen zonder wijzigingen');
    expect(say('theme.updated', 'theme', 'Hechting', { changed: ['title', 'iets-nieuws'] })).toBe('Thema ‘Hechting’ gewijzigd: titel, een ander veld');
    expect(say('session.cancelled', 'session', '‘Basistraining’ op 4-12-2026', { mailed: 14 })).toBe(
      'Sessie ‘Basistraining’ op 4-12-2026 geannuleerd (14 mensen gemaild)',
    );
    expect(say('user.disabled', 'user', 'piet@example.nl')).toBe('Account piet@example.nl uitgeschakeld');
    expect(say('login', 'user', 'piet@example.nl')).toBe('Ingelogd als piet@example.nl');
    expect(say('user.invited', null, 'piet@example.nl', { role: 'redacteur' })).toBe('Uitnodiging verstuurd aan piet@example.nl als redacteur');
    expect(say('registration.moved', 'registration', 'aanmelding 3')).toBe('Aanmelding 3 verplaatst naar een andere sessie');
    expect(say('accreditation.exported', 'session', '‘Basis’ op 1-2-2027', { register: 'skj' })).toBe(
      'Accreditatielijst voor SKJ van sessie ‘Basis’ op 1-2-2027 gedownload',
    );
    expect(say('registrations.anonymised', null, '', { count: 1, retentionMonths: 12 })).toBe('1 oude aanmelding geanonimiseerd (bewaartermijn 12 maanden)');
    expect(say('bundle.exported', 'bundle', 'hechtwerk-bundel-2026-03-01.json', { themes: 2, sources: 5, organisations: 1 })).toBe(
      'Inhoud geëxporteerd als bundel ‘hechtwerk-bundel-2026-03-01.json’ (2 thema’s; 5 bronnen; 1 organisatie)',
    );
    // An old row whose thing is gone and had no title recorded: the kind and number, in Dutch.
    expect(say('theme.moved', 'theme', '', { direction: 'down' })).toBe('Thema 3 een plaats naar achteren gezet');
    expect(say('test.onbekend', null, 'iets')).toBe('Onbekende handeling (test.onbekend): iets');
  });
});

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
    expect(detailsText({ slug: 'jgz', name: 'JGZ', changed: ['phone', 'email'] }, 'organisation')).toBe(
      'webadres: jgz; naam: JGZ; gewijzigd: telefoon, e-mailadres',
    );
    expect(detailsText({ direction: 'up' }, 'theme')).toBe('richting: naar voren');
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
        subject: 'JGZ',
        subjectKind: 'organisation',
        subjectId: orgId,
        details: { name: 'JGZ', changed: ['phone'] },
      },
      {
        at: new Date('2026-03-10T23:30:00Z'),
        actorId: bert,
        action: 'organisation.updated',
        subject: 'Weg',
        subjectKind: 'organisation',
        subjectId: 999999,
        details: { name: 'Weg' },
      },
      { at: new Date('2026-07-01T21:59:00Z'), actorId: null, action: 'registrations.anonymised', details: { count: 3, retentionMonths: 12 } },
      { at: new Date('2026-07-01T22:30:00Z'), actorId: anna, action: 'test.onbekend', subject: '100% <script>alert(1)</script>', details: {} },
      { at: new Date('2026-07-02T10:00:00Z'), actorId: bert, action: 'login', subject: 'bert@voorbeeld.nl', subjectKind: 'user', subjectId: bert, details: {} },
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
  const bulk = (n: number) => `Onbekende handeling (test.bulk): rij-${String(n).padStart(3, '0')}`;

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

  it('shows the newest first: time in Amsterdam, who, what happened in a Dutch sentence with its subject linked, details', async () => {
    const { status, html } = await get('?van=2026-03-01&tot=2026-07-31');
    expect(status).toBe(200);
    expect(html).toContain('<h1 class="utrecht-heading-1">Logboek</h1>');
    expect(html).toContain('<form class="hw-filter hw-audit-filter" method="get" action="/beheer/audit"');
    const list = tableRows(html);
    expect(list.map((r) => r.what)).toEqual([
      'Ingelogd als bert@voorbeeld.nl',
      'Onbekende handeling (test.onbekend): 100% <script>alert(1)</script>',
      '3 oude aanmeldingen geanonimiseerd (bewaartermijn 12 maanden)',
      'Organisatie ‘Weg’ gewijzigd',
      'Organisatie ‘JGZ’ gewijzigd: telefoon',
    ]);
    expect(list[0]).toMatchObject({ when: '02-07-2026, 12:00:00', who: 'Bert <b>Beta</b>', link: '/beheer/gebruikers' });
    expect(list[1]).toMatchObject({ when: '02-07-2026, 00:30:00', who: 'Anna Alfa', link: null, details: '–' });
    expect(list[2]).toMatchObject({ who: 'systeem', details: 'aantal: 3; bewaartermijn in maanden: 12' });
    // A subject that no longer exists is not a link.
    expect(list[3]).toMatchObject({ when: '11-03-2026, 00:30:00', link: null });
    expect(list[4]).toMatchObject({ when: '10-03-2026, 23:59:59', link: `/beheer/netwerk/${orgId}`, details: 'naam: JGZ; gewijzigd: telefoon' });
    // Only the subject is the link.
    expect(html).toContain(`<a class="utrecht-link" href="/beheer/netwerk/${orgId}">Organisatie ‘JGZ’</a> gewijzigd: telefoon`);
    // Text from the log is escaped, never markup.
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).not.toContain('<b>Beta</b>');
    expect(html).toContain('<time datetime="2026-07-02T10:00:00.000Z">');
    expect(statusLine(html)).toBe('5 regels gevonden. Je ziet 1 tot en met 5, nieuwste eerst.');
  });

  it('filters by user, by "systeem", by action (a select of the actions that occur), by subject text and by date, alone and combined', async () => {
    const said = async (query: string) => {
      const { status, html } = await get(query);
      expect(status, query).toBe(200);
      return tableRows(html).map((r) => r.what);
    };
    const window = 'van=2026-03-01&tot=2026-07-31';
    const [jgz, weg, anonymised, unknown, login] = [
      'Organisatie ‘JGZ’ gewijzigd: telefoon',
      'Organisatie ‘Weg’ gewijzigd',
      '3 oude aanmeldingen geanonimiseerd (bewaartermijn 12 maanden)',
      'Onbekende handeling (test.onbekend): 100% <script>alert(1)</script>',
      'Ingelogd als bert@voorbeeld.nl',
    ];
    expect(await said(`?gebruiker=${anna}&${window}`)).toEqual([unknown, jgz]);
    expect(await said(`?gebruiker=systeem&${window}`)).toEqual([anonymised]);
    expect(await said(`?actie=organisation.updated&${window}`)).toEqual([weg, jgz]);
    expect(await said(`?actie=organisation.updated&gebruiker=${bert}`)).toEqual([weg]);
    // Text: anywhere in the subject's label, any case; % and _ are plain characters, not wildcards.
    expect(await said('?onderwerp=jg')).toEqual([jgz]);
    expect(await said('?onderwerp=VOORBEELD.NL')).toEqual([login]);
    expect(await said('?onderwerp=%25')).toEqual([unknown]);
    expect(await said('?onderwerp=rij_00')).toEqual([]);
    expect(await said('?onderwerp=rij-00&actie=test.bulk')).toEqual(Array.from({ length: 10 }, (_, i) => bulk(9 - i)));
    // Days are Amsterdam days: 22:59:59 UTC on 10 March is still the 10th, 23:30 UTC already the 11th.
    expect(await said('?van=2026-03-10&tot=2026-03-10')).toEqual([jgz]);
    expect(await said('?van=2026-03-11&tot=2026-03-11')).toEqual([weg]);
    // In summer the day starts at 22:00 UTC.
    expect(await said('?van=2026-07-01&tot=2026-07-01')).toEqual([anonymised]);
    expect(await said('?van=2026-07-02&tot=2026-07-02')).toEqual([login, unknown]);
    expect(await said('?tot=2025-01-01&actie=test.bulk')).toHaveLength(50);
    expect(await said('?van=2030-01-01')).toEqual([]);

    const { html } = await get(`?gebruiker=${bert}&actie=login&onderwerp=bert&van=2026-07-01&tot=2026-07-03`);
    // The form shows the filters that are on.
    expect(html).toContain(`<option value="${bert}" selected="">Bert &lt;b&gt;Beta&lt;/b&gt; (bert@voorbeeld.nl)</option>`);
    expect(html).toContain('<option value="login" selected="">Ingelogd</option>');
    expect(html).toMatch(/id="onderwerp" name="onderwerp" value="bert"/);
    expect(html).toMatch(/type="date" id="van" name="van" value="2026-07-01"/);
    expect(html).toMatch(/type="date" id="tot" name="tot" value="2026-07-03"/);
    // The action select lists exactly the actions in the log, by their Dutch titles.
    const select = /<select class="hw-select" id="actie"[\s\S]*?<\/select>/.exec(html)?.[0] ?? '';
    const options = [...select.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]);
    const actions = (await t.deps.database.db.selectDistinct({ a: auditLog.action }).from(auditLog)).map((r) => r.a);
    expect(options.slice(1).sort()).toEqual(actions.sort());
    expect(html).toContain('<option value="">Alle acties</option>');
    expect(select).toContain('<option value="organisation.updated">Organisatie gewijzigd</option>');
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
      pages.push(tableRows(html).map((r) => r.what));
      if (p < 3) expect(html).toContain(`href="/beheer/audit?actie=test.bulk&amp;pagina=${p + 1}" rel="next">Oudere regels</a>`);
      else expect(html).not.toContain('Oudere regels');
      if (p > 1) expect(html).toContain(`rel="prev">Nieuwere regels</a>`);
      if (p === 2) expect(statusLine(html)).toBe('120 regels gevonden. Je ziet 51 tot en met 100, nieuwste eerst.');
    }
    expect(pages.map((p) => p.length)).toEqual([50, 50, 20]);
    expect(pages.flat()).toEqual(Array.from({ length: 120 }, (_, i) => bulk(119 - i)));
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

  it('shows what really happens: themes, accounts, sessions and the bundle, by kind and id, linked while they exist', async () => {
    const db = t.deps.database.db;
    const [first, second] = await db.select({ id: themes.id, title: themes.title }).from(themes).orderBy(themes.position).limit(2);
    const theme = first as { id: number; title: string };
    // A save through the theme editor names the fields it changed.
    const edit = await themeForEdit(db, theme.id);
    const snap = edit?.snapshot as NonNullable<typeof edit>['snapshot'];
    await updateTheme(db, anna, theme.id, edit?.version as string, {
      ...snap,
      title: 'Hechting anders',
      summary: 'Een nieuwe samenvatting.',
      sourceIds: snap.sources,
    });
    await moveTheme(db, anna, second?.id as number, 'up');
    await setUserDisabled(db, anna, bert, true, t.clock.now());
    const { sessionId } = await createOpenSession(db, t.clock.now(), {
      slug: 'audit-training',
      title: 'Audittraining',
      summary: 'Voor het logboek.',
      capacity: 5,
    });
    await cancelSession(db, anna, sessionId, settingsFrom(t.deps), t.clock.now());
    await audit(db, anna, 'registration.moved', { kind: 'registration', id: 424242 });

    const list = tableRows(
      (await get(`?gebruiker=${anna}&van=${new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Amsterdam' }).format(t.clock.now())}`)).html,
    );
    const day = new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'numeric', year: 'numeric', timeZone: 'Europe/Amsterdam' });
    const [session] = await rows<{ startsAt: string }>(db, sql`select starts_at as "startsAt" from training_sessions where id = ${sessionId}`);
    expect(list.map((r) => [r.what, r.link])).toEqual([
      ['Aanmelding 424242 verplaatst naar een andere sessie', null],
      [
        `Sessie ‘Audittraining’ op ${day.format(new Date(session?.startsAt as string))} geannuleerd (0 mensen gemaild)`,
        `/beheer/trainingen/sessies/${sessionId}`,
      ],
      ['Account bert@voorbeeld.nl uitgeschakeld', '/beheer/gebruikers'],
      [`Thema ‘${second?.title}’ een plaats naar voren gezet`, `/beheer/themas/${second?.id}`],
      ['Thema ‘Hechting anders’ gewijzigd: titel, samenvatting', `/beheer/themas/${theme.id}`],
    ]);
    // The rows carry the kind and id; a registration's label is never the person.
    const written = await db.select().from(auditLog).where(eq(auditLog.actorId, anna));
    expect(written.filter((r) => r.subjectKind).map((r) => [r.action, r.subjectKind, r.subjectId])).toEqual(
      expect.arrayContaining([
        ['theme.updated', 'theme', theme.id],
        ['user.disabled', 'user', bert],
        ['session.cancelled', 'session', sessionId],
        ['registration.moved', 'registration', 424242],
      ]),
    );
    expect(written.find((r) => r.action === 'registration.moved')?.subject).toBe('aanmelding 424242');

    await admin.get('/beheer/export/bundel.json');
    const exported = tableRows((await get('?actie=bundle.exported')).html);
    expect(exported[0]).toMatchObject({ who: 'Test beheerder', link: null });
    expect(exported[0]?.what).toMatch(
      /^Inhoud geëxporteerd als bundel ‘hechtwerk-bundel-\d{4}-\d{2}-\d{2}\.json’ \(\d+ thema’s; \d+ bronnen; \d+ organisaties\)$/,
    );
    expect(exported[0]?.details).toMatch(/^thema’s: \d+; bronnen: \d+; organisaties: \d+$/);
  });

  it('"last changed by" of an organisation reads the rows of that organisation by kind and id', async () => {
    const db = t.deps.database.db;
    const at = new Date('2030-01-01T10:00:00Z');
    // A row whose label happens to read like another organisation's old subject does not count.
    await db.insert(auditLog).values([
      { at, actorId: anna, action: 'organisation.updated', subject: 'Iets', subjectKind: 'organisation', subjectId: orgId },
      {
        at: new Date('2030-01-02T10:00:00Z'),
        actorId: bert,
        action: 'organisation.updated',
        subject: `organisatie ${orgId}`,
        subjectKind: 'organisation',
        subjectId: 999999,
      },
    ]);
    expect(await organisationLastChange(db, orgId)).toEqual({ at, by: 'Anna Alfa' });
  });
});

/**
 * The migration that gave audit rows a kind and an id: a database at the migration before it, with
 * rows as the code wrote them then, migrated the way a running installation is.
 */
describe.each(backends())('audit subjects of old rows, migrated on %s', (kind: Backend) => {
  it('resolves every pattern the code wrote into a kind, an id and a readable label; what cannot be resolved keeps its text', async () => {
    const testDb = await createTestDatabase(kind);
    try {
      const db = testDb.database.db;
      const migrations = readMigrationFiles({ migrationsFolder: 'src/db/migrations' });
      const journal = JSON.parse(readFileSync('src/db/migrations/meta/_journal.json', 'utf8')) as { entries: { tag: string }[] };
      const upTo = journal.entries.findIndex((e) => e.tag === '0014_audit_subject');
      expect(upTo).toBeGreaterThan(0);
      await db.execute(sql`create schema drizzle`);
      await db.execute(sql`create table drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`);
      for (const m of migrations.slice(0, upTo)) {
        for (const statement of m.sql) await db.execute(sql.raw(statement));
        await db.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${m.hash}, ${m.folderMillis})`);
      }

      const one = async <T>(q: ReturnType<typeof sql>) => (await rows<T>(db, q))[0] as T;
      const user = await one<{ id: number }>(sql`insert into users (email, name, role) values ('piet@example.nl', 'Piet', 'redacteur') returning id`);
      const org = await one<{ id: number }>(
        sql`insert into organisations (slug, name, type, description) values ('jgz', 'JGZ Nu', ${ORGANISATION_TYPES[0]}, 'x') returning id`,
      );
      const theme = await one<{ id: number }>(
        sql`insert into themes (slug, title, summary, body_md, reviewed) values ('hechting', 'Hechting', 's', 'b', '2026-01-01') returning id`,
      );
      const source = await one<{ id: number }>(sql`insert into sources (url, title, organisation) values ('https://a.example/', 'Bron A', 'Org') returning id`);
      const training = await one<{ id: number }>(
        sql`insert into trainings (slug, title, summary, duration_hours) values ('basis', 'Basistraining', 's', 3) returning id`,
      );
      // 23:30 UTC on 3 December is 4 December in Amsterdam.
      const session = await one<{ id: number }>(
        sql`insert into training_sessions (training_id, starts_at, ends_at, location, capacity, registration_opens_at, registration_closes_at, cancel_until)
            values (${training.id}, '2026-12-03T23:30:00Z', '2026-12-04T03:00:00Z', 'Zaal', 10, '2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z') returning id`,
      );
      const registration = await one<{ id: number }>(
        sql`insert into registrations (session_id, name, email, status) values (${session.id}, 'Klaas', 'klaas@example.nl', 'confirmed') returning id`,
      );
      const old: [string, string, Record<string, unknown>][] = [
        ['organisation.updated', `organisatie ${org.id}`, { name: 'JGZ', changed: ['phone'] }],
        ['organisation.deleted', 'organisatie 999999', { name: 'Weg BV', slug: 'weg' }],
        ['theme.updated', `theme:${theme.id}`, { slug: 'hechting', title: 'Hechting toen' }],
        ['theme.moved', `theme:${theme.id}`, { direction: 'up' }],
        ['theme.deleted', 'theme:999999', {}],
        ['source.updated', `source:${source.id}`, { changed: ['url'] }],
        ['source.deleted', 'bron 999998', { title: 'Oude bron' }],
        ['session.cancelled', `sessie ${session.id}`, { mailed: 2 }],
        ['registrations.exported', 'sessie 999997', {}],
        ['registration.moved', `registratie ${registration.id}`, {}],
        ['training.updated', 'basis', {}],
        ['training.created', 'bestaat-niet-meer', {}],
        ['user.disabled', 'piet@example.nl', {}],
        ['login', 'Piet@Example.nl', {}],
        ['user.invited', 'nooit@example.nl', { role: 'redacteur' }],
        ['login.failed', '', {}],
        ['logout', '', {}],
        ['bundle.exported', 'bundel', { themes: 1 }],
        ['bundle.imported', 'mijn-bundel.json', {}],
        ['registrations.anonymised', '3 aanmeldingen', { retentionMonths: 12 }],
        ['organisation.updated', 'organisatie 99999999999', {}],
        ['test.iets', 'sessie twaalf', {}],
      ];
      for (const [action, subject, details] of old)
        await db.execute(sql`insert into audit_log (action, subject, details) values (${action}, ${subject}, ${JSON.stringify(details)}::jsonb)`);

      await testDb.database.migrate();

      const after = await db.select().from(auditLog).orderBy(auditLog.id);
      expect(after.map((r) => [r.action, r.subjectKind, r.subjectId, r.subject])).toEqual([
        ['organisation.updated', 'organisation', org.id, 'JGZ'],
        ['organisation.deleted', 'organisation', 999999, 'Weg BV'],
        ['theme.updated', 'theme', theme.id, 'Hechting toen'],
        ['theme.moved', 'theme', theme.id, 'Hechting'],
        ['theme.deleted', 'theme', 999999, ''],
        ['source.updated', 'source', source.id, 'Bron A'],
        ['source.deleted', 'source', 999998, 'Oude bron'],
        ['session.cancelled', 'session', session.id, '‘Basistraining’ op 4-12-2026'],
        ['registrations.exported', 'session', 999997, ''],
        ['registration.moved', 'registration', registration.id, `aanmelding ${registration.id}`],
        ['training.updated', 'training', training.id, 'Basistraining'],
        ['training.created', null, null, 'bestaat-niet-meer'],
        ['user.disabled', 'user', user.id, 'piet@example.nl'],
        ['login', 'user', user.id, 'Piet@Example.nl'],
        ['user.invited', null, null, 'nooit@example.nl'],
        ['login.failed', null, null, ''],
        ['logout', null, null, ''],
        ['bundle.exported', 'bundle', null, 'bundel'],
        ['bundle.imported', 'bundle', null, 'mijn-bundel.json'],
        ['registrations.anonymised', null, null, '3 aanmeldingen'],
        ['organisation.updated', null, null, 'organisatie 99999999999'],
        ['test.iets', null, null, 'sessie twaalf'],
      ]);
      // As the log says them.
      expect(after.map((r) => sentenceText(r))).toEqual([
        'Organisatie ‘JGZ’ gewijzigd: telefoon',
        'Organisatie ‘Weg BV’ verwijderd',
        'Thema ‘Hechting toen’ gewijzigd',
        'Thema ‘Hechting’ een plaats naar voren gezet',
        'Thema 999999 verwijderd',
        'Bron ‘Bron A’ gewijzigd: webadres',
        'Bron ‘Oude bron’ verwijderd',
        'Sessie ‘Basistraining’ op 4-12-2026 geannuleerd (2 mensen gemaild)',
        'Deelnemerslijst van sessie 999997 gedownload',
        `Aanmelding ${registration.id} verplaatst naar een andere sessie`,
        'Training ‘Basistraining’ gewijzigd',
        'Training ‘bestaat-niet-meer’ aangemaakt',
        'Account piet@example.nl uitgeschakeld',
        'Ingelogd als Piet@Example.nl',
        'Uitnodiging verstuurd aan nooit@example.nl als redacteur',
        'Inloggen mislukt met een onbekend e-mailadres',
        'Uitgelogd',
        'Inhoud geëxporteerd als bundel (1 thema)',
        'Bundel ‘mijn-bundel.json’ geïmporteerd',
        '3 aanmeldingen geanonimiseerd (bewaartermijn 12 maanden)',
        'Organisatie ‘organisatie 99999999999’ gewijzigd',
        'Onbekende handeling (test.iets): sessie twaalf',
      ]);
      // The database keeps to the kinds it knows.
      await expect(db.execute(sql`insert into audit_log (action, subject_kind, subject_id) values ('x', 'kat', 1)`)).rejects.toThrow();
      await expect(db.execute(sql`insert into audit_log (action, subject_id) values ('x', 1)`)).rejects.toThrow();
    } finally {
      await testDb.dispose();
    }
  });
});
