/**
 * Hostile input refused (issue #8): fast-check properties for every parser of user input. Each
 * takes arbitrary input without an unexpected exception (only its own, expected refusal), and
 * where it makes sense valid input survives a round trip unchanged.
 *
 * The parsers and where they are checked:
 * - search query (q, p) ....................... searchQuery, below
 * - /netwerk filter ........................... parseFilter, below
 * - organisation form (network admin) ......... organisationInput, below
 * - source URLs ................................ normaliseUrl, below; source form: parseSourceForm
 * - slugs made from names/titles ............... slugify (network, themes), below
 * - return address after login ................ safeReturnPath, below
 * - Meldcode guide's posted state ............. nextScreen, below
 * - session times in the trainings form ....... amsterdamToUtc, below
 * - optimistic-lock versions from forms ....... formVersion, below
 * - audit-log filter .......................... parseAuditQuery, below
 * - theme form ................................ formValuesFromBody + parseThemeForm, below
 * - content bundle import (an uploaded file) .. parseBundle, below
 * - signalenlijst form (and its JSON import, which the page checks against the same form in the
 *   browser): test/signals.test.tsx already has the fast-check properties (random posted forms
 *   never crash parser or renderer; random valid answers give exactly the expected result).
 * - the zod schemas that live inside route files (training registration, training, session and
 *   message forms, login, invitation, account, registration actions) and the API's query schema:
 *   through HTTP, with arbitrary values in arbitrary fields, below.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuditQuery } from '../src/audit/log.tsx';
import { safeReturnPath } from '../src/beheer/routes.tsx';
import { exportBundle } from '../src/bundle/export.ts';
import { parseBundle } from '../src/bundle/import.ts';
import { slugify } from '../src/content/slug.ts';
import { normaliseUrl } from '../src/content/url.ts';
import { ORGANISATION_TYPES } from '../src/db/schema.ts';
import { formVersion, VERSION_PATTERN } from '../src/db/version.ts';
import { ACTIONS, decide, GUIDES, nextScreen } from '../src/meldcode/service.ts';
import { ANSWERS, type Answer, QUESTION_IDS } from '../src/meldcode/steps.ts';
import { organisationInput } from '../src/network/form.ts';
import { parseFilter } from '../src/network/queries.ts';
import { MAX_ASKED_PAGE, searchQuery } from '../src/search/service.ts';
import { parseSourceForm } from '../src/sources/form.ts';
import { formValuesFromBody, formValuesOf, parseThemeForm } from '../src/themes/form.ts';
import { themeSnapshot } from '../src/themes/queries.ts';
import { amsterdamToUtc, utcToAmsterdamLocal } from '../src/trainings/format.ts';
import { type Backend, backends } from './helpers.ts';
import { formBody, type HostileApp, hostileApp, isBeheer, MATRIX_TIMEOUT_MS, patternOf } from './hostile-harness.ts';
import { checkResponse, HOSTILE } from './hostile-strings.ts';
import { changedTables, fillPath, ROUTES } from './routes.ts';

/** Text an attacker would type: any UTF-16 (lone surrogates too), markup and control characters, the shared hostile list. */
const text = (maxLength = 300) =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength }),
    fc.string({
      unit: fc.constantFrom('<', '>', '"', "'", '&', '\u0000', '\r', '\n', '\t', ' ', 'a', 'Z', '9', '/', '.', '%', '\\', '-', '\u202e', 'é'),
      maxLength,
    }),
    fc.constantFrom(...HOSTILE.filter((h) => h.text.length <= 20_000).map((h) => h.text)),
  );
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const SLUG = /^([a-z0-9]+(-[a-z0-9]+)*)?$/;

describe('parsers of user input, with arbitrary input', () => {
  it('search query: never throws; a clean, idempotent query and a page number from 1 (past the last page, the search shows the last)', () => {
    fc.assert(
      fc.property(fc.option(text(), { nil: undefined }), fc.option(text(30), { nil: undefined }), (q, p) => {
        const out = searchQuery.parse({ q, p });
        expect(out.q).not.toMatch(CONTROL);
        expect(out.q).toBe(out.q.trim());
        expect(out.q).not.toMatch(/\s{2}/);
        expect(Number.isInteger(out.p) && out.p >= 1 && out.p <= MAX_ASKED_PAGE).toBe(true);
        expect(searchQuery.parse({ q: out.q, p: String(out.p) })).toEqual(out);
      }),
      { numRuns: 500 },
    );
  });

  it('/netwerk filter: never throws; filters only on known values, with a message for each unknown one', () => {
    const options = { municipalities: ['Voorbeeldstad', 'Utrecht'], themes: [{ slug: 'hechting' }, { slug: 'kindermishandeling' }] };
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(fc.constantFrom('type', 'gemeente', 'thema'), text(10)), text()), (query) => {
        const { filter, selected, errors } = parseFilter(query, options);
        for (const key of Object.keys(errors)) expect(['type', 'gemeente', 'thema']).toContain(key);
        if (filter.type) expect(ORGANISATION_TYPES).toContain(filter.type);
        if (filter.municipality) expect(options.municipalities).toContain(filter.municipality);
        if (filter.theme) expect(options.themes.map((t) => t.slug)).toContain(filter.theme);
        for (const [k, v] of Object.entries(selected)) if (v) expect(errors[k]).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  const validOrganisation = fc.record({
    name: fc.stringMatching(/^[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ0-9 .&'-]{2,60}[A-Za-z0-9]$/),
    type: fc.constantFrom(...ORGANISATION_TYPES),
    description: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ,.()'-]{20,300}[a-z.]$/),
    phone: fc.constantFrom('', '088-1234567', '+31 (0)30 123 45 67', '0800-2000'),
    email: fc.constantFrom('', 'info@organisatie.example', 'Mail@Voorbeeld.NL'),
    website: fc.constantFrom('', 'www.voorbeeld.nl', 'https://jgz.example/pagina?utm_source=x#top'),
    address: fc.constantFrom('', 'Straat 1, 1234 AB Voorbeeldstad'),
    municipalities: fc.uniqueArray(fc.constantFrom('Voorbeeldstad', 'Utrecht', 'Zeist', 'Houten'), { minLength: 1, maxLength: 4 }),
    themes: fc.uniqueArray(fc.constantFrom('hechting', 'kindermishandeling'), { maxLength: 2 }),
    published: fc.boolean(),
    demo: fc.boolean(),
  });

  it('organisation form: never throws on anything; a valid organisation parses to itself again', () => {
    const keys = ['name', 'slug', 'type', 'description', 'phone', 'email', 'website', 'address', 'municipalities', 'themes', 'published', 'demo'];
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), fc.oneof(text(), fc.array(text(40), { maxLength: 5 }), fc.boolean(), fc.constant(null))), (input) => {
        const r = organisationInput.safeParse(input);
        if (!r.success) expect(r.error.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(validOrganisation, (org) => {
        const input = { ...org, slug: slugify(org.name) };
        fc.pre(input.slug.length > 0 && (org.phone !== '' || org.email !== '' || org.website !== ''));
        const once = organisationInput.parse(input);
        expect(organisationInput.parse(once)).toEqual(once);
        expect(once.email).toBe(once.email.toLowerCase());
        if (once.website) expect(once.website).toMatch(/^https:\/\/[^#]*$/);
      }),
      { numRuns: 200 },
    );
  });

  it('source URLs: only http(s), normalised to https, and normalising twice changes nothing', () => {
    fc.assert(
      fc.property(text(), (s) => {
        let out: string;
        try {
          out = normaliseUrl(s);
        } catch (err) {
          // The expected refusals: not a URL (TypeError from URL), or not http(s).
          expect(err).toBeInstanceOf(Error);
          return;
        }
        expect(out).toMatch(/^https:\/\//);
        expect(normaliseUrl(out)).toBe(out);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const out = normaliseUrl(url);
        expect(out.startsWith('https://')).toBe(true);
        expect(out).not.toContain('#');
        expect(normaliseUrl(out)).toBe(out);
      }),
      { numRuns: 300 },
    );
  });

  it('source form: never throws; a valid source keeps its normalised URL on a second pass', () => {
    fc.assert(
      fc.property(
        fc.record({
          title: text(),
          organisation: text(),
          url: fc.oneof(text(), fc.webUrl()),
          description: text(),
          themes: fc.array(text(12), { maxLength: 4 }),
        }),
        (values) => {
          const { input, errors } = parseSourceForm(values);
          if (!input) {
            expect(Object.keys(errors).length).toBeGreaterThan(0);
            return;
          }
          expect(input.url).toMatch(/^https:\/\//);
          expect(parseSourceForm({ ...values, url: input.url }).input?.url).toBe(input.url);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('slugs from names and titles: only a-z, 0-9 and single hyphens, and slugifying a slug keeps it', () => {
    fc.assert(
      fc.property(text(), (s) => {
        const slug = slugify(s);
        expect(slug).toMatch(SLUG);
        expect(slugify(slug)).toBe(slug);
      }),
      { numRuns: 500 },
    );
  });

  it('return address after login: /beheer or a plain path inside it, never anything else', () => {
    const inside = fc.array(fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/), { maxLength: 4 }).map((parts) => `/beheer${parts.map((p) => `/${p}`).join('')}`);
    fc.assert(
      fc.property(
        fc.oneof(
          text(),
          inside,
          inside.map((p) => `${p}//evil.example`),
          fc.webUrl(),
        ),
        (value) => {
          const out = safeReturnPath(value);
          expect(out === '/beheer' || out === value).toBe(true);
          expect(out).toMatch(/^\/beheer(\/[A-Za-z0-9_-]+)*\/?$/);
          expect(out).not.toContain('//');
        },
      ),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(inside, (path) => {
        expect(safeReturnPath(path)).toBe(path);
      }),
      { numRuns: 100 },
    );
  });

  it('Meldcode guide: any posted state gives a screen; every answer on every reachable question leads where the rules say', () => {
    const names = [...QUESTION_IDS, ...QUESTION_IDS.map((id) => `afweging-${id}`), 'antwoord', 'afweging', 'actie'];
    for (const guide of Object.values(GUIDES)) {
      fc.assert(
        fc.property(
          fc.dictionary(
            fc.oneof(fc.constantFrom(...names), text(10)),
            fc.oneof(fc.constantFrom(...ANSWERS, ...ACTIONS), text(20), fc.array(text(5), { maxLength: 3 })),
          ),
          (form) => {
            expect(['question', 'advice', 'invalid']).toContain(nextScreen(guide, form).kind);
          },
        ),
        { numRuns: 500 },
      );
      // A walk through the guide: the answers so far as hidden fields, plus the answer on screen.
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...ANSWERS), { minLength: 1, maxLength: guide.questions.length }), (walk) => {
          const answers: Answer[] = [];
          for (const a of walk) {
            const at = decide(guide, answers);
            if (at?.kind !== 'question') break;
            const hidden = Object.fromEntries(answers.map((v, i) => [guide.questions[i], v]));
            const screen = nextScreen(guide, { ...hidden, antwoord: a });
            if (!at.question.answers.includes(a)) {
              // An answer the question does not offer can only come from a tampered form.
              expect(screen.kind).toBe('invalid');
              break;
            }
            const expected = decide(guide, [...answers, a]);
            expect(screen.kind).toBe(expected?.kind);
            if (screen.kind === 'question' && expected?.kind === 'question') expect(screen.question.id).toBe(expected.question.id);
            if (screen.kind === 'advice' && expected?.kind === 'advice') expect(screen.outcome).toBe(expected.outcome);
            // And back: the same question again, with the answer given there selected.
            if (answers.length) {
              const back = nextScreen(guide, { ...hidden, actie: 'terug' });
              expect(back.kind).toBe('question');
              if (back.kind === 'question') expect(back.selected).toBe(answers.at(-1));
            }
            answers.push(a);
          }
        }),
        { numRuns: 300 },
      );
    }
  });

  it('session times: anything gives a date or nothing; a real minute in Amsterdam survives the round trip', () => {
    fc.assert(
      fc.property(fc.oneof(text(30), fc.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/)), (s) => {
        const d = amsterdamToUtc(s);
        if (d === null) return;
        expect(Number.isNaN(d.getTime())).toBe(false);
        // The wall clock it reads back as is the one typed, except in the hour skipped when summer time starts
        // (and before 1970, where Amsterdam's old local mean time has odd minutes: no session is planned then).
        if (Number(s.slice(0, 4)) < 1970) return;
        const back = utcToAmsterdamLocal(d);
        if (back !== s) expect(Math.abs(Date.parse(`${back}Z`) - Date.parse(`${s}Z`))).toBe(3_600_000);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), (date) => {
        const minute = new Date(Math.floor(date.getTime() / 60_000) * 60_000);
        const local = utcToAmsterdamLocal(minute);
        const again = amsterdamToUtc(local);
        // In the hour that happens twice when summer time ends, the wall clock names the later one.
        expect([0, 3_600_000]).toContain((again?.getTime() ?? Number.NaN) - minute.getTime());
        expect(utcToAmsterdamLocal(again as Date)).toBe(local);
      }),
      { numRuns: 500 },
    );
    for (const impossible of ['2026-02-30T10:00', '2026-02-29T10:00', '2026-13-01T10:00', '2026-04-31T09:00', '0099-01-01T10:00', '2026-01-01T24:00'])
      expect(amsterdamToUtc(impossible), impossible).toBeNull();
    expect(amsterdamToUtc('2028-02-29T10:00')?.toISOString()).toBe('2028-02-29T09:00:00.000Z');
  });

  it('versions from forms: anything becomes a well-formed version; a real one is kept', () => {
    fc.assert(
      fc.property(fc.oneof(text(40), fc.anything()), (v) => {
        expect(formVersion(v)).toMatch(VERSION_PATTERN);
      }),
      { numRuns: 500 },
    );
    expect(formVersion('2026-11-28T04:15:44.263123Z')).toBe('2026-11-28T04:15:44.263123Z');
  });

  it('audit-log filter: never throws; messages only for its own fields, a page of at least 1', () => {
    const keys = ['gebruiker', 'actie', 'onderwerp', 'van', 'tot', 'pagina'];
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(fc.constantFrom(...keys), text(8)), text()), (query) => {
        const out = parseAuditQuery(query, { users: [{ id: 1 }, { id: 7 }], actions: ['login', 'theme.updated'] });
        for (const key of Object.keys(out.errors)) expect(keys).toContain(key);
        expect(Number.isInteger(out.page) && out.page >= 1).toBe(true);
        if (out.filter.gebruiker) expect(['systeem', '1', '7']).toContain(out.filter.gebruiker);
        if (out.filter.actie) expect(['login', 'theme.updated']).toContain(out.filter.actie);
      }),
      { numRuns: 500 },
    );
  });

  it('theme form: any posted body gives values and either an input or messages, never an exception', () => {
    const keys = ['title', 'slug', 'summary', 'reviewed', 'published', 'keyFacts', 'trainingTitle', 'trainingText', 'related', 'sources', 'body'];
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(fc.constantFrom(...keys), text(8)), fc.oneof(text(), fc.array(text(20), { maxLength: 4 }))), (body) => {
        const { input, errors } = parseThemeForm(formValuesFromBody(body));
        if (!input) expect(Object.keys(errors).length).toBeGreaterThan(0);
        else expect(input.slug).toMatch(SLUG);
      }),
      { numRuns: 300 },
    );
  });

  it('content bundle file: any text, and any damage to a real bundle, gives a bundle or Dutch problems, never an exception', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          text(2000),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (file) => {
          const r = parseBundle(file);
          if (!r.ok) {
            expect(r.problems.length).toBeGreaterThan(0);
            for (const p of r.problems) expect(typeof p).toBe('string');
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe.each(backends())('parsers behind HTTP and the database on %s', (kind: Backend) => {
  let h: HostileApp;
  let bundle: Record<string, unknown>;
  beforeAll(async () => {
    h = await hostileApp(kind);
    bundle = JSON.parse(JSON.stringify(await exportBundle(h.t.deps.database.db, h.t.clock.now())));
  });
  afterAll(() => h?.close());
  const runs = kind === 'embedded' ? 1 : 0.3;

  it(
    'content bundle: a real export parses; damaged copies are refused with problems, never an exception',
    () => {
      expect(parseBundle(JSON.stringify(bundle))).toMatchObject({ ok: true });
      const themes = bundle.themes as Record<string, unknown>[];
      expect(themes.length).toBeGreaterThan(0);
      const topKeys = Object.keys(bundle);
      const themeKeys = Object.keys(themes[0] as object);
      fc.assert(
        fc.property(
          fc.oneof(
            fc.record({ where: fc.constant('top' as const), key: fc.constantFrom(...topKeys, '__proto__', 'extra'), value: fc.jsonValue() }),
            fc.record({ where: fc.constant('theme' as const), key: fc.constantFrom(...themeKeys, '__proto__'), value: fc.oneof(fc.jsonValue(), text()) }),
          ),
          ({ where, key, value }) => {
            const copy = JSON.parse(JSON.stringify(bundle)) as Record<string, unknown>;
            const target = where === 'top' ? copy : ((copy.themes as Record<string, unknown>[])[0] as Record<string, unknown>);
            Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
            const r = parseBundle(JSON.stringify(copy));
            if (!r.ok) expect(r.problems.length).toBeGreaterThan(0);
          },
        ),
        { numRuns: Math.round(400 * runs) },
      );
    },
    MATRIX_TIMEOUT_MS,
  );

  it('theme form: every stored theme, shown in the form and posted back unchanged, parses to the same theme', async () => {
    const { themes } = await import('../src/db/schema.ts');
    const rows = await h.t.deps.database.db.select({ id: themes.id }).from(themes);
    expect(rows.length).toBeGreaterThanOrEqual(5);
    for (const { id } of rows) {
      const snapshot = await themeSnapshot(h.t.deps.database.db, id);
      if (!snapshot) throw new Error(`no snapshot for theme ${id}`);
      const { input, errors } = parseThemeForm(formValuesOf(snapshot));
      expect(errors, snapshot.slug).toEqual({});
      // Text loaded from content/ keeps the file's blank first and last line; the form trims them (once).
      expect(input).toMatchObject({
        slug: snapshot.slug,
        title: snapshot.title,
        summary: snapshot.summary,
        bodyMd: snapshot.bodyMd.trim(),
        keyFacts: snapshot.keyFacts,
        related: snapshot.related,
        sourceIds: snapshot.sources,
      });
      const again = parseThemeForm(formValuesOf({ ...snapshot, bodyMd: input?.bodyMd ?? '' }));
      expect(again.input).toEqual(input);
    }
  });

  // The schemas inside route files, through HTTP: arbitrary values in arbitrary fields of every form.
  const forms = ROUTES.filter((r) => r.route.startsWith('POST ') && !r.skipMatrix && r.fields);
  it(
    'every form: arbitrary values in arbitrary fields never give a 500, and a refusal changes no row',
    async () => {
      expect(forms.length).toBeGreaterThan(20);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...forms),
          fc.array(fc.tuple(fc.nat(), fc.oneof(text(400), fc.constantFrom('', 'ja', '1', '0', 'nee', 'cancel', 'redacteur', 'beheerder'))), {
            minLength: 1,
            maxLength: 6,
          }),
          async (spec, changes) => {
            const fieldNames = typeof spec.fields === 'function' ? spec.fields(h.f) : (spec.fields ?? []);
            const prepared = (await spec.prepare?.({ f: h.f, t: h.t, n: h.nextN() })) ?? {};
            const form: Record<string, string> = { ...prepared.form };
            for (const [i, value] of changes) form[fieldNames[i % fieldNames.length] as string] = value;
            if (spec.csrf === 'session') form._csrf = h.adminCsrf;
            if (spec.csrf === 'pre-auth') form._csrf = h.preAuthCsrf;
            const path = fillPath(patternOf(spec), prepared.params ?? {});
            const cookie = spec.csrf === 'pre-auth' ? h.anonCookie : isBeheer(path) ? [...h.admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ') : '';
            const before = await h.snap();
            const res = await h.send(path, {
              method: 'POST',
              body: formBody(form) as BodyInit,
              headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
            });
            if (res === 'hang') throw new Error(`${spec.route}: no answer`);
            const cause = h.causeOf(res);
            const { status, problems } = await checkResponse(res);
            expect(problems, `${spec.route} ${JSON.stringify(form).slice(0, 300)}${cause}`).toEqual([]);
            if (status >= 400 && status < 500) expect(changedTables(before, await h.snap(), spec.mayChangeOnReject?.tables), spec.route).toEqual([]);
          },
        ),
        { numRuns: Math.round(250 * runs) },
      );
    },
    MATRIX_TIMEOUT_MS,
  );

  it(
    'API query strings: any values give 200, 400 or 404, and a 400 names the parameter in problem+json',
    async () => {
      const paths = [
        '/api/v1/themes',
        '/api/v1/sources',
        '/api/v1/trainings',
        '/api/v1/organisations',
        '/api/v1/themes/hechting',
        '/api/v1/organisations/veilig-thuis',
      ];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...paths),
          fc.dictionary(
            fc.constantFrom('limit', 'cursor', 'type', 'municipality', 'theme'),
            fc.oneof(
              text(60),
              fc.integer().map(String),
              text(30).map((k) => Buffer.from(JSON.stringify({ k })).toString('base64url')),
            ),
          ),
          async (path, query) => {
            const res = await h.send(`${path}?${new URLSearchParams(query)}`);
            if (res === 'hang') throw new Error('no answer');
            const cause = h.causeOf(res);
            expect([200, 400, 404], `${path} ${JSON.stringify(query)}${cause}`).toContain(res.status);
            if (res.status === 400) {
              expect(res.headers.get('Content-Type')).toMatch(/^application\/problem\+json/);
              const body = (await res.json()) as { detail: string; parameter?: string };
              expect(body.detail).toMatch(/parameter|verzoek/i);
            } else await res.arrayBuffer();
          },
        ),
        { numRuns: Math.round(300 * runs) },
      );
    },
    MATRIX_TIMEOUT_MS,
  );

  it(
    'API cursors: whatever key a cursor carries, the answer is a page or a 400',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('themes', 'sources', 'trainings', 'organisations'),
          fc.oneof(
            text(40),
            fc.jsonValue(),
            fc.integer({ min: 2 ** 31 - 2, max: Number.MAX_SAFE_INTEGER }),
            fc.constantFrom('\u0000', 'a\u0000b', 'hechting', 5, -1, 1.5),
          ),
          async (list, k) => {
            const res = await h.send(`/api/v1/${list}?cursor=${Buffer.from(JSON.stringify({ k }) ?? '').toString('base64url')}`);
            if (res === 'hang') throw new Error('no answer');
            expect([200, 400], `${list} ${JSON.stringify(k)?.slice(0, 80)}${h.causeOf(res)}`).toContain(res.status);
            await res.arrayBuffer();
          },
        ),
        { numRuns: Math.round(300 * runs) },
      );
    },
    MATRIX_TIMEOUT_MS,
  );

  it(
    'API cursors: following next through a list gives every item exactly once, whatever the page size',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('themes', 'sources', 'trainings', 'organisations'), fc.integer({ min: 1, max: 7 }), async (list, limit) => {
          const all = (await (await h.t.app.request(`/api/v1/${list}?limit=100`)).json()) as { data: unknown[] };
          const seen: unknown[] = [];
          let next: string | null = null;
          let pages = 0;
          do {
            const res: Response = await h.t.app.request(`/api/v1/${list}?limit=${limit}${next ? `&cursor=${next}` : ''}`);
            expect(res.status).toBe(200);
            const page = (await res.json()) as { data: unknown[]; next: string | null };
            seen.push(...page.data);
            next = page.next;
            pages++;
          } while (next && pages < 200);
          expect(seen).toEqual(all.data);
        }),
        { numRuns: Math.round(20 * runs) },
      );
    },
    MATRIX_TIMEOUT_MS,
  );
});
