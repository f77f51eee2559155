import { sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { rateLimits } from '../db/schema.ts';

/**
 * Counts one hit for `key` in a fixed window and says whether it is still within `limit`.
 * Kept in the database, so the limit holds across instances and restarts.
 */
export async function hit(db: Queryable, key: string, limit: number, windowMs: number, now: Date): Promise<boolean> {
  return (await count(db, key, limit, windowMs, now)).ok;
}

/** As hit(), with the count so far and when the window resets (for RateLimit headers). */
export async function count(db: Queryable, key: string, limit: number, windowMs: number, now: Date): Promise<{ ok: boolean; count: number; resetAt: Date }> {
  const windowStart = new Date(now.getTime() - windowMs);
  const [row] = await db
    .insert(rateLimits)
    .values({ key, windowStart: now, count: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`case when ${rateLimits.windowStart} < ${windowStart} then 1 else ${rateLimits.count} + 1 end`,
        windowStart: sql`case when ${rateLimits.windowStart} < ${windowStart} then ${now} else ${rateLimits.windowStart} end`,
      },
    })
    .returning({ count: rateLimits.count, windowStart: rateLimits.windowStart });
  const n = row?.count ?? 0;
  return { ok: n <= limit, count: n, resetAt: new Date((row?.windowStart ?? now).getTime() + windowMs) };
}
