import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Transporter } from 'nodemailer';
import { randomToken, sha256 } from '../crypto.ts';
import type { Db, Queryable } from '../db/client.ts';
import { evaluationInvites, loginTokens, outbox, registrations, registrationTokens } from '../db/schema.ts';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments?: { filename: string; contentType: string; content: string; encoding?: 'base64' }[];
  /** The registration the mail is about: the mail goes when its personal data goes. */
  registrationId?: number;
  /** Only beheerders may read it at /beheer/mail (an invitation says who may become what). */
  restricted?: boolean;
  /** When it was queued, on the app's clock (default: the database's now). */
  createdAt?: Date;
}

/**
 * Personal links (a registrant's confirm and manage links, an invitation) never stand in the
 * outbox: a mail holds a placeholder where the token goes, and the token is made when the mail is
 * sent, with only its hash kept (see fillLinks). So whoever reads the outbox (an editor at
 * /beheer/mail, a backup) finds no link that works. Without SMTP_URL mails wait in the outbox with
 * their placeholders, and get working links whenever a mail server is set up.
 *
 * `ref` is the registration (0: the one the mail is stored with) or, for an invitation, the
 * login_tokens row; `expiresAt` is when a registration link stops working.
 *
 * Only a placeholder made here is ever filled. A mail also holds text that people typed (a
 * registrant's name, an editor's message, a session's place), and a name such as
 * "{link:manage:12:0}" must not make the sender mint a link to someone else's registration, or to
 * a staff account's invitation, and mail it to whoever typed it. So each placeholder ends in a
 * random mark, kept here until the mail that holds it is stored (checked()); any other text of
 * that shape is stored inert (see inert()).
 */
export type LinkPurpose = 'confirm' | 'manage' | 'invite' | 'reset' | 'evaluate';
const MARK_CHARS = 12;
/** Placeholders made and not yet stored (insertion order; the oldest go first past the limit). */
const minted = new Set<string>();
const MINTED_LIMIT = 10_000;
export const linkPlaceholder = (purpose: LinkPurpose, ref: number, expiresAt?: Date) => {
  const placeholder = `{link:${purpose}:${ref}:${expiresAt?.getTime() ?? 0}:${randomBytes(9).toString('base64url')}}`;
  minted.add(placeholder);
  if (minted.size > MINTED_LIMIT) minted.delete(minted.values().next().value as string);
  return placeholder;
};
const PLACEHOLDER = new RegExp(`\\{link:(confirm|manage|invite|reset|evaluate):(\\d+):(\\d+):[A-Za-z0-9_-]{${MARK_CHARS}}\\}`, 'g');
/** Anything that looks like a placeholder, made here or typed (also in the form of before the marks). */
const LOOKALIKE = /\{link:/g;

/**
 * The mail's text with every placeholder that was not made by linkPlaceholder() made inert ("{ link:"),
 * and the placeholders that were, which are then forgotten (each is stored once).
 */
function inert(mail: Mail): { text: string; html: string; placeholders: string[] } {
  const found = new Set([...`${mail.text}\n${mail.html}`.matchAll(PLACEHOLDER)].map((m) => m[0]).filter((p) => minted.has(p)));
  const keep = (s: string) => s.replace(LOOKALIKE, (hit, at: number) => ([...found].some((p) => s.startsWith(p, at)) ? hit : '{ link:'));
  const out = { text: keep(mail.text), html: keep(mail.html), placeholders: [...found] };
  for (const p of found) minted.delete(p);
  return out;
}

/** A working personal link as it would stand in a mail: what must never be stored. */
export const SECRET_LINK =
  /\/(?:beheer\/welkom|beheer\/nieuw-wachtwoord|trainingen\/bevestigen|trainingen\/aanmelding|trainingen\/evaluatie)\/[A-Za-z0-9_-]{16,}/;

/** Call inside the transaction that causes the mail: it is sent if and only if that commits. */
export async function enqueueMail(tx: Queryable, mail: Mail): Promise<void> {
  await outboxInsert(tx, mail);
}

function checked(mail: Mail) {
  if (SECRET_LINK.test(mail.text) || SECRET_LINK.test(mail.html)) throw new Error(`mail "${mail.subject}" holds a personal link: use linkPlaceholder()`);
  const { text, html, placeholders } = inert(mail);
  let registrationId = mail.registrationId ?? null;
  for (const p of placeholders) {
    const [, purpose, ref] = p.slice(1, -1).split(':');
    if (purpose === 'invite' || purpose === 'reset' || ref === '0') continue;
    if (registrationId !== null && registrationId !== Number(ref)) throw new Error(`mail "${mail.subject}" has links of two registrations`);
    registrationId = Number(ref);
  }
  const { registrationId: _, restricted, attachments, ...rest } = mail;
  return { ...rest, text, html, attachments: attachments ?? [], registrationId, restricted: restricted ?? false };
}

/** The insert itself, to run on its own or inside a larger statement (a data-modifying WITH). */
export function outboxInsert(tx: Queryable, mail: Mail) {
  return tx.insert(outbox).values(checked(mail));
}

/**
 * An insert of `mail` for the registration that `from` (the name of a WITH query returning `id`)
 * has just made: for a statement that stores a registration and its first mail together.
 */
export function outboxInsertFor(from: string, mail: Mail): SQL {
  const v = checked(mail);
  return sql`insert into ${outbox} ("to", subject, text, html, attachments, restricted, registration_id)
    select ${v.to}, ${v.subject}, ${v.text}, ${v.html}, ${JSON.stringify(v.attachments)}::jsonb, ${v.restricted}, ${sql.identifier(from)}.id from ${sql.identifier(from)}`;
}

/**
 * Makes the tokens for a mail's placeholders, keeps their hashes, and returns the text and HTML
 * with the links filled in. The sender calls it on the pool, outside any transaction, after it has
 * claimed the mail: each hash is its own short write, committed before the mail is handed to SMTP,
 * so a link that reaches the addressee always works. A retry makes new tokens (registration tokens
 * of an attempt that failed keep working, in case it was delivered after all).
 */
export async function fillLinks(tx: Queryable, row: { text: string; html: string; registrationId: number | null }) {
  const tokens = new Map<string, string>();
  for (const [placeholder, purpose, ref, expires] of `${row.text}\n${row.html}`.matchAll(PLACEHOLDER)) {
    if (tokens.has(placeholder)) continue;
    const token = randomToken();
    if (purpose === 'invite' || purpose === 'reset') {
      await tx
        .update(loginTokens)
        .set({ tokenHash: sha256(token) })
        .where(and(eq(loginTokens.id, Number(ref)), isNull(loginTokens.usedAt)));
    } else if (purpose === 'evaluate') {
      // One evaluation link per attendee: a resend replaces the token of the one before.
      const registrationId = Number(ref) || row.registrationId;
      if (!registrationId) throw new Error('an evaluation link without its registration');
      await tx
        .update(evaluationInvites)
        .set({ tokenHash: sha256(token) })
        .where(and(eq(evaluationInvites.registrationId, registrationId), isNull(evaluationInvites.answeredAt)));
    } else {
      const registrationId = Number(ref) || row.registrationId;
      if (!registrationId) throw new Error('a registration link without its registration');
      await tx
        .insert(registrationTokens)
        .values({ tokenHash: sha256(token), registrationId, purpose: purpose as 'confirm' | 'manage', expiresAt: new Date(Number(expires)) });
    }
    tokens.set(placeholder, token);
  }
  const fill = (s: string) => s.replace(PLACEHOLDER, (p) => tokens.get(p) as string);
  return { text: fill(row.text), html: fill(row.html) };
}

/** A stored mail as its addressee receives it, with working links (tests; each call makes new tokens). */
export async function mailAsSent(db: Db, id: number): Promise<{ to: string; subject: string; text: string; html: string }> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(outbox).where(eq(outbox.id, id));
    if (!row) throw new Error(`no mail ${id}`);
    return { to: row.to, subject: row.subject, ...(await fillLinks(tx, row)) };
  });
}

/** A stored mail's text for people to read: every personal link (and any left from before placeholders) reads "[persoonlijke link]". */
export function forDisplay(text: string): string {
  return text
    .replace(/\S*\{link:[a-z]+:\d+:\d+(?::[A-Za-z0-9_-]+)?\}\S*/g, '[persoonlijke link]')
    .replace(new RegExp(`\\S*${SECRET_LINK.source}\\S*`, 'g'), '[persoonlijke link]');
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
 * What a failed attempt records in last_error (shown at /beheer/mail): the SMTP or network error's
 * message, but of a database error (making the links, say) only its SQLSTATE code, as a failed
 * query's message carries the statement's parameters.
 */
function attemptError(err: unknown): string {
  for (
    let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, i = 0;
    e && typeof e === 'object' && i < 5;
    e = e.cause as typeof e, i++
  ) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return `databasefout ${e.code}`;
    if (typeof e.message === 'string' && /^Failed query:/.test(e.message) && !e.cause) return 'databasefout';
  }
  return String((err as Error)?.message ?? err).slice(0, 500);
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
 * Sends due mails, one at a time: claim (a lease, committed), make the mail's personal links
 * (fillLinks: each token's hash its own short write), hand over to SMTP outside any transaction,
 * then record the result, only if the lease is still this sender's (the attempt
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
      // The personal links are made now, outside any transaction: only their hashes are stored.
      const { text, html } = await fillLinks(db, row);
      const sending = transport.sendMail({
        from,
        to: row.to,
        subject: row.subject,
        text,
        html,
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
          lastError: attemptError(err),
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

/** The newest mails; an editor (includeRestricted false) does not see invitations. */
export async function listOutbox(db: Queryable, opts: { includeRestricted: boolean }, limit = 100) {
  return db
    .select()
    .from(outbox)
    .where(opts.includeRestricted ? undefined : eq(outbox.restricted, false))
    .orderBy(desc(outbox.id))
    .limit(limit);
}

export async function getMail(db: Queryable, id: number, opts: { includeRestricted: boolean }) {
  const [row] = await db
    .select()
    .from(outbox)
    .where(and(eq(outbox.id, id), opts.includeRestricted ? undefined : eq(outbox.restricted, false)));
  return row ?? null;
}

/** How many mails in the outbox have this status: waiting to be sent, or given up on. */
export async function countOutbox(db: Queryable, status: 'pending' | 'failed' = 'pending'): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(outbox).where(eq(outbox.status, status));
  return row?.n ?? 0;
}

/**
 * Mails about registrations whose personal data goes: those stored with the registration, and
 * those to its address stored without one (an organiser's message) unless another registration
 * still has that address. Call after the registrations lost their e-mail addresses.
 */
export async function purgeMailsOf(tx: Queryable, registrationIds: number[], emails: string[]): Promise<number> {
  if (!registrationIds.length && !emails.length) return 0;
  const gone = await tx
    .delete(outbox)
    .where(
      or(
        registrationIds.length ? inArray(outbox.registrationId, registrationIds) : undefined,
        emails.length
          ? and(
              isNull(outbox.registrationId),
              inArray(outbox.to, emails),
              sql`not exists (select 1 from ${registrations} where ${registrations.email} = ${outbox.to})`,
            )
          : undefined,
      ),
    )
    .returning({ id: outbox.id });
  return gone.length;
}

/** Retention: mails sent (or given up on, or never sent) longer ago than `before` are deleted. */
export async function purgeOldMails(db: Queryable, before: Date): Promise<number> {
  const gone = await db
    .delete(outbox)
    .where(sql`coalesce(${outbox.sentAt}, ${outbox.createdAt}) < ${before.toISOString()}::timestamptz`)
    .returning({ id: outbox.id });
  return gone.length;
}
