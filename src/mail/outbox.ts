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
 * The longest one hand-over to the SMTP server may take: a server that accepts connections but
 * never answers counts as a failed attempt after this.
 */
export const SEND_TIMEOUT_MS = 30_000;
/**
 * How long a claimed mail is left to its sender. Well over SEND_TIMEOUT_MS, so a live sender
 * always records its result first; after a crash the mail falls due again once this has passed.
 */
export const LEASE_MS = 5 * 60_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`SMTP-server gaf binnen ${Math.round(ms / 1000)} s geen antwoord`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Takes the next due mail with a lease: in one short transaction the row is locked (FOR UPDATE
 * SKIP LOCKED, so senders on several instances never take the same mail), its attempt counted
 * and its next attempt put LEASE_MS ahead, then committed. No transaction stays open while the
 * SMTP server is talked to.
 */
async function claim(db: Db, now: Date, leaseMs: number) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(outbox)
      .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)))
      .orderBy(asc(outbox.id))
      .limit(1)
      .for('update', { skipLocked: true });
    if (!row) return null;
    const attempts = row.attempts + 1;
    await tx
      .update(outbox)
      .set({ attempts, nextAttemptAt: new Date(now.getTime() + leaseMs) })
      .where(eq(outbox.id, row.id));
    return { ...row, attempts };
  });
}

/**
 * Sends due mails, one at a time: claim (a lease, committed), hand over to SMTP outside any
 * transaction, then record the result, only if the lease is still this sender's (the attempt
 * count it set is unchanged). A crash between hand-over and record leaves the mail pending: it is
 * sent again once the lease has run out, once, with the same Message-ID, so the receiving side
 * can recognise it. At least once, never silently lost.
 */
export async function sendDueMails(
  db: Db,
  transport: Transporter,
  from: string,
  now: () => Date,
  limit = 20,
  opts: { timeoutMs?: number; leaseMs?: number; signal?: AbortSignal } = {},
): Promise<number> {
  let sent = 0;
  for (let i = 0; i < limit && !opts.signal?.aborted; i++) {
    const row = await claim(db, now(), opts.leaseMs ?? LEASE_MS);
    if (!row) break;
    const mine = and(eq(outbox.id, row.id), eq(outbox.attempts, row.attempts), eq(outbox.status, 'pending'));
    try {
      // A Message-ID fixed per outbox row: a resend after a crash or a timed-out hand-over that
      // completed after all carries the same id.
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
      // Stopping the app does not wait for a silent SMTP server: the attempt counts as failed.
      const aborted = new Promise<never>((_, reject) => {
        if (opts.signal?.aborted) reject(new Error('gestopt'));
        opts.signal?.addEventListener('abort', () => reject(new Error('gestopt')), { once: true });
      });
      aborted.catch(() => {});
      await withTimeout(Promise.race([sending, aborted]), opts.timeoutMs ?? SEND_TIMEOUT_MS);
    } catch (err) {
      await db
        .update(outbox)
        .set({
          lastError: String((err as Error).message).slice(0, 500),
          status: row.attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
          nextAttemptAt: new Date(now().getTime() + retryDelay(row.attempts)),
        })
        .where(mine);
      continue;
    }
    await db.update(outbox).set({ status: 'sent', sentAt: now(), lastError: null }).where(mine);
    sent++;
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
