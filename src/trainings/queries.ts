import { and, asc, count, eq, gt, inArray, lt, lte, or, type Placeholder, type SQL, sql } from 'drizzle-orm';
import { sha256 } from '../crypto.ts';
import type { Queryable } from '../db/client.ts';
import { attendanceProofs, registrations, registrationTokens, trainingSessions, trainings } from '../db/schema.ts';
import { formatMoment } from './format.ts';
import { LIST_COUNTS_MS, listSeatCounts, type SeatCounts } from './seat-cache.ts';

export interface SessionView {
  session: Session;
  status: PublicStatus;
  seatsLeft: number;
  waiting: number;
}

/** Seats taken and people waiting for many sessions in one query. */
async function seatCounts(db: Queryable, ids: number[], now: Date): Promise<SeatCounts> {
  if (!ids.length) return new Map();
  const rows = await db
    .select({ sessionId: registrations.sessionId, ...seatCountColumns(now) })
    .from(registrations)
    .where(inArray(registrations.sessionId, ids))
    .groupBy(registrations.sessionId);
  return new Map(rows.map((r) => [r.sessionId, { taken: Number(r.taken), waiting: Number(r.waiting) }]));
}

/** A session with its counts (none in `counts`: nobody registered). */
function toView(session: Session, counts: SeatCounts, now: Date): SessionView {
  const { taken, waiting } = counts.get(session.id) ?? { taken: 0, waiting: 0 };
  return { session, status: publicStatus(session, taken, now), seatsLeft: Math.max(0, session.capacity - taken), waiting };
}

export async function sessionViews(db: Queryable, sessions: Session[], now: Date): Promise<SessionView[]> {
  const counts = await seatCounts(
    db,
    sessions.map((s) => s.id),
    now,
  );
  return sessions.map((session) => toView(session, counts, now));
}

/**
 * Published trainings by title, each with its coming sessions and their seat counts. The counts
 * may be up to LIST_COUNTS_MS old (seat-cache.ts); trainings and sessions are always read anew.
 */
export async function publishedTrainings(db: Queryable, now: Date) {
  const rows = await db
    .select({ training: trainings, session: trainingSessions })
    .from(trainings)
    .leftJoin(trainingSessions, and(eq(trainingSessions.trainingId, trainings.id), eq(trainingSessions.published, true), gt(trainingSessions.endsAt, now)))
    .where(eq(trainings.published, true))
    .orderBy(asc(trainings.title), asc(trainings.id), asc(trainingSessions.startsAt), asc(trainingSessions.id));
  const ids = rows.flatMap((r) => (r.session ? [r.session.id] : []));
  const counts = ids.length ? await listSeatCounts(db, ids, now, () => seatCounts(db, ids, now)) : new Map();
  const list: { training: Training; sessions: SessionView[] }[] = [];
  for (const row of rows) {
    let last = list[list.length - 1];
    if (last?.training.id !== row.training.id) {
      last = { training: row.training, sessions: [] };
      list.push(last);
    }
    if (row.session) last.sessions.push(toView(row.session, counts, now));
  }
  return list;
}

export async function trainingBySlug(db: Queryable, slug: string) {
  const [t] = await db
    .select()
    .from(trainings)
    .where(and(eq(trainings.slug, slug), eq(trainings.published, true)));
  return t ?? null;
}

/** A training's published sessions (not yet ended, unless `includePast`), for its public page. */
export async function sessionsOf(db: Queryable, trainingId: number, now: Date, includePast = false) {
  const rows = await db
    .select()
    .from(trainingSessions)
    .where(and(eq(trainingSessions.trainingId, trainingId), eq(trainingSessions.published, true), includePast ? undefined : gt(trainingSessions.endsAt, now)))
    .orderBy(asc(trainingSessions.startsAt));
  return sessionViews(db, rows, now);
}

export async function sessionWithTraining(db: Queryable, sessionId: number): Promise<{ session: Session; training: Training } | null> {
  const [row] = await db
    .select({ session: trainingSessions, training: trainings })
    .from(trainingSessions)
    .innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
    .where(eq(trainingSessions.id, sessionId));
  return row ?? null;
}

/** Planned sessions starting after `from` and no later than `until`, with their trainings and seats, soonest first (drafts too: for beheer). */
export async function upcomingSessions(db: Queryable, from: Date, until: Date) {
  const rows = await db
    .select({ session: trainingSessions, training: trainings })
    .from(trainingSessions)
    .innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
    .where(and(eq(trainingSessions.status, 'gepland'), gt(trainingSessions.startsAt, from), lte(trainingSessions.startsAt, until)))
    .orderBy(asc(trainingSessions.startsAt), asc(trainingSessions.id));
  const views = await sessionViews(
    db,
    rows.map((r) => r.session),
    from,
  );
  return rows.map((r, i) => ({ ...r, view: views[i] as SessionView }));
}

/** Planned sessions that have not started and are not on the site yet, with their trainings, soonest first. */
export async function draftSessions(db: Queryable, now: Date) {
  return db
    .select({ session: trainingSessions, training: trainings })
    .from(trainingSessions)
    .innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
    .where(and(eq(trainingSessions.published, false), eq(trainingSessions.status, 'gepland'), gt(trainingSessions.startsAt, now)))
    .orderBy(asc(trainingSessions.startsAt), asc(trainingSessions.id));
}

export async function allPublicSessions(db: Queryable) {
  return db
    .select({ session: trainingSessions, training: trainings })
    .from(trainingSessions)
    .innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
    .where(and(eq(trainings.published, true), eq(trainingSessions.published, true)))
    .orderBy(asc(trainingSessions.startsAt));
}
export type Session = typeof trainingSessions.$inferSelect;
export type Training = typeof trainings.$inferSelect;

/** On the public site: its training and the session itself are both published (a draft session is not, nor anything of a draft training). */
export const isPublic = (row: { training: Pick<Training, 'published'>; session: Pick<Session, 'published'> }) =>
  row.training.published && row.session.published;
export type Registration = typeof registrations.$inferSelect;
export type PublicStatus = 'open' | 'vol' | 'nog-niet-open' | 'gesloten' | 'geannuleerd' | 'afgelopen';

/** Which registrations hold a seat now: confirmed, plus holds and offers that have not expired. */
export function takesSeat(now: Date | Placeholder): SQL {
  return or(
    eq(registrations.status, 'confirmed'),
    and(eq(registrations.status, 'held'), gt(registrations.holdExpiresAt, now)),
    and(eq(registrations.status, 'offered'), gt(registrations.offerExpiresAt, now)),
  ) as SQL;
}

/** Per session: seats taken now and people waiting, as columns of a query over its registrations. */
export function seatCountColumns(now: Date | Placeholder) {
  return {
    taken: sql<number>`count(*) filter (where ${takesSeat(now)})::int`,
    waiting: sql<number>`count(*) filter (where ${registrations.status} = 'waitlisted')::int`,
  };
}

/** Seats that are taken now. */
export function takenSeats(db: Queryable, sessionId: number, now: Date) {
  return db
    .select({ n: count() })
    .from(registrations)
    .where(and(eq(registrations.sessionId, sessionId), takesSeat(now)))
    .then((r) => Number(r[0]?.n ?? 0));
}
export function publicStatus(s: Session, taken: number, now: Date): PublicStatus {
  if (s.status === 'geannuleerd') return 'geannuleerd';
  if (s.endsAt <= now) return 'afgelopen';
  if (s.registrationOpensAt > now) return 'nog-niet-open';
  if (s.registrationClosesAt <= now || s.startsAt <= now) return 'gesloten';
  return taken >= s.capacity ? 'vol' : 'open';
}
export const STATUS_LABEL: Record<PublicStatus, string> = {
  open: 'Aanmelden mogelijk',
  vol: 'Vol: aanmelden voor de wachtlijst',
  'nog-niet-open': 'Aanmelden kan nog niet',
  gesloten: 'Aanmelden gesloten',
  geannuleerd: 'Geannuleerd',
  afgelopen: 'Afgelopen',
};
/** A registration's status as the registrant reads it: on the registration's page and in the download of its data. */
export const REGISTRANT_STATUS: Record<string, string> = {
  held: 'Aangemeld, nog niet bevestigd',
  confirmed: 'Bevestigd',
  waitlisted: 'Op de wachtlijst',
  offered: 'Er is een plek voor je vrij',
  cancelled: 'Afgemeld',
  expired: 'Verlopen',
};
export async function waitlistPosition(tx: Queryable, reg: Registration): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(registrations)
    .where(
      and(
        eq(registrations.sessionId, reg.sessionId),
        eq(registrations.status, 'waitlisted'),
        or(
          lt(registrations.waitlistedAt, reg.waitlistedAt as Date),
          and(eq(registrations.waitlistedAt, reg.waitlistedAt as Date), lt(registrations.id, reg.id)),
        ),
      ),
    );
  return Number(row?.n ?? 0) + 1;
}
export async function findByToken(db: Queryable, token: string, purpose: 'confirm' | 'manage', now: Date) {
  if (!/^[\w-]{20,100}$/.test(token)) return null;
  const [row] = await db
    .select({ registration: registrations })
    .from(registrationTokens)
    .innerJoin(registrations, eq(registrations.id, registrationTokens.registrationId))
    .where(and(eq(registrationTokens.tokenHash, sha256(token)), eq(registrationTokens.purpose, purpose), gt(registrationTokens.expiresAt, now)));
  return row?.registration ?? null;
}
export async function registrationPage(db: Queryable, token: string, now: Date) {
  const reg = await findByToken(db, token, 'manage', now);
  if (!reg) return null;
  const [row] = await db
    .select({ session: trainingSessions, training: trainings })
    .from(trainingSessions)
    .innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
    .where(eq(trainingSessions.id, reg.sessionId));
  if (!row) return null;
  const position = reg.status === 'waitlisted' ? await waitlistPosition(db, reg) : null;
  return { registration: reg, session: row.session, training: row.training, position };
}

/** Everyone a change to the session concerns: held, confirmed, on the waiting list or offered a seat. */
export async function affected(tx: Queryable, sessionId: number) {
  return tx
    .select()
    .from(registrations)
    .where(and(eq(registrations.sessionId, sessionId), inArray(registrations.status, ['held', 'confirmed', 'waitlisted', 'offered'])));
}
export async function sessionRegistrations(db: Queryable, sessionId: number) {
  return db
    .select()
    .from(registrations)
    .where(eq(registrations.sessionId, sessionId))
    .orderBy(
      sql`case ${registrations.status} when 'confirmed' then 0 when 'held' then 1 when 'offered' then 2 when 'waitlisted' then 3 else 4 end`,
      asc(registrations.waitlistedAt),
      asc(registrations.id),
    );
}

/** Mails each attendee their certificate, once per session (the stamp on the session row guards it). */
/** Why certificates cannot be sent now, or null when they can. */
export function certificatesBlocked(session: Session, now: Date): string | null {
  if (session.status === 'geannuleerd') return 'Een geannuleerde bijeenkomst geeft geen certificaten.';
  if (session.endsAt > now) return 'Certificaten kunnen pas na afloop van de bijeenkomst worden verstuurd.';
  if (session.certificatesSentAt) return `De certificaten zijn al verstuurd op ${formatMoment(session.certificatesSentAt)}.`;
  return null;
}

/** Who gets a certificate: confirmed, and marked present in full (the proof is made then). */
export function certificateRecipients(db: Queryable, sessionId: number) {
  return db
    .select({ registration: registrations, proof: attendanceProofs })
    .from(registrations)
    .innerJoin(attendanceProofs, eq(attendanceProofs.registrationId, registrations.id))
    .where(and(eq(registrations.sessionId, sessionId), eq(registrations.status, 'confirmed'), eq(registrations.attended, true)))
    .orderBy(asc(registrations.name), asc(registrations.id));
}

/**
 * The next-sessions query, built once per database: it runs for search results with training hits,
 * and building it anew each time was most of its cost in the app. Its name is left empty, so
 * prepareStatements names it on each connection as it does every repeated statement (and runs it
 * unnamed again if a newer instance's migration makes the prepared form stale). `all`: for every
 * published training, not only the slugs asked.
 */
/** A session a reader can still go to: public, planned, not started. A training's next session is one, and its search document names their places. */
export const comingSession = (now: Date | Placeholder) =>
  and(eq(trainingSessions.published, true), eq(trainingSessions.status, 'gepland'), gt(trainingSessions.startsAt, now));

function nextSessionsStatement(db: Queryable, all: boolean) {
  const now = sql.placeholder('now');
  const counts = seatCountColumns(now);
  return db
    .selectDistinctOn([trainings.slug], {
      slug: trainings.slug,
      session: trainingSessions,
      taken: sql<number>`(select ${counts.taken} from ${registrations} where ${registrations.sessionId} = ${trainingSessions.id})`,
      waiting: sql<number>`(select ${counts.waiting} from ${registrations} where ${registrations.sessionId} = ${trainingSessions.id})`,
    })
    .from(trainings)
    .innerJoin(trainingSessions, eq(trainingSessions.trainingId, trainings.id))
    .where(and(all ? undefined : sql`${trainings.slug} = any(${sql.placeholder('slugs')}::text[])`, eq(trainings.published, true), comingSession(now)))
    .orderBy(asc(trainings.slug), asc(trainingSessions.startsAt), asc(trainingSessions.id))
    .prepare('');
}
type NextSessionRow = Awaited<ReturnType<ReturnType<typeof nextSessionsStatement>['execute']>>[number];
const nextSessionsStatements = new WeakMap<Queryable, { some?: ReturnType<typeof nextSessionsStatement>; all?: ReturnType<typeof nextSessionsStatement> }>();

function readNextSessions(db: Queryable, now: Date, slugs?: string[]): Promise<NextSessionRow[]> {
  let built = nextSessionsStatements.get(db);
  if (!built) {
    built = {};
    nextSessionsStatements.set(db, built);
  }
  if (slugs) {
    built.some ??= nextSessionsStatement(db, false);
    return built.some.execute({ slugs, now });
  }
  built.all ??= nextSessionsStatement(db, true);
  return built.all.execute({ now });
}

const viewsOf = (found: NextSessionRow[], slugs: string[], now: Date): Map<string, SessionView> => {
  const asked = new Set(slugs);
  return new Map(
    found
      .filter((f) => asked.has(f.slug))
      .map((f) => [f.slug, toView(f.session, new Map([[f.session.id, { taken: Number(f.taken), waiting: Number(f.waiting) }]]), now)]),
  );
};

/**
 * Per published training (by slug), its next public session that has not started, with its status
 * and free seats, in one query; a training without one is left out.
 */
export async function nextSessions(db: Queryable, slugs: string[], now: Date): Promise<Map<string, SessionView>> {
  if (!slugs.length) return new Map();
  return viewsOf(await readNextSessions(db, now, slugs), slugs, now);
}

interface RecentNextSessions {
  /** performance.now() when the read began, and the app's clock then (tests move that clock). */
  readAt: number;
  clockAt: number;
  found: Promise<NextSessionRow[]>;
}
const recentNextSessionsByDb = new WeakMap<Queryable, RecentNextSessions>();

/**
 * As nextSessions, for search results: from one read of every published training's next session,
 * used for at most LIST_COUNTS_MS (a second, as the trainings list's seat counts) by every page in
 * that time, so a page of results with training hits costs no query of its own under load. A next
 * session that has started since that read is not shown: the read is made anew. Readers waiting
 * for a read share it.
 */
export async function recentNextSessions(db: Queryable, slugs: string[], now: Date): Promise<Map<string, SessionView>> {
  if (!slugs.length) return new Map();
  const fresh = (e: RecentNextSessions | undefined): e is RecentNextSessions => {
    if (!e) return false;
    const age = now.getTime() - e.clockAt;
    return performance.now() - e.readAt < LIST_COUNTS_MS && age >= 0 && age < LIST_COUNTS_MS;
  };
  const read = () => {
    const entry: RecentNextSessions = { readAt: performance.now(), clockAt: now.getTime(), found: readNextSessions(db, now) };
    recentNextSessionsByDb.set(db, entry);
    // A failed read is not kept: the next page tries again.
    entry.found.catch(() => {
      if (recentNextSessionsByDb.get(db) === entry) recentNextSessionsByDb.delete(db);
    });
    return entry;
  };
  let entry = recentNextSessionsByDb.get(db);
  if (!fresh(entry)) entry = read();
  let found = await entry.found;
  if (found.some((f) => f.session.startsAt <= now && slugs.includes(f.slug))) found = await read().found;
  return viewsOf(found, slugs, now);
}
