import { and, asc, count, eq, gt, inArray, isNull, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import { audit } from '../audit/record.ts';
import { randomToken, sha256 } from '../crypto.ts';
import type { Db, Queryable, Tx } from '../db/client.ts';
import {
  attendanceProofs,
  evaluationInvites,
  outbox,
  type RegisterCode,
  registrations,
  registrationTokens,
  reminders,
  trainingSessions,
  trainings,
} from '../db/schema.ts';
import { enqueueMail, linkPlaceholder, type Mail, outboxInsertFor, purgeMailsOf, purgeOldMails } from '../mail/outbox.ts';
import { sessionIcs } from './ics.ts';
import { mails } from './mails.ts';

export interface TrainingSettings {
  baseUrl: string;
  /** Minutes a seat is held for a registration until it is confirmed by e-mail (HOLD_MINUTES). */
  holdMinutes: number;
  /** The share of a session's seats, in percent, that unconfirmed registrations may hold at once (HOLD_MAX_PERCENT). */
  holdMaxPercent: number;
  offerHours: number;
  reminderDays: number[];
  retentionMonths: number;
  /** Months a mail is kept after it was sent (default 3). */
  outboxRetentionMonths?: number;
  /** Years a proof of attendance for a register is kept (PROOF_RETENTION_YEARS, default 5). */
  proofRetentionYears?: number;
}

export type Session = typeof trainingSessions.$inferSelect;
export type Training = typeof trainings.$inferSelect;

/** On the public site: its training and the session itself are both published (a draft session is not, nor anything of a draft training). */
export const isPublic = (row: { training: Pick<Training, 'published'>; session: Pick<Session, 'published'> }) =>
  row.training.published && row.session.published;
export type Registration = typeof registrations.$inferSelect;
export type PublicStatus = 'open' | 'vol' | 'nog-niet-open' | 'gesloten' | 'geannuleerd' | 'afgelopen';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** A session this small may be held in full by unconfirmed registrations: a share of it would be no seat at all. */
export const MIN_HOLDS = 5;

/** How many of a session's seats unconfirmed registrations may hold at once. */
export const holdCap = (capacity: number, percent: number) => Math.max(Math.min(capacity, MIN_HOLDS), Math.ceil((capacity * percent) / 100));
const ACTIVE = ['held', 'confirmed', 'waitlisted', 'offered'] as const;

export class TrainingError extends Error {
  constructor(
    message: string,
    readonly code: 'not-found' | 'closed' | 'cancelled' | 'past' | 'not-open' | 'deadline' | 'invalid' | 'changed',
  ) {
    super(message);
  }
}

/** Which registrations hold a seat now: confirmed, plus holds and offers that have not expired. */
export function takesSeat(now: Date): SQL {
  return or(
    eq(registrations.status, 'confirmed'),
    and(eq(registrations.status, 'held'), gt(registrations.holdExpiresAt, now)),
    and(eq(registrations.status, 'offered'), gt(registrations.offerExpiresAt, now)),
  ) as SQL;
}

/** Per session: seats taken now and people waiting, as columns of a query over its registrations. */
export function seatCountColumns(now: Date) {
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

/** Takes the session's row lock: every change to its seats happens one at a time, on any instance. */
async function lockSession(tx: Tx, sessionId: number) {
  const [row] = await tx
    .select({ session: trainingSessions, training: trainings })
    .from(trainingSessions)
    .innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
    .where(eq(trainingSessions.id, sessionId))
    .for('update', { of: trainingSessions });
  return row ?? null;
}

function mailSession(session: Session, training: Training) {
  return {
    title: training.title,
    startsAt: session.startsAt,
    endsAt: session.endsAt,
    location: session.location,
    online: session.online,
    contact: session.contact,
  };
}

export function icsFor(session: Session, training: Training, settings: TrainingSettings, cancelled = session.status === 'geannuleerd') {
  return sessionIcs({
    id: session.id,
    title: training.title,
    summary: training.summary,
    startsAt: session.startsAt,
    endsAt: session.endsAt,
    location: session.location,
    online: session.online,
    sequence: session.icsSequence,
    cancelled,
    url: `${settings.baseUrl}/trainingen/${training.slug}`,
    host: new URL(settings.baseUrl).hostname,
  });
}

/** A working link's token, for a page the registrant sees now (never for a mail: see newToken). */
async function issueToken(tx: Tx, registrationId: number, purpose: 'confirm' | 'manage', expiresAt: Date): Promise<string> {
  const token = randomToken();
  await tx.insert(registrationTokens).values({ tokenHash: sha256(token), registrationId, purpose, expiresAt });
  return token;
}

/**
 * The token of a link in a mail: a placeholder that the sender turns into a working token when the
 * mail goes out (src/mail/outbox.ts), so the outbox never holds a link that works.
 */
async function newToken(_tx: Tx, registrationId: number, purpose: 'confirm' | 'manage', expiresAt: Date): Promise<string> {
  return linkPlaceholder(purpose, registrationId, expiresAt);
}

function manageExpiry(session: Session, settings: TrainingSettings) {
  return new Date(session.endsAt.getTime() + settings.retentionMonths * 31 * 24 * HOUR);
}

async function waitlistPosition(tx: Queryable, reg: Registration): Promise<number> {
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

/**
 * Fills free seats from the waiting list: exactly one offer per free seat. Must run under the
 * session lock (every caller holds it), so two instances can never offer the same seat twice.
 */
async function promote(tx: Tx, session: Session, training: Training, settings: TrainingSettings, now: Date): Promise<number> {
  if (session.status !== 'gepland' || session.startsAt <= now) return 0;
  let offered = 0;
  let free = session.capacity - (await takenSeats(tx, session.id, now));
  while (free > 0) {
    const [next] = await tx
      .select()
      .from(registrations)
      .where(and(eq(registrations.sessionId, session.id), eq(registrations.status, 'waitlisted')))
      .orderBy(asc(registrations.waitlistedAt), asc(registrations.id))
      .limit(1);
    if (!next) break;
    const until = new Date(Math.min(now.getTime() + settings.offerHours * HOUR, session.startsAt.getTime()));
    await tx.update(registrations).set({ status: 'offered', offerExpiresAt: until, updatedAt: now }).where(eq(registrations.id, next.id));
    const manage = await newToken(tx, next.id, 'manage', manageExpiry(session, settings));
    await enqueueMail(
      tx,
      mails.offer(next.email as string, next.name as string, mailSession(session, training), `${settings.baseUrl}/trainingen/aanmelding/${manage}`, until),
    );
    free--;
    offered++;
  }
  return offered;
}

export interface RegistrationInput {
  name: string;
  email: string;
  organisation: string;
  role: string;
  /** For accreditation points only: the register and the number there (both or neither). */
  register?: RegisterCode | null;
  registerNumber?: string | null;
}

/**
 * `held`: a seat is held until `holdUntil`. `pending`: seats are free, but as many as may be are
 * already held for people who have not confirmed, so none is held for this one: confirming takes a
 * seat if one is still free (else a place on the waiting list). `resent`: the address was already
 * registered; `mailed` says whether it got a mail (at most one a day per registration).
 */
export type RegisterOutcome =
  | { kind: 'held'; holdUntil: Date }
  | { kind: 'pending' }
  | { kind: 'waitlisted'; position: number }
  | { kind: 'resent'; status: string; mailed: boolean };

/**
 * The time that puts a registration joining the waiting list behind everyone on it. `now` was read
 * before the session's lock was granted, so someone who joined while this request waited for the
 * lock may hold a later time; and a registration confirmed late is older (lower id) than those
 * waiting, so an equal time would sort it first. Hence: `now`, or a millisecond after the last one.
 */
function behindTheLine(lastWaitlistedAt: Date | null, now: Date): Date {
  return lastWaitlistedAt && lastWaitlistedAt >= now ? new Date(lastWaitlistedAt.getTime() + 1) : now;
}

/**
 * What register() needs to know of a session's registrations, read in one statement once the lock
 * is held (so it sees every registration committed before): seats taken, people waiting and when
 * the last of them joined, and an active registration of this e-mail address, if any.
 */
async function seatState(tx: Tx, sessionId: number, email: string, now: Date) {
  const [row] = await tx
    .select({
      ...seatCountColumns(now),
      holding: sql<number>`count(*) filter (where ${registrations.status} = 'held' and ${registrations.holdExpiresAt} > ${now})::int`,
      lastWaitlistedAt: sql<Date | null>`max(${registrations.waitlistedAt}) filter (where ${registrations.status} = 'waitlisted')`.mapWith(
        registrations.waitlistedAt,
      ),
      existing: sql<number | null>`min(${registrations.id}) filter (where ${registrations.email} = ${email} and ${inArray(registrations.status, [...ACTIVE])})`,
    })
    .from(registrations)
    .where(eq(registrations.sessionId, sessionId));
  return {
    taken: Number(row?.taken ?? 0),
    holding: Number(row?.holding ?? 0),
    waiting: Number(row?.waiting ?? 0),
    lastWaitlistedAt: row?.lastWaitlistedAt ?? null,
    existing: row?.existing == null ? null : Number(row.existing),
  };
}

/**
 * Stores a new registration and its first mail in one statement: one round trip to the database
 * while the session's lock is held. The mail's links name the registration as 0 ("the one stored
 * with it"); their tokens are made when it is sent.
 */
async function storeRegistration(tx: Tx, values: typeof registrations.$inferInsert, mail: Mail): Promise<void> {
  await tx.execute(sql`with reg as (${tx.insert(registrations).values(values).returning({ id: registrations.id }).getSQL()})
    ${outboxInsertFor('reg', mail)}`);
}

export async function register(db: Db, sessionId: number, input: RegistrationInput, settings: TrainingSettings, now: Date): Promise<RegisterOutcome> {
  return db.transaction(async (tx) => {
    const locked = await lockSession(tx, sessionId);
    if (!locked || !isPublic(locked)) throw new TrainingError('Deze bijeenkomst bestaat niet.', 'not-found');
    const { session, training } = locked;
    const ms = mailSession(session, training);
    let seats = await seatState(tx, sessionId, input.email, now);
    if (seats.existing !== null) {
      // Registering twice makes no duplicate: the links go out again, but at most one mail a day
      // for a registration (its first mail counts), so the form cannot be used to flood a mailbox.
      const [existing] = await tx.select().from(registrations).where(eq(registrations.id, seats.existing));
      if (!existing) throw new Error(`registration ${seats.existing} vanished under the session lock`);
      const [recent] = await tx
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(eq(outbox.registrationId, existing.id), gt(outbox.createdAt, new Date(now.getTime() - DAY))))
        .limit(1);
      if (recent) return { kind: 'resent', status: existing.status, mailed: false };
      const manage = await newToken(tx, existing.id, 'manage', manageExpiry(session, settings));
      const confirm = existing.status === 'held' ? await newToken(tx, existing.id, 'confirm', session.startsAt) : null;
      await enqueueMail(tx, {
        ...mails.resend(
          input.email,
          existing.name as string,
          ms,
          `${settings.baseUrl}/trainingen/aanmelding/${manage}`,
          confirm ? `${settings.baseUrl}/trainingen/bevestigen/${confirm}` : null,
        ),
        createdAt: now,
      });
      return { kind: 'resent', status: existing.status, mailed: true };
    }
    const state = publicStatus(session, 0, now);
    if (state === 'geannuleerd') throw new TrainingError('Deze bijeenkomst is geannuleerd.', 'cancelled');
    if (state === 'afgelopen') throw new TrainingError('Deze bijeenkomst is al geweest.', 'past');
    if (state === 'nog-niet-open') throw new TrainingError('Aanmelden voor deze bijeenkomst kan nog niet.', 'not-open');
    if (state === 'gesloten') throw new TrainingError('Aanmelden voor deze bijeenkomst is gesloten.', 'closed');
    // A free seat while people wait (capacity raised, a lapsed hold not yet expired by the
    // schedule): it goes to the waiting list first, as offers, before this registration is seen.
    if (seats.waiting > 0 && seats.taken < session.capacity && (await promote(tx, session, training, settings, now)) > 0)
      seats = await seatState(tx, sessionId, input.email, now);
    const manageUrl = `${settings.baseUrl}/trainingen/aanmelding/${linkPlaceholder('manage', 0, manageExpiry(session, settings))}`;
    if (seats.taken < session.capacity) {
      const confirmUrl = `${settings.baseUrl}/trainingen/bevestigen/${linkPlaceholder('confirm', 0, session.startsAt)}`;
      if (seats.holding >= holdCap(session.capacity, settings.holdMaxPercent)) {
        // No seat held: the registration waits for its confirmation without a hold (so the expiry
        // job leaves it be), and confirm() gives it a seat then if one is free, as for a lapsed hold.
        await storeRegistration(
          tx,
          { sessionId, ...input, status: 'held', holdExpiresAt: null, createdAt: now, updatedAt: now },
          mails.confirmRequest(input.email, input.name, ms, confirmUrl, manageUrl, null),
        );
        return { kind: 'pending' };
      }
      const holdUntil = new Date(Math.min(now.getTime() + settings.holdMinutes * MINUTE, session.startsAt.getTime()));
      await storeRegistration(
        tx,
        { sessionId, ...input, status: 'held', holdExpiresAt: holdUntil, createdAt: now, updatedAt: now },
        mails.confirmRequest(input.email, input.name, ms, confirmUrl, manageUrl, holdUntil),
      );
      return { kind: 'held', holdUntil };
    }
    // Everyone already waiting came first; the order waitlistPosition() and promote() use then
    // matches the place told here.
    const position = seats.waiting + 1;
    const waitlistedAt = behindTheLine(seats.lastWaitlistedAt, now);
    await storeRegistration(
      tx,
      { sessionId, ...input, status: 'waitlisted', waitlistedAt, createdAt: now, updatedAt: now },
      mails.waitlisted(input.email, input.name, ms, position, manageUrl),
    );
    return { kind: 'waitlisted', position };
  });
}

async function findByToken(db: Queryable, token: string, purpose: 'confirm' | 'manage', now: Date) {
  if (!/^[\w-]{20,100}$/.test(token)) return null;
  const [row] = await db
    .select({ registration: registrations })
    .from(registrationTokens)
    .innerJoin(registrations, eq(registrations.id, registrationTokens.registrationId))
    .where(and(eq(registrationTokens.tokenHash, sha256(token)), eq(registrationTokens.purpose, purpose), gt(registrationTokens.expiresAt, now)));
  return row?.registration ?? null;
}

export type ConfirmOutcome = 'confirmed' | 'already' | 'waitlisted' | 'offered' | 'cancelled' | 'invalid' | 'session-cancelled';

/** The link in the first mail. Safe to click twice; an expired hold confirms only if a seat is still free. */
export async function confirm(
  db: Db,
  token: string,
  settings: TrainingSettings,
  now: Date,
): Promise<{ outcome: ConfirmOutcome; position?: number; manage?: string }> {
  const found = await findByToken(db, token, 'confirm', now);
  if (!found) return { outcome: 'invalid' };
  return db.transaction(async (tx) => {
    const locked = await lockSession(tx, found.sessionId);
    if (!locked) return { outcome: 'invalid' as const };
    const { session, training } = locked;
    const [reg] = await tx.select().from(registrations).where(eq(registrations.id, found.id)).for('update');
    if (!reg) return { outcome: 'invalid' as const };
    if (session.status === 'geannuleerd') return { outcome: 'session-cancelled' as const };
    if (reg.status === 'confirmed') return { outcome: 'already' as const };
    if (reg.status === 'cancelled') return { outcome: 'cancelled' as const };
    if (reg.status === 'waitlisted') return { outcome: 'waitlisted' as const, position: await waitlistPosition(tx, reg) };
    if (reg.status === 'offered') return { outcome: 'offered' as const };
    // The link on the page that answers now is made now; the mail's is made when the mail is sent.
    const manage = await issueToken(tx, reg.id, 'manage', manageExpiry(session, settings));
    const manageUrl = `${settings.baseUrl}/trainingen/aanmelding/${await newToken(tx, reg.id, 'manage', manageExpiry(session, settings))}`;
    const holdValid = reg.status === 'held' && reg.holdExpiresAt && reg.holdExpiresAt > now;
    if (!holdValid) {
      // The hold lapsed: a seat is only ours if one is free and nobody is waiting for it.
      await tx.update(registrations).set({ status: 'expired', updatedAt: now }).where(eq(registrations.id, reg.id));
      await promote(tx, session, training, settings, now);
      const seats = await seatState(tx, session.id, reg.email as string, now);
      if (seats.taken >= session.capacity || session.startsAt <= now) {
        const waitlistedAt = behindTheLine(seats.lastWaitlistedAt, now);
        await tx.update(registrations).set({ status: 'waitlisted', waitlistedAt, updatedAt: now }).where(eq(registrations.id, reg.id));
        const position = await waitlistPosition(tx, { ...reg, waitlistedAt });
        await enqueueMail(tx, mails.movedToWaitlist(reg.email as string, reg.name as string, mailSession(session, training), position, manageUrl));
        return { outcome: 'waitlisted' as const, position, manage };
      }
    }
    await tx.update(registrations).set({ status: 'confirmed', confirmedAt: now, holdExpiresAt: null, updatedAt: now }).where(eq(registrations.id, reg.id));
    await enqueueMail(
      tx,
      mails.confirmed(reg.email as string, reg.name as string, mailSession(session, training), manageUrl, icsFor(session, training, settings)),
    );
    return { outcome: 'confirmed' as const, manage };
  });
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

type ManageAction = 'cancel' | 'accept' | 'decline' | 'delete';

/** What a registrant does on their own page. Every change that frees a seat offers it on at once. */
export async function manage(db: Db, token: string, action: ManageAction, settings: TrainingSettings, now: Date): Promise<string> {
  const found = await findByToken(db, token, 'manage', now);
  if (!found) throw new TrainingError('Deze link is verlopen of ongeldig.', 'invalid');
  return db.transaction(async (tx) => {
    const locked = await lockSession(tx, found.sessionId);
    if (!locked) throw new TrainingError('Deze bijeenkomst bestaat niet.', 'not-found');
    const { session, training } = locked;
    const [reg] = await tx.select().from(registrations).where(eq(registrations.id, found.id)).for('update');
    if (!reg) throw new TrainingError('Deze aanmelding bestaat niet meer.', 'not-found');
    const active = (ACTIVE as readonly string[]).includes(reg.status);
    if (action === 'delete') {
      await tx
        .update(registrations)
        .set({
          name: null,
          email: null,
          organisation: null,
          role: null,
          register: null,
          registerNumber: null,
          status: active ? 'cancelled' : reg.status,
          cancelledAt: active ? now : reg.cancelledAt,
          anonymisedAt: now,
          updatedAt: now,
        })
        .where(eq(registrations.id, reg.id));
      await tx.delete(registrationTokens).where(eq(registrationTokens.registrationId, reg.id));
      // Asked by the registrant: the proof for the register and the certificate's code go too.
      await tx.delete(attendanceProofs).where(eq(attendanceProofs.registrationId, reg.id));
      await tx.update(evaluationInvites).set({ tokenHash: null }).where(eq(evaluationInvites.registrationId, reg.id));
      await purgeMailsOf(tx, [reg.id], reg.email ? [reg.email] : []);
      await audit(tx, null, 'registration.deleted-by-registrant', { kind: 'registration', id: reg.id }, { sessionId: session.id });
      if (active) await promote(tx, session, training, settings, now);
      return 'Je gegevens zijn verwijderd.';
    }
    if (action === 'accept') {
      if (reg.status !== 'offered') throw new TrainingError('Er staat geen aanbod voor je klaar.', 'invalid');
      if (!reg.offerExpiresAt || reg.offerExpiresAt <= now) throw new TrainingError('Het aanbod is verlopen.', 'deadline');
      await tx.update(registrations).set({ status: 'confirmed', confirmedAt: now, offerExpiresAt: null, updatedAt: now }).where(eq(registrations.id, reg.id));
      await enqueueMail(
        tx,
        mails.confirmed(
          reg.email as string,
          reg.name as string,
          mailSession(session, training),
          `${settings.baseUrl}/trainingen/aanmelding/${await newToken(tx, reg.id, 'manage', manageExpiry(session, settings))}`,
          icsFor(session, training, settings),
        ),
      );
      return 'Je hebt de plek aangenomen. Je aanmelding is bevestigd.';
    }
    if (!active) throw new TrainingError('Deze aanmelding is al afgemeld.', 'invalid');
    if (action === 'decline' && reg.status !== 'offered') throw new TrainingError('Er staat geen aanbod voor je klaar.', 'invalid');
    if (action === 'cancel' && now >= session.cancelUntil && reg.status === 'confirmed')
      throw new TrainingError(`Afmelden via de site kan niet meer.${session.contact ? ` Neem contact op: ${session.contact}.` : ''}`, 'deadline');
    await tx.update(registrations).set({ status: 'cancelled', cancelledAt: now, updatedAt: now }).where(eq(registrations.id, reg.id));
    await enqueueMail(tx, { ...mails.cancelled(reg.email as string, reg.name as string, mailSession(session, training)), registrationId: reg.id });
    await promote(tx, session, training, settings, now);
    return action === 'decline'
      ? 'Je hebt het aanbod afgeslagen. De plek gaat naar de volgende op de wachtlijst.'
      : 'Je bent afgemeld. Je plek is vrijgegeven.';
  });
}

/** Scheduled: lapsed holds and offers free their seats, which are then offered on. Safe on every instance at once. */
export async function expireDue(db: Db, settings: TrainingSettings, now: Date): Promise<number> {
  const due = await db
    .selectDistinct({ sessionId: registrations.sessionId })
    .from(registrations)
    .where(
      or(
        and(eq(registrations.status, 'held'), lte(registrations.holdExpiresAt, now)),
        and(eq(registrations.status, 'offered'), lte(registrations.offerExpiresAt, now)),
      ),
    );
  let changed = 0;
  for (const { sessionId } of due) {
    changed += await db.transaction(async (tx) => {
      const locked = await lockSession(tx, sessionId);
      if (!locked) return 0;
      const lapsed = await tx
        .update(registrations)
        .set({ status: 'expired', updatedAt: now })
        .where(
          and(
            eq(registrations.sessionId, sessionId),
            or(
              and(eq(registrations.status, 'held'), lte(registrations.holdExpiresAt, now)),
              and(eq(registrations.status, 'offered'), lte(registrations.offerExpiresAt, now)),
            ),
          ),
        )
        .returning({ id: registrations.id });
      await promote(tx, locked.session, locked.training, settings, now);
      return lapsed.length;
    });
  }
  return changed;
}

/** Scheduled: each reminder once per registration (the reminders table's key makes it so). */
export async function sendReminders(db: Db, settings: TrainingSettings, now: Date): Promise<number> {
  let sent = 0;
  for (const days of settings.reminderDays) {
    const horizon = new Date(now.getTime() + days * 24 * HOUR);
    const due = await db
      .select({ registration: registrations, session: trainingSessions, training: trainings })
      .from(registrations)
      .innerJoin(trainingSessions, eq(trainingSessions.id, registrations.sessionId))
      .innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
      .leftJoin(reminders, and(eq(reminders.registrationId, registrations.id), eq(reminders.daysBefore, days)))
      .where(
        and(
          eq(registrations.status, 'confirmed'),
          eq(trainingSessions.status, 'gepland'),
          gt(trainingSessions.startsAt, now),
          lte(trainingSessions.startsAt, horizon),
          isNull(reminders.registrationId),
          // A shorter reminder makes a longer one pointless: no 7-day reminder the day before.
          ...(settings.reminderDays.filter((d) => d < days).length
            ? [gt(trainingSessions.startsAt, new Date(now.getTime() + Math.max(...settings.reminderDays.filter((d) => d < days)) * 24 * HOUR))]
            : []),
        ),
      );
    for (const { registration, session, training } of due) {
      const did = await db.transaction(async (tx) => {
        const inserted = await tx
          .insert(reminders)
          .values({ registrationId: registration.id, daysBefore: days, sentAt: now })
          .onConflictDoNothing()
          .returning();
        if (!inserted.length) return false;
        const manage = await newToken(tx, registration.id, 'manage', manageExpiry(session, settings));
        await enqueueMail(
          tx,
          mails.reminder(
            registration.email as string,
            registration.name as string,
            mailSession(session, training),
            days,
            `${settings.baseUrl}/trainingen/aanmelding/${manage}`,
            icsFor(session, training, settings),
          ),
        );
        return true;
      });
      if (did) sent++;
    }
  }
  return sent;
}

/**
 * Scheduled: personal data of registrations is anonymised a number of months after the session
 * (RETENTION_MONTHS). The proof of attendance for a register is a separate copy, kept
 * PROOF_RETENTION_YEARS and then deleted here too.
 */
export async function anonymiseOld(db: Db, settings: TrainingSettings, now: Date): Promise<number> {
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - settings.retentionMonths);
  // Mails are kept a shorter while: they were only needed to reach someone.
  const mailCutoff = new Date(now);
  mailCutoff.setUTCMonth(mailCutoff.getUTCMonth() - (settings.outboxRetentionMonths ?? 3));
  return db.transaction(async (tx) => {
    await purgeOldMails(tx, mailCutoff);
    await purgeExpiredProofs(tx, now);
    const old = await tx
      .select({ id: registrations.id, email: registrations.email })
      .from(registrations)
      .innerJoin(trainingSessions, eq(trainingSessions.id, registrations.sessionId))
      .where(and(lt(trainingSessions.endsAt, cutoff), isNull(registrations.anonymisedAt)));
    if (!old.length) return 0;
    const ids = old.map((o) => o.id);
    await tx
      .update(registrations)
      .set({ name: null, email: null, organisation: null, role: null, register: null, registerNumber: null, anonymisedAt: now, updatedAt: now })
      .where(inArray(registrations.id, ids));
    await tx.delete(registrationTokens).where(inArray(registrationTokens.registrationId, ids));
    await tx.update(evaluationInvites).set({ tokenHash: null }).where(inArray(evaluationInvites.registrationId, ids));
    await purgeMailsOf(tx, ids, [...new Set(old.flatMap((o) => (o.email ? [o.email] : [])))]);
    await audit(tx, null, 'registrations.anonymised', null, { count: ids.length, retentionMonths: settings.retentionMonths });
    return ids.length;
  });
}

export { lockSession, mailSession, manageExpiry, newToken, promote, waitlistPosition };

/**
 * Scheduled with the anonymisation: proofs of attendance past their PROOF_RETENTION_YEARS are
 * deleted (the proof is kept apart from the registration, see accreditation.ts).
 */
async function purgeExpiredProofs(tx: Queryable, now: Date): Promise<number> {
  const gone = await tx.delete(attendanceProofs).where(lt(attendanceProofs.keepUntil, now)).returning({ id: attendanceProofs.id });
  return gone.length;
}
