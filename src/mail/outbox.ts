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
  await tx.insert(outbox).values({ ...mail, attachments: mail.attachments ?? [] });
}

export const MAX_ATTEMPTS = 8;

/**
 * Sends due mails, one row at a time under FOR UPDATE SKIP LOCKED, so two instances never send the
 * same mail. A row is marked sent in the same transaction that held its lock.
 */
export async function sendDueMails(db: Db, transport: Transporter, from: string, now: () => Date, limit = 20): Promise<number> {
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
        await transport.sendMail({
          from,
          to: row.to,
          subject: row.subject,
          text: row.text,
          html: row.html,
          attachments: row.attachments,
          messageId: `<outbox-${row.id}-${row.createdAt.getTime()}@hechtwerk>`,
          headers: { 'X-Hechtwerk-Outbox': String(row.id) },
        });
        await tx
          .update(outbox)
          .set({ status: 'sent', sentAt: now(), attempts: row.attempts + 1, lastError: null })
          .where(eq(outbox.id, row.id));
        return true;
      } catch (err) {
        const attempts = row.attempts + 1;
        // Exponential back-off: 30 s, 1, 2, 4 … minutes; after MAX_ATTEMPTS the mail is marked failed for an editor to see.
        const delay = 30_000 * 2 ** (attempts - 1);
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
