import { and, asc, eq, gt, inArray, isNull, like, lt, lte, or, sql } from 'drizzle-orm';
import { audit, sessionSubject } from '../audit/record.ts';
import { renderMarkdown } from '../content/markdown.ts';
import { slugify } from '../content/slug.ts';
import { randomToken, sha256 } from '../crypto.ts';
import type { Db, Queryable, Tx } from '../db/client.ts';
import { bumpContentVersion } from '../db/content-version.ts';
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
import { upsertSearchDocument } from '../search/service.ts';
import { themeOptions } from '../themes/queries.ts';
import { excelCsv } from '../ui/csv.ts';
import type { FieldErrors } from '../ui/forms.tsx';
import { recordAttendance, registerName, setRegisters } from './accreditation.ts';
import { certificatePdf } from './certificate.ts';
import type { SessionInput, TrainingInput } from './form.ts';
import { formatCsvMoment } from './format.ts';
import { sessionIcs } from './ics.ts';
import { addressee, mailSession, mails } from './mails.ts';
import {
  affected,
  certificateRecipients,
  certificatesBlocked,
  comingSession,
  findByToken,
  isPublic,
  publicStatus,
  type Registration,
  type Session,
  seatCountColumns,
  type Training,
  takenSeats,
  waitlistPosition,
} from './queries.ts';
import type { TrainingSettings } from './settings.ts';

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

/**
 * Takes the session's row lock: every change to its seats happens one at a time, on any instance.
 * FOR NO KEY UPDATE, not FOR UPDATE: a row that only refers to the session (a proof of attendance
 * at self check-in, an evaluation invite) takes a key-share lock on it, and with FOR UPDATE that
 * waited for the session's holder while the holder waited for the same registration (a presence
 * list or a message to everyone against a check-in or an invite): a deadlock. Exported for its test.
 */
export async function lockSession(tx: Tx, sessionId: number) {
  const [row] = await tx
    .select({ session: trainingSessions, training: trainings })
    .from(trainingSessions)
    .innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
    .where(eq(trainingSessions.id, sessionId))
    .for('no key update', { of: trainingSessions });
  return row ?? null;
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
    await enqueueMail(tx, mails.offer(addressee(next), mailSession(session, training), `${settings.baseUrl}/trainingen/aanmelding/${manage}`, until));
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
          addressee(existing),
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
    // The registration stored with its first mail (storeRegistration): id 0 until then.
    const newcomer = { id: 0, email: input.email, name: input.name };
    if (seats.taken < session.capacity) {
      const confirmUrl = `${settings.baseUrl}/trainingen/bevestigen/${linkPlaceholder('confirm', 0, session.startsAt)}`;
      if (seats.holding >= holdCap(session.capacity, settings.holdMaxPercent)) {
        // No seat held: the registration waits for its confirmation without a hold (so the expiry
        // job leaves it be), and confirm() gives it a seat then if one is free, as for a lapsed hold.
        await storeRegistration(
          tx,
          { sessionId, ...input, status: 'held', holdExpiresAt: null, createdAt: now, updatedAt: now },
          mails.confirmRequest(newcomer, ms, confirmUrl, manageUrl, null),
        );
        return { kind: 'pending' };
      }
      const holdUntil = new Date(Math.min(now.getTime() + settings.holdMinutes * MINUTE, session.startsAt.getTime()));
      await storeRegistration(
        tx,
        { sessionId, ...input, status: 'held', holdExpiresAt: holdUntil, createdAt: now, updatedAt: now },
        mails.confirmRequest(newcomer, ms, confirmUrl, manageUrl, holdUntil),
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
      mails.waitlisted(newcomer, ms, position, manageUrl),
    );
    return { kind: 'waitlisted', position };
  });
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
        await enqueueMail(tx, mails.movedToWaitlist(addressee(reg), mailSession(session, training), position, manageUrl));
        return { outcome: 'waitlisted' as const, position, manage };
      }
    }
    await tx.update(registrations).set({ status: 'confirmed', confirmedAt: now, holdExpiresAt: null, updatedAt: now }).where(eq(registrations.id, reg.id));
    await enqueueMail(tx, mails.confirmed(addressee(reg), mailSession(session, training), manageUrl, icsFor(session, training, settings)));
    return { outcome: 'confirmed' as const, manage };
  });
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
          addressee(reg),
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
    await enqueueMail(tx, mails.cancelled(addressee(reg), mailSession(session, training)));
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
            addressee(registration),
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

/**
 * Scheduled with the anonymisation: proofs of attendance past their PROOF_RETENTION_YEARS are
 * deleted (the proof is kept apart from the registration, see accreditation.ts).
 */
async function purgeExpiredProofs(tx: Queryable, now: Date): Promise<number> {
  const gone = await tx.delete(attendanceProofs).where(lt(attendanceProofs.keepUntil, now)).returning({ id: attendanceProofs.id });
  return gone.length;
}

type IndexedTraining = Pick<TrainingInput, 'slug' | 'title' | 'summary' | 'audience' | 'descriptionMd' | 'accreditation' | 'published'>;

/**
 * A training's search document (and a new content version): after every write. A training that is
 * not published (a draft) is not findable.
 */
export async function indexTraining(tx: Queryable, t: IndexedTraining, now = new Date()) {
  // Theme pages link to trainings by title and are cached per content version.
  await bumpContentVersion(tx);
  await writeTrainingDocument(tx, t, now);
}

/**
 * Where a training's coming sessions are held, as words its search document holds beside its
 * audience (never shown as a snippet): "online" when one is held online, and each session's place
 * without what stands between brackets (an online one's too: "Microsoft Teams (de link volgt na
 * bevestiging)" gives "Microsoft Teams"). So "online training" or a town finds the training; a
 * cancelled, unpublished or started session does not.
 */
async function sessionPlaces(tx: Queryable, slug: string, now: Date): Promise<string[]> {
  const held = await tx
    .select({ location: trainingSessions.location, online: trainingSessions.online })
    .from(trainingSessions)
    .innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
    .where(
      // The sessions a training hit's "Eerstvolgende bijeenkomst" may name.
      and(eq(trainings.slug, slug), comingSession(now)),
    )
    .orderBy(asc(trainingSessions.startsAt), asc(trainingSessions.id));
  const places = held
    .map((h) =>
      h.location
        .replace(/\([^)]*\)/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter(Boolean);
  return [...new Set([...(held.some((h) => h.online) ? ['online'] : []), ...places])];
}

async function writeTrainingDocument(tx: Queryable, t: IndexedTraining, now: Date) {
  if (!t.published) {
    await tx.execute(sql`delete from search_documents where kind = 'training' and ref = ${t.slug}`);
    return;
  }
  await upsertSearchDocument(tx, {
    kind: 'training',
    ref: t.slug,
    title: t.title,
    url: `/trainingen/${t.slug}`,
    summary: t.summary,
    // What the page says about accreditation too: a GP or nurse looks for "accreditatie".
    body: [renderMarkdown(t.descriptionMd).blocks, t.accreditation.trim()].filter(Boolean).join('\n\n'),
    labels: [...t.audience, ...(await sessionPlaces(tx, t.slug, now))].join(' '),
  });
}

/**
 * After a session was added, changed, cancelled, published or taken off: its training's places.
 * The training's row is locked first, so that writes to its sessions and to the training itself
 * follow each other: each reads the places and the training as the one before left them (a
 * training taken off the site meanwhile stays out of the index).
 */
async function reindexSessionsOf(tx: Queryable, trainingId: number, now: Date) {
  const [t] = await tx.select().from(trainings).where(eq(trainings.id, trainingId)).for('no key update');
  if (t) await writeTrainingDocument(tx, t, now);
}

/**
 * Sessions start without a write: every training's places are brought up to date (by the scheduler,
 * every hour, and at every start), each in its own transaction with its row locked as above. A
 * document that stays the same is not written (upsertSearchDocument); a draft's is removed.
 */
export async function refreshTrainingPlaces(db: Db, now: Date): Promise<void> {
  for (const { id } of await db.select({ id: trainings.id }).from(trainings)) await db.transaction((tx) => reindexSessionsOf(tx, id, now));
}

export async function createTraining(db: Db, actorId: number | null, input: TrainingInput, now = new Date()): Promise<number> {
  return db.transaction(async (tx) => {
    const [clash] = await tx.select({ id: trainings.id }).from(trainings).where(eq(trainings.slug, input.slug));
    if (clash) throw new TrainingError('Er bestaat al een training met dit webadres (slug).', 'invalid');
    const { registers, ...fields } = input;
    const [row] = await tx.insert(trainings).values(fields).returning({ id: trainings.id });
    const id = row?.id as number;
    if (registers) await setRegisters(tx, id, registers);
    await indexTraining(tx, input, now);
    await audit(tx, actorId, 'training.created', { kind: 'training', id, label: input.title }, { slug: input.slug });
    return id;
  });
}

export async function updateTraining(db: Db, actorId: number | null, id: number, input: TrainingInput, now = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    const [clash] = await tx
      .select({ id: trainings.id })
      .from(trainings)
      .where(and(eq(trainings.slug, input.slug), sql`${trainings.id} <> ${id}`));
    if (clash) throw new TrainingError('Er bestaat al een training met dit webadres (slug).', 'invalid');
    const [before] = await tx.select().from(trainings).where(eq(trainings.id, id));
    if (!before) throw new TrainingError('Deze training bestaat niet.', 'not-found');
    const { registers, ...fields } = input;
    await tx
      .update(trainings)
      .set({ ...fields, updatedAt: new Date() })
      .where(eq(trainings.id, id));
    if (registers) await setRegisters(tx, id, registers);
    if (before.slug !== input.slug) await tx.execute(sql`delete from search_documents where kind = 'training' and ref = ${before.slug}`);
    await indexTraining(tx, input, now);
    await audit(tx, actorId, 'training.updated', { kind: 'training', id, label: input.title }, { slug: input.slug });
  });
}

/**
 * Adds a session. The /beheer form makes it a draft (`published: false`) that an editor publishes
 * when it is ready; left out, it is public at once, like the database's default for sessions made
 * by code (demo content, tests).
 */
export async function createSession(
  db: Db,
  actorId: number | null,
  trainingId: number,
  input: SessionInput,
  options: { published?: boolean; now?: Date } = {},
): Promise<number> {
  const published = options.published ?? true;
  return db.transaction(async (tx) => {
    const [training] = await tx.select({ title: trainings.title }).from(trainings).where(eq(trainings.id, trainingId));
    if (!training) throw new TrainingError('Deze training bestaat niet.', 'not-found');
    const [row] = await tx
      .insert(trainingSessions)
      .values({ trainingId, ...input, published })
      .returning({ id: trainingSessions.id, startsAt: trainingSessions.startsAt });
    if (!row) throw new Error('insert returned nothing');
    await audit(tx, actorId, 'session.created', sessionSubject(row, training), { trainingId, published });
    await reindexSessionsOf(tx, trainingId, options.now ?? new Date());
    return row.id;
  });
}

/**
 * Puts a session on the public site or takes it off. Only a session nobody is registered for can
 * be taken off: for one that does not go ahead, cancelling tells the people registered. Returns
 * false when the session already was so (nothing written).
 */
export async function setSessionPublished(db: Db, actorId: number | null, sessionId: number, published: boolean, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const locked = await lockSession(tx, sessionId);
    if (!locked) throw new TrainingError('Deze bijeenkomst bestaat niet.', 'not-found');
    const { session, training } = locked;
    if (session.published === published) return false;
    if (!published) {
      const people = (await affected(tx, sessionId)).length;
      if (people)
        throw new TrainingError(
          `Er ${people === 1 ? 'is al 1 persoon' : `zijn al ${people} mensen`} aangemeld of op de wachtlijst. Gaat de bijeenkomst niet door? Annuleer hem dan: zo krijgen zij bericht.`,
          'invalid',
        );
    }
    await tx.update(trainingSessions).set({ published, updatedAt: now }).where(eq(trainingSessions.id, sessionId));
    await audit(tx, actorId, published ? 'session.published' : 'session.unpublished', sessionSubject(session, training));
    await reindexSessionsOf(tx, session.trainingId, now);
    return true;
  });
}

/**
 * A confirmed mass action names how many people it concerns; under the session's lock the count
 * must still be that, or nothing is done and the editor is asked again.
 */
function checkCount(expected: number | undefined, actual: number, what: string) {
  if (expected !== undefined && expected !== actual)
    throw new TrainingError(`Het aantal is veranderd sinds je keek: het zijn er nu ${actual} (${what}), niet ${expected}. Er is nog niets gedaan.`, 'changed');
}

/**
 * Editor changes a session. A new time or place raises the calendar SEQUENCE and mails everyone
 * affected an updated calendar file; more seats are offered to the waiting list at once.
 */
export async function updateSession(
  db: Db,
  actorId: number | null,
  sessionId: number,
  input: SessionInput,
  settings: TrainingSettings,
  now: Date,
): Promise<{ mailed: number }> {
  return db.transaction(async (tx) => {
    const locked = await lockSession(tx, sessionId);
    if (!locked) throw new TrainingError('Deze bijeenkomst bestaat niet.', 'not-found');
    const { session: before, training } = locked;
    if (before.status === 'geannuleerd') throw new TrainingError('Een geannuleerde bijeenkomst kun je niet meer wijzigen.', 'cancelled');
    const taken = await takenSeats(tx, sessionId, now);
    if (input.capacity < taken) throw new TrainingError(`Er zijn al ${taken} plekken bezet; de capaciteit kan niet lager dan dat.`, 'invalid');
    const moved =
      before.startsAt.getTime() !== input.startsAt.getTime() ||
      before.endsAt.getTime() !== input.endsAt.getTime() ||
      before.location !== input.location ||
      before.online !== input.online;
    const [after] = await tx
      .update(trainingSessions)
      .set({ ...input, icsSequence: moved ? before.icsSequence + 1 : before.icsSequence, updatedAt: now })
      .where(eq(trainingSessions.id, sessionId))
      .returning();
    const session = after as Session;
    let mailed = 0;
    if (moved) {
      const ics = icsFor(session, training, settings);
      for (const r of await affected(tx, sessionId)) {
        const manage = await newToken(tx, r.id, 'manage', manageExpiry(session, settings));
        await enqueueMail(tx, mails.sessionChanged(addressee(r), mailSession(session, training), `${settings.baseUrl}/trainingen/aanmelding/${manage}`, ics));
        mailed++;
      }
    }
    await promote(tx, session, training, settings, now);
    await audit(tx, actorId, 'session.updated', sessionSubject(session, training), { moved, capacity: input.capacity });
    if (moved) await reindexSessionsOf(tx, session.trainingId, now);
    return { mailed };
  });
}

export async function cancelSession(
  db: Db,
  actorId: number | null,
  sessionId: number,
  settings: TrainingSettings,
  now: Date,
  expected?: number,
): Promise<{ mailed: number }> {
  return db.transaction(async (tx) => {
    const locked = await lockSession(tx, sessionId);
    if (!locked) throw new TrainingError('Deze bijeenkomst bestaat niet.', 'not-found');
    if (locked.session.status === 'geannuleerd') throw new TrainingError('Deze bijeenkomst is al geannuleerd.', 'cancelled');
    checkCount(expected, (await affected(tx, sessionId)).length, 'aangemeld of op de wachtlijst');
    const [after] = await tx
      .update(trainingSessions)
      .set({ status: 'geannuleerd', icsSequence: locked.session.icsSequence + 1, updatedAt: now })
      .where(eq(trainingSessions.id, sessionId))
      .returning();
    const session = after as Session;
    const ics = icsFor(session, locked.training, settings, true);
    const people = await affected(tx, sessionId);
    for (const r of people) await enqueueMail(tx, mails.sessionCancelled(addressee(r), mailSession(session, locked.training), ics));
    await audit(tx, actorId, 'session.cancelled', sessionSubject(session, locked.training), { mailed: people.length });
    await reindexSessionsOf(tx, session.trainingId, now);
    return { mailed: people.length };
  });
}

/**
 * The printed presence list's form: the ticked registrants were there in full, the others not.
 * A registrant marked "deels" on the attendance list stays so unless ticked.
 */
export async function setAttendance(
  db: Db,
  actorId: number | null,
  sessionId: number,
  attendedIds: number[],
  settings: TrainingSettings,
  now: Date,
): Promise<void> {
  await db.transaction(async (tx) => {
    const locked = await lockSession(tx, sessionId);
    if (!locked) throw new TrainingError('Deze bijeenkomst bestaat niet.', 'not-found');
    const confirmed = await tx
      .select()
      .from(registrations)
      .where(and(eq(registrations.sessionId, sessionId), eq(registrations.status, 'confirmed')));
    for (const r of confirmed) {
      const value = attendedIds.includes(r.id) ? 'aanwezig' : r.attendance === 'deels' ? 'deels' : 'afwezig';
      // Each change is the registration's own event too, as a single mark is (markAttendance): the
      // registrant's data download lists it.
      if (value !== r.attendance && (await recordAttendance(tx, locked.session, locked.training, r.id, value, settings, now)))
        await audit(tx, actorId, 'registration.attendance', { kind: 'registration', id: r.id }, { sessionId, attendance: value });
    }
    await audit(tx, actorId, 'session.attendance', sessionSubject(locked.session, locked.training), { present: attendedIds.length });
  });
}

export async function sendCertificates(
  db: Db,
  actorId: number | null,
  sessionId: number,
  settings: TrainingSettings,
  now: Date,
  expected?: number,
): Promise<number> {
  return db.transaction(async (tx) => {
    const locked = await lockSession(tx, sessionId);
    if (!locked) throw new TrainingError('Deze bijeenkomst bestaat niet.', 'not-found');
    const { session, training } = locked;
    const blocked = certificatesBlocked(session, now);
    if (blocked) throw new TrainingError(blocked, 'invalid');
    const present = await certificateRecipients(tx, sessionId);
    checkCount(expected, present.length, 'volledig aanwezig');
    for (const { registration: r, proof } of present) {
      if (!r.email || !r.name) continue;
      const verifyUrl = `${settings.baseUrl}/certificaat/${proof.code}`;
      const pdf = await certificatePdf(proof, verifyUrl);
      const manage = await newToken(tx, r.id, 'manage', manageExpiry(session, settings));
      await enqueueMail(
        tx,
        mails.certificate(
          addressee(r),
          mailSession(session, training),
          Buffer.from(pdf).toString('base64'),
          `${settings.baseUrl}/trainingen/aanmelding/${manage}`,
          verifyUrl,
        ),
      );
    }
    await tx.update(trainingSessions).set({ certificatesSentAt: now }).where(eq(trainingSessions.id, sessionId));
    await audit(tx, actorId, 'session.certificates', sessionSubject(session, training), { sent: present.length });
    return present.length;
  });
}

/** Moves a registration to another session of the same training, if that one has room. */
export async function moveRegistration(
  db: Db,
  actorId: number | null,
  registrationId: number,
  toSessionId: number,
  settings: TrainingSettings,
  now: Date,
): Promise<void> {
  await db.transaction(async (tx) => {
    const [reg] = await tx.select().from(registrations).where(eq(registrations.id, registrationId));
    if (!reg || !['held', 'confirmed', 'waitlisted', 'offered'].includes(reg.status))
      throw new TrainingError('Deze aanmelding kan niet worden verplaatst.', 'invalid');
    if (reg.sessionId === toSessionId) throw new TrainingError('Kies een andere bijeenkomst.', 'invalid');
    // Lock both sessions in id order, so two moves in opposite directions cannot deadlock.
    const [a, b] = [reg.sessionId, toSessionId].sort((x, y) => x - y) as [number, number];
    const first = await lockSession(tx, a);
    const second = await lockSession(tx, b);
    const from = first?.session.id === reg.sessionId ? first : second;
    const to = first?.session.id === toSessionId ? first : second;
    if (!from || !to) throw new TrainingError('Deze bijeenkomst bestaat niet.', 'not-found');
    if (to.training.id !== from.training.id) throw new TrainingError('Je kunt alleen verplaatsen naar een bijeenkomst van dezelfde training.', 'invalid');
    if (to.session.status !== 'gepland' || to.session.startsAt <= now)
      throw new TrainingError('De gekozen bijeenkomst is geannuleerd of al begonnen.', 'invalid');
    // The registrant gets a link to its page: a draft has none yet.
    if (!to.session.published) throw new TrainingError('De gekozen bijeenkomst staat nog niet op de site. Publiceer hem eerst.', 'invalid');
    if ((await takenSeats(tx, toSessionId, now)) >= to.session.capacity) throw new TrainingError('De gekozen bijeenkomst is vol.', 'invalid');
    await tx
      .update(registrations)
      .set({ sessionId: toSessionId, status: 'confirmed', confirmedAt: now, holdExpiresAt: null, offerExpiresAt: null, waitlistedAt: null, updatedAt: now })
      .where(eq(registrations.id, registrationId));
    const manage = await newToken(tx, reg.id, 'manage', manageExpiry(to.session, settings));
    await enqueueMail(
      tx,
      mails.sessionChanged(
        addressee(reg),
        mailSession(to.session, to.training),
        `${settings.baseUrl}/trainingen/aanmelding/${manage}`,
        icsFor(to.session, to.training, settings),
      ),
    );
    await promote(tx, from.session, from.training, settings, now);
    await audit(tx, actorId, 'registration.moved', { kind: 'registration', id: registrationId }, { from: reg.sessionId, to: toSessionId });
  });
}

export async function cancelRegistrationByEditor(db: Db, actorId: number | null, registrationId: number, settings: TrainingSettings, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    const [reg] = await tx.select().from(registrations).where(eq(registrations.id, registrationId));
    if (!reg) throw new TrainingError('Deze aanmelding bestaat niet.', 'not-found');
    const locked = await lockSession(tx, reg.sessionId);
    if (!locked) throw new TrainingError('Deze bijeenkomst bestaat niet.', 'not-found');
    if (!['held', 'confirmed', 'waitlisted', 'offered'].includes(reg.status)) throw new TrainingError('Deze aanmelding is al afgemeld.', 'invalid');
    await tx.update(registrations).set({ status: 'cancelled', cancelledAt: now, updatedAt: now }).where(eq(registrations.id, registrationId));
    await enqueueMail(tx, mails.cancelled(addressee(reg), mailSession(locked.session, locked.training)));
    await promote(tx, locked.session, locked.training, settings, now);
    await audit(tx, actorId, 'registration.cancelled-by-editor', { kind: 'registration', id: registrationId }, { sessionId: reg.sessionId });
  });
}

export async function messageAll(db: Db, actorId: number | null, sessionId: number, subject: string, body: string, expected?: number): Promise<number> {
  return db.transaction(async (tx) => {
    // Locked like every other change to who is registered, so the count holds until the commit.
    const row = await lockSession(tx, sessionId);
    if (!row) throw new TrainingError('Deze bijeenkomst bestaat niet.', 'not-found');
    const people = await affected(tx, sessionId);
    checkCount(expected, people.length, 'aangemeld of op de wachtlijst');
    // Each mail names its registration (addressee): in the registrant's download, and deleted with it.
    for (const r of people) await enqueueMail(tx, mails.message(addressee(r), mailSession(row.session, row.training), subject, body));
    await audit(tx, actorId, 'session.message', sessionSubject(row.session, row.training), { recipients: people.length, subject });
    return people.length;
  });
}

const STATUS_NL: Record<string, string> = {
  held: 'nog niet bevestigd',
  confirmed: 'bevestigd',
  waitlisted: 'wachtlijst',
  offered: 'plek aangeboden',
  cancelled: 'afgemeld',
  expired: 'verlopen',
};

/**
 * The registrations of a session for Dutch Excel (src/ui/csv.ts): numbered 1, 2, 3… in the order
 * people registered, times in Dutch local time ("4-12-2026 14:30").
 */
export function registrationsCsv(rows: Registration[]): string {
  const inOrder = [...rows].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
  return excelCsv(
    ['nr', 'naam', 'e-mail', 'organisatie', 'functie', 'status', 'aanwezig', 'aangemeld op', 'register', 'registratienummer'],
    inOrder.map((r, i) => [
      i + 1,
      r.name,
      r.email,
      r.organisation,
      r.role,
      STATUS_NL[r.status] ?? r.status,
      r.attended ? 'ja' : 'nee',
      formatCsvMoment(r.createdAt),
      registerName(r.register),
      r.registerNumber,
    ]),
  );
}

/**
 * What the database must confirm: every theme exists (a theme deleted while the form was open is
 * named), and a blank slug is made from the title, numbered when another training has it.
 */
export async function completeTraining(db: Queryable, input: TrainingInput, exceptId?: number): Promise<{ data: TrainingInput } | { errors: FieldErrors }> {
  const known = new Set((await themeOptions(db)).map((t) => t.slug));
  const unknown = input.themes.filter((slug) => !known.has(slug));
  if (unknown.length) return { errors: { themes: `Dit thema bestaat niet (meer): ${unknown.join(', ')}. Kies thema’s uit de lijst.` } };
  if (input.slug) return { data: input };
  const base = slugify(input.title) || 'training';
  const taken = new Set(
    (
      await db
        .select({ id: trainings.id, slug: trainings.slug })
        .from(trainings)
        .where(like(trainings.slug, `${base}%`))
    )
      .filter((t) => t.id !== exceptId)
      .map((t) => t.slug),
  );
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base.slice(0, 75)}-${n}`;
  return { data: { ...input, slug } };
}
