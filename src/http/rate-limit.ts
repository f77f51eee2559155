import { sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { rateLimits } from '../db/schema.ts';

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
  const counted = await db
    .insert(rateLimits)
    // One row per key: a key listed twice counts once (PostgreSQL cannot update a row twice in one statement).
    .values([...new Set(limits.map((l) => l.key))].map((key) => ({ key, windowStart: now, count: 1 })))
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
    const row = byKey.get(key);
    const n = row?.count ?? 0;
    return { ok: n <= limit, count: n, resetAt: new Date((row?.windowStart ?? now).getTime() + windowMs) };
  });
}
