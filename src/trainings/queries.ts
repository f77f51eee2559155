import { and, asc, eq, gt, inArray, lte } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { registrations, trainingSessions, trainings } from '../db/schema.ts';
import { listSeatCounts, type SeatCounts } from './seat-cache.ts';
import { type PublicStatus, publicStatus, type Session, seatCountColumns, type Training } from './service.ts';

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
