import { and, asc, count, eq, gt, inArray, isNull, ne, sql } from 'drizzle-orm';
import { audit } from '../audit/record.ts';
import { dummyPasswordHash, hashPassword, randomToken, sha256, verifyPassword } from '../crypto.ts';
import type { Db, Queryable } from '../db/client.ts';
import { loginThrottle, loginTokens, outbox, sessions, users } from '../db/schema.ts';
import { enqueueMail, linkPlaceholder } from '../mail/outbox.ts';

export type Role = 'beheerder' | 'redacteur';
export const ROLE_LABEL: Record<Role, string> = { beheerder: 'Beheerder', redacteur: 'Redacteur' };

export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000; // 2 hours without a request ends a session
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000; // and none lives longer than a working day
export const FIRST_ADMIN_TTL_MS = 24 * 60 * 60 * 1000;
export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** A password-reset link works once, for an hour. */
export const RESET_TTL_MS = 60 * 60 * 1000;
/**
 * Failed logins. An account is never locked (anyone who knows the address could lock its holder
 * out): from the perEmail-th failure within the window on, each failure makes the next attempt on
 * that account wait, 1 s, 2 s, 4 s, … up to maxDelayMs, which makes guessing hopeless while the
 * holder waits a minute at most. The holder gets one mail about it (a day at most). A client
 * (address, IPv6 /64) that fails perClient times within the window is locked for lockMs.
 */
export const THROTTLE = {
  windowMs: 15 * 60 * 1000,
  lockMs: 15 * 60 * 1000,
  /** Failures on one account within the window from which each failure adds a delay. */
  perEmail: 5,
  firstDelayMs: 1000,
  maxDelayMs: 60 * 1000,
  /** Failed attempts per client within the window before that client is locked. */
  perClient: 20,
};

/** The wait after the `failures`-th failure on one account within the window. */
export const accountDelayMs = (failures: number) =>
  failures < THROTTLE.perEmail ? 0 : Math.min(THROTTLE.firstDelayMs * 2 ** (failures - THROTTLE.perEmail), THROTTLE.maxDelayMs);

export const FAILED_LOGINS_SUBJECT = 'Mislukte pogingen om in te loggen bij Hechtwerk';

export class AccountError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export async function userCount(db: Queryable): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return Number(row?.n ?? 0);
}

/** A fresh one-time link for the first administrator, or null when accounts exist. Older links stop working. */
export async function createFirstAdminToken(db: Db, now: Date): Promise<string | null> {
  return db.transaction(async (tx) => {
    if ((await userCount(tx)) > 0) return null;
    await tx.delete(loginTokens).where(and(eq(loginTokens.purpose, 'first-admin'), isNull(loginTokens.usedAt)));
    const token = randomToken();
    await tx.insert(loginTokens).values({
      tokenHash: sha256(token),
      purpose: 'first-admin',
      role: 'beheerder',
      expiresAt: new Date(now.getTime() + FIRST_ADMIN_TTL_MS),
    });
    return token;
  });
}

/** A usable one-time link of one of `purposes` (an invitation's link does not reset a password, nor the other way round). */
export async function peekToken(db: Queryable, token: string, now: Date, purposes: string[] = ['first-admin', 'invite']) {
  const [row] = await db
    .select()
    .from(loginTokens)
    .where(and(eq(loginTokens.tokenHash, sha256(token)), inArray(loginTokens.purpose, purposes), isNull(loginTokens.usedAt), gt(loginTokens.expiresAt, now)));
  return row ?? null;
}

export async function inviteUser(db: Db, actorId: number, input: { email: string; role: Role }, now: Date, baseUrl: string): Promise<void> {
  await db.transaction(async (tx) => {
    // A disabled account may be invited again: accepting enables it with a new name and password.
    const [existing] = await tx.select({ id: users.id, disabledAt: users.disabledAt }).from(users).where(eq(users.email, input.email));
    if (existing && !existing.disabledAt) throw new AccountError('Er bestaat al een account met dit e-mailadres.', 'email');
    // The row's token is made when the mail is sent (see src/mail/outbox.ts): until then its hash
    // is that of a token nobody has, and the mail holds a placeholder naming the row.
    const [invite] = await tx
      .insert(loginTokens)
      .values({
        tokenHash: sha256(randomToken()),
        purpose: 'invite',
        email: input.email,
        role: input.role,
        createdBy: actorId,
        expiresAt: new Date(now.getTime() + INVITE_TTL_MS),
      })
      .returning({ id: loginTokens.id });
    if (!invite) throw new Error('insert returned nothing');
    const link = `${baseUrl}/beheer/welkom/${linkPlaceholder('invite', invite.id)}`;
    const roleLabel = ROLE_LABEL[input.role].toLowerCase();
    await enqueueMail(tx, {
      to: input.email,
      restricted: true,
      subject: 'Uitnodiging voor Hechtwerk',
      text: `Hallo,\n\nJe bent uitgenodigd als ${roleLabel} van Hechtwerk. Kies via deze link je naam en wachtwoord:\n\n${link}\n\nDe link werkt één keer en is 7 dagen geldig. Verwachtte je deze uitnodiging niet? Dan kun je dit bericht negeren.\n\nHechtwerk`,
      html: `<p>Hallo,</p><p>Je bent uitgenodigd als ${roleLabel} van Hechtwerk. Kies via deze link je naam en wachtwoord:</p><p><a href="${link}">${link}</a></p><p>De link werkt één keer en is 7 dagen geldig. Verwachtte je deze uitnodiging niet? Dan kun je dit bericht negeren.</p><p>Hechtwerk</p>`,
    });
    await audit(
      tx,
      actorId,
      existing ? 'user.reinvited' : 'user.invited',
      existing ? { kind: 'user', id: existing.id, label: input.email } : { kind: null, label: input.email },
      { role: input.role },
    );
  });
}

/** Uses a one-time link: creates the account and burns the link, both or neither. */
export async function redeemToken(
  db: Db,
  token: string,
  input: { name: string; email?: string; password: string },
  now: Date,
): Promise<{ id: number; email: string }> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    // Burning the link first, conditionally, makes a double submit or a race use it once only.
    const [burnt] = await tx
      .update(loginTokens)
      .set({ usedAt: now })
      .where(
        and(
          eq(loginTokens.tokenHash, sha256(token)),
          inArray(loginTokens.purpose, ['first-admin', 'invite']),
          isNull(loginTokens.usedAt),
          gt(loginTokens.expiresAt, now),
        ),
      )
      .returning();
    if (!burnt) throw new AccountError('Deze link is verlopen of al gebruikt. Vraag een beheerder om een nieuwe uitnodiging.');
    if (burnt.purpose === 'first-admin') {
      // Serialise concurrent first-admin sign-ups: only one may find the table empty.
      await tx.execute(sql`lock table users in share row exclusive mode`);
      if ((await userCount(tx)) > 0) throw new AccountError('Er is al een beheerder. Log in of vraag om een uitnodiging.');
    }
    const email = burnt.purpose === 'invite' ? (burnt.email as string) : (input.email as string);
    const [clash] = await tx.select({ id: users.id, disabledAt: users.disabledAt }).from(users).where(eq(users.email, email));
    if (clash && burnt.purpose === 'invite' && clash.disabledAt) {
      // A disabled account invited again: enabled, with the name, role and password chosen now.
      await tx.update(users).set({ name: input.name, role: burnt.role, passwordHash, disabledAt: null }).where(eq(users.id, clash.id));
      await tx.delete(sessions).where(eq(sessions.userId, clash.id));
      await audit(tx, clash.id, 'user.accepted-invite', { kind: 'user', id: clash.id, label: email }, { reinvited: true });
      return { id: clash.id, email };
    }
    if (clash) throw new AccountError('Er bestaat al een account met dit e-mailadres.', 'email');
    const [user] = await tx.insert(users).values({ email, name: input.name, role: burnt.role, passwordHash }).returning({ id: users.id, email: users.email });
    if (!user) throw new Error('insert returned nothing');
    await audit(tx, user.id, burnt.purpose === 'invite' ? 'user.accepted-invite' : 'user.first-admin', { kind: 'user', id: user.id, label: email });
    return user;
  });
}

type ThrottleRow = typeof loginThrottle.$inferSelect;

async function blockedUntil(db: Queryable, key: string, now: Date): Promise<Date | null> {
  const [row] = await db.select().from(loginThrottle).where(eq(loginThrottle.key, key));
  return row?.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null;
}

/** Counts a failure for `key` and blocks it until `now` + `blockMs(failures)` (0: not blocked). */
async function recordFailure(db: Queryable, key: string, blockMs: (failures: number) => number, now: Date): Promise<ThrottleRow | undefined> {
  const windowStart = new Date(now.getTime() - THROTTLE.windowMs);
  // One statement, so concurrent failures on several instances all count.
  const [row] = await db
    .insert(loginThrottle)
    .values({ key, failures: 1, windowStart: now, lockedUntil: null })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: sql`case when ${loginThrottle.windowStart} < ${windowStart} then 1 else ${loginThrottle.failures} + 1 end`,
        windowStart: sql`case when ${loginThrottle.windowStart} < ${windowStart} then ${now} else ${loginThrottle.windowStart} end`,
      },
    })
    .returning();
  const ms = row ? blockMs(row.failures) : 0;
  if (!row || ms <= 0) return row;
  const until = new Date(now.getTime() + ms);
  await db.update(loginThrottle).set({ lockedUntil: until }).where(eq(loginThrottle.key, key));
  return { ...row, lockedUntil: until };
}

/** Tells an account's holder, once a day at most, that logging in failed often; the mail holds no link. */
async function tellHolder(db: Queryable, email: string, now: Date) {
  const [recent] = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.to, email), eq(outbox.subject, FAILED_LOGINS_SUBJECT), gt(outbox.createdAt, new Date(now.getTime() - 24 * 60 * 60 * 1000))))
    .limit(1);
  if (recent) return;
  const lines = [
    'Hallo,',
    `Iemand heeft de afgelopen ${THROTTLE.windowMs / 60_000} minuten ${THROTTLE.perEmail} keer of vaker geprobeerd in te loggen op jouw account bij Hechtwerk, met een verkeerd wachtwoord. Elke volgende poging moet nu even wachten; je account is niet geblokkeerd en je wachtwoord is niet veranderd.`,
    'Was jij dat? Dan hoef je niets te doen. Was jij het niet? Kies dan een nieuw, sterk wachtwoord: log in en kies "Wachtwoord wijzigen", of kies "Wachtwoord vergeten" op de inlogpagina van Hechtwerk.',
    'Hechtwerk',
  ];
  await enqueueMail(db, {
    to: email,
    subject: FAILED_LOGINS_SUBJECT,
    text: lines.join('\n\n'),
    html: lines.map((l) => `<p>${l.replace(/"/g, '&quot;')}</p>`).join(''),
    createdAt: now,
  });
}

export type LoginResult = { ok: true; userId: number; token: string } | { ok: false; reason: 'invalid' | 'wait' | 'locked'; until?: Date };

export async function login(db: Db, input: { email: string; password: string; client: string }, now: Date): Promise<LoginResult> {
  const keys = [`email:${input.email}`, `client:${input.client}`] as const;
  const clientLock = await blockedUntil(db, keys[1], now);
  if (clientLock) return { ok: false, reason: 'locked', until: clientLock };
  const wait = await blockedUntil(db, keys[0], now);
  if (wait) return { ok: false, reason: 'wait', until: wait };
  const [user] = await db.select().from(users).where(eq(users.email, input.email));
  const valid = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !valid || user.disabledAt) {
    const [e, c] = await Promise.all([
      recordFailure(db, keys[0], accountDelayMs, now),
      recordFailure(db, keys[1], (n) => (n >= THROTTLE.perClient ? THROTTLE.lockMs : 0), now),
    ]);
    // An address without an account is not written down: it may be anything someone typed.
    await audit(db, user?.id ?? null, 'login.failed', user ? { kind: 'user', id: user.id, label: user.email } : null);
    if (user && !user.disabledAt && e?.failures === THROTTLE.perEmail) await tellHolder(db, user.email, now);
    if (c?.lockedUntil && c.lockedUntil > now) return { ok: false, reason: 'locked', until: c.lockedUntil };
    return { ok: false, reason: 'invalid' };
  }
  const token = randomToken();
  await db.transaction(async (tx) => {
    await tx.delete(loginThrottle).where(eq(loginThrottle.key, keys[0] as string));
    await tx.insert(sessions).values({
      idHash: sha256(token),
      userId: user.id,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
    });
    await audit(tx, user.id, 'login', { kind: 'user', id: user.id, label: user.email });
  });
  return { ok: true, userId: user.id, token };
}

export async function sessionUser(db: Queryable, token: string, now: Date) {
  const idHash = sha256(token);
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.idHash, idHash));
  if (!row) return null;
  const { session, user } = row;
  const idle = now.getTime() - session.lastSeenAt.getTime() > SESSION_IDLE_MS;
  if (user.disabledAt || idle || session.expiresAt <= now) {
    await db.delete(sessions).where(eq(sessions.idHash, idHash));
    return null;
  }
  // Writing on every request would make each page view a write; a minute's precision is enough.
  if (now.getTime() - session.lastSeenAt.getTime() > 60_000) {
    await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.idHash, idHash));
  }
  return { id: user.id, email: user.email, name: user.name, role: user.role as Role, sessionHash: idHash };
}

export async function logout(db: Db, sessionHash: string, userId: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(sessions).where(eq(sessions.idHash, sessionHash));
    const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, userId));
    await audit(tx, userId, 'logout', user ? { kind: 'user', id: userId, label: user.email } : null);
  });
}

export async function endSession(db: Queryable, sessionHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, sessionHash));
}

export async function listUsers(db: Queryable) {
  return db
    .select({ id: users.id, email: users.email, name: users.name, role: users.role, disabledAt: users.disabledAt, createdAt: users.createdAt })
    .from(users)
    .orderBy(asc(users.name));
}

export async function pendingInvites(db: Queryable, now: Date) {
  return db
    .select({ email: loginTokens.email, role: loginTokens.role, expiresAt: loginTokens.expiresAt })
    .from(loginTokens)
    .where(and(eq(loginTokens.purpose, 'invite'), isNull(loginTokens.usedAt), gt(loginTokens.expiresAt, now)))
    .orderBy(asc(loginTokens.expiresAt));
}

export async function userById(db: Queryable, id: number) {
  const [u] = await db.select({ id: users.id, name: users.name, email: users.email, disabledAt: users.disabledAt }).from(users).where(eq(users.id, id));
  return u ?? null;
}

export async function setUserDisabled(db: Db, actorId: number, userId: number, disabled: boolean, now: Date): Promise<void> {
  if (actorId === userId) throw new AccountError('Je kunt je eigen account niet uitschakelen.');
  await db.transaction(async (tx) => {
    const [u] = await tx
      .update(users)
      .set({ disabledAt: disabled ? now : null })
      .where(eq(users.id, userId))
      .returning({ email: users.email });
    if (!u) throw new AccountError('Dit account bestaat niet.');
    if (disabled) await tx.delete(sessions).where(eq(sessions.userId, userId));
    await audit(tx, actorId, disabled ? 'user.disabled' : 'user.enabled', { kind: 'user', id: userId, label: u.email });
  });
}

/** Changes the logged-in user's password; the current one is required. Every other session of the account ends. */
export async function changePassword(
  db: Db,
  user: { id: number; sessionHash: string },
  input: { current: string; password: string },
  now: Date,
): Promise<void> {
  const [row] = await db.select().from(users).where(eq(users.id, user.id));
  if (!row?.passwordHash || !(await verifyPassword(input.current, row.passwordHash))) throw new AccountError('Je huidige wachtwoord klopt niet.', 'current');
  const passwordHash = await hashPassword(input.password);
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
    await tx.delete(sessions).where(and(eq(sessions.userId, user.id), ne(sessions.idHash, user.sessionHash)));
    await audit(tx, user.id, 'user.password-changed', { kind: 'user', id: user.id, label: row.email }, { at: now.toISOString() });
  });
}

/**
 * "Wachtwoord vergeten": mails a one-time link (an hour) to an enabled account's address. For any
 * other address nothing happens, and the caller answers the same either way. A new link makes the
 * older ones stop working. The link's token is made when the mail is sent (src/mail/outbox.ts).
 */
export async function requestPasswordReset(db: Db, email: string, now: Date, baseUrl: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.email, email));
    if (!user || user.disabledAt) return;
    await tx.delete(loginTokens).where(and(eq(loginTokens.purpose, 'reset'), eq(loginTokens.email, email), isNull(loginTokens.usedAt)));
    const [reset] = await tx
      .insert(loginTokens)
      .values({ tokenHash: sha256(randomToken()), purpose: 'reset', email, role: user.role, expiresAt: new Date(now.getTime() + RESET_TTL_MS) })
      .returning({ id: loginTokens.id });
    if (!reset) throw new Error('insert returned nothing');
    const link = `${baseUrl}/beheer/nieuw-wachtwoord/${linkPlaceholder('reset', reset.id)}`;
    const intro = `Hallo ${user.name},`;
    const ask = 'Er is gevraagd om een nieuw wachtwoord voor je account bij Hechtwerk. Kies een nieuw wachtwoord via deze link:';
    const after = 'De link werkt één keer en is een uur geldig. Heb je niets aangevraagd? Dan kun je dit bericht negeren: je wachtwoord blijft zoals het is.';
    const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    await enqueueMail(tx, {
      to: email,
      restricted: true,
      subject: 'Nieuw wachtwoord voor Hechtwerk',
      text: `${intro}\n\n${ask}\n\n${link}\n\n${after}\n\nHechtwerk`,
      html: `<p>${esc(intro)}</p><p>${ask}</p><p><a href="${link}">${link}</a></p><p>${after}</p><p>Hechtwerk</p>`,
    });
    await audit(tx, user.id, 'user.reset-requested', { kind: 'user', id: user.id, label: email });
  });
}

/** Uses a password-reset link: sets the new password, burns the link and ends every session of the account. */
export async function resetPassword(db: Db, token: string, password: string, now: Date): Promise<{ email: string }> {
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const [burnt] = await tx
      .update(loginTokens)
      .set({ usedAt: now })
      .where(and(eq(loginTokens.tokenHash, sha256(token)), eq(loginTokens.purpose, 'reset'), isNull(loginTokens.usedAt), gt(loginTokens.expiresAt, now)))
      .returning();
    const expired = new AccountError('Deze link is verlopen of al gebruikt. Vraag een nieuwe aan via “Wachtwoord vergeten”.');
    if (!burnt?.email) throw expired;
    const [user] = await tx
      .update(users)
      .set({ passwordHash })
      .where(and(eq(users.email, burnt.email), isNull(users.disabledAt)))
      .returning({ id: users.id, email: users.email });
    if (!user) throw expired;
    await tx.delete(sessions).where(eq(sessions.userId, user.id));
    await tx.delete(loginThrottle).where(eq(loginThrottle.key, `email:${user.email}`));
    await audit(tx, user.id, 'user.password-reset', { kind: 'user', id: user.id, label: user.email });
    return { email: user.email };
  });
}
