import { and, asc, eq, gt, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import { sha256 } from '../crypto.ts';
import type { Db, Queryable } from '../db/client.ts';
import { evaluationInvites, evaluationResponses, registrations, trainingSessions, trainings } from '../db/schema.ts';
import { enqueueMail, linkPlaceholder } from '../mail/outbox.ts';
import { excelCsv } from '../ui/csv.ts';
import { addressee, mailSession, mails } from './mails.ts';
import type { Training } from './queries.ts';
import type { TrainingSettings } from './settings.ts';

export interface Question {
  id: string;
  text: string;
  kind: 'scale' | 'open';
}

/** Asked when a training sets no questions of its own: what accrediting bodies ask about. */
export const DEFAULT_QUESTIONS: Question[] = [
  { id: 'v1', text: 'De inhoud is bruikbaar in mijn werk.', kind: 'scale' },
  { id: 'v2', text: 'De trainer bracht de stof duidelijk over.', kind: 'scale' },
  { id: 'v3', text: 'Er was genoeg ruimte om te oefenen en vragen te stellen.', kind: 'scale' },
  { id: 'v4', text: 'De organisatie (plaats, tijd, informatie vooraf) was goed.', kind: 'scale' },
  { id: 'v5', text: 'Ik raad deze training aan collega’s aan.', kind: 'scale' },
  { id: 'opmerking', text: 'Wat wil je de trainer nog meegeven?', kind: 'open' },
];
export const SCALE_LABELS = ['Helemaal oneens', 'Oneens', 'Neutraal', 'Eens', 'Helemaal eens'] as const;

export const questionsOf = (t: Pick<Training, 'evaluationQuestions'>): Question[] => t.evaluationQuestions ?? DEFAULT_QUESTIONS;

/** The editor's text (one statement a line) as questions; the open question always comes last. Empty: the default set. */
export function questionsFromText(text: string): Question[] | null {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (!lines.length) return null;
  return [...lines.map((l, i) => ({ id: `v${i + 1}`, text: l, kind: 'scale' as const })), DEFAULT_QUESTIONS[DEFAULT_QUESTIONS.length - 1] as Question];
}
export const questionsToText = (q: Question[] | null) => (q ? q.filter((x) => x.kind === 'scale').map((x) => x.text) : []).join('\n');

/** How long an evaluation link works after the session. */
const LINK_DAYS = 30;

/** Attendees marked up to this long after the session still get an invitation. */
const INVITE_WITHIN_DAYS = 14;
const DAY = 86_400_000;

/**
 * Scheduled: every attendee (full or partial attendance) of a session that has ended gets one
 * evaluation mail. The invitation row and its mail are written in one transaction per attendee,
 * and the row's primary key makes it once, on any number of instances (rows another instance is
 * working on are skipped, not waited for).
 */
export async function sendEvaluationInvites(db: Db, settings: TrainingSettings, now: Date): Promise<number> {
  const due = await db
    .select({ id: registrations.id })
    .from(registrations)
    .innerJoin(trainingSessions, eq(trainingSessions.id, registrations.sessionId))
    .leftJoin(evaluationInvites, eq(evaluationInvites.registrationId, registrations.id))
    .where(
      and(
        eq(registrations.status, 'confirmed'),
        inArray(registrations.attendance, ['aanwezig', 'deels']),
        isNotNull(registrations.email),
        eq(trainingSessions.status, 'gepland'),
        lte(trainingSessions.endsAt, now),
        gt(trainingSessions.endsAt, new Date(now.getTime() - INVITE_WITHIN_DAYS * DAY)),
        isNull(evaluationInvites.registrationId),
      ),
    )
    .orderBy(asc(registrations.id))
    .limit(500);
  let sent = 0;
  for (const { id } of due) {
    const did = await db.transaction(async (tx) => {
      const [row] = await tx
        .select({ registration: registrations, session: trainingSessions, training: trainings })
        .from(registrations)
        .innerJoin(trainingSessions, eq(trainingSessions.id, registrations.sessionId))
        .innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
        .where(eq(registrations.id, id))
        .for('update', { of: registrations, skipLocked: true });
      const reg = row?.registration;
      if (!row || !reg?.email || !reg.name) return false;
      const expiresAt = new Date(row.session.endsAt.getTime() + LINK_DAYS * DAY);
      const inserted = await tx
        .insert(evaluationInvites)
        .values({ registrationId: reg.id, sessionId: row.session.id, expiresAt, invitedAt: now })
        .onConflictDoNothing()
        .returning({ id: evaluationInvites.registrationId });
      if (!inserted.length) return false;
      await enqueueMail(tx, {
        ...mails.evaluation(
          addressee(reg),
          mailSession(row.session, row.training),
          `${settings.baseUrl}/trainingen/evaluatie/${linkPlaceholder('evaluate', reg.id, expiresAt)}`,
          expiresAt,
        ),
        createdAt: now,
      });
      return true;
    });
    if (did) sent++;
  }
  return sent;
}

async function inviteByToken(db: Queryable, token: string, now: Date) {
  if (!/^[\w-]{20,100}$/.test(token)) return null;
  const [row] = await db
    .select({ invite: evaluationInvites, session: trainingSessions, training: trainings })
    .from(evaluationInvites)
    .innerJoin(trainingSessions, eq(trainingSessions.id, evaluationInvites.sessionId))
    .innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
    .where(and(eq(evaluationInvites.tokenHash, sha256(token)), gt(evaluationInvites.expiresAt, now)));
  return row ?? null;
}

export async function evaluationPage(db: Queryable, token: string, now: Date) {
  const row = await inviteByToken(db, token, now);
  return row ? { ...row, questions: questionsOf(row.training), answered: row.invite.answeredAt !== null } : null;
}

/** Parses a submitted form against the questions: every statement needs a score of 1 to 5. */
export function parseAnswers(questions: Question[], form: Record<string, unknown>) {
  const answers: Record<string, number | string> = {};
  const errors: Record<string, string> = {};
  for (const q of questions) {
    const raw = typeof form[q.id] === 'string' ? (form[q.id] as string) : '';
    if (q.kind === 'scale') {
      if (/^[1-5]$/.test(raw)) answers[q.id] = Number(raw);
      else errors[q.id] = `Kies een antwoord bij: ${q.text}`;
    } else {
      const text = raw.trim();
      if (text.length > 2000) errors[q.id] = 'Gebruik hoogstens 2000 tekens.';
      else if (text) answers[q.id] = text;
    }
  }
  return { answers, errors };
}

/**
 * Stores the answers without who gave them: the response row has no registration and no time; the
 * invitation only records that it was answered (once).
 */
export async function submitEvaluation(db: Db, token: string, answers: Record<string, number | string>, now: Date): Promise<'ok' | 'already' | 'invalid'> {
  const found = await inviteByToken(db, token, now);
  if (!found) return 'invalid';
  return db.transaction(async (tx) => {
    const claimed = await tx
      .update(evaluationInvites)
      .set({ answeredAt: now })
      .where(and(eq(evaluationInvites.registrationId, found.invite.registrationId), isNull(evaluationInvites.answeredAt)))
      .returning({ id: evaluationInvites.registrationId });
    if (!claimed.length) return 'already';
    await tx.insert(evaluationResponses).values({ sessionId: found.session.id, answers });
    return 'ok';
  });
}

export interface EvaluationResults {
  responses: number;
  invited: number;
  shown: boolean;
  questions: Question[];
  averages: Record<string, number | null>;
  comments: string[];
}

/** A session's results: only when at least `min` people answered, so no answer can be traced to one person. */
export async function evaluationResults(db: Queryable, sessionId: number, training: Training, min: number): Promise<EvaluationResults> {
  const questions = questionsOf(training);
  const [counts] = await db.select({ n: sql<number>`count(*)::int` }).from(evaluationInvites).where(eq(evaluationInvites.sessionId, sessionId));
  const rows = await db
    .select({ answers: evaluationResponses.answers })
    .from(evaluationResponses)
    .where(eq(evaluationResponses.sessionId, sessionId))
    .orderBy(asc(evaluationResponses.id));
  const shown = rows.length >= min;
  const averages: Record<string, number | null> = {};
  const comments: string[] = [];
  if (shown) {
    for (const q of questions) {
      if (q.kind === 'scale') {
        const values = rows.map((r) => r.answers[q.id]).filter((v): v is number => typeof v === 'number');
        averages[q.id] = values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10 : null;
      } else for (const r of rows) if (typeof r.answers[q.id] === 'string') comments.push(r.answers[q.id] as string);
    }
  }
  return { responses: rows.length, invited: Number(counts?.n ?? 0), shown, questions, averages, comments };
}

/** Every response as a row (no names, no times), for the trainer's own analysis. Only when the results may be shown. */
export async function evaluationCsv(db: Queryable, sessionId: number, questions: Question[]): Promise<string> {
  const rows = await db
    .select({ answers: evaluationResponses.answers })
    .from(evaluationResponses)
    .where(eq(evaluationResponses.sessionId, sessionId))
    .orderBy(asc(evaluationResponses.id));
  return excelCsv(
    questions.map((q) => q.text),
    rows.map((r) =>
      questions.map((q) => {
        const v = r.answers[q.id];
        return v === undefined || v === null ? '' : String(v);
      }),
    ),
  );
}
