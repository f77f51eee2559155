import { and, asc, eq, sql } from 'drizzle-orm';
import { recordRevision } from '../audit/revisions.ts';
import type { ContentBundle } from '../content/loader.ts';
import { renderMarkdown } from '../content/markdown.ts';
import type { ThemeFrontMatter } from '../content/schema.ts';
import type { Db, Queryable } from '../db/client.ts';
import { bumpContentVersion } from '../db/content-version.ts';
import { pages, searchDocuments, sources, themeRelations, themeSources, themes, trainings } from '../db/schema.ts';
import { ByteLru, stringBytes } from '../http/byte-cache.ts';
import { upsertSearchDocument } from '../search/service.ts';

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

/** A theme's columns from its front matter and body, as content/ and a bundle give them. */
export const themeColumns = (t: ThemeFrontMatter & { body: string }) => ({
  title: t.title,
  summary: t.summary,
  bodyMd: t.body,
  position: t.order,
  reviewed: t.reviewed,
  published: t.published,
  keyFacts: t.keyFacts,
  training: t.training ?? null,
});

/** Loads content/ into an empty database in one transaction: all of it, or nothing. */
export async function importContent(db: Db, bundle: ContentBundle): Promise<{ themes: number; sources: number; pages: number }> {
  return db.transaction(async (tx) => {
    const ids = new Map<string, number>();
    for (const t of bundle.themes) {
      const [row] = await tx
        .insert(themes)
        .values({ slug: t.slug, ...themeColumns(t) })
        .returning({ id: themes.id });
      if (!row) throw new Error('insert returned nothing');
      ids.set(t.slug, row.id);
    }
    const sourceIds = new Map<string, number>();
    for (const t of bundle.themes) {
      const themeId = ids.get(t.slug) as number;
      let position = 0;
      for (const s of t.sources) {
        let sourceId = sourceIds.get(s.url);
        if (sourceId === undefined) {
          const [row] = await tx
            .insert(sources)
            .values(s)
            .onConflictDoUpdate({ target: sources.url, set: { title: s.title } })
            .returning({ id: sources.id });
          sourceId = row?.id as number;
          sourceIds.set(s.url, sourceId);
          await upsertSearchDocument(tx, {
            kind: 'source',
            ref: String(sourceId),
            title: s.title,
            url: s.url,
            summary: s.organisation,
            body: s.description,
          });
        }
        // The same source twice in one theme (the seed has one) is merged, not an error.
        await tx.insert(themeSources).values({ themeId, sourceId, position: position++ }).onConflictDoNothing();
      }
      let rp = 0;
      for (const r of t.related) {
        await tx.insert(themeRelations).values({ themeId, relatedId: ids.get(r) as number, position: rp++ });
      }
      await reindexTheme(tx, themeId);
      await recordRevision(tx, 'theme', themeId, null, 'geladen uit content/', { ...(await themeSnapshot(tx, themeId)) });
    }
    for (const p of bundle.pages) {
      await tx.insert(pages).values({ slug: p.slug, title: p.title, summary: p.summary, bodyMd: p.body, reviewed: p.reviewed });
    }
    await bumpContentVersion(tx);
    return { themes: bundle.themes.length, sources: sourceIds.size, pages: bundle.pages.length };
  });
}

/**
 * Keeps the theme's search document in step with its row (call in the writing transaction):
 * published themes are findable, unpublished ones are not. `previousSlug` removes the old entry
 * when the slug changed.
 */
export async function reindexTheme(tx: Queryable, themeId: number, previousSlug?: string): Promise<void> {
  const [t] = await tx.select().from(themes).where(eq(themes.id, themeId));
  if (previousSlug && previousSlug !== t?.slug) await unindexTheme(tx, previousSlug);
  if (!t) return;
  if (!t.published) return unindexTheme(tx, t.slug);
  await upsertSearchDocument(tx, {
    kind: 'theme',
    ref: t.slug,
    title: t.title,
    url: `/themas/${t.slug}`,
    summary: t.summary,
    body: [...t.keyFacts, renderMarkdown(t.bodyMd).text].join(' '),
  });
}

export async function unindexTheme(tx: Queryable, slug: string): Promise<void> {
  await tx.delete(searchDocuments).where(and(eq(searchDocuments.kind, 'theme'), eq(searchDocuments.ref, slug)));
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
