import { type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/**
 * Optimistic locking on an `updated_at` column: the exact value as text (microseconds included,
 * so a round trip through a form compares equal), and the next value, strictly later even within
 * one microsecond.
 */
export const VERSION_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
export const versionText = (column: AnyPgColumn): SQL<string> => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
export const nextVersion = (column: AnyPgColumn): SQL => sql`greatest(now(), ${column} + interval '1 microsecond')`;
/** Compared as text: an impossible date in a tampered form then matches nothing (a conflict), never a failed cast. */
export const atVersion = (column: AnyPgColumn, version: string): SQL => sql`${versionText(column)} = ${version}`;
/** A version from a form: anything malformed counts as stale (never matches). */
export const formVersion = (value: unknown): string => (typeof value === 'string' && VERSION_PATTERN.test(value) ? value : '1970-01-01T00:00:00.000000Z');

/** A unique index refused the write (PostgreSQL 23505), possibly wrapped by the driver. */
export function isUniqueViolation(err: unknown): boolean {
  for (let e = err as { code?: string; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) if (e.code === '23505') return true;
  return false;
}
