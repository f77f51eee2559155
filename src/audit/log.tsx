import { and, asc, desc, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { oneLine, quoted } from '../content/text.ts';
import type { AppEnv, Ctx } from '../context.ts';
import { likeLiteral, type Queryable, rows } from '../db/client.ts';
import { type AuditSubjectKind, auditLog, organisations, registrations, sources, themes, trainingSessions, trainings, users } from '../db/schema.ts';
import { ErrorSummary, type FieldErrors } from '../ui/forms.tsx';
import { Pager, StackTable } from '../ui/kit.tsx';
import { page } from '../ui/render.tsx';
import { actionTitle, fieldNames, sentence } from './actions.ts';

/** The audit log for administrators, mounted at /beheer/audit (the mount checks the beheerder role). */
export const auditRoutes = new Hono<AppEnv>();

export const AUDIT_PAGE_SIZE = 50;
const MAX_TEXT = 100;
const MAX_PAGE = 100_000;
const ZONE = 'Europe/Amsterdam';

const KEY_LABEL: Record<string, string> = {
  id: 'nummer',
  slug: 'webadres',
  name: 'naam',
  title: 'titel',
  type: 'type',
  description: 'beschrijving',
  phone: 'telefoon',
  email: 'e-mailadres',
  website: 'website',
  address: 'adres',
  municipalities: 'gemeenten',
  demo: 'demo-gegevens',
  organisation: 'organisatie',
  role: 'rol',
  published: 'op de site',
  changed: 'gewijzigd',
  sessionId: 'sessie',
  trainingId: 'training',
  from: 'van',
  to: 'naar',
  moved: 'tijd of plaats gewijzigd',
  capacity: 'plaatsen',
  mailed: 'gemaild',
  present: 'aanwezig',
  sent: 'verstuurd',
  recipients: 'ontvangers',
  subject: 'onderwerp',
  count: 'aantal',
  retentionMonths: 'bewaartermijn in maanden',
  exportedAt: 'geëxporteerd op',
  themes: 'thema’s',
  url: 'adres',
  direction: 'richting',
  themesAdded: 'thema’s erbij',
  themesRemoved: 'thema’s eraf',
  themeId: 'thema',
  position: 'plaats',
  sources: 'bronnen',
  organisations: 'organisaties',
  new: 'nieuw',
  unchanged: 'ongewijzigd',
  attendance: 'aanwezigheid',
  register: 'register',
  reinvited: 'opnieuw uitgenodigd',
  at: 'om',
};
const DIRECTION: Record<string, string> = { up: 'naar voren', down: 'naar achteren' };

function valueText(value: unknown, depth = 0): string {
  if (value === null || value === undefined || value === '') return '–';
  if (typeof value === 'boolean') return value ? 'ja' : 'nee';
  if (Array.isArray(value)) return value.length ? value.map((v) => valueText(v, depth + 1)).join(', ') : '–';
  if (typeof value === 'object') {
    if (depth > 1) return '…';
    return Object.entries(value)
      .map(([k, v]) => `${KEY_LABEL[k] ?? k} ${valueText(v, depth + 1)}`)
      .join(', ');
  }
  return String(value);
}

/**
 * Details on one line, in Dutch: "naam: JGZ; gewijzigd: telefoon, e-mailadres". Changed fields are
 * named as the sentence names them (for the row's kind). Long ones are cut; the log keeps everything.
 */
export function detailsText(details: Record<string, unknown>, kind: AuditSubjectKind | null = null, max = 240): string {
  const text = Object.entries(details)
    .map(([k, v]) => {
      const value =
        k === 'changed' && kind ? fieldNames(kind, v).join(', ') || '–' : k === 'direction' && typeof v === 'string' ? (DIRECTION[v] ?? v) : valueText(v);
      return `${KEY_LABEL[k] ?? k}: ${value}`;
    })
    .join('; ');
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

// ---------------------------------------------------------------- filter

export interface AuditFilter {
  /** A user id, 'systeem' for rows without a user, or '' for everyone. */
  gebruiker: string;
  actie: string;
  onderwerp: string;
  van: string;
  tot: string;
}
const FIELD_LABEL: Record<keyof AuditFilter | 'pagina', string> = {
  gebruiker: 'Wie',
  actie: 'Actie',
  onderwerp: 'Onderwerp bevat',
  van: 'Van (datum)',
  tot: 'Tot en met (datum)',
  pagina: 'Pagina',
};

/** A calendar day as YYYY-MM-DD that really exists (no 31 April), in a sensible range. */
function validDay(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return y >= 2000 && y <= 9999 && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

export interface ParsedAuditQuery {
  /** The filters that apply (invalid ones left out). */
  filter: AuditFilter;
  /** What the form shows again: valid choices, and text as the user typed it. */
  shown: AuditFilter;
  page: number;
  errors: FieldErrors;
}

/**
 * Reads the filter form leniently, like the public filters: a value we cannot use gets a Dutch
 * message and is left out, the other filters still apply.
 */
export function parseAuditQuery(query: Record<string, string | undefined>, options: { users: { id: number }[]; actions: string[] }): ParsedAuditQuery {
  const errors: FieldErrors = {};
  const filter: AuditFilter = { gebruiker: '', actie: '', onderwerp: '', van: '', tot: '' };
  const shown: AuditFilter = { ...filter };
  const raw = (k: keyof AuditFilter | 'pagina') => {
    const v = query[k] ?? '';
    if (v.length > 200) {
      errors[k] = `Deze waarde is te lang (${v.length} tekens).`;
      return '';
    }
    return oneLine(v);
  };

  const gebruiker = raw('gebruiker');
  if (gebruiker === 'systeem' || (/^[1-9][0-9]{0,9}$/.test(gebruiker) && options.users.some((u) => String(u.id) === gebruiker)))
    filter.gebruiker = shown.gebruiker = gebruiker;
  else if (gebruiker) errors.gebruiker = 'Deze gebruiker kennen we niet. Kies iemand uit de lijst.';

  const actie = raw('actie');
  if (options.actions.includes(actie)) filter.actie = shown.actie = actie;
  else if (actie) errors.actie = `De actie ${quoted(actie)} komt niet voor in het logboek. Kies een actie uit de lijst.`;

  const onderwerp = raw('onderwerp');
  shown.onderwerp = onderwerp.slice(0, 200);
  if (onderwerp.length > MAX_TEXT) errors.onderwerp ??= `Gebruik hoogstens ${MAX_TEXT} tekens (nu ${onderwerp.length}).`;
  else filter.onderwerp = onderwerp;

  for (const k of ['van', 'tot'] as const) {
    const v = raw(k);
    shown[k] = v.slice(0, 40);
    if (!v) continue;
    if (validDay(v)) filter[k] = v;
    else errors[k] ??= `${quoted(v)} is geen datum die we kunnen gebruiken. Vul een datum in als 2026-03-31.`;
  }
  if (filter.van && filter.tot && filter.tot < filter.van) {
    errors.tot = 'De datum ‘tot en met’ ligt vóór de datum ‘van’. Kies een latere datum.';
    filter.tot = '';
  }

  let pageNo = 1;
  const pagina = raw('pagina');
  if (pagina) {
    if (/^[1-9][0-9]{0,5}$/.test(pagina) && Number(pagina) <= MAX_PAGE) pageNo = Number(pagina);
    else errors.pagina = `${quoted(pagina)} is geen paginanummer. We tonen de eerste pagina.`;
  }
  return { filter, shown, page: pageNo, errors };
}

// ---------------------------------------------------------------- queries

export interface AuditRow {
  id: number;
  at: Date;
  actorId: number | null;
  who: string | null;
  action: string;
  subject: string;
  subjectKind: AuditSubjectKind | null;
  subjectId: number | null;
  details: Record<string, unknown>;
}

function conditions(f: AuditFilter): SQL[] {
  const where: SQL[] = [];
  if (f.gebruiker === 'systeem') where.push(isNull(auditLog.actorId));
  else if (f.gebruiker) where.push(eq(auditLog.actorId, Number(f.gebruiker)));
  if (f.actie) where.push(eq(auditLog.action, f.actie));
  if (f.onderwerp) where.push(sql`${auditLog.subject} ilike ${`%${likeLiteral(f.onderwerp)}%`}`);
  // Days as people in the Netherlands count them, whatever the server's time zone.
  if (f.van) where.push(sql`${auditLog.at} >= (${f.van}::date::timestamp at time zone ${ZONE})`);
  if (f.tot) where.push(sql`${auditLog.at} < ((${f.tot}::date + 1)::timestamp at time zone ${ZONE})`);
  return where;
}

export async function listAudit(db: Queryable, f: AuditFilter, pageNo: number): Promise<{ total: number; rows: AuditRow[] }> {
  const where = and(...conditions(f));
  const [countRow] = await db.select({ n: sql<number>`count(*)::int` }).from(auditLog).where(where);
  const list = await db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      actorId: auditLog.actorId,
      who: users.name,
      action: auditLog.action,
      subject: auditLog.subject,
      subjectKind: auditLog.subjectKind,
      subjectId: auditLog.subjectId,
      details: auditLog.details,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(where)
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(AUDIT_PAGE_SIZE)
    .offset((pageNo - 1) * AUDIT_PAGE_SIZE);
  return { total: countRow?.n ?? 0, rows: list };
}

export async function auditActions(db: Queryable): Promise<string[]> {
  const found = await rows<{ action: string }>(db, sql`select distinct ${auditLog.action} as action from ${auditLog} order by 1`);
  return found.map((r) => r.action);
}

/** The admin page of each kind of subject, by its id (a registration's is its session's page). */
const ADMIN_PAGE: Partial<Record<AuditSubjectKind, (id: number) => string>> = {
  organisation: (id) => `/beheer/netwerk/${id}`,
  theme: (id) => `/beheer/themas/${id}`,
  source: (id) => `/beheer/bronnen/${id}`,
  training: (id) => `/beheer/trainingen/${id}`,
  session: (id) => `/beheer/trainingen/sessies/${id}`,
  user: () => '/beheer/gebruikers',
};

/**
 * Admin pages for the subjects on this page of the log, only for things that still exist: an
 * organisation, theme, source, training, session (also for a registration) or a user account.
 */
export async function subjectLinks(db: Queryable, list: AuditRow[]): Promise<Map<number, string>> {
  const idsOf = (kind: AuditSubjectKind) => [...new Set(list.flatMap((r) => (r.subjectKind === kind && r.subjectId !== null ? [r.subjectId] : [])))];
  const existing = async (
    table: typeof organisations | typeof themes | typeof sources | typeof trainings | typeof trainingSessions | typeof users,
    kind: AuditSubjectKind,
  ) => {
    const ids = idsOf(kind);
    const found = ids.length ? await db.select({ id: table.id }).from(table).where(inArray(table.id, ids)) : [];
    return [kind, new Set(found.map((r) => r.id))] as const;
  };
  const registrationIds = idsOf('registration');
  const [found, regs] = await Promise.all([
    Promise.all([
      existing(organisations, 'organisation'),
      existing(themes, 'theme'),
      existing(sources, 'source'),
      existing(trainings, 'training'),
      existing(trainingSessions, 'session'),
      existing(users, 'user'),
    ]),
    registrationIds.length
      ? db.select({ id: registrations.id, sessionId: registrations.sessionId }).from(registrations).where(inArray(registrations.id, registrationIds))
      : [],
  ]);
  const exists = new Map<AuditSubjectKind, Set<number>>(found);
  const sessionOf = new Map(regs.map((r) => [r.id, r.sessionId]));
  const out = new Map<number, string>();
  for (const r of list) {
    if (!r.subjectKind || r.subjectId === null) continue;
    const id = r.subjectId;
    if (r.subjectKind === 'registration') {
      const session = sessionOf.get(id);
      if (session !== undefined) out.set(r.id, `/beheer/trainingen/sessies/${session}`);
      continue;
    }
    const href = ADMIN_PAGE[r.subjectKind];
    if (href && exists.get(r.subjectKind)?.has(id)) out.set(r.id, href(id));
  }
  return out;
}

// ---------------------------------------------------------------- view

const when = new Intl.DateTimeFormat('nl-NL', { dateStyle: 'short', timeStyle: 'medium', timeZone: ZONE });

const describedBy = (name: string, error?: string) => (error ? `${name}-error` : undefined);
const FieldError: FC<{ name: string; error?: string }> = ({ name, error }) =>
  error ? (
    <p class="hw-field-error" id={`${name}-error`}>
      {error}
    </p>
  ) : null;

const FilterForm: FC<{ shown: AuditFilter; errors: FieldErrors; people: { id: number; name: string; email: string }[]; actions: string[] }> = ({
  shown,
  errors,
  people,
  actions,
}) => (
  <form class="hw-filter hw-audit-filter" method="get" action="/beheer/audit" novalidate>
    <div class={`utrecht-form-field${errors.gebruiker ? ' utrecht-form-field--invalid' : ''}`}>
      <label class="utrecht-form-label" for="gebruiker">
        {FIELD_LABEL.gebruiker}
      </label>
      <FieldError name="gebruiker" error={errors.gebruiker} />
      <select
        class="hw-select"
        id="gebruiker"
        name="gebruiker"
        aria-invalid={errors.gebruiker ? 'true' : undefined}
        aria-describedby={describedBy('gebruiker', errors.gebruiker)}
      >
        <option value="" selected={!shown.gebruiker}>
          Iedereen
        </option>
        <option value="systeem" selected={shown.gebruiker === 'systeem'}>
          Systeem (zonder gebruiker)
        </option>
        {people.map((u) => (
          <option value={String(u.id)} selected={shown.gebruiker === String(u.id)}>
            {u.name} ({u.email})
          </option>
        ))}
      </select>
    </div>
    <div class={`utrecht-form-field${errors.actie ? ' utrecht-form-field--invalid' : ''}`}>
      <label class="utrecht-form-label" for="actie">
        {FIELD_LABEL.actie}
      </label>
      <FieldError name="actie" error={errors.actie} />
      <select class="hw-select" id="actie" name="actie" aria-invalid={errors.actie ? 'true' : undefined} aria-describedby={describedBy('actie', errors.actie)}>
        <option value="" selected={!shown.actie}>
          Alle acties
        </option>
        {actions
          .map((a) => ({ a, label: actionTitle(a) }))
          .sort((x, y) => x.label.localeCompare(y.label, 'nl'))
          .map(({ a, label }) => (
            <option value={a} selected={shown.actie === a}>
              {label}
            </option>
          ))}
      </select>
    </div>
    {(['onderwerp', 'van', 'tot'] as const).map((k) => (
      <div class={`utrecht-form-field${errors[k] ? ' utrecht-form-field--invalid' : ''}`}>
        <label class="utrecht-form-label" for={k}>
          {FIELD_LABEL[k]}
        </label>
        <FieldError name={k} error={errors[k]} />
        <input
          class={`utrecht-textbox utrecht-textbox--html-input${errors[k] ? ' utrecht-textbox--invalid' : ''}`}
          type={k === 'onderwerp' ? 'text' : 'date'}
          id={k}
          name={k}
          value={shown[k]}
          maxlength={k === 'onderwerp' ? MAX_TEXT : undefined}
          aria-invalid={errors[k] ? 'true' : undefined}
          aria-describedby={describedBy(k, errors[k])}
        />
      </div>
    ))}
    <div class="hw-filter__actions">
      <button class="utrecht-button utrecht-button--primary-action" type="submit">
        Filter toepassen
      </button>
      <a class="utrecht-link" href="/beheer/audit">
        Wis filters
      </a>
    </div>
  </form>
);

function pageLink(f: AuditFilter, pageNo: number): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) params.set(k, v);
  if (pageNo > 1) params.set('pagina', String(pageNo));
  const qs = params.toString();
  return qs ? `/beheer/audit?${qs}` : '/beheer/audit';
}

auditRoutes.get('/', async (c: Ctx) => {
  const db = c.get('deps').database.db;
  const [people, actions] = await Promise.all([
    db.select({ id: users.id, name: users.name, email: users.email }).from(users).orderBy(asc(users.name), asc(users.id)),
    auditActions(db),
  ]);
  const { filter, shown, page: pageNo, errors } = parseAuditQuery(c.req.query(), { users: people, actions });
  const { total, rows: list } = await listAudit(db, filter, pageNo);
  const links = await subjectLinks(db, list);
  const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
  const filtered = Object.values(filter).some(Boolean);
  const first = (pageNo - 1) * AUDIT_PAGE_SIZE + 1;
  const status =
    total === 0
      ? filtered
        ? 'Geen regels gevonden met deze filters.'
        : 'Het logboek is nog leeg.'
      : list.length === 0
        ? `Pagina ${pageNo} bestaat niet: er ${total === 1 ? 'is 1 regel' : `zijn ${total} regels`} (${pages} ${pages === 1 ? 'pagina' : 'pagina’s'}).`
        : `${total === 1 ? '1 regel' : `${total} regels`}${filtered ? ' gevonden' : ''}. Je ziet ${first} tot en met ${first + list.length - 1}, nieuwste eerst.`;
  return page(
    c,
    {
      title: pageNo > 1 ? `Logboek, pagina ${pageNo}` : 'Logboek',
      status: Object.keys(errors).length ? 400 : 200,
      crumbs: [
        { href: '/beheer', label: 'Beheer' },
        { href: '/beheer/audit', label: 'Logboek' },
      ],
    },
    <>
      <h1 class="utrecht-heading-1">Logboek</h1>
      <p>Wie deed wat en wanneer in beheer: inloggen, accounts, inhoud, trainingen en import. Tijden zijn Nederlandse tijd.</p>
      <ErrorSummary errors={errors} labels={FIELD_LABEL} />
      <FilterForm shown={shown} errors={errors} people={people} actions={actions} />
      <p role="status" class="hw-audit-count">
        {status}
      </p>
      {list.length ? (
        <StackTable columns={['Wanneer', 'Wie', 'Wat', 'Details']} class="hw-audit" caption={<>Logboek, pagina {pageNo}</>} captionClass="hw-visually-hidden">
          {list.map((r) => {
            const href = links.get(r.id);
            return (
              <tr>
                <td data-label="Wanneer">
                  <time datetime={r.at.toISOString()}>{when.format(r.at)}</time>
                </td>
                <td data-label="Wie">{r.who ?? <span class="hw-muted">systeem</span>}</td>
                <td class="hw-line" data-label="Wat">
                  {sentence(r).map((part) =>
                    part.subject && href ? (
                      <a class="utrecht-link" href={href}>
                        {part.text}
                      </a>
                    ) : (
                      part.text
                    ),
                  )}
                </td>
                <td class="hw-line hw-audit__details" data-label="Details">
                  {Object.keys(r.details ?? {}).length ? detailsText(r.details, r.subjectKind) : '–'}
                </td>
              </tr>
            );
          })}
        </StackTable>
      ) : null}
      <Pager page={pageNo} pages={pages} href={(n) => pageLink(filter, n)} prev="Nieuwere regels" next="Oudere regels" />
    </>,
  );
});
