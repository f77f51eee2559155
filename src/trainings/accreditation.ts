import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { audit } from '../audit/record.ts';
import type { Db, Queryable, Tx } from '../db/client.ts';
import { attendanceProofs, REGISTER_CODES, REGISTERS, type RegisterCode, registrations, trainingRegisters } from '../db/schema.ts';
import { excelCsv } from '../ui/csv.ts';
import { type Session, sessionWithTraining, type Training } from './queries.ts';
import type { TrainingSettings } from './settings.ts';

export { isRegister, REGISTERS, registerName } from '../db/schema.ts';

/**
 * A registration number as the register issues it, or a Dutch message why it is not one. BIG
 * numbers are 11 digits; the other registers publish no single format, so: 3 to 20 letters and
 * digits with at least one digit (spaces and dashes as typed are dropped).
 */
export function checkRegisterNumber(register: RegisterCode, raw: string): { ok: true; value: string } | { ok: false; message: string } {
  const value = raw.replace(/[\s.-]/g, '').toUpperCase();
  if (!value) return { ok: false, message: `Vul je ${REGISTERS[register].numberLabel} in, of kies bij register “Geen”.` };
  if (register === 'big')
    return /^\d{11}$/.test(value) ? { ok: true, value } : { ok: false, message: 'Een BIG-nummer bestaat uit 11 cijfers, zoals 19012345601.' };
  if (!/^[A-Z0-9]{3,20}$/.test(value) || !/\d/.test(value))
    return {
      ok: false,
      message: `Vul je ${REGISTERS[register].numberLabel} in zoals het register het geeft: 3 tot 20 letters en cijfers, met minstens één cijfer.`,
    };
  return { ok: true, value };
}

export interface TrainingRegister {
  register: RegisterCode;
  points: number;
  accreditationId: string;
}

export async function registersOf(db: Queryable, trainingId: number): Promise<TrainingRegister[]> {
  const rows = await db.select().from(trainingRegisters).where(eq(trainingRegisters.trainingId, trainingId));
  return rows
    .map((r) => ({ register: r.register as RegisterCode, points: r.points, accreditationId: r.accreditationId }))
    .sort((a, b) => REGISTER_CODES.indexOf(a.register) - REGISTER_CODES.indexOf(b.register));
}

/** The registers of many trainings at once (the API, the calendar feed). */
export async function registersByTraining(db: Queryable, trainingIds: number[]): Promise<Map<number, TrainingRegister[]>> {
  const out = new Map<number, TrainingRegister[]>();
  if (!trainingIds.length) return out;
  const rows = await db.select().from(trainingRegisters).where(inArray(trainingRegisters.trainingId, trainingIds));
  for (const r of rows.sort((a, b) => REGISTER_CODES.indexOf(a.register as RegisterCode) - REGISTER_CODES.indexOf(b.register as RegisterCode))) {
    const list = out.get(r.trainingId) ?? [];
    list.push({ register: r.register as RegisterCode, points: r.points, accreditationId: r.accreditationId });
    out.set(r.trainingId, list);
  }
  return out;
}

/** Replaces a training's registers (inside the transaction that saves the training). */
export async function setRegisters(tx: Queryable, trainingId: number, list: TrainingRegister[]): Promise<void> {
  await tx.delete(trainingRegisters).where(eq(trainingRegisters.trainingId, trainingId));
  if (list.length) await tx.insert(trainingRegisters).values(list.map((r) => ({ trainingId, ...r })));
}

/** "V&VN Kwaliteitsregister: 3 punten (accreditatie 12345)", for pages, mails and the calendar. */
export const pointsLine = (r: TrainingRegister) =>
  `${REGISTERS[r.register].name}: ${r.points} ${r.points === 1 ? 'punt' : 'punten'}${r.accreditationId ? ` (accreditatie ${r.accreditationId})` : ''}`;

// ---------------------------------------------------------------- attendance

export const ATTENDANCE = ['aanwezig', 'deels', 'afwezig'] as const;
export type Attendance = (typeof ATTENDANCE)[number];
export const ATTENDANCE_LABEL: Record<Attendance, string> = { aanwezig: 'Aanwezig', deels: 'Deels', afwezig: 'Afwezig' };

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A certificate's verification code: 12 characters without look-alikes, as XXXX-XXXX-XXXX. */
export function newCertificateCode(): string {
  const chars = Array.from({ length: 12 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
}
export const CERTIFICATE_CODE = /^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/;

export function proofKeepUntil(session: Session, settings: Pick<TrainingSettings, 'proofRetentionYears'>): Date {
  const d = new Date(session.endsAt);
  d.setUTCFullYear(d.getUTCFullYear() + (settings.proofRetentionYears ?? 5));
  return d;
}

/**
 * Records one registrant's attendance. Full attendance makes (or keeps) the proof for the
 * register with its certificate code; anything else removes it. Only confirmed registrations of
 * the session can be marked. Runs in the caller's transaction; returns false when there was
 * nothing to mark.
 */
export async function recordAttendance(
  tx: Tx,
  session: Session,
  training: Training,
  registrationId: number,
  value: Attendance,
  settings: TrainingSettings,
  now: Date,
  checkedIn = false,
): Promise<boolean> {
  const [reg] = await tx
    .update(registrations)
    .set({ attendance: value, attended: value === 'aanwezig', updatedAt: now, ...(checkedIn ? { checkedInAt: now } : {}) })
    .where(and(eq(registrations.id, registrationId), eq(registrations.sessionId, session.id), eq(registrations.status, 'confirmed')))
    .returning();
  if (!reg) return false;
  if (value !== 'aanwezig' || !reg.name) {
    await tx.delete(attendanceProofs).where(eq(attendanceProofs.registrationId, reg.id));
    return true;
  }
  const [accredited] = reg.register
    ? await tx
        .select()
        .from(trainingRegisters)
        .where(and(eq(trainingRegisters.trainingId, training.id), eq(trainingRegisters.register, reg.register)))
    : [];
  const values = {
    name: reg.name,
    register: accredited ? reg.register : null,
    registerNumber: accredited ? reg.registerNumber : null,
    trainingTitle: training.title,
    sessionDate: session.startsAt,
    hours: training.durationHours,
    points: accredited?.points ?? null,
    accreditationId: accredited?.accreditationId || null,
    keepUntil: proofKeepUntil(session, settings),
  };
  await tx
    .insert(attendanceProofs)
    .values({ registrationId: reg.id, sessionId: session.id, code: newCertificateCode(), issuedAt: now, ...values })
    .onConflictDoUpdate({ target: attendanceProofs.registrationId, set: values });
  return true;
}

/** An editor marks one registrant (the attendance list, with or without JavaScript). */
export async function markAttendance(
  db: Db,
  actorId: number | null,
  sessionId: number,
  registrationId: number,
  value: Attendance,
  settings: TrainingSettings,
  now: Date,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const row = await sessionWithTraining(tx, sessionId);
    if (!row) return false;
    const done = await recordAttendance(tx, row.session, row.training, registrationId, value, settings, now);
    if (done) await audit(tx, actorId, 'registration.attendance', { kind: 'registration', id: registrationId }, { sessionId, attendance: value });
    return done;
  });
}

export async function proofOf(db: Queryable, registrationId: number) {
  const [row] = await db.select().from(attendanceProofs).where(eq(attendanceProofs.registrationId, registrationId));
  return row ?? null;
}

export async function proofByCode(db: Queryable, code: string, now: Date) {
  const normal = code.trim().toUpperCase();
  if (!CERTIFICATE_CODE.test(normal)) return null;
  const [row] = await db.select().from(attendanceProofs).where(eq(attendanceProofs.code, normal));
  return row && row.keepUntil > now ? row : null;
}

// ---------------------------------------------------------------- QR self check-in

const WINDOW_MS = 15 * 60_000;

/** Check-in opens this long before the start and closes at the session's end. */
export const CHECKIN_OPENS_BEFORE_MS = 30 * 60_000;

export type CheckinWindow = 'te-vroeg' | 'open' | 'voorbij';
export function checkinWindow(session: Session, now: Date): CheckinWindow {
  if (session.status !== 'gepland' || now >= session.endsAt) return 'voorbij';
  if (now.getTime() < session.startsAt.getTime() - CHECKIN_OPENS_BEFORE_MS) return 'te-vroeg';
  return 'open';
}

/** 8 characters without look-alikes (40 bits), so the address can be typed from the screen too. */
const codeFor = (secret: Buffer, sessionId: number, window: number) =>
  [...createHmac('sha256', secret).update(`checkin:${sessionId}:${window}`).digest().subarray(0, 8)].map((b) => CODE_ALPHABET[b % 32]).join('');

/** The code shown in the room now: it changes every 15 minutes. */
export const checkinCode = (secret: Buffer, sessionId: number, now: Date) => codeFor(secret, sessionId, Math.floor(now.getTime() / WINDOW_MS));

/** This window's code or the one before (a phone that scanned just before the change still works). */
export function validCheckinCode(secret: Buffer, sessionId: number, code: string, now: Date): boolean {
  const typed = code.toUpperCase();
  if (!/^[A-HJ-NP-Z2-9]{8}$/.test(typed)) return false;
  const w = Math.floor(now.getTime() / WINDOW_MS);
  return [w, w - 1].some((win) => timingSafeEqual(Buffer.from(codeFor(secret, sessionId, win)), Buffer.from(typed)));
}

/** A registrant checks themselves in with their e-mail address: a confirmed registration of this session. */
export async function selfCheckIn(db: Db, sessionId: number, email: string, settings: TrainingSettings, now: Date): Promise<'ok' | 'already' | 'unknown'> {
  return db.transaction(async (tx) => {
    const row = await sessionWithTraining(tx, sessionId);
    if (!row) return 'unknown';
    const [reg] = await tx
      .select()
      .from(registrations)
      .where(and(eq(registrations.sessionId, sessionId), eq(registrations.email, email), eq(registrations.status, 'confirmed')))
      .for('update');
    if (!reg) return 'unknown';
    if (reg.checkedInAt) return 'already';
    // An editor's "deels" stands; a check-in counts as present from the start.
    const value: Attendance = reg.attendance === 'deels' ? 'deels' : 'aanwezig';
    await recordAttendance(tx, row.session, row.training, reg.id, value, settings, now, true);
    await audit(tx, null, 'registration.checked-in', { kind: 'registration', id: reg.id }, { sessionId });
    return 'ok';
  });
}

// ---------------------------------------------------------------- accreditation export

/** Attendees with full attendance who gave a number for this register, as the registers' upload formats ask. */
export async function accreditationRows(db: Queryable, sessionId: number, register: RegisterCode) {
  return db
    .select()
    .from(attendanceProofs)
    .where(and(eq(attendanceProofs.sessionId, sessionId), eq(attendanceProofs.register, register)))
    .orderBy(asc(attendanceProofs.name), asc(attendanceProofs.id));
}

const isoDay = (d: Date) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Amsterdam' }).format(d);

/** CSV for Dutch Excel and the registers' upload screens (src/ui/csv.ts); the date as the registers read it (2026-12-04). */
export function accreditationCsv(rows: (typeof attendanceProofs.$inferSelect)[]): string {
  return excelCsv(
    ['naam', 'registratienummer', 'datum', 'punten', 'accreditatienummer'],
    rows.map((r) => [r.name, r.registerNumber, isoDay(r.sessionDate), r.points ?? '', r.accreditationId]),
  );
}
