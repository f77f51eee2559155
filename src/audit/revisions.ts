import { and, desc, eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { revisions, users } from '../db/schema.ts';

export type RevisionKind = 'theme' | 'organisation' | 'source';

export interface Revision {
  id: number;
  at: Date;
  author: string | null;
  action: string;
  data: Record<string, unknown>;
}

/** Call in the transaction that saves the thing: the snapshot is the state just written. */
export async function recordRevision(
  tx: Queryable,
  kind: RevisionKind,
  ref: number,
  authorId: number | null,
  action: string,
  data: Record<string, unknown>,
): Promise<number> {
  const [row] = await tx.insert(revisions).values({ kind, ref, authorId, action, data }).returning({ id: revisions.id });
  if (!row) throw new Error('insert returned nothing');
  return row.id;
}

const columns = { id: revisions.id, at: revisions.at, author: users.name, action: revisions.action, data: revisions.data };

/** Newest first. */
export async function listRevisions(db: Queryable, kind: RevisionKind, ref: number, limit = 200): Promise<Revision[]> {
  return db
    .select(columns)
    .from(revisions)
    .leftJoin(users, eq(users.id, revisions.authorId))
    .where(and(eq(revisions.kind, kind), eq(revisions.ref, ref)))
    .orderBy(desc(revisions.id))
    .limit(limit);
}

export async function getRevision(db: Queryable, kind: RevisionKind, ref: number, id: number): Promise<Revision | null> {
  const [row] = await db
    .select(columns)
    .from(revisions)
    .leftJoin(users, eq(users.id, revisions.authorId))
    .where(and(eq(revisions.kind, kind), eq(revisions.ref, ref), eq(revisions.id, id)));
  return row ?? null;
}

export type DiffLine = { op: 'same' | 'add' | 'del'; text: string };

/**
 * A line diff (longest common subsequence), for showing what changed between two revisions.
 * Quadratic in the changed middle only: the common head and tail are cut off first, and very
 * large middles fall back to "all removed, all added" rather than using unbounded memory.
 */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const out: DiffLine[] = a.slice(0, head).map((text) => ({ op: 'same', text }));
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  if (am.length * bm.length > 4_000_000) {
    out.push(...am.map((text) => ({ op: 'del' as const, text })), ...bm.map((text) => ({ op: 'add' as const, text })));
  } else {
    // lcs[i][j] = length of the LCS of am[i..] and bm[j..]
    const w = bm.length + 1;
    const lcs = new Uint32Array((am.length + 1) * w);
    for (let i = am.length - 1; i >= 0; i--)
      for (let j = bm.length - 1; j >= 0; j--)
        lcs[i * w + j] = am[i] === bm[j] ? (lcs[(i + 1) * w + j + 1] as number) + 1 : Math.max(lcs[(i + 1) * w + j] as number, lcs[i * w + j + 1] as number);
    let i = 0;
    let j = 0;
    while (i < am.length && j < bm.length) {
      if (am[i] === bm[j]) {
        out.push({ op: 'same', text: am[i++] as string });
        j++;
      } else if ((lcs[(i + 1) * w + j] as number) >= (lcs[i * w + j + 1] as number)) out.push({ op: 'del', text: am[i++] as string });
      else out.push({ op: 'add', text: bm[j++] as string });
    }
    while (i < am.length) out.push({ op: 'del', text: am[i++] as string });
    while (j < bm.length) out.push({ op: 'add', text: bm[j++] as string });
  }
  out.push(...a.slice(a.length - tail).map((text) => ({ op: 'same' as const, text })));
  return out;
}

/** Turns a snapshot field into comparable text lines (lists one item per line). */
export function fieldText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('\n');
  if (typeof value === 'object') return JSON.stringify(value, null, 1);
  return String(value);
}
