import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { AppEnv, Ctx } from '../context.ts';
import { ORGANISATION_TYPES, organisations, REGISTER_CODES, sources, themes, trainingSessions, trainings } from '../db/schema.ts';
import { clientKey } from '../http/client-address.ts';
import { problem } from '../http/problem.ts';
import { count } from '../http/rate-limit.ts';
import { parseFilter, servedMunicipalities, themeTitles } from '../network/queries.ts';
import { publishedThemeRow, themeLinks } from '../themes/queries.ts';
import { REGISTERS, registersByTraining } from '../trainings/accreditation.ts';
import { sessionViews } from '../trainings/queries.ts';

export const API_RATE = { limit: 300, windowSeconds: 60 };

/** Cursor: an opaque token for "everything after this key". */
const encodeCursor = (key: string | number) => Buffer.from(JSON.stringify({ k: key })).toString('base64url');
function decodeCursor(cursor: string | undefined): string | number | null {
  if (!cursor) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { k?: unknown };
    // Only keys this API hands out, a slug or a row id: anything else (a NUL, an id past PostgreSQL's integers) is no cursor.
    if (typeof v.k === 'string' && /^[a-z0-9-]{1,80}$/.test(v.k)) return v.k;
    if (typeof v.k === 'number' && Number.isInteger(v.k) && v.k > 0 && v.k < 2 ** 31) return v.k;
    return undefined as never;
  } catch {
    return undefined as never;
  }
}

/** The key a page starts after (null for the first page), or undefined when the cursor is not one of this list's. */
function cursorAfter<K extends 'string' | 'number'>(cursor: string | undefined, kind: K): (K extends 'string' ? string : number) | null | undefined {
  const after = decodeCursor(cursor);
  if (after === null) return null;
  return typeof after === kind ? (after as K extends 'string' ? string : number) : undefined;
}

const badCursor = (c: Ctx) =>
  problem(c, 400, 'Ongeldige parameter', 'De parameter “cursor” is ongeldig: gebruik de waarde van next.', { parameter: 'cursor' }) as never;

/** One page of a list fetched with limit + 1 rows: the data, and the cursor of the next page when there is one. */
function pageOf<T>(rows: T[], limit: number, key: (row: T) => string | number) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next: rows.length > limit && last !== undefined ? encodeCursor(key(last)) : null };
}

const Problem = z
  .object({ type: z.string(), title: z.string(), status: z.number().int(), detail: z.string(), instance: z.string(), parameter: z.string().optional() })
  .openapi('Problem');

const PageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({ param: { name: 'limit', in: 'query' }, example: 20, description: 'Aantal resultaten per pagina (1–100).' }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' }, description: 'De waarde van `next` uit het vorige antwoord.' }),
});

const ThemeSummary = z.object({ slug: z.string(), title: z.string(), summary: z.string(), url: z.string() }).openapi('ThemeSummary');
const Source = z.object({ id: z.number().int(), title: z.string(), organisation: z.string(), url: z.string(), description: z.string() }).openapi('Source');
const Theme = ThemeSummary.extend({
  reviewed: z.string(),
  keyFacts: z.array(z.string()),
  bodyMarkdown: z.string(),
  sources: z.array(Source),
  related: z.array(ThemeSummary),
}).openapi('Theme');
const Session = z
  .object({
    id: z.number().int(),
    startsAt: z.string(),
    endsAt: z.string(),
    location: z.string(),
    online: z.boolean(),
    capacity: z.number().int(),
    seatsLeft: z.number().int(),
    waitingList: z.number().int(),
    status: z.enum(['open', 'vol', 'nog-niet-open', 'gesloten', 'geannuleerd', 'afgelopen']),
    registrationClosesAt: z.string(),
    url: z.string(),
  })
  .openapi('Session');
const TrainingRegister = z
  .object({
    register: z.enum(REGISTER_CODES).openapi({ description: 'Code van het register', example: 'vvn' }),
    registerName: z.string().openapi({ example: 'V&VN Kwaliteitsregister' }),
    points: z.number().int().openapi({ description: 'Accreditatiepunten voor een volledige deelname', example: 3 }),
    accreditationId: z.string().openapi({ description: 'Het nummer van de accreditatie bij het register; leeg als het (nog) niet bekend is' }),
  })
  .openapi('TrainingRegister');
const Training = z
  .object({
    slug: z.string(),
    title: z.string(),
    summary: z.string(),
    audience: z.array(z.string()),
    themes: z.array(z.string()),
    durationHours: z.number().int(),
    accreditation: z.string(),
    registers: z.array(TrainingRegister).openapi({ description: 'De registers waarvoor de training geaccrediteerd is, met de punten' }),
    url: z.string(),
    sessions: z.array(Session),
  })
  .openapi('Training');

const page = <T extends z.ZodTypeAny>(item: T, name: string) => z.object({ data: z.array(item), next: z.string().nullable() }).openapi(name);

const errors = {
  400: { content: { 'application/problem+json': { schema: Problem } }, description: 'Ongeldige parameter' },
  429: { content: { 'application/problem+json': { schema: Problem } }, description: 'Te veel verzoeken' },
};

/** The request and responses of a GET /v1/<things>/{slug}: the slug in the path, the item or a 404 problem. */
const bySlug = <T extends z.ZodTypeAny>(example: string, schema: T, description: string) => ({
  request: {
    params: z.object({
      slug: z
        .string()
        .regex(/^[a-z0-9-]{1,80}$/)
        .openapi({ param: { name: 'slug', in: 'path' }, example }),
    }),
  },
  responses: {
    200: { content: { 'application/json': { schema } }, description },
    404: { content: { 'application/problem+json': { schema: Problem } }, description: 'Niet gevonden' },
    ...errors,
  },
});

export const api = new OpenAPIHono<AppEnv>({
  defaultHook: (result, c) => {
    if (!result.success) {
      const issue = result.error.issues[0];
      const parameter = String(issue?.path[0] ?? 'onbekend');
      return problem(c, 400, 'Ongeldige parameter', `De parameter “${parameter}” is ongeldig: ${dutch(issue?.message ?? '')}`, { parameter });
    }
  },
});

function dutch(message: string): string {
  if (/too_big|<=|less than/i.test(message)) return 'de waarde is te groot.';
  if (/too_small|>=|greater than/i.test(message)) return 'de waarde is te klein.';
  if (/expected number|NaN|int/i.test(message)) return 'verwacht een geheel getal.';
  if (/Invalid option|enum/i.test(message)) return 'deze waarde is niet toegestaan.';
  return 'controleer de waarde.';
}

// CORS for reading, ETag via the site middleware, caching for a minute, a rate limit with RateLimit headers.
api.use('*', async (c, next) => {
  c.header('Access-Control-Allow-Origin', '*');
  c.header('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
  c.header('Access-Control-Expose-Headers', 'ETag, RateLimit, RateLimit-Policy, Retry-After');
  if (c.req.method === 'OPTIONS') return c.body(null, 204, { 'Access-Control-Max-Age': '86400', 'Access-Control-Allow-Headers': 'If-None-Match' });
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return problem(c, 400, 'Alleen lezen', 'Deze API kan alleen gelezen worden (GET).');
  const deps = c.get('deps');
  const now = deps.now();
  const used = await count(deps.database.db, `api:${clientKey(c)}`, API_RATE.limit, API_RATE.windowSeconds * 1000, now);
  const reset = Math.max(0, Math.ceil((used.resetAt.getTime() - now.getTime()) / 1000));
  c.header('RateLimit-Policy', `${API_RATE.limit};w=${API_RATE.windowSeconds}`);
  c.header('RateLimit', `limit=${API_RATE.limit}, remaining=${Math.max(0, API_RATE.limit - used.count)}, reset=${reset}`);
  if (!used.ok) {
    c.header('Retry-After', String(reset));
    return problem(
      c,
      429,
      'Te veel verzoeken',
      `Je hebt meer dan ${API_RATE.limit} verzoeken per ${API_RATE.windowSeconds} seconden gedaan. Probeer het over ${reset} seconden opnieuw.`,
    );
  }
  await next();
  if (c.res.status === 200) c.header('Cache-Control', 'public, max-age=60');
});

const abs = (c: { get: (k: 'deps') => { config: { baseUrl: string } } }, path: string) => `${c.get('deps').config.baseUrl}${path}`;

api.openapi(
  createRoute({
    method: 'get',
    path: '/v1/themes',
    summary: 'Thema’s',
    description: 'Alle gepubliceerde thema’s, op volgorde.',
    request: { query: PageQuery },
    responses: { 200: { content: { 'application/json': { schema: page(ThemeSummary, 'ThemePage') } }, description: 'Een pagina thema’s' }, ...errors },
  }),
  async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const after = cursorAfter(cursor, 'string');
    if (after === undefined) return badCursor(c);
    const db = c.get('deps').database.db;
    const rows = await db
      .select({ slug: themes.slug, title: themes.title, summary: themes.summary })
      .from(themes)
      .where(after ? and(eq(themes.published, true), gt(themes.slug, after)) : eq(themes.published, true))
      .orderBy(asc(themes.slug))
      .limit(limit + 1);
    const { items, next } = pageOf(rows, limit, (t) => t.slug);
    return c.json({ data: items.map((t) => ({ ...t, url: abs(c, `/themas/${t.slug}`) })), next }, 200);
  },
);

api.openapi(
  createRoute({
    method: 'get',
    path: '/v1/themes/{slug}',
    summary: 'Eén thema',
    description: 'Een thema met de tekst (Markdown), kernfeiten, bronnen en verwante thema’s.',
    ...bySlug('hechting', Theme, 'Het thema'),
  }),
  async (c) => {
    const { slug } = c.req.valid('param');
    const db = c.get('deps').database.db;
    const t = await publishedThemeRow(db, slug);
    if (!t) return problem(c, 404, 'Niet gevonden', `Er is geen thema met de slug “${slug}”.`) as never;
    const { sources: srcs, related } = await themeLinks(db, t.id);
    return c.json(
      {
        slug: t.slug,
        title: t.title,
        summary: t.summary,
        url: abs(c, `/themas/${t.slug}`),
        reviewed: t.reviewed,
        keyFacts: t.keyFacts,
        bodyMarkdown: t.bodyMd,
        sources: srcs,
        related: related.map((r) => ({ ...r, url: abs(c, `/themas/${r.slug}`) })),
      },
      200,
    );
  },
);

api.openapi(
  createRoute({
    method: 'get',
    path: '/v1/sources',
    summary: 'Bronnen',
    description: 'De bibliotheek van bronnen (links) achter de thema’s.',
    request: { query: PageQuery },
    responses: { 200: { content: { 'application/json': { schema: page(Source, 'SourcePage') } }, description: 'Een pagina bronnen' }, ...errors },
  }),
  async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const after = cursorAfter(cursor, 'number');
    if (after === undefined) return badCursor(c);
    const rows = await c
      .get('deps')
      .database.db.select({ id: sources.id, title: sources.title, organisation: sources.organisation, url: sources.url, description: sources.description })
      .from(sources)
      .where(after !== null ? gt(sources.id, after) : undefined)
      .orderBy(asc(sources.id))
      .limit(limit + 1);
    const { items, next } = pageOf(rows, limit, (s) => s.id);
    return c.json({ data: items, next }, 200);
  },
);

async function trainingsWithSessions(c: Ctx, list: (typeof trainings.$inferSelect)[]) {
  const deps = c.get('deps');
  const now = deps.now();
  const ses = list.length
    ? await deps.database.db
        .select()
        .from(trainingSessions)
        .where(
          and(
            inArray(
              trainingSessions.trainingId,
              list.map((t) => t.id),
            ),
            eq(trainingSessions.published, true),
            gt(trainingSessions.endsAt, now),
          ),
        )
        .orderBy(asc(trainingSessions.startsAt))
    : [];
  const views = await sessionViews(deps.database.db, ses, now);
  const registers = await registersByTraining(
    deps.database.db,
    list.map((t) => t.id),
  );
  return list.map((t) => ({
    slug: t.slug,
    title: t.title,
    summary: t.summary,
    audience: t.audience,
    themes: t.themes,
    durationHours: t.durationHours,
    accreditation: t.accreditation,
    registers: (registers.get(t.id) ?? []).map((r) => ({ ...r, registerName: REGISTERS[r.register].name })),
    url: abs(c, `/trainingen/${t.slug}`),
    sessions: views
      .filter((v) => v.session.trainingId === t.id)
      .map((v) => ({
        id: v.session.id,
        startsAt: v.session.startsAt.toISOString(),
        endsAt: v.session.endsAt.toISOString(),
        location: v.session.location,
        online: v.session.online,
        capacity: v.session.capacity,
        seatsLeft: v.seatsLeft,
        waitingList: v.waiting,
        status: v.status,
        registrationClosesAt: v.session.registrationClosesAt.toISOString(),
        url: abs(c, `/trainingen/${t.slug}/${v.session.id}`),
      })),
  }));
}

api.openapi(
  createRoute({
    method: 'get',
    path: '/v1/trainings',
    summary: 'Trainingen',
    description: 'Gepubliceerde trainingen met hun komende bijeenkomsten en de actuele beschikbaarheid van plekken. Bevat nooit persoonsgegevens.',
    request: { query: PageQuery },
    responses: { 200: { content: { 'application/json': { schema: page(Training, 'TrainingPage') } }, description: 'Een pagina trainingen' }, ...errors },
  }),
  async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const after = cursorAfter(cursor, 'string');
    if (after === undefined) return badCursor(c);
    const rows = await c
      .get('deps')
      .database.db.select()
      .from(trainings)
      .where(after ? and(eq(trainings.published, true), gt(trainings.slug, after)) : eq(trainings.published, true))
      .orderBy(asc(trainings.slug))
      .limit(limit + 1);
    const { items, next } = pageOf(rows, limit, (t) => t.slug);
    return c.json({ data: await trainingsWithSessions(c, items), next }, 200);
  },
);

api.openapi(
  createRoute({
    method: 'get',
    path: '/v1/trainings/{slug}',
    summary: 'Eén training',
    ...bySlug('hechting-voor-professionals', Training, 'De training'),
  }),
  async (c) => {
    const { slug } = c.req.valid('param');
    const [t] = await c
      .get('deps')
      .database.db.select()
      .from(trainings)
      .where(and(eq(trainings.slug, slug), eq(trainings.published, true)));
    if (!t) return problem(c, 404, 'Niet gevonden', `Er is geen training met de slug “${slug}”.`) as never;
    const [data] = await trainingsWithSessions(c, [t]);
    return c.json(data as z.infer<typeof Training>, 200);
  },
);

const Organisation = z
  .object({
    slug: z.string(),
    name: z.string(),
    type: z.enum(ORGANISATION_TYPES),
    description: z.string(),
    contact: z.object({ phone: z.string(), email: z.string(), website: z.string(), address: z.string() }),
    municipalities: z.array(z.string()),
    themes: z.array(z.string()),
    demo: z.boolean(),
    url: z.string(),
  })
  .openapi('Organisation');

// Matched as /netwerk matches them: hoofdletters doen er niet toe, and a value nothing has is a 400
// that says which values there are (not an empty list that looks like "none in this municipality").
// Control characters (NUL above all) are in no value, and PostgreSQL cannot compare text with NUL.
const filterValue = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[^\u0000-\u001f]*$/)
  .optional();
const OrganisationQuery = PageQuery.extend({
  type: filterValue.openapi({
    param: { name: 'type', in: 'query' },
    description: `Soort organisatie: ${ORGANISATION_TYPES.join(', ')} (hoofdletters doen er niet toe).`,
  }),
  municipality: filterValue.openapi({
    param: { name: 'municipality', in: 'query' },
    description: 'Gemeente die de organisatie bedient, zoals bij /netwerk (hoofdletters doen er niet toe).',
  }),
  theme: filterValue.openapi({ param: { name: 'theme', in: 'query' }, description: 'Slug van een thema, zoals hechting.' }),
});

function organisationJson(c: Ctx, o: typeof organisations.$inferSelect) {
  return {
    slug: o.slug,
    name: o.name,
    type: o.type,
    description: o.description,
    contact: { phone: o.phone, email: o.email, website: o.website, address: o.address },
    municipalities: o.municipalities,
    themes: o.themes,
    demo: o.demo,
    url: abs(c, `/netwerk/${o.slug}`),
  };
}

api.openapi(
  createRoute({
    method: 'get',
    path: '/v1/organisations',
    summary: 'Organisaties in het netwerk',
    description: 'Partnerorganisaties in de regio, met dezelfde filters als /netwerk.',
    request: { query: OrganisationQuery },
    responses: {
      200: { content: { 'application/json': { schema: page(Organisation, 'OrganisationPage') } }, description: 'Een pagina organisaties' },
      ...errors,
    },
  }),
  async (c) => {
    const { limit, cursor, type, municipality, theme } = c.req.valid('query');
    const after = cursorAfter(cursor, 'string');
    if (after === undefined) return badCursor(c);
    const db = c.get('deps').database.db;
    const [municipalities, themeRows] = await Promise.all([
      municipality ? servedMunicipalities(db) : [],
      theme ? themeTitles(db) : ([] as { slug: string; title: string }[]),
    ]);
    const { filter, errors } = parseFilter({ type, gemeente: municipality, thema: theme }, { municipalities, themes: themeRows });
    const wrong = (['type', 'gemeente', 'thema'] as const).find((f) => errors[f]);
    if (wrong) {
      const [parameter, known] = {
        type: ['type', ORGANISATION_TYPES] as const,
        gemeente: ['municipality', municipalities] as const,
        thema: ['theme', themeRows.map((t) => t.slug)] as const,
      }[wrong];
      const values = known.length ? `Mogelijk: ${known.join(', ')}.` : 'Er is nu geen enkele waarde mogelijk.';
      return problem(c, 400, 'Ongeldige parameter', `De parameter “${parameter}” is ongeldig: die waarde kennen we niet. ${values}`, {
        parameter,
      }) as never;
    }
    const rows = await db
      .select()
      .from(organisations)
      .where(
        and(
          eq(organisations.published, true),
          after ? gt(organisations.slug, after) : undefined,
          filter.type ? eq(organisations.type, filter.type) : undefined,
          filter.municipality ? sql`${organisations.municipalities} @> ${JSON.stringify([filter.municipality])}::jsonb` : undefined,
          filter.theme ? sql`${organisations.themes} @> ${JSON.stringify([filter.theme])}::jsonb` : undefined,
        ),
      )
      .orderBy(asc(organisations.slug))
      .limit(limit + 1);
    const { items, next } = pageOf(rows, limit, (o) => o.slug);
    return c.json({ data: items.map((o) => organisationJson(c, o)), next }, 200);
  },
);

api.openapi(
  createRoute({
    method: 'get',
    path: '/v1/organisations/{slug}',
    summary: 'Eén organisatie',
    ...bySlug('veilig-thuis', Organisation, 'De organisatie'),
  }),
  async (c) => {
    const { slug } = c.req.valid('param');
    const [o] = await c
      .get('deps')
      .database.db.select()
      .from(organisations)
      .where(and(eq(organisations.slug, slug), eq(organisations.published, true)));
    if (!o) return problem(c, 404, 'Niet gevonden', `Er is geen organisatie met de slug “${slug}”.`) as never;
    return c.json(organisationJson(c, o), 200);
  },
);

api.doc31('/openapi.json', (c) => ({
  openapi: '3.1.0',
  info: {
    title: 'Hechtwerk open data',
    version: '1.0.0',
    description: 'Alleen-lezen API met de thema’s, bronnen en trainingen van Hechtwerk. Zonder persoonsgegevens.',
  },
  servers: [{ url: `${c.get('deps').config.baseUrl}/api` }],
}));

// Registered last: anything else under /api is a 404 problem document, not the site's HTML page.
api.all('*', (c) => problem(c, 404, 'Niet gevonden', 'Dit adres bestaat niet in de API. Zie /api/docs.'));
