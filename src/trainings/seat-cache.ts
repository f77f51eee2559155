import type { Queryable } from '../db/client.ts';

export type SeatCounts = Map<number, { taken: number; waiting: number }>;

/**
 * How long the trainings list may show seat counts it has already read: counting reads every
 * registration of every listed session, which under load was most of the database's work for that
 * page (bench:scale). The session page and registering itself always count anew, under the lock.
 * No change clears the counts early: under load every second brings many registrations, and a
 * recount after each would be a recount for nearly every view again.
 */
export const LIST_COUNTS_MS = 1000;

interface Entry {
  /** performance.now() when read, and the app's clock then (tests move that clock). */
  readAt: number;
  clockAt: number;
  counts: SeatCounts;
}

const entries = new WeakMap<object, Entry>();

/** The list's counts for `ids`: from the last read if it is under a second old and covers them, otherwise `load`ed. */
export async function listSeatCounts(db: Queryable, ids: number[], now: Date, load: () => Promise<SeatCounts>): Promise<SeatCounts> {
  const entry = entries.get(db);
  const age = now.getTime() - (entry?.clockAt ?? 0);
  if (entry && performance.now() - entry.readAt < LIST_COUNTS_MS && age >= 0 && age < LIST_COUNTS_MS && ids.every((id) => entry.counts.has(id)))
    return entry.counts;
  const readAt = performance.now();
  const counts = await load();
  // Sessions nobody registered for count as zero: they are covered by this read too.
  for (const id of ids) if (!counts.has(id)) counts.set(id, { taken: 0, waiting: 0 });
  entries.set(db, { readAt, clockAt: now.getTime(), counts });
  return counts;
}
