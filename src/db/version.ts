import { createHash } from 'node:crypto';
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

// ---------------------------------------------------------------- per-field merge

/**
 * A short fingerprint of one field's value. A form carries the fingerprints of the values it was
 * built from (`basis`), so a save that comes after someone else's knows which fields each of
 * them changed, without the form carrying the old text itself.
 */
export const fingerprint = (value: unknown): string =>
  createHash('sha256')
    .update(JSON.stringify(value ?? null))
    .digest('base64url')
    .slice(0, 16);

export type Fingerprints = Record<string, string>;
export const fingerprints = (fields: object): Fingerprints => Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, fingerprint(v)]));

/** The `basis` field of a form: a JSON object of short strings, or null (then every field counts as changed). */
export function formFingerprints(value: unknown): Fingerprints | null {
  if (typeof value !== 'string' || value.length > 4000) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    const entries = Object.entries(parsed);
    return entries.every(([, v]) => typeof v === 'string' && v.length <= 32) ? (Object.fromEntries(entries) as Fingerprints) : null;
  } catch {
    return null;
  }
}

/**
 * Two editors saved one item from the same starting point (`basis`). Per field: what only one of
 * them changed is kept, what both changed to the same value is kept, and what both changed
 * differently is a conflict. `merged` holds the other editor's value for a field only they changed
 * and this editor's value for every field this editor changed, the conflicting ones included.
 */
export function mergeFields<T extends object>(basis: Fingerprints, mine: T, current: T): { merged: T; conflicts: (keyof T & string)[] } {
  const merged = { ...current };
  const conflicts: (keyof T & string)[] = [];
  for (const key of Object.keys(mine) as (keyof T & string)[]) {
    const mineChanged = fingerprint(mine[key]) !== basis[key];
    if (!mineChanged) continue;
    const theirsChanged = fingerprint(current[key]) !== basis[key];
    if (theirsChanged && fingerprint(mine[key]) !== fingerprint(current[key])) conflicts.push(key);
    merged[key] = mine[key];
  }
  return { merged, conflicts };
}

/**
 * A save made from a version that is no longer current. With the form's fingerprints: the merge of
 * both editors' fields. Without them, or where both changed one field differently: the error that
 * `conflict` makes, given the clash when there is one.
 */
export function mergeLateSave<T extends object>(
  basis: Fingerprints | null,
  mine: T,
  current: T,
  conflict: (clash?: { fields: string[]; merged: T }) => Error,
): T {
  if (!basis) throw conflict();
  const { merged, conflicts } = mergeFields(basis, mine, current);
  if (conflicts.length) throw conflict({ fields: conflicts, merged });
  return merged;
}
