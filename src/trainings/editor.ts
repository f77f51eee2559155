import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { audit, sessionSubject } from '../audit/record.ts';
import type { Db, Queryable } from '../db/client.ts';
import { bumpContentVersion } from '../db/content-version.ts';
import { attendanceProofs, registrations, trainingSessions, trainings } from '../db/schema.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { upsertSearchDocument } from '../search/service.ts';
import { excelCsv } from '../ui/csv.ts';
import { recordAttendance, registerName, setRegisters, type TrainingRegister } from './accreditation.ts';
import { certificatePdf } from './certificate.ts';
import type { Question } from './evaluation.ts';
import { formatCsvMoment, formatMoment } from './format.ts';
import { mails } from './mails.ts';
import {
  icsFor,
  lockSession,
  mailSession,
  manageExpiry,
  newToken,
  promote,
  type Registration,
  type Session,
  type Training,
  TrainingError,
  type TrainingSettings,
  takenSeats,
} from './service.ts';

export interface TrainingInput {
  slug: string;
  title: string;
  summary: string;
  descriptionMd: string;
  audience: string[];
  themes: string[];
  durationHours: number;
  accreditation: string;
  published: boolean;
  /** The registers it is accredited for; left out: unchanged. */
  registers?: TrainingRegister[];
  /** The evaluation's questions; null: the default set; left out: unchanged. */
  evaluationQuestions?: Question[] | null;
}

export interface SessionInput {
  startsAt: Date;
  endsAt: Date;
  location: string;
  online: boolean;
  capacity: number;
  registrationOpensAt: Date;
  registrationClosesAt: Date;
  cancelUntil: Date;
  contact: string;
}

/** A training's search document (and a new content version): after every write, and for the demo trainings. */
export async function indexTraining(tx: Queryable, t: Pick<TrainingInput, 'slug' | 'title' | 'summary' | 'audience' | 'descriptionMd'>) {
  // Theme pages link to trainings by title and are cached per content version.
  await bumpContentVersion(tx);
  await upsertSearchDocument(tx, {
    kind: 'training',
    ref: t.slug,
    title: t.title,
    url: `/trainingen/${t.slug}`,
    summary: t.summary,
    body: `${t.audience.join(' ')} ${t.descriptionMd}`,
  });
}

export async function createTraining(db: Db, actorId: number | null, input: TrainingInput): Promise<number> {
  return db.transaction(async (tx) => {
    const [clash] = await tx.select({ id: trainings.id }).from(trainings).where(eq(trainings.slug, input.slug));
    if (clash) throw new TrainingError('Er bestaat al een training met dit webadres (slug).', 'invalid');
    const { registers, ...fields } = input;
    const [row] = await tx.insert(trainings).values(fields).returning({ id: trainings.id });
    const id = row?.id as number;
    if (registers) await setRegisters(tx, id, registers);
    await indexTraining(tx, input);
    await audit(tx, actorId, 'training.created', { kind: 'training', id, label: input.title }, { slug: input.slug });
    return id;
  });
}

export async function updateTraining(db: Db, actorId: number | null, id: number, input: TrainingInput): Promise<void> {
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
    await indexTraining(tx, input);
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
  options: { published?: boolean } = {},
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
    return true;
  });
}

/** Everyone a change to the session concerns: held, confirmed, on the waiting list or offered a seat. */
export async function affected(tx: Queryable, sessionId: number) {
  return tx
    .select()
    .from(registrations)
    .where(and(eq(registrations.sessionId, sessionId), inArray(registrations.status, ['held', 'confirmed', 'waitlisted', 'offered'])));
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
        await enqueueMail(
          tx,
          mails.sessionChanged(r.email as string, r.name as string, mailSession(session, training), `${settings.baseUrl}/trainingen/aanmelding/${manage}`, ics),
        );
        mailed++;
      }
    }
    await promote(tx, session, training, settings, now);
    await audit(tx, actorId, 'session.updated', sessionSubject(session, training), { moved, capacity: input.capacity });
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
    for (const r of people) await enqueueMail(tx, mails.sessionCancelled(r.email as string, r.name as string, mailSession(session, locked.training), ics));
    await audit(tx, actorId, 'session.cancelled', sessionSubject(session, locked.training), { mailed: people.length });
    return { mailed: people.length };
  });
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
      if (value !== r.attendance) await recordAttendance(tx, locked.session, locked.training, r.id, value, settings, now);
    }
    await audit(tx, actorId, 'session.attendance', sessionSubject(locked.session, locked.training), { present: attendedIds.length });
  });
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
          r.email,
          r.name,
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
        reg.email as string,
        reg.name as string,
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
    await enqueueMail(tx, mails.cancelled(reg.email as string, reg.name as string, mailSession(locked.session, locked.training)));
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
    for (const r of people) await enqueueMail(tx, mails.message(r.email as string, r.name as string, mailSession(row.session, row.training), subject, body));
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

export type { Training };
