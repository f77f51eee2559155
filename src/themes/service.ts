import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { AuditAction } from '../audit/actions.ts';
import { type AuditSubject, audit } from '../audit/record.ts';
import { type RevisionKind, recordRevision } from '../audit/revisions.ts';
import type { ContentBundle } from '../content/loader.ts';
import { renderMarkdown } from '../content/markdown.ts';
import { claimAddress, keepOldAddress } from '../content/redirects.ts';
import type { ThemeFrontMatter } from '../content/schema.ts';
import type { Db, Queryable } from '../db/client.ts';
import { bumpContentVersion } from '../db/content-version.ts';
import { pages, searchDocuments, sources, themeRelations, themeSources, themes } from '../db/schema.ts';
import { atVersion, type Fingerprints, isUniqueViolation, mergeLateSave, nextVersion, versionText } from '../db/version.ts';
import { upsertSearchDocument } from '../search/service.ts';
import { writeSource } from '../sources/service.ts';
import type { ThemeInput } from './form.ts';
import { type ThemeSnapshot, themeSnapshot } from './queries.ts';

export class ThemeError extends Error {
  constructor(
    message: string,
    readonly code: 'not-found' | 'conflict' | 'slug-taken' | 'invalid',
    readonly field?: string,
    /** A conflict per field: the fields both editors changed differently, and the merge (see mergeFields). */
    readonly clash?: { fields: string[]; merged: ThemeFields },
  ) {
    super(message);
  }
}

/** A theme's editable fields as one flat record: what a save compares and merges field by field. */
export type ThemeFields = Omit<ThemeSnapshot, 'position'>;
export const themeFields = (t: ThemeInput | ThemeSnapshot): ThemeFields => ({
  slug: t.slug,
  title: t.title,
  summary: t.summary,
  bodyMd: t.bodyMd,
  reviewed: t.reviewed,
  published: t.published,
  keyFacts: t.keyFacts,
  training: t.training ? { title: t.training.title, text: t.training.text } : null,
  related: t.related,
  sources: 'sourceIds' in t ? t.sourceIds : t.sources,
});
const inputOf = ({ sources, ...rest }: ThemeFields): ThemeInput => ({ ...rest, sourceIds: sources });

const KIND: RevisionKind = 'theme';
const subject = (id: number, title: string): AuditSubject => ({ kind: 'theme', id, label: title });
const notFound = () => new ThemeError('Dit thema bestaat niet (meer).', 'not-found');
const conflict = (clash?: ThemeError['clash']) =>
  new ThemeError('Iemand anders heeft dit thema gewijzigd nadat jij de pagina opende. Je wijziging is niet opgeslagen.', 'conflict', undefined, clash);
const slugTaken = () => new ThemeError('Er bestaat al een thema met dit webadres (slug). Kies een ander.', 'slug-taken', 'slug');

// ---------------------------------------------------------------- writing

async function assertSlugFree(tx: Queryable, slug: string, exceptId = 0) {
  const [clash] = await tx
    .select({ id: themes.id })
    .from(themes)
    .where(and(eq(themes.slug, slug), ne(themes.id, exceptId)));
  if (clash) throw slugTaken();
}

/** Related themes by slug → ids (never itself), and sources that exist: anything else is refused by name. */
async function resolveLinks(tx: Queryable, input: ThemeInput, selfId = 0) {
  const related = input.related.length ? await tx.select({ id: themes.id, slug: themes.slug }).from(themes).where(inArray(themes.slug, input.related)) : [];
  const bySlug = new Map(related.map((r) => [r.slug, r.id]));
  const missing = input.related.filter((s) => !bySlug.has(s));
  if (missing.length) throw new ThemeError(`Verwante thema’s: deze thema’s bestaan niet (meer): ${missing.join(', ')}.`, 'invalid', 'related');
  if (input.related.some((s) => bySlug.get(s) === selfId))
    throw new ThemeError('Verwante thema’s: een thema kan niet naar zichzelf verwijzen.', 'invalid', 'related');
  const found = input.sourceIds.length ? await tx.select({ id: sources.id }).from(sources).where(inArray(sources.id, input.sourceIds)) : [];
  if (found.length !== input.sourceIds.length) throw new ThemeError('Bronnen: een gekozen bron bestaat niet meer. Kies opnieuw.', 'invalid', 'sources');
  return input.related.map((s) => bySlug.get(s) as number);
}

type ThemeRow = Omit<typeof themes.$inferInsert, 'id' | 'updatedAt'>;

/** A new theme's row, without links yet (a bundle's related themes may still be on their way); writeTheme does the rest. */
export async function insertThemeRow(tx: Queryable, row: ThemeRow): Promise<number> {
  const [inserted] = await tx.insert(themes).values(row).returning({ id: themes.id });
  if (!inserted) throw new Error('insert returned nothing');
  return inserted.id;
}

/**
 * The one writer of a theme, inside the caller's transaction: its columns (only at `version`, when
 * given; false when the theme has moved on), its related themes and sources in the given order,
 * its search document and a revision. The editors, the bundle import and the content load all
 * write themes through here; each adds its own audit row and content version around it.
 */
export async function writeTheme(
  tx: Queryable,
  actorId: number | null,
  id: number,
  change: { row?: Partial<ThemeRow>; version?: string; previousSlug?: string; related?: number[]; sources?: number[]; note: string },
): Promise<boolean> {
  if (change.row) {
    const guard = change.version === undefined ? eq(themes.id, id) : and(eq(themes.id, id), atVersion(themes.updatedAt, change.version));
    const [row] = await tx
      .update(themes)
      .set({ ...change.row, updatedAt: nextVersion(themes.updatedAt) })
      .where(guard)
      .returning({ id: themes.id });
    if (!row) return false;
  }
  if (change.related) {
    await tx.delete(themeRelations).where(eq(themeRelations.themeId, id));
    if (change.related.length) await tx.insert(themeRelations).values(change.related.map((relatedId, position) => ({ themeId: id, relatedId, position })));
  }
  if (change.sources) {
    await tx.delete(themeSources).where(eq(themeSources.themeId, id));
    const unique = [...new Set(change.sources)];
    if (unique.length) await tx.insert(themeSources).values(unique.map((sourceId, position) => ({ themeId: id, sourceId, position })));
  }
  await reindexTheme(tx, id, change.previousSlug);
  await recordRevision(tx, KIND, id, actorId, change.note, { ...(await themeSnapshot(tx, id)) });
  return true;
}

const columnsOf = (input: ThemeInput) => ({
  slug: input.slug,
  title: input.title,
  summary: input.summary,
  bodyMd: input.bodyMd,
  reviewed: input.reviewed,
  published: input.published,
  keyFacts: input.keyFacts,
  training: input.training,
});

/** After writeTheme: the audit row (with the snapshot from before a save, naming the fields it changed) and a new content version. */
async function audited(tx: Queryable, actorId: number | null, id: number, auditAction: AuditAction, before?: ThemeSnapshot) {
  const snapshot = (await themeSnapshot(tx, id)) as ThemeSnapshot;
  const details: Record<string, unknown> = { slug: snapshot.slug, title: snapshot.title };
  if (before) {
    const [was, now] = [themeFields(before), themeFields(snapshot)];
    details.changed = (Object.keys(now) as (keyof ThemeFields)[]).filter((k) => JSON.stringify(was[k]) !== JSON.stringify(now[k]));
  }
  await audit(tx, actorId, auditAction, subject(id, snapshot.title), details);
  await bumpContentVersion(tx);
}

async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isUniqueViolation(err)) throw slugTaken();
    throw err;
  }
}

export async function createTheme(db: Db, actorId: number | null, input: ThemeInput): Promise<number> {
  return translated(() =>
    db.transaction(async (tx) => {
      await assertSlugFree(tx, input.slug);
      const relatedIds = await resolveLinks(tx, input);
      const [{ next } = { next: 0 }] = await tx.select({ next: sql<number>`coalesce(max(${themes.position}), 0)::int + 10` }).from(themes);
      const id = await insertThemeRow(tx, { ...columnsOf(input), position: next });
      await writeTheme(tx, actorId, id, { related: relatedIds, sources: input.sourceIds, note: 'aangemaakt' });
      await claimAddress(tx, 'theme', input.slug);
      await audited(tx, actorId, id, 'theme.created');
      return id;
    }),
  );
}

/**
 * Saves only if the theme is still at the version the editor's form was built from; the check and
 * the write are one statement, so two saves of the same version cannot both succeed.
 */
export async function updateTheme(
  db: Db,
  actorId: number | null,
  id: number,
  version: string,
  given: ThemeInput,
  action = 'opgeslagen',
  basis: Fingerprints | null = null,
): Promise<void> {
  await translated(() =>
    db.transaction(async (tx) => {
      const [before] = await tx
        .select({ slug: themes.slug, version: versionText(themes.updatedAt) })
        .from(themes)
        .where(eq(themes.id, id))
        .for('update');
      if (!before) throw notFound();
      const beforeSnapshot = (await themeSnapshot(tx, id)) as ThemeSnapshot;
      let input = given;
      if (before.version !== version) {
        // Someone saved in between. With the fingerprints of what this editor started from, the
        // fields each changed are known: different fields are merged, the same field conflicts.
        input = inputOf(mergeLateSave(basis, themeFields(given), themeFields(beforeSnapshot), conflict));
      }
      const at = before.version;
      await assertSlugFree(tx, input.slug, id);
      const relatedIds = await resolveLinks(tx, input, id);
      const change = { row: columnsOf(input), version: at, previousSlug: before.slug, related: relatedIds, sources: input.sourceIds, note: action };
      if (!(await writeTheme(tx, actorId, id, change))) throw conflict();
      await keepOldAddress(tx, 'theme', id, before.slug, input.slug);
      await audited(tx, actorId, id, 'theme.updated', beforeSnapshot);
    }),
  );
}

export async function setThemePublished(db: Db, actorId: number | null, id: number, version: string, published: boolean): Promise<void> {
  await db.transaction(async (tx) => {
    const written = await writeTheme(tx, actorId, id, { row: { published }, version, note: published ? 'gepubliceerd' : 'teruggetrokken' });
    if (!written) throw (await themeSnapshot(tx, id)) ? conflict() : notFound();
    await audited(tx, actorId, id, published ? 'theme.published' : 'theme.unpublished');
  });
}

/**
 * Moves a theme one place up or down in the site's order. The order is not part of an editor's
 * form, so this does not move the theme's version: nobody's open form becomes stale by it.
 */
export async function moveTheme(db: Db, actorId: number | null, id: number, direction: 'up' | 'down'): Promise<boolean> {
  return db.transaction(async (tx) => {
    // Serialise reorderings: two editors clicking at once must not end with duplicate positions.
    const ordered = await tx.select({ id: themes.id, title: themes.title }).from(themes).orderBy(asc(themes.position), asc(themes.title)).for('update');
    const from = ordered.findIndex((t) => t.id === id);
    if (from < 0) throw notFound();
    const to = direction === 'up' ? from - 1 : from + 1;
    if (to < 0 || to >= ordered.length) return false;
    const ids = ordered.map((t) => t.id);
    [ids[from], ids[to]] = [ids[to] as number, ids[from] as number];
    for (const [i, themeId] of ids.entries())
      await tx
        .update(themes)
        .set({ position: (i + 1) * 10 })
        .where(eq(themes.id, themeId));
    await audit(tx, actorId, 'theme.moved', subject(id, ordered[from]?.title ?? ''), { direction });
    await bumpContentVersion(tx);
    return true;
  });
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
    // Every row first, so related themes can point at any theme of content/.
    const ids = new Map<string, number>();
    for (const t of bundle.themes) ids.set(t.slug, await insertThemeRow(tx, { slug: t.slug, ...themeColumns(t) }));
    const sourceIds = new Map<string, number>();
    for (const t of bundle.themes) {
      const linked: number[] = [];
      for (const s of t.sources) {
        let sourceId = sourceIds.get(s.url);
        if (sourceId === undefined) {
          sourceId = ((await writeSource(tx, null, null, s, { note: LOADED })) as { id: number }).id;
          sourceIds.set(s.url, sourceId);
        }
        linked.push(sourceId);
      }
      // The same source twice in one theme (the seed has one) is merged by writeTheme, not an error.
      await writeTheme(tx, null, ids.get(t.slug) as number, { related: t.related.map((r) => ids.get(r) as number), sources: linked, note: LOADED });
    }
    for (const p of bundle.pages) {
      await tx.insert(pages).values({ slug: p.slug, title: p.title, summary: p.summary, bodyMd: p.body, reviewed: p.reviewed });
    }
    await bumpContentVersion(tx);
    return { themes: bundle.themes.length, sources: sourceIds.size, pages: bundle.pages.length };
  });
}

const LOADED = 'geladen uit content/';

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
    body: [...t.keyFacts, renderMarkdown(t.bodyMd).blocks].join('\n\n'),
  });
}
export async function unindexTheme(tx: Queryable, slug: string): Promise<void> {
  await tx.delete(searchDocuments).where(and(eq(searchDocuments.kind, 'theme'), eq(searchDocuments.ref, slug)));
}

/** Turns an old snapshot into input for today's database: links to things that are gone are left out (and reported). */
export async function inputFromRevision(db: Queryable, data: Record<string, unknown>): Promise<{ input: ThemeInput; dropped: string[] }> {
  const s = data as unknown as ThemeSnapshot;
  const related = (s.related ?? []).length ? await db.select({ slug: themes.slug }).from(themes).where(inArray(themes.slug, s.related)) : [];
  const haveRelated = new Set(related.map((r) => r.slug));
  const srcs = (s.sources ?? []).length ? await db.select({ id: sources.id }).from(sources).where(inArray(sources.id, s.sources)) : [];
  const haveSources = new Set(srcs.map((r) => r.id));
  const dropped = [
    ...(s.related ?? []).filter((r) => !haveRelated.has(r)).map((r) => `verwant thema “${r}”`),
    ...(s.sources ?? []).filter((id) => !haveSources.has(id)).map((id) => `bron #${id}`),
  ];
  return {
    dropped,
    input: {
      slug: s.slug,
      title: s.title,
      summary: s.summary,
      bodyMd: s.bodyMd,
      reviewed: s.reviewed,
      published: s.published,
      keyFacts: s.keyFacts ?? [],
      training: s.training ?? null,
      related: (s.related ?? []).filter((r) => haveRelated.has(r)),
      sourceIds: (s.sources ?? []).filter((id) => haveSources.has(id)),
    },
  };
}
