import { and, eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { organisations, slugRedirects, themes } from '../db/schema.ts';

export type RedirectKind = 'theme' | 'organisation';

/**
 * Call in the transaction that changes a slug: the old address keeps leading to the same item.
 * Redirects point at the item, not at an address, so renaming twice never makes a chain.
 */
export async function keepOldAddress(tx: Queryable, kind: RedirectKind, id: number, oldSlug: string, newSlug: string): Promise<void> {
  if (oldSlug === newSlug) return;
  await tx
    .insert(slugRedirects)
    .values({ kind, oldSlug, targetId: id })
    .onConflictDoUpdate({ target: [slugRedirects.kind, slugRedirects.oldSlug], set: { targetId: id, at: new Date() } });
  await claimAddress(tx, kind, newSlug);
}

/** Call when an item takes an address: a redirect from it (an earlier name of this or another item) is void from now on. */
export async function claimAddress(tx: Queryable, kind: RedirectKind, slug: string): Promise<void> {
  await tx.delete(slugRedirects).where(and(eq(slugRedirects.kind, kind), eq(slugRedirects.oldSlug, slug)));
}

/** Where an old address leads now: the current slug of its item, if that item is published. */
export async function movedTo(db: Queryable, kind: RedirectKind, slug: string): Promise<string | null> {
  if (!/^[a-z0-9-]{1,80}$/.test(slug)) return null;
  const where = and(eq(slugRedirects.kind, kind), eq(slugRedirects.oldSlug, slug));
  const [row] =
    kind === 'theme'
      ? await db
          .select({ slug: themes.slug })
          .from(slugRedirects)
          .innerJoin(themes, eq(themes.id, slugRedirects.targetId))
          .where(and(where, eq(themes.published, true)))
      : await db
          .select({ slug: organisations.slug })
          .from(slugRedirects)
          .innerJoin(organisations, eq(organisations.id, slugRedirects.targetId))
          .where(and(where, eq(organisations.published, true)));
  return row?.slug ?? null;
}
