import { and, asc, desc, eq, lte, sql } from 'drizzle-orm';
import type { Transporter } from 'nodemailer';
import type { Db, Queryable } from '../db/client.ts';
import { outbox } from '../db/schema.ts';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments?: { filename: string; contentType: string; content: string; encoding?: 'base64' }[];
}

/** Call inside the transaction that causes the mail: it is sent if and only if that commits. */
export async function enqueueMail(tx: Queryable, mail: Mail): Promise<void> {
  await outboxInsert(tx, mail);
}

/** The insert itself, to run on its own or inside a larger statement (a data-modifying WITH). */
export function outboxInsert(tx: Queryable, mail: Mail) {
  return tx.insert(outbox).values({ ...mail, attachments: mail.attachments ?? [] });
}

/**
 * Retries back off from 30 s, doubling up to one attempt per half hour, for about a day: an SMTP
 * outage of a night or a lost password fixed the next morning loses no mail. Only then is a
 * mail marked failed, for an editor to see at /beheer/mail.
 */
export const FIRST_RETRY_MS = 30_000;
export const MAX_RETRY_MS = 30 * 60_000;
export const MAX_ATTEMPTS = 54;
export const retryDelay = (attempts: number) => Math.min(FIRST_RETRY_MS * 2 ** (attempts - 1), MAX_RETRY_MS);
/**
 * The longest one hand-over to the SMTP server may take. The outbox row stays locked (and a
 * database connection busy) meanwhile, so a server that accepts connections but never answers
 * must count as a failed attempt, well before the database ends the idle transaction.
 */
export const SEND_TIMEOUT_MS = 30_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`SMTP-server gaf binnen ${Math.round(ms / 1000)} s geen antwoord`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Sends due mails, one row at a time under FOR UPDATE SKIP LOCKED, so two instances never send the
 * same mail. A row is marked sent in the same transaction that held its lock.
 */
export async function sendDueMails(
  db: Db,
  transport: Transporter,
  from: string,
  now: () => Date,
  limit = 20,
  opts: { timeoutMs?: number } = {},
): Promise<number> {
  let sent = 0;
  for (let i = 0; i < limit; i++) {
    const done = await db.transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(outbox)
        .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now())))
        .orderBy(asc(outbox.id))
        .limit(1)
        .for('update', { skipLocked: true });
      if (!row) return null;
      try {
        // A Message-ID fixed per outbox row: if a crash falls between the SMTP hand-over and the
        // commit, the retry carries the same id, so the receiving side can recognise it.
        // If the hand-over times out it may still complete later: the retry then sends it again,
        // with the same Message-ID. At least once, never silently lost.
        const sending = transport.sendMail({
          from,
          to: row.to,
          subject: row.subject,
          text: row.text,
          html: row.html,
          attachments: row.attachments,
          messageId: `<outbox-${row.id}-${row.createdAt.getTime()}@hechtwerk>`,
          headers: { 'X-Hechtwerk-Outbox': String(row.id) },
        });
        sending.catch(() => {});
        await withTimeout(sending, opts.timeoutMs ?? SEND_TIMEOUT_MS);
        await tx
          .update(outbox)
          .set({ status: 'sent', sentAt: now(), attempts: row.attempts + 1, lastError: null })
          .where(eq(outbox.id, row.id));
        return true;
      } catch (err) {
        const attempts = row.attempts + 1;
        const delay = retryDelay(attempts);
        await tx
          .update(outbox)
          .set({
            attempts,
            lastError: String((err as Error).message).slice(0, 500),
            status: attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
            nextAttemptAt: new Date(now().getTime() + delay),
          })
          .where(eq(outbox.id, row.id));
        return false;
      }
    });
    if (done === null) break;
    if (done) sent++;
  }
  return sent;
}

export async function listOutbox(db: Queryable, limit = 100) {
  return db.select().from(outbox).orderBy(desc(outbox.id)).limit(limit);
}

export async function getMail(db: Queryable, id: number) {
  const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
  return row ?? null;
}

export async function countPending(db: Queryable): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(outbox).where(eq(outbox.status, 'pending'));
  return row?.n ?? 0;
}
