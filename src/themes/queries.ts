import { and, asc, desc, eq, getTableColumns, sql } from 'drizzle-orm';
import { renderMarkdown } from '../content/markdown.ts';
import { byTitle } from '../content/order.ts';
import type { Queryable } from '../db/client.ts';
import { pages, revisions, sources, themeRelations, themeSources, themes, trainings, users } from '../db/schema.ts';
import { versionText } from '../db/version.ts';
import { ByteLru, stringBytes } from '../http/byte-cache.ts';

export interface ThemeSummary {
  slug: string;
  title: string;
  summary: string;
}
export interface ThemeSource {
  title: string;
  organisation: string;
  url: string;
  description: string;
}
export interface ThemeDetail extends ThemeSummary {
  html: string;
  toc: { id: string; text: string }[];
  reviewed: string;
  updatedAt: Date;
  keyFacts: string[];
  training: { title: string; text: string; href: string } | null;
  sources: ThemeSource[];
  related: ThemeSummary[];
}

export async function hasContent(db: Queryable): Promise<boolean> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(themes);
  return (row?.n ?? 0) > 0;
}

export async function listThemes(db: Queryable): Promise<ThemeSummary[]> {
  return db
    .select({ slug: themes.slug, title: themes.title, summary: themes.summary })
    .from(themes)
    .where(eq(themes.published, true))
    .orderBy(asc(themes.position), asc(themes.title));
}

export async function publishedThemeRow(db: Queryable, slug: string) {
  const [t] = await db
    .select()
    .from(themes)
    .where(and(eq(themes.slug, slug), eq(themes.published, true)));
  return t ?? null;
}

/** A theme's sources and published related themes, in their order: shared by the page and the API. */
export async function themeLinks(db: Queryable, themeId: number) {
  const [srcs, related] = await Promise.all([
    db
      .select({ id: sources.id, title: sources.title, organisation: sources.organisation, url: sources.url, description: sources.description })
      .from(themeSources)
      .innerJoin(sources, eq(sources.id, themeSources.sourceId))
      .where(eq(themeSources.themeId, themeId))
      .orderBy(asc(themeSources.position)),
    db
      .select({ slug: themes.slug, title: themes.title, summary: themes.summary })
      .from(themeRelations)
      .innerJoin(themes, eq(themes.id, themeRelations.relatedId))
      .where(and(eq(themeRelations.themeId, themeId), eq(themes.published, true)))
      .orderBy(asc(themeRelations.position)),
  ]);
  return { sources: srcs, related };
}

// Rendering Markdown is the costly part of a theme page; keep the result until the row changes.
// Bounded by bytes (the HTML and the table of contents, keys included).
export const RENDER_CACHE_BYTES = 8 * 1024 * 1024;
export const renderCache = new ByteLru<{ updatedAt: number; rendered: ReturnType<typeof renderMarkdown> }>(
  RENDER_CACHE_BYTES,
  (v) => stringBytes(v.rendered.html) + stringBytes(JSON.stringify(v.rendered.toc)) + 16,
);

export async function getTheme(db: Queryable, slug: string): Promise<ThemeDetail | null> {
  const t = await publishedThemeRow(db, slug);
  if (!t) return null;
  const { sources: srcs, related } = await themeLinks(db, t.id);
  const key = `${t.id}`;
  let cached = renderCache.get(key);
  if (!cached || cached.updatedAt !== t.updatedAt.getTime()) {
    cached = { updatedAt: t.updatedAt.getTime(), rendered: renderMarkdown(t.bodyMd) };
    renderCache.set(key, cached);
  }
  return {
    slug: t.slug,
    title: t.title,
    summary: t.summary,
    html: cached.rendered.html,
    toc: cached.rendered.toc,
    reviewed: t.reviewed,
    updatedAt: t.updatedAt,
    keyFacts: t.keyFacts,
    training: t.training ? { ...t.training, href: await trainingHref(db, t.training.title) } : null,
    sources: srcs,
    related,
  };
}

/** The call to action goes to the training's own page when a published training has that title. */
async function trainingHref(db: Queryable, title: string): Promise<string> {
  const [row] = await db
    .select({ slug: trainings.slug })
    .from(trainings)
    .where(and(eq(trainings.title, title), eq(trainings.published, true)));
  return row ? `/trainingen/${row.slug}` : '/trainingen';
}

export async function getPage(db: Queryable, slug: string) {
  const [p] = await db.select().from(pages).where(eq(pages.slug, slug));
  return p ?? null;
}

/** What a theme revision keeps: every editable field, related themes by slug and sources by id, in order. */
export interface ThemeSnapshot {
  slug: string;
  title: string;
  summary: string;
  bodyMd: string;
  position: number;
  reviewed: string;
  published: boolean;
  keyFacts: string[];
  training: { title: string; text: string } | null;
  related: string[];
  sources: number[];
}

export async function themeSnapshot(db: Queryable, themeId: number): Promise<ThemeSnapshot | null> {
  const [t] = await db.select().from(themes).where(eq(themes.id, themeId));
  if (!t) return null;
  const [related, srcs] = await Promise.all([
    db
      .select({ slug: themes.slug })
      .from(themeRelations)
      .innerJoin(themes, eq(themes.id, themeRelations.relatedId))
      .where(eq(themeRelations.themeId, themeId))
      .orderBy(asc(themeRelations.position)),
    db.select({ id: themeSources.sourceId }).from(themeSources).where(eq(themeSources.themeId, themeId)).orderBy(asc(themeSources.position)),
  ]);
  return {
    slug: t.slug,
    title: t.title,
    summary: t.summary,
    bodyMd: t.bodyMd,
    position: t.position,
    reviewed: t.reviewed,
    published: t.published,
    keyFacts: t.keyFacts,
    training: t.training ?? null,
    related: related.map((r) => r.slug),
    sources: srcs.map((s) => s.id),
  };
}

// ---------------------------------------------------------------- the editors' reads

export interface AdminTheme {
  id: number;
  slug: string;
  title: string;
  published: boolean;
  position: number;
  updatedAt: Date;
  version: string;
}
const adminColumns = { ...getTableColumns(themes), version: versionText(themes.updatedAt) };
export async function listThemesForAdmin(db: Queryable): Promise<(AdminTheme & { lastBy: string | null })[]> {
  const rows = await db
    .select({
      id: themes.id,
      slug: themes.slug,
      title: themes.title,
      published: themes.published,
      position: themes.position,
      updatedAt: themes.updatedAt,
      version: versionText(themes.updatedAt),
      lastBy: sql<
        string | null
      >`(select u.name from revisions r left join users u on u.id = r.author_id where r.kind = 'theme' and r.ref = "themes"."id" order by r.id desc limit 1)`,
    })
    .from(themes)
    .orderBy(asc(themes.position), asc(themes.title));
  return rows;
}
export async function themeForEdit(db: Queryable, id: number) {
  const [row] = await db.select(adminColumns).from(themes).where(eq(themes.id, id));
  if (!row) return null;
  const snapshot = (await themeSnapshot(db, id)) as ThemeSnapshot;
  return { ...row, snapshot };
}
export type EditableTheme = NonNullable<Awaited<ReturnType<typeof themeForEdit>>>;
export async function themeOptions(db: Queryable) {
  return db.select({ id: themes.id, slug: themes.slug, title: themes.title }).from(themes).orderBy(asc(themes.position), asc(themes.title));
}

/** Who saved the theme last, and when: shown with a conflict. */
export async function lastRevision(db: Queryable, id: number) {
  const [row] = await db
    .select({ at: revisions.at, by: users.name })
    .from(revisions)
    .leftJoin(users, eq(users.id, revisions.authorId))
    .where(and(eq(revisions.kind, 'theme'), eq(revisions.ref, id)))
    .orderBy(desc(revisions.id))
    .limit(1);
  return row ?? null;
}

/** Every source, by title, with its link status: the choice of sources on a theme's form. */
export async function listSourcesForPicker(db: Queryable) {
  const rows = await db
    .select({ id: sources.id, title: sources.title, organisation: sources.organisation, url: sources.url, checkResult: sources.checkResult })
    .from(sources);
  return rows.sort(byTitle);
}
