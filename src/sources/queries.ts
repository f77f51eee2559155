import { and, asc, desc, eq, getTableColumns, ilike, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import { byTitle } from '../content/order.ts';
import { likeLiteral, type Queryable } from '../db/client.ts';
import { auditLog, sources, themeSources, themes, users } from '../db/schema.ts';
import { versionText } from '../db/version.ts';

export type Source = typeof sources.$inferSelect;

/** A source with its version (the exact updated_at as text, which an edit form carries back) and the themes that use it. */
export type VersionedSource = Source & { version: string; themeIds: number[] };
const versioned = { ...getTableColumns(sources), version: versionText(sources.updatedAt) };
export async function themeIdsOf(db: Queryable, id: number): Promise<number[]> {
  const rows = await db.select({ id: themeSources.themeId }).from(themeSources).where(eq(themeSources.sourceId, id)).orderBy(asc(themeSources.themeId));
  return rows.map((r) => r.id);
}
export async function sourceById(db: Queryable, id: number): Promise<VersionedSource | null> {
  const [row] = await db.select(versioned).from(sources).where(eq(sources.id, id));
  return row ? { ...row, themeIds: await themeIdsOf(db, id) } : null;
}

/** Every theme, published or not, in the site's order: the checkboxes of the form. */
export async function allThemes(db: Queryable) {
  return db
    .select({ id: themes.id, slug: themes.slug, title: themes.title, published: themes.published })
    .from(themes)
    .orderBy(asc(themes.position), asc(themes.title));
}
export const STATUS_FILTERS = ['alle', 'kapot', 'doorverwezen', 'nooit'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];
export interface ListedSource extends Source {
  themes: { id: number; slug: string; title: string }[];
}
const likePattern = (q: string) => `%${likeLiteral(q)}%`;

/** The library for /beheer/bronnen: filtered by link status and by words in title, organisation, URL or description. */
export async function listSources(db: Queryable, filter: { status?: StatusFilter; q?: string } = {}): Promise<ListedSource[]> {
  const where: SQL[] = [];
  if (filter.status === 'kapot') where.push(inArray(sources.checkResult, ['broken', 'unreachable']));
  if (filter.status === 'doorverwezen') where.push(eq(sources.checkResult, 'redirect'));
  if (filter.status === 'nooit') where.push(isNull(sources.checkedAt));
  if (filter.q) {
    const p = likePattern(filter.q);
    where.push(or(ilike(sources.title, p), ilike(sources.organisation, p), ilike(sources.url, p), ilike(sources.description, p)) as SQL);
  }
  const [rows, links] = await Promise.all([
    db
      .select()
      .from(sources)
      .where(where.length ? and(...where) : undefined),
    db
      .select({ sourceId: themeSources.sourceId, id: themes.id, slug: themes.slug, title: themes.title })
      .from(themeSources)
      .innerJoin(themes, eq(themes.id, themeSources.themeId))
      .orderBy(asc(themes.position), asc(themes.title)),
  ]);
  const bySource = new Map<number, ListedSource['themes']>();
  for (const { sourceId, ...t } of links) bySource.set(sourceId, [...(bySource.get(sourceId) ?? []), t]);
  return rows.map((r) => ({ ...r, themes: bySource.get(r.id) ?? [] })).sort(byTitle);
}

/** How the library's links are doing: the figures on top of /beheer/bronnen. */
export async function linkCounts(db: Queryable): Promise<{ total: number; broken: number; redirect: number; never: number }> {
  const [row] = await db
    .select({
      total: sql<number>`count(*)::int`,
      broken: sql<number>`(count(*) filter (where ${sources.checkResult} in ('broken', 'unreachable')))::int`,
      redirect: sql<number>`(count(*) filter (where ${sources.checkResult} = 'redirect'))::int`,
      never: sql<number>`(count(*) filter (where ${sources.checkedAt} is null))::int`,
    })
    .from(sources);
  return { total: row?.total ?? 0, broken: row?.broken ?? 0, redirect: row?.redirect ?? 0, never: row?.never ?? 0 };
}

/** Who changed a source last, and when: shown when an editor's save comes too late. */
export async function lastChange(db: Queryable, id: number): Promise<{ at: Date; by: string | null } | null> {
  const [row] = await db
    .select({ at: auditLog.at, by: users.name })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(and(eq(auditLog.subjectKind, 'source'), eq(auditLog.subjectId, id)))
    .orderBy(desc(auditLog.id))
    .limit(1);
  return row ?? null;
}
