/**
 * Every route of the app, as the Hono router lists it (`app.routes`), with what the hostile-input
 * and security suites (test/hostile*.test.ts) need to know about it: the query parameters and form
 * fields it reads, how to fill its path parameters with real values, and who may use it.
 *
 * Nothing can be forgotten silently. test/hostile.test.ts fails, saying exactly what to add, when
 * - app.routes lists a route that ROUTES does not (or ROUTES lists one the app no longer has);
 * - a /beheer route has no ROLE_RULES entry;
 * - a page shows a POST form with a field the route's `fields` do not name;
 * - src/ reads a query parameter (c.req.query('x')) that no route's `query` names.
 *
 * How to add a route:
 * 1. Copy the key from the failure message, e.g. 'POST /beheer/themas/:id{[0-9]+}', into ROUTES.
 *    Middleware shows up in app.routes too (as 'ALL /path'); list those with `kind: 'middleware'`.
 * 2. List the query parameters the handler reads (`query`) and, for a form, the fields (`fields`).
 * 3. Give `prepare`: real values for its path parameters (add what you need to Fixture and
 *    buildFixture below) and, for a form, a valid body, so that each hostile value in one field
 *    reaches as deep into the handler as it can while the other fields are valid. Use `n` to keep
 *    slugs and addresses unique. A GET page that needs a query string to be a full page: `search`.
 * 4. A state-changing route says how it is protected against CSRF (`csrf`): 'session' (logged in),
 *    'pre-auth' (the /beheer forms before login) or { none: 'why that is safe' }.
 * 5. A /beheer route needs a ROLE_RULES prefix that says who may use it.
 * 6. Only if needed: `skipMatrix` (with the reason) for a route a real post must not reach,
 *    `mayChangeOnReject` for tables a refused request may legitimately write, `bodyLimit` for a
 *    route with its own size limit.
 */
import { and, desc, eq } from 'drizzle-orm';
import { inviteUser, requestPasswordReset } from '../src/beheer/accounts.ts';
import { loadSecret, randomToken, sha256 } from '../src/crypto.ts';
import { evaluationInvites, evaluationResponses, organisations, outbox, REGISTER_CODES, registrations, revisions, users } from '../src/db/schema.ts';
import { mailAsSent } from '../src/mail/outbox.ts';
import { organisationInput } from '../src/network/form.ts';
import { organisationById } from '../src/network/queries.ts';
import { createOrganisation } from '../src/network/service.ts';
import { sourceById } from '../src/sources/queries.ts';
import { createSource } from '../src/sources/service.ts';
import { themeForEdit } from '../src/themes/queries.ts';
import { createTheme } from '../src/themes/service.ts';
import { checkinCode, markAttendance, proofOf } from '../src/trainings/accreditation.ts';
import { utcToAmsterdamLocal } from '../src/trainings/format.ts';
import { createSession, createTraining, register } from '../src/trainings/service.ts';
import { settingsFrom } from '../src/trainings/settings.ts';
import type { createTestApp } from './helpers.ts';

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/** Who may use a route: anyone, anyone logged in (redacteur or beheerder), or only a beheerder. */
export type Access = 'public' | 'login' | 'beheerder';

/**
 * Who may use which part of /beheer, by path prefix (the longest matching prefix wins; a prefix
 * matches the path itself and anything below it after a `/`). A /beheer route that no rule covers
 * fails the suite: decide who may use it and add a rule.
 */
export const ROLE_RULES: { prefix: string; access: Access; why: string }[] = [
  { prefix: '/beheer/inloggen', access: 'public', why: 'the login form' },
  { prefix: '/beheer/welkom', access: 'public', why: 'one-time links to create an account' },
  { prefix: '/beheer/wachtwoord-vergeten', access: 'public', why: 'asking for a password-reset link (same answer for any address)' },
  { prefix: '/beheer/nieuw-wachtwoord', access: 'public', why: 'one-time links to choose a new password' },
  { prefix: '/beheer/wachtwoord', access: 'login', why: 'changes one’s own password (the current one required)' },
  { prefix: '/beheer', access: 'login', why: 'the admin home page (exact match only, see below)' },
  { prefix: '/beheer/uitloggen', access: 'login', why: 'ends one’s own session' },
  { prefix: '/beheer/mail', access: 'login', why: 'editors see the outbox (brief: editors see the mail outbox)' },
  { prefix: '/beheer/trainingen', access: 'login', why: 'editors manage trainings, sessions and registrations' },
  { prefix: '/beheer/netwerk', access: 'login', why: 'editors manage partner organisations' },
  { prefix: '/beheer/themas', access: 'login', why: 'editors write and publish themes' },
  { prefix: '/beheer/bronnen', access: 'login', why: 'editors keep the sources library' },
  { prefix: '/beheer/export', access: 'login', why: 'editors may download the content bundle' },
  { prefix: '/beheer/gebruikers', access: 'beheerder', why: 'accounts and roles are for administrators only' },
  { prefix: '/beheer/audit', access: 'beheerder', why: 'brief: the audit log is for administrators' },
  { prefix: '/beheer/import', access: 'beheerder', why: 'an import overwrites content: administrators only' },
];

/** The rule for a /beheer path, or undefined when none covers it. `/beheer` itself matches only exactly. */
export function roleRuleFor(path: string) {
  return ROLE_RULES.filter((r) => (r.prefix === '/beheer' ? path === '/beheer' : path === r.prefix || path.startsWith(`${r.prefix}/`))).sort(
    (a, b) => b.prefix.length - a.prefix.length,
  )[0];
}

/** Real rows the routes can be pointed at. Built once per test app by buildFixture. */
export interface Fixture {
  themeSlug: string;
  orgSlug: string;
  /** A published training with one open session that takes registrations. */
  trainingSlug: string;
  trainingId: number;
  sessionId: number;
  /** A second session of the same training, to move registrations to. */
  otherSessionId: number;
  registrationId: number;
  confirmToken: string;
  manageToken: string;
  /** The fixture registration's evaluation link, its certificate's code, and the session's check-in code now. */
  evaluationToken: string;
  certificateCode: string;
  checkinCode: string;
  /** An organisation editors edit in the matrix (its version changes with every save). */
  orgId: number;
  /** An account that is not the one logged in, to switch off and on. */
  otherUserId: number;
  mailId: number;
  /** A theme, a source and revisions of them and of the organisation, for the editors' screens. */
  themeId: number;
  themeRevisionId: number;
  sourceId: number;
  orgRevisionId: number;
  signalFields: string[];
  today: string;
  db: TestApp['deps']['database']['db'];
}

export interface PrepareContext {
  f: Fixture;
  t: TestApp;
  /** A number unique per request, for slugs and e-mail addresses that must not collide. */
  n: number;
  /** Where the hostile value goes in this request (the matrix), if anywhere. */
  target?: { kind: 'field' | 'param' | 'query'; name: string };
}

export interface Prepared {
  params?: Record<string, string>;
  /** Valid values for the fields; a hostile value replaces one of them at a time. */
  form?: Record<string, string>;
  /** A query string that makes the real request a full page (e.g. two revisions to compare). */
  search?: string;
}

export interface RouteSpec {
  /** Method and path exactly as in app.routes, e.g. 'GET /themas/:slug'. */
  route: string;
  kind?: 'middleware';
  /** Query parameters the handler reads; 'openapi' means: as documented in /api/openapi.json. */
  query?: string[] | 'openapi';
  /** Form fields the handler reads. */
  fields?: string[] | ((f: Fixture) => string[]);
  /** Field name prefixes read by one code path (the signalenlijst's s-…, c-…, n-…): `fields` names one of each. */
  fieldFamilies?: string[];
  /** Real path parameters and a valid form. `writes`: prepare itself changes rows (take the snapshot after it). */
  prepare?: (ctx: PrepareContext) => Prepared | Promise<Prepared>;
  prepareWrites?: boolean;
  /** For state-changing routes: how CSRF is handled. 'session' and 'pre-auth' are checked by the suite. */
  csrf?: 'session' | 'pre-auth' | { none: string };
  /** Tables a rejected (4xx) request may still change, with the reason. */
  mayChangeOnReject?: { tables: string[]; why: string };
  /** Leave out of the hostile matrix (still in every other check), with the reason. */
  skipMatrix?: string;
  /** A route with its own, larger body limit (bytes); every other route takes BODY_LIMIT. */
  bodyLimit?: number;
}

/** The body limit of src/app.tsx. */
export const BODY_LIMIT = 256 * 1024;

const DAY = 86_400_000;
const localIn = (t: TestApp, days: number, hour = 10) => {
  const d = new Date(t.clock.now().getTime() + days * DAY);
  d.setUTCHours(hour, 0, 0, 0);
  return utcToAmsterdamLocal(d);
};

const trainingFields = [
  'title',
  'slug',
  'summary',
  'descriptionMd',
  'audience',
  'themes',
  'durationHours',
  'accreditation',
  ...REGISTER_CODES.flatMap((code) => [`points-${code}`, `accreditationId-${code}`]),
  'evaluationQuestions',
  'published',
];
const validTraining = (n: number) => ({
  title: `Training ${n}`,
  slug: `hostile-training-${n}`,
  summary: 'Een training om vijandige invoer mee te testen.',
  descriptionMd: 'Uitleg over de training.',
  audience: 'JGZ, kinderopvang',
  themes: 'hechting',
  durationHours: '3',
  accreditation: '',
  'points-vvn': '3',
  'accreditationId-vvn': 'VVN-12345',
  evaluationQuestions: 'De inhoud was bruikbaar.',
  published: 'ja',
});
const sessionFields = ['startsAt', 'endsAt', 'location', 'online', 'capacity', 'registrationOpensAt', 'registrationClosesAt', 'cancelUntil', 'contact'];
const validSession = (t: TestApp) => ({
  startsAt: localIn(t, 40, 9),
  endsAt: localIn(t, 40, 12),
  location: 'Zaal 2, Voorbeeldstad',
  online: '',
  capacity: '500',
  registrationOpensAt: localIn(t, -1),
  registrationClosesAt: localIn(t, 39),
  cancelUntil: localIn(t, 38),
  contact: 'trainingen@hechtwerk.example',
});
const orgFields = ['name', 'slug', 'type', 'description', 'phone', 'email', 'website', 'address', 'municipalities', 'themes', 'published', 'demo'];
const validOrg = (n: number) => ({
  name: `Organisatie ${n}`,
  slug: `hostile-org-${n}`,
  type: 'JGZ',
  description: 'Een organisatie om vijandige invoer mee te testen, met genoeg tekst.',
  phone: '088-1234567',
  email: `info${n}@organisatie.example`,
  website: 'https://www.organisatie.example',
  address: 'Straat 1, Voorbeeldstad',
  municipalities: 'Voorbeeldstad',
  themes: 'hechting',
  published: 'ja',
  demo: '',
});
const orgVersion = async (f: Fixture) => (await organisationById(f.db, f.orgId))?.version ?? '';
const themeVersion = async (f: Fixture) => (await themeForEdit(f.db, f.themeId))?.version ?? '';
const sourceVersion = async (f: Fixture) => (await sourceById(f.db, f.sourceId))?.version ?? '';
const themeFields = [
  'title',
  'slug',
  'summary',
  'reviewed',
  'reviewedNow',
  'published',
  'keyFacts',
  'trainingTitle',
  'trainingText',
  'related',
  'sources',
  'body',
  'actie',
];
const validTheme = (f: Fixture, n: number) => ({
  title: `Thema ${n}`,
  slug: `hostile-thema-${n}`,
  summary: 'Een samenvatting van een thema om mee te testen.',
  reviewed: f.today,
  published: '',
  keyFacts: 'Een kernfeit.\nNog een kernfeit.',
  trainingTitle: '',
  trainingText: '',
  related: 'hechting',
  sources: String(f.sourceId),
  body: '## Inleiding\n\nDit is de tekst van een thema, lang genoeg om als thema te gelden.',
  actie: 'opslaan',
});
const sourceFields = ['title', 'organisation', 'url', 'description', 'themes'];
const validSource = (f: Fixture, n: number) => ({
  title: `Bron ${n}`,
  organisation: 'Kenniscentrum Voorbeeld',
  url: `https://www.bron${n}.example/artikel`,
  description: 'Een bron om mee te testen.',
  themes: String(f.themeId),
});

export const ROUTES: RouteSpec[] = [
  // Middleware: the global list in src/app.tsx, the page cache, /beheer session + login gate, role checks, the API's CORS/rate limit.
  ...['ALL /*', 'ALL /beheer/*', 'ALL /beheer/gebruikers/*', 'ALL /beheer/gebruikers', 'ALL /api/*'].map((route) => ({ route, kind: 'middleware' as const })),

  { route: 'GET /healthz' },
  { route: 'GET /readyz' },
  { route: 'GET /assets/:file', prepare: ({ t }) => ({ params: { file: t.deps.assets.css.path.replace('/assets/', '') } }) },
  { route: 'GET /' },
  { route: 'GET /over' },
  { route: 'GET /privacy' },
  { route: 'GET /toegankelijkheid' },
  { route: 'GET /aanmelden' },
  { route: 'GET /feed.xml' },
  { route: 'GET /sitemap.xml' },
  { route: 'GET /robots.txt' },
  { route: 'GET /themas' },
  { route: 'GET /themas/:slug', prepare: ({ f }) => ({ params: { slug: f.themeSlug } }) },
  { route: 'GET /zoeken', query: ['q', 'p', 'letterlijk'] },
  { route: 'GET /zoeken/suggesties', query: ['q'] },
  { route: 'GET /signalenlijst' },
  { route: 'GET /signalenlijst/blanco' },
  ...['POST /signalenlijst/overzicht', 'POST /signalenlijst/uitslag', 'POST /signalenlijst/aanpassen'].map(
    (route): RouteSpec => ({
      route,
      fields: (f) => ['datum', 'label', 'veiligheid', ...f.signalFields],
      fieldFamilies: ['s-', 'c-', 'n-'],
      prepare: ({ f }) => ({ form: { datum: f.today, label: 'A., 14 mnd' } }),
      csrf: { none: 'stores nothing and acts for no one: the answers are rendered back in this response only' },
    }),
  ),
  { route: 'GET /meldcode' },
  { route: 'GET /meldcode/afwegingskader' },
  {
    route: 'POST /meldcode/afwegingskader',
    fields: [
      'vermoeden',
      'veiligheid',
      'hulp',
      'medewerking',
      'afweging-vermoeden',
      'afweging-veiligheid',
      'afweging-hulp',
      'afweging-medewerking',
      'antwoord',
      'afweging',
      'actie',
    ],
    prepare: () => ({
      form: { vermoeden: 'ja', 'afweging-vermoeden': 'Blauwe plekken, twee keer gezien.', antwoord: 'nee', afweging: 'Geen acuut gevaar.', actie: 'volgende' },
    }),
    csrf: { none: 'stores nothing: the guide’s state travels in the form and is rendered back' },
  },
  { route: 'GET /meldcode/afwegingskader/evaluatie' },
  {
    route: 'POST /meldcode/afwegingskader/evaluatie',
    fields: ['resultaat', 'afweging-resultaat', 'antwoord', 'afweging', 'actie'],
    prepare: () => ({ form: { antwoord: 'nee', afweging: 'Nog steeds blauwe plekken.', actie: 'volgende' } }),
    csrf: { none: 'stores nothing: the guide’s state travels in the form and is rendered back' },
  },
  { route: 'GET /netwerk', query: ['type', 'gemeente', 'thema'] },
  { route: 'GET /netwerk/:slug', prepare: ({ f }) => ({ params: { slug: f.orgSlug } }) },
  { route: 'GET /trainingen.ics' },
  { route: 'GET /trainingen' },
  { route: 'GET /trainingen/sessie/:file{[0-9]+\\.ics}', prepare: ({ f }) => ({ params: { file: `${f.sessionId}.ics` } }) },
  { route: 'GET /trainingen/bevestigen/:token', prepare: ({ f }) => ({ params: { token: f.confirmToken } }) },
  {
    route: 'POST /trainingen/bevestigen/:token',
    prepare: ({ f }) => ({ params: { token: f.confirmToken } }),
    csrf: { none: 'the unguessable token in the mailed link is the authority; no cookie is read' },
  },
  { route: 'GET /trainingen/aanmelding/:token', prepare: ({ f }) => ({ params: { token: f.manageToken } }) },
  {
    route: 'POST /trainingen/aanmelding/:token',
    fields: ['actie', 'bevestig'],
    // Only hostile values are sent (in the one field, or in the token), so the real registration is never cancelled.
    prepare: ({ f }) => ({ params: { token: f.manageToken }, form: { actie: 'cancel', bevestig: '' } }),
    csrf: { none: 'the unguessable token in the mailed link is the authority; no cookie is read' },
  },
  { route: 'GET /trainingen/aanmelding/:token/agenda.ics', prepare: ({ f }) => ({ params: { token: f.manageToken } }) },
  { route: 'GET /trainingen/aanmelding/:token/certificaat.pdf', prepare: ({ f }) => ({ params: { token: f.manageToken } }) },
  { route: 'GET /trainingen/aanmelding/:token/gegevens.json', prepare: ({ f }) => ({ params: { token: f.manageToken } }) },
  { route: 'GET /trainingen/inchecken/:sid{[0-9]+}/:code', prepare: ({ f }) => ({ params: { sid: String(f.sessionId), code: f.checkinCode } }) },
  {
    route: 'POST /trainingen/inchecken/:sid{[0-9]+}/:code',
    fields: ['email'],
    prepare: ({ f }) => ({ params: { sid: String(f.sessionId), code: f.checkinCode }, form: { email: 'fixture@example.org' } }),
    csrf: {
      none: 'anonymous and cookieless: the code shown in the room (changing every 15 minutes) is the authority, and a post can only mark the registrant of that address present; rate-limited',
    },
  },
  { route: 'GET /trainingen/evaluatie/:token', prepare: ({ f }) => ({ params: { token: f.evaluationToken } }) },
  {
    route: 'POST /trainingen/evaluatie/:token',
    fields: ['v1', 'v2', 'v3', 'v4', 'v5', 'opmerking'],
    prepare: ({ f }) => ({ params: { token: f.evaluationToken }, form: { v1: '4', v2: '5', v3: '3', v4: '4', v5: '5', opmerking: 'Goede training.' } }),
    csrf: { none: 'the unguessable token in the mailed link is the authority; no cookie is read' },
  },
  { route: 'GET /certificaat/:code', prepare: ({ f }) => ({ params: { code: f.certificateCode } }) },
  { route: 'GET /trainingen/:slug', prepare: ({ f }) => ({ params: { slug: f.trainingSlug } }) },
  { route: 'GET /trainingen/:slug/:session{[0-9]+}', prepare: ({ f }) => ({ params: { slug: f.trainingSlug, session: String(f.sessionId) } }) },
  {
    route: 'POST /trainingen/:slug/:session{[0-9]+}/aanmelden',
    fields: ['name', 'email', 'organisation', 'role', 'consent', 'website', 'register', 'registerNumber'],
    prepare: ({ f, n }) => ({
      params: { slug: f.trainingSlug, session: String(f.sessionId) },
      form: {
        name: `Deelnemer ${n}`,
        email: `deelnemer${n}@example.org`,
        organisation: 'GGD Voorbeeld',
        role: 'Jeugdverpleegkundige',
        consent: 'ja',
        website: '',
        register: 'vvn',
        registerNumber: `1234${n}`,
      },
    }),
    csrf: {
      none: 'anonymous and cookieless: a forged post can do nothing the attacker cannot do directly; abuse is limited by the honeypot and per-client and per-address rate limits',
    },
    mayChangeOnReject: { tables: ['rate_limits'], why: 'a refused registration still counts towards the rate limit' },
  },

  { route: 'GET /beheer/inloggen', query: ['terug'] },
  {
    route: 'POST /beheer/inloggen',
    query: ['terug'],
    fields: ['email', 'password'],
    // A hostile ?terug needs no password check (scrypt, ~100 ms): an e-mail address that is no address gets the form back at once.
    prepare: ({ n, target }) => ({
      form: { email: target?.kind === 'query' ? 'geen adres' : `niemand${n}@hechtwerk.example`, password: 'een verkeerd wachtwoord' },
    }),
    csrf: 'pre-auth',
    mayChangeOnReject: { tables: ['login_throttle', 'audit_log'], why: 'failed logins are counted for throttling and written to the audit log' },
  },
  { route: 'POST /beheer/uitloggen', csrf: 'session', skipMatrix: 'has no input; posting it would end the session the matrix runs in' },
  {
    route: 'GET /beheer/welkom/:token',
    prepare: async ({ t, n }) => ({ params: { token: await inviteToken(t, n) } }),
    prepareWrites: true,
  },
  {
    route: 'POST /beheer/welkom/:token',
    fields: ['name', 'email', 'password', 'password2'],
    prepare: async ({ t, n }) => ({
      params: { token: await inviteToken(t, n) },
      form: { name: `Nieuwe collega ${n}`, password: 'een lange zin als wachtwoord', password2: 'een lange zin als wachtwoord' },
    }),
    prepareWrites: true,
    csrf: 'pre-auth',
  },
  { route: 'GET /beheer' },
  { route: 'GET /beheer/wachtwoord' },
  {
    route: 'POST /beheer/wachtwoord',
    fields: ['current', 'password', 'password2'],
    // A wrong current password: the form is checked all the way, and the matrix's own password stays.
    prepare: () => ({ form: { current: 'niet het huidige wachtwoord', password: 'een nieuw en lang wachtwoord', password2: 'een nieuw en lang wachtwoord' } }),
    csrf: 'session',
    mayChangeOnReject: { tables: ['rate_limits'], why: 'every attempt counts towards the limit on guessing the current password' },
  },
  { route: 'GET /beheer/wachtwoord-vergeten' },
  {
    route: 'POST /beheer/wachtwoord-vergeten',
    fields: ['email'],
    prepare: ({ n }) => ({ form: { email: `niemand${n}@hechtwerk.example` } }),
    csrf: 'pre-auth',
    mayChangeOnReject: { tables: ['rate_limits'], why: 'a refused request still counts towards the rate limit' },
  },
  {
    route: 'GET /beheer/nieuw-wachtwoord/:token',
    prepare: async ({ t, n }) => ({ params: { token: await resetToken(t, n) } }),
    prepareWrites: true,
  },
  {
    route: 'POST /beheer/nieuw-wachtwoord/:token',
    fields: ['password', 'password2'],
    prepare: async ({ t, n }) => ({
      params: { token: await resetToken(t, n) },
      form: { password: 'een nieuw en lang wachtwoord', password2: 'een nieuw en lang wachtwoord' },
    }),
    prepareWrites: true,
    csrf: 'pre-auth',
  },

  { route: 'GET /beheer/trainingen' },
  { route: 'GET /beheer/trainingen/nieuw' },
  { route: 'POST /beheer/trainingen/nieuw', fields: trainingFields, prepare: ({ n }) => ({ form: validTraining(n) }), csrf: 'session' },
  { route: 'GET /beheer/trainingen/:id{[0-9]+}', prepare: ({ f }) => ({ params: { id: String(f.trainingId) } }) },
  {
    route: 'POST /beheer/trainingen/:id{[0-9]+}',
    fields: trainingFields,
    prepare: ({ f }) => ({ params: { id: String(f.trainingId) }, form: { ...validTraining(0), slug: f.trainingSlug, title: 'Hechting in de praktijk' } }),
    csrf: 'session',
  },
  { route: 'GET /beheer/trainingen/:id{[0-9]+}/sessies/nieuw', prepare: ({ f }) => ({ params: { id: String(f.trainingId) } }) },
  {
    route: 'POST /beheer/trainingen/:id{[0-9]+}/sessies/nieuw',
    fields: sessionFields,
    prepare: ({ f, t }) => ({ params: { id: String(f.trainingId) }, form: validSession(t) }),
    csrf: 'session',
  },
  { route: 'GET /beheer/trainingen/sessies/:sid{[0-9]+}', prepare: ({ f }) => ({ params: { sid: String(f.otherSessionId) } }) },
  {
    route: 'POST /beheer/trainingen/sessies/:sid{[0-9]+}',
    fields: sessionFields,
    prepare: ({ f, t }) => ({ params: { sid: String(f.otherSessionId) }, form: validSession(t) }),
    csrf: 'session',
  },
  // Publishing the session that is already public, and taking off the one with a registration
  // (refused): neither changes the fixture the other routes use.
  {
    route: 'POST /beheer/trainingen/sessies/:sid{[0-9]+}/publiceren',
    prepare: ({ f }) => ({ params: { sid: String(f.otherSessionId) } }),
    csrf: 'session',
  },
  {
    route: 'POST /beheer/trainingen/sessies/:sid{[0-9]+}/terugtrekken',
    prepare: ({ f }) => ({ params: { sid: String(f.sessionId) } }),
    csrf: 'session',
  },
  // The confirmation pages (src/ui/confirm.tsx): a GET shows what will happen; the POST acts only
  // with bevestig=ja and the count the page showed (aantal), else it shows the page again.
  { route: 'GET /beheer/trainingen/sessies/:sid{[0-9]+}/annuleren', prepare: ({ f }) => ({ params: { sid: String(f.otherSessionId) } }) },
  {
    route: 'POST /beheer/trainingen/sessies/:sid{[0-9]+}/annuleren',
    fields: ['bevestig', 'aantal'],
    prepare: ({ f }) => ({ params: { sid: String(f.otherSessionId) } }),
    csrf: 'session',
    skipMatrix: 'its path parameter is covered by the other session routes, and a confirmed post with the right count would cancel the session they use',
  },
  {
    route: 'POST /beheer/trainingen/sessies/:sid{[0-9]+}/bericht',
    fields: ['subject', 'body', 'bevestig', 'aantal'],
    prepare: ({ f }) => ({ params: { sid: String(f.otherSessionId) }, form: { subject: 'Over de bijeenkomst', body: 'Neem je eigen casus mee.' } }),
    csrf: 'session',
  },
  { route: 'GET /beheer/trainingen/sessies/:sid{[0-9]+}/certificaten', prepare: ({ f }) => ({ params: { sid: String(f.otherSessionId) } }) },
  {
    route: 'POST /beheer/trainingen/sessies/:sid{[0-9]+}/certificaten',
    fields: ['bevestig', 'aantal'],
    prepare: ({ f }) => ({ params: { sid: String(f.otherSessionId) } }),
    csrf: 'session',
  },
  { route: 'GET /beheer/trainingen/sessies/:sid{[0-9]+}/export.csv', prepare: ({ f }) => ({ params: { sid: String(f.sessionId) } }) },
  { route: 'GET /beheer/trainingen/sessies/:sid{[0-9]+}/presentielijst', prepare: ({ f }) => ({ params: { sid: String(f.sessionId) } }) },
  {
    route: 'POST /beheer/trainingen/sessies/:sid{[0-9]+}/presentielijst',
    fields: ['aanwezig'],
    prepare: ({ f }) => ({ params: { sid: String(f.sessionId) }, form: { aanwezig: String(f.registrationId) } }),
    csrf: 'session',
  },
  {
    route: 'GET /beheer/trainingen/sessies/:sid{[0-9]+}/aanwezigheid',
    query: ['q', 'opgeslagen'],
    prepare: ({ f }) => ({ params: { sid: String(f.sessionId) } }),
  },
  {
    route: 'POST /beheer/trainingen/sessies/:sid{[0-9]+}/aanwezigheid/:rid{[0-9]+}',
    fields: ['aanwezigheid', 'q'],
    prepare: ({ f }) => ({ params: { sid: String(f.sessionId), rid: String(f.registrationId) }, form: { aanwezigheid: 'aanwezig', q: '' } }),
    csrf: 'session',
  },
  { route: 'GET /beheer/trainingen/sessies/:sid{[0-9]+}/inchecken', prepare: ({ f }) => ({ params: { sid: String(f.sessionId) } }) },
  { route: 'GET /beheer/trainingen/sessies/:sid{[0-9]+}/evaluatie', prepare: ({ f }) => ({ params: { sid: String(f.sessionId) } }) },
  { route: 'GET /beheer/trainingen/sessies/:sid{[0-9]+}/evaluatie.csv', prepare: ({ f }) => ({ params: { sid: String(f.sessionId) } }) },
  {
    route: 'GET /beheer/trainingen/sessies/:sid{[0-9]+}/accreditatie.csv',
    query: ['register'],
    prepare: ({ f }) => ({ params: { sid: String(f.sessionId) }, search: '?register=vvn' }),
  },
  { route: 'GET /beheer/trainingen/aanmeldingen/:rid{[0-9]+}/afmelden', prepare: ({ f }) => ({ params: { rid: String(f.registrationId) } }) },
  {
    route: 'POST /beheer/trainingen/aanmeldingen/:rid{[0-9]+}/afmelden',
    fields: ['bevestig', 'aantal'],
    prepare: ({ f }) => ({ params: { rid: String(f.registrationId) } }),
    csrf: 'session',
    skipMatrix: 'its path parameter is covered by …/verplaatsen, and a confirmed post would cancel the registration the other routes use',
  },
  {
    route: 'POST /beheer/trainingen/aanmeldingen/:rid{[0-9]+}/verplaatsen',
    fields: ['naar'],
    // Moving to the session it is already in is refused, so the registration stays put for the next request.
    prepare: ({ f }) => ({ params: { rid: String(f.registrationId) }, form: { naar: String(f.sessionId) } }),
    csrf: 'session',
  },

  { route: 'GET /beheer/netwerk', query: ['melding'] },
  { route: 'GET /beheer/netwerk/nieuw' },
  { route: 'POST /beheer/netwerk/nieuw', fields: orgFields, prepare: ({ n }) => ({ form: validOrg(n) }), csrf: 'session' },
  { route: 'GET /beheer/netwerk/:id{[0-9]+}', query: ['melding'], prepare: ({ f }) => ({ params: { id: String(f.orgId) } }) },
  {
    route: 'POST /beheer/netwerk/:id{[0-9]+}',
    fields: [...orgFields, 'versie', 'basis'],
    prepare: async ({ f, n }) => ({
      params: { id: String(f.orgId) },
      form: { ...validOrg(n), slug: 'hostile-org-edit', versie: await orgVersion(f) },
    }),
    csrf: 'session',
  },
  ...['publiceren', 'terugtrekken', 'verwijderen'].map(
    (action): RouteSpec => ({
      route: `POST /beheer/netwerk/:id{[0-9]+}/${action}`,
      fields: ['versie'],
      // With a valid version a real post would change the organisation; the matrix sends hostile versions only.
      prepare: async ({ f }) => ({ params: { id: String(f.orgId) }, form: { versie: await orgVersion(f) } }),
      csrf: 'session',
    }),
  ),
  { route: 'GET /beheer/netwerk/:id{[0-9]+}/verwijderen', prepare: ({ f }) => ({ params: { id: String(f.orgId) } }) },

  {
    route: 'GET /beheer/netwerk/:id{[0-9]+}/geschiedenis',
    prepare: ({ f }) => ({ params: { id: String(f.orgId) } }),
  },
  {
    route: 'GET /beheer/netwerk/:id{[0-9]+}/vergelijk',
    query: ['van', 'naar'],
    prepare: ({ f }) => ({ params: { id: String(f.orgId) }, search: `?van=${f.orgRevisionId}&naar=${f.orgRevisionId}` }),
  },
  {
    route: 'POST /beheer/netwerk/:id{[0-9]+}/versies/:rev{[0-9]+}/terugzetten',
    fields: ['versie'],
    prepare: async ({ f }) => ({ params: { id: String(f.orgId), rev: String(f.orgRevisionId) }, form: { versie: await orgVersion(f) } }),
    csrf: 'session',
  },

  { route: 'GET /beheer/themas', query: ['melding', 'weggelaten'] },
  { route: 'GET /beheer/themas/nieuw' },
  { route: 'POST /beheer/themas/nieuw', fields: themeFields, prepare: ({ f, n }) => ({ form: validTheme(f, n) }), csrf: 'session' },
  {
    route: 'POST /beheer/themas/voorbeeld',
    fields: ['body'],
    prepare: () => ({ form: { body: '## Kop\n\nTekst met een [link](https://www.voorbeeld.example/).' } }),
    csrf: 'session',
  },
  { route: 'GET /beheer/themas/:id{[0-9]+}', query: ['melding', 'weggelaten'], prepare: ({ f }) => ({ params: { id: String(f.themeId) } }) },
  {
    route: 'POST /beheer/themas/:id{[0-9]+}',
    fields: [...themeFields, 'versie', 'basis'],
    prepare: async ({ f, n }) => ({
      params: { id: String(f.themeId) },
      form: { ...validTheme(f, n), slug: 'hostile-thema-edit', versie: await themeVersion(f) },
    }),
    csrf: 'session',
  },
  ...['omhoog', 'omlaag'].map(
    (action): RouteSpec => ({
      route: `POST /beheer/themas/:id{[0-9]+}/${action}`,
      prepare: ({ f }) => ({ params: { id: String(f.themeId) } }),
      csrf: 'session',
    }),
  ),
  ...['publiceren', 'terugtrekken'].map(
    (action): RouteSpec => ({
      route: `POST /beheer/themas/:id{[0-9]+}/${action}`,
      fields: ['versie'],
      // The matrix sends hostile versions only, so the theme is never really (un)published.
      prepare: async ({ f }) => ({ params: { id: String(f.themeId) }, form: { versie: await themeVersion(f) } }),
      csrf: 'session',
    }),
  ),
  { route: 'GET /beheer/themas/:id{[0-9]+}/geschiedenis', prepare: ({ f }) => ({ params: { id: String(f.themeId) } }) },
  {
    route: 'GET /beheer/themas/:id{[0-9]+}/vergelijk',
    query: ['van', 'naar'],
    prepare: ({ f }) => ({ params: { id: String(f.themeId) }, search: `?van=${f.themeRevisionId}&naar=${f.themeRevisionId}` }),
  },
  {
    route: 'POST /beheer/themas/:id{[0-9]+}/versies/:rev{[0-9]+}/terugzetten',
    fields: ['versie'],
    prepare: async ({ f }) => ({ params: { id: String(f.themeId), rev: String(f.themeRevisionId) }, form: { versie: await themeVersion(f) } }),
    csrf: 'session',
  },

  { route: 'GET /beheer/bronnen', query: ['melding', 'status', 'q'] },
  {
    route: 'POST /beheer/bronnen/controleren',
    csrf: 'session',
    skipMatrix: 'has no input; a real post starts the link checker, which fetches every source URL on the internet',
  },
  { route: 'GET /beheer/bronnen/nieuw' },
  { route: 'POST /beheer/bronnen/nieuw', fields: sourceFields, prepare: ({ f, n }) => ({ form: validSource(f, n) }), csrf: 'session' },
  { route: 'GET /beheer/bronnen/:id{[0-9]+}', query: ['melding'], prepare: ({ f }) => ({ params: { id: String(f.sourceId) } }) },
  {
    route: 'POST /beheer/bronnen/:id{[0-9]+}',
    fields: [...sourceFields, 'versie', 'basis'],
    prepare: async ({ f, n }) => ({
      params: { id: String(f.sourceId) },
      form: { ...validSource(f, n), url: 'https://www.bron-edit.example/', versie: await sourceVersion(f) },
    }),
    csrf: 'session',
  },
  {
    route: 'POST /beheer/bronnen/:id{[0-9]+}/controleren',
    prepare: ({ f }) => ({ params: { id: String(f.sourceId) } }),
    csrf: 'session',
    // Only hostile ids are sent (none names a source), so nothing is fetched.
  },
  {
    route: 'POST /beheer/bronnen/:id{[0-9]+}/nieuw-adres',
    fields: ['versie', 'adres'],
    prepare: async ({ f }) => ({ params: { id: String(f.sourceId) }, form: { versie: await sourceVersion(f), adres: 'https://www.bron-nieuw.example/' } }),
    csrf: 'session',
  },
  { route: 'GET /beheer/bronnen/:id{[0-9]+}/verwijderen', prepare: ({ f }) => ({ params: { id: String(f.sourceId) } }) },
  {
    route: 'POST /beheer/bronnen/:id{[0-9]+}/verwijderen',
    fields: ['versie', 'bevestig', 'themas'],
    // Without bevestig=ja a source that themes use is not deleted; hostile values go in one field at a time.
    prepare: async ({ f }) => ({ params: { id: String(f.sourceId) }, form: { versie: await sourceVersion(f), bevestig: 'nee', themas: String(f.themeId) } }),
    csrf: 'session',
  },

  ...['ALL /beheer/audit', 'ALL /beheer/audit/*', 'ALL /beheer/import', 'ALL /beheer/import/*'].map((route) => ({ route, kind: 'middleware' as const })),
  { route: 'GET /beheer/audit', query: ['gebruiker', 'actie', 'onderwerp', 'van', 'tot', 'pagina'] },
  { route: 'GET /beheer/export' },
  { route: 'GET /beheer/export/bundel.json' },
  { route: 'GET /beheer/import' },
  {
    route: 'POST /beheer/import',
    fields: ['bundel', 'actie'],
    prepare: () => ({ form: { actie: 'controleren' } }),
    csrf: 'session',
    bodyLimit: 5 * 1024 * 1024 + 64 * 1024,
  },

  { route: 'GET /beheer/gebruikers' },
  {
    route: 'POST /beheer/gebruikers/uitnodigen',
    fields: ['email', 'role'],
    prepare: ({ n }) => ({ form: { email: `collega${n}@hechtwerk.example`, role: 'redacteur' } }),
    csrf: 'session',
  },
  { route: 'GET /beheer/gebruikers/:id/uitschakelen', prepare: ({ f }) => ({ params: { id: String(f.otherUserId) } }) },
  ...['uitschakelen', 'inschakelen'].map(
    (action): RouteSpec => ({
      route: `POST /beheer/gebruikers/:id/${action}`,
      fields: action === 'uitschakelen' ? ['bevestig'] : undefined,
      prepare: ({ f }) => ({ params: { id: String(f.otherUserId) } }),
      csrf: 'session',
    }),
  ),
  { route: 'GET /beheer/mail' },
  { route: 'GET /beheer/mail/:id', prepare: ({ f }) => ({ params: { id: String(f.mailId) } }) },

  { route: 'GET /api/docs', query: ['pad', 'p.limit', 'p.cursor', 'p.slug', 'p.type', 'p.municipality', 'p.theme'] },
  { route: 'GET /api/v1/themes', query: 'openapi' },
  { route: 'GET /api/v1/themes/:slug', query: 'openapi', prepare: ({ f }) => ({ params: { slug: f.themeSlug } }) },
  { route: 'GET /api/v1/sources', query: 'openapi' },
  { route: 'GET /api/v1/trainings', query: 'openapi' },
  { route: 'GET /api/v1/trainings/:slug', query: 'openapi', prepare: ({ f }) => ({ params: { slug: f.trainingSlug } }) },
  { route: 'GET /api/v1/organisations', query: 'openapi' },
  { route: 'GET /api/v1/organisations/:slug', query: 'openapi', prepare: ({ f }) => ({ params: { slug: f.orgSlug } }) },
  { route: 'GET /api/openapi.json' },
];

export const specFor = (route: string) => ROUTES.find((r) => r.route === route);

export interface AppRoute {
  method: string;
  path: string;
  /** 'METHOD path', the key in ROUTES. */
  key: string;
}

/** The app's routes as the router lists them, each once (zod-openapi lists a validator and a handler per route). */
export function enumerateRoutes(app: { routes: { method: string; path: string }[] }): AppRoute[] {
  const seen = new Map<string, AppRoute>();
  for (const r of app.routes) {
    const key = `${r.method} ${r.path}`;
    if (!seen.has(key)) seen.set(key, { method: r.method, path: r.path, key });
  }
  return [...seen.values()];
}

/** What app.routes has that ROUTES does not know, and the other way round. */
export function routeTableDiff(appRoutes: AppRoute[]) {
  const keys = new Set(appRoutes.map((r) => r.key));
  return {
    unknown: appRoutes.filter((r) => !specFor(r.key)).map((r) => r.key),
    stale: ROUTES.filter((r) => !keys.has(r.route)).map((r) => r.route),
  };
}

/** The names of a route pattern's parameters, in order: '/x/:id{[0-9]+}/:y' → ['id', 'y']. */
export const paramNames = (path: string) => [...path.matchAll(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g)].map((m) => m[1] as string);

/** A concrete path: each parameter replaced by its value, which goes in verbatim (so it may be percent-encoded, or not). */
export const fillPath = (path: string, values: Record<string, string>) =>
  path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`no value for :${name} in ${path}`);
    return v;
  });

/** Query parameters per API path, from the served OpenAPI document. */
export async function openApiQueryParams(t: TestApp): Promise<Map<string, string[]>> {
  const doc = (await (await t.app.request('/api/openapi.json')).json()) as {
    paths: Record<string, { get?: { parameters?: { name: string; in: string }[] } }>;
  };
  const out = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths)) {
    const hono = `/api${path.replace(/\{(\w+)\}/g, ':$1')}`;
    out.set(
      hono,
      (item.get?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
    );
  }
  return out;
}

// ---------------------------------------------------------------- fixture

async function latestLink(db: Fixture['db'], to: string, kind: string): Promise<string> {
  const mails = await db.select().from(outbox).where(eq(outbox.to, to)).orderBy(outbox.id);
  for (const m of mails.reverse()) {
    // The stored mail holds placeholders; its links are made as it is sent.
    const match = new RegExp(`/${kind}/([\\w-]+)`).exec((await mailAsSent(db, m.id)).text);
    if (match?.[1]) return match[1];
  }
  throw new Error(`no ${kind} link in mail to ${to}`);
}

async function inviteToken(t: TestApp, n: number): Promise<string> {
  const db = t.deps.database.db;
  const [admin] = await db.select().from(users).where(eq(users.role, 'beheerder')).limit(1);
  if (!admin) throw new Error('the fixture has no administrator');
  const email = `uitgenodigd${n}@hechtwerk.example`;
  await inviteUser(db, admin.id, { email, role: 'redacteur' }, t.clock.now(), t.deps.config.baseUrl);
  return latestLink(db, email, 'beheer/welkom');
}

async function resetToken(t: TestApp, n: number): Promise<string> {
  const db = t.deps.database.db;
  const email = `herstel${n}@hechtwerk.example`;
  await db
    .insert(users)
    .values({ email, name: `Herstel ${n}`, role: 'redacteur', passwordHash: null })
    .onConflictDoNothing();
  await requestPasswordReset(db, email, t.clock.now(), t.deps.config.baseUrl);
  return latestLink(db, email, 'beheer/nieuw-wachtwoord');
}

/** Real rows for every route to point at: a training with two sessions and a registration, an organisation, a second account, a mail. */
export async function buildFixture(t: TestApp, adminId: number): Promise<Fixture> {
  const db = t.deps.database.db;
  const now = t.clock.now();
  const trainingSlug = 'hostile-fixture';
  const trainingId = await createTraining(db, adminId, {
    slug: trainingSlug,
    title: 'Hechting in de praktijk',
    summary: 'Een training om vijandige invoer mee te testen.',
    descriptionMd: 'Uitleg.',
    audience: ['JGZ'],
    themes: ['hechting'],
    durationHours: 3,
    accreditation: '',
    published: true,
    registers: [{ register: 'vvn', points: 3, accreditationId: 'VVN-1' }],
  });
  const session = (days: number) => {
    const startsAt = new Date(Math.floor((now.getTime() + days * DAY) / 60_000) * 60_000);
    return createSession(db, adminId, trainingId, {
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3 * 3_600_000),
      location: 'Zaal 1, Voorbeeldstad',
      online: false,
      capacity: 10_000,
      registrationOpensAt: new Date(now.getTime() - DAY),
      registrationClosesAt: new Date(startsAt.getTime() - 3_600_000),
      cancelUntil: new Date(startsAt.getTime() - 2 * DAY),
      contact: 'trainingen@hechtwerk.example',
    });
  };
  const sessionId = await session(30);
  const otherSessionId = await session(45);
  const email = 'fixture@example.org';
  await register(db, sessionId, { name: 'Fixture Deelnemer', email, organisation: 'GGD Voorbeeld', role: 'Jeugdverpleegkundige' }, settingsFrom(t.deps), now);
  const confirmToken = await latestLink(db, email, 'trainingen/bevestigen');
  await t.app.request(`/trainingen/bevestigen/${confirmToken}`, { method: 'POST' });
  const manageToken = await latestLink(db, email, 'trainingen/aanmelding');
  const [reg] = await db.select().from(registrations).where(eq(registrations.email, email));
  if (!reg) throw new Error('fixture registration missing');
  // Marked present (a proof with a certificate code) and invited to evaluate, as after a session.
  await markAttendance(db, adminId, sessionId, reg.id, 'aanwezig', settingsFrom(t.deps), now);
  const certificateCode = (await proofOf(db, reg.id))?.code ?? '';
  const evaluationToken = randomToken();
  await db
    .insert(evaluationInvites)
    .values({ registrationId: reg.id, sessionId, tokenHash: sha256(evaluationToken), expiresAt: new Date(now.getTime() + 60 * DAY) });
  // Enough responses (EVALUATION_MIN_RESPONSES, default 5) for the results and their export to be shown.
  await db.insert(evaluationResponses).values(Array.from({ length: 5 }, (_, i) => ({ sessionId, answers: { v1: 1 + i, opmerking: `Opmerking ${i}` } })));
  const orgId = await createOrganisation(
    db,
    adminId,
    organisationInput.parse({
      ...validOrg(0),
      slug: 'hostile-org-edit',
      municipalities: ['Voorbeeldstad'],
      themes: ['hechting'],
      published: true,
      demo: false,
    }),
  );
  const [org] = await db.select().from(organisations).where(eq(organisations.id, orgId));
  const [other] = await db
    .insert(users)
    .values({ email: 'ander@hechtwerk.example', name: 'Andere Redacteur', role: 'redacteur', passwordHash: 'scrypt$x' })
    .returning({ id: users.id });
  const [mail] = await db.select().from(outbox).orderBy(outbox.id).limit(1);
  const sourceId = await createSource(db, adminId, {
    title: 'Een bron om mee te testen',
    organisation: 'Kenniscentrum Voorbeeld',
    url: 'https://www.bron-fixture.example/',
    description: 'Over hechting.',
    themeIds: [],
  });
  const themeId = await createTheme(db, adminId, {
    slug: 'hostile-thema-edit',
    title: 'Thema om te bewerken',
    summary: 'Een thema om vijandige invoer mee te testen.',
    bodyMd: '## Inleiding\n\nDit is de tekst van een thema, lang genoeg om als thema te gelden.',
    reviewed: '2026-01-01',
    published: false,
    keyFacts: ['Een kernfeit.'],
    training: null,
    related: [],
    sourceIds: [sourceId],
  });
  const revisionOf = async (kind: 'theme' | 'organisation', ref: number) =>
    (
      await db
        .select({ id: revisions.id })
        .from(revisions)
        .where(and(eq(revisions.kind, kind), eq(revisions.ref, ref)))
        .orderBy(desc(revisions.id))
        .limit(1)
    )[0]?.id;
  const themeRevisionId = await revisionOf('theme', themeId);
  const orgRevisionId = await revisionOf('organisation', orgId);
  const def = t.deps.signals;
  const firstDomain = def.domains[0];
  const firstSignal = firstDomain?.signals[0];
  if (!reg || !org || !other || !mail || !firstDomain || !firstSignal || !themeRevisionId || !orgRevisionId) throw new Error('fixture incomplete');
  return {
    themeSlug: 'hechting',
    orgSlug: org.slug,
    trainingSlug,
    trainingId,
    sessionId,
    otherSessionId,
    registrationId: reg.id,
    confirmToken,
    manageToken,
    evaluationToken,
    certificateCode,
    checkinCode: checkinCode(await loadSecret(db), sessionId, now),
    orgId,
    otherUserId: other.id,
    mailId: mail.id,
    themeId,
    themeRevisionId,
    sourceId,
    orgRevisionId,
    signalFields: [`s-${firstSignal.id}`, `c-${firstDomain.id}`, `n-${firstDomain.id}`],
    today: new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Amsterdam' }).format(now),
    db,
  };
}

// ---------------------------------------------------------------- database snapshot

/**
 * Tables whose content changes on requests that change nothing: the session's last-seen time, and
 * the rate-limit counters every API request and every registration attempt bumps. Their row
 * counts are still compared (except rate_limits, where a new client is a new row).
 */
export const VOLATILE_CONTENT = ['sessions', 'rate_limits'];

export type Snapshot = Record<string, { n: number; h: string }>;

/** One query that counts every table and hashes the content of all but the volatile ones (any change to a row changes its hash). */
export async function snapshotter(db: Fixture['db']) {
  const { sql } = await import('drizzle-orm');
  const tables = (
    (await db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
    )) as unknown as { rows: { table_name: string }[] }
  ).rows.map((r) => r.table_name);
  const query = tables
    .map((name) =>
      VOLATILE_CONTENT.includes(name)
        ? `select '${name}' as t, count(*)::int as n, '' as h from "${name}"`
        : // Every insert or update makes a new row version (a new ctid and xmin) and a delete removes one, so an
          // order-free sum over (ctid, xmin) changes with any write, without reading the rows' contents.
          `select '${name}' as t, count(*)::int as n, coalesce(sum(hashtextextended(x.ctid::text || x.xmin::text, 0)), 0)::text as h from "${name}" x`,
    )
    .join(' union all ');
  return async (): Promise<Snapshot> => {
    const res = (await db.execute(sql.raw(query))) as unknown as { rows: { t: string; n: number; h: string }[] };
    return Object.fromEntries(res.rows.map((r) => [r.t, { n: Number(r.n), h: r.h }]));
  };
}

/** Tables that differ between two snapshots, leaving out the ones a rejection may change. */
export function changedTables(before: Snapshot, after: Snapshot, allowed: string[] = []): string[] {
  return Object.keys(after).filter((name) => {
    if (allowed.includes(name) || name === 'rate_limits') return false;
    const a = before[name];
    const b = after[name];
    return !a || !b || a.n !== b.n || a.h !== b.h;
  });
}
