import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { hmac } from '../crypto.ts';
import type { Queryable } from '../db/client.ts';
import { appSettings, rateLimits } from '../db/schema.ts';

/**
 * Keys name people (an e-mail address, a client address): the table keeps only an HMAC of each,
 * under the server's secret (app_settings, shared by every instance), so a deleted registration
 * leaves no address behind here, and a copy of the table cannot be matched against a list of addresses.
 */
const secrets = new WeakMap<object, Promise<Buffer>>();
function secretOf(db: Queryable): Promise<Buffer> {
  let secret = secrets.get(db);
  if (!secret) {
    secret = (async () => {
      await db
        .insert(appSettings)
        .values({ key: 'secret', value: randomBytes(32).toString('base64url') })
        .onConflictDoNothing();
      const [row] = await db.select().from(appSettings).where(eq(appSettings.key, 'secret'));
      if (!row) throw new Error('no secret in app_settings');
      return Buffer.from(row.value, 'base64url');
    })();
    secret.catch(() => secrets.delete(db));
    secrets.set(db, secret);
  }
  return secret;
}

/** The stored form of a rate-limit key. */
export const storedKey = (secret: Buffer, key: string) => `h:${hmac(secret, key)}`;

/**
 * Counts one hit for `key` in a fixed window: whether it is still within `limit`, the count so far
 * and when the window resets (for RateLimit headers). Kept in the database, so the limit holds
 * across instances and restarts.
 */
export async function count(db: Queryable, key: string, limit: number, windowMs: number, now: Date): Promise<{ ok: boolean; count: number; resetAt: Date }> {
  const [counted] = await countAll(db, [{ key, limit }], windowMs, now);
  return counted as { ok: boolean; count: number; resetAt: Date };
}

/**
 * Counts one hit for each of several keys (sharing one window length) in one statement,
 * so a request checked against two limits costs one round trip. Results in the order of `limits`.
 */
export async function countAll(
  db: Queryable,
  limits: { key: string; limit: number }[],
  windowMs: number,
  now: Date,
): Promise<{ ok: boolean; count: number; resetAt: Date }[]> {
  const windowStart = new Date(now.getTime() - windowMs);
  const secret = await secretOf(db);
  const stored = new Map(limits.map(({ key }) => [key, storedKey(secret, key)]));
  const counted = await db
    .insert(rateLimits)
    // One row per key: a key listed twice counts once (PostgreSQL cannot update a row twice in one statement).
    .values([...new Set(stored.values())].map((key) => ({ key, windowStart: now, count: 1 })))
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`case when ${rateLimits.windowStart} < ${windowStart} then 1 else ${rateLimits.count} + 1 end`,
        windowStart: sql`case when ${rateLimits.windowStart} < ${windowStart} then ${now} else ${rateLimits.windowStart} end`,
      },
    })
    .returning({ key: rateLimits.key, count: rateLimits.count, windowStart: rateLimits.windowStart });
  const byKey = new Map(counted.map((row) => [row.key, row]));
  return limits.map(({ key, limit }) => {
    const row = byKey.get(stored.get(key) as string);
    const n = row?.count ?? 0;
    return { ok: n <= limit, count: n, resetAt: new Date((row?.windowStart ?? now).getTime() + windowMs) };
  });
}
