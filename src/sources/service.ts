import { and, asc, desc, eq, getTableColumns, ilike, inArray, isNull, ne, or, type SQL, sql } from 'drizzle-orm';
import type { AuditAction } from '../audit/actions.ts';
import { type AuditSubject, audit } from '../audit/record.ts';
import { recordRevision } from '../audit/revisions.ts';
import { byTitle } from '../content/order.ts';
import { sourceSchema } from '../content/schema.ts';
import { normaliseUrl } from '../content/url.ts';
import type { Db, Queryable } from '../db/client.ts';
import { bumpContentVersion } from '../db/content-version.ts';
import { auditLog, searchDocuments, sources, themeSources, themes, users } from '../db/schema.ts';
import { atVersion, type Fingerprints, isUniqueViolation, mergeLateSave, nextVersion, versionText } from '../db/version.ts';
import { upsertSearchDocument } from '../search/service.ts';
import { themeSnapshot } from '../themes/queries.ts';

export type Source = typeof sources.$inferSelect;

/** A source with its version (the exact updated_at as text, which an edit form carries back) and the themes that use it. */
export type VersionedSource = Source & { version: string; themeIds: number[] };

export class SourceError extends Error {
  constructor(
    message: string,
    readonly code: 'not-found' | 'conflict' | 'duplicate' | 'invalid' | 'confirm',
    readonly field?: string,
    /** For a duplicate: the source that already has this URL. */
    readonly existing?: { id: number; title: string },
    /** A conflict per field: the fields both editors changed differently, and the merge (see mergeFields). */
    readonly clash?: { fields: string[]; merged: SourceInput },
  ) {
    super(message);
  }
}

const subject = (id: number, title: string): AuditSubject => ({ kind: 'source', id, label: title });
const notFound = () => new SourceError('Deze bron bestaat niet (meer).', 'not-found');
const conflict = (clash?: SourceError['clash']) =>
  new SourceError(
    'Iemand anders heeft deze bron gewijzigd nadat jij de pagina opende. Je wijziging is niet opgeslagen.',
    'conflict',
    undefined,
    undefined,
    clash,
  );
const duplicate = (existing: { id: number; title: string }) => new SourceError('Deze bron bestaat al.', 'duplicate', 'url', existing);

// ---------------------------------------------------------------- the form

export const LABELS = {
  title: 'Titel',
  organisation: 'Organisatie',
  url: 'Webadres (URL)',
  description: 'Korte beschrijving',
  themes: 'Thema’s',
} as const;
export type SourceField = keyof typeof LABELS;

export interface SourceInput {
  title: string;
  organisation: string;
  url: string;
  description: string;
  themeIds: number[];
}

/** A source's editable fields as a save compares and merges them (themes as a set, in id order). */
export const sourceFields = (s: SourceInput): SourceInput => ({
  title: s.title,
  organisation: s.organisation,
  url: s.url,
  description: s.description,
  themeIds: [...s.themeIds].sort((a, b) => a - b),
});

/** What an editor typed, as typed (to show again next to the messages). */
export interface SourceFormValues {
  title: string;
  organisation: string;
  url: string;
  description: string;
  themes: string[];
}

const controlChars = /[\u0000-\u001f\u007f-\u009f]/g;
const oneLine = (v: string) => v.replace(controlChars, ' ').replace(/\s+/g, ' ').trim();
const MAX_URL = 2000;

/**
 * The form, checked with the same sourceSchema as the sources in content/, plus what only a form
 * needs: "www.nji.nl" gets https:// in front, the host must be a full domain, the themes must be ids.
 * Messages are whole Dutch sentences ("Titel is verplicht.").
 */
export function parseSourceForm(values: SourceFormValues): { input?: SourceInput; errors: Partial<Record<SourceField, string>> } {
  const errors: Partial<Record<SourceField, string>> = {};
  let url = oneLine(values.url);
  if (url && !/^[a-z][a-z0-9+.-]*:/i.test(url)) url = `https://${url}`;
  const parsed = sourceSchema.safeParse({
    title: oneLine(values.title),
    organisation: oneLine(values.organisation),
    url,
    description: oneLine(values.description),
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]) as SourceField;
      if (errors[field] || !(field in LABELS)) continue;
      const typed = oneLine(String(values[field as keyof SourceFormValues] ?? ''));
      // sourceSchema says "is verplicht" for anything under 2 characters; a typed letter is "too short".
      const message = issue.code === 'too_small' && typed ? 'is te kort (minstens 2 tekens)' : issue.message;
      errors[field] = `${LABELS[field]} ${message}.`;
    }
  }
  if (!oneLine(values.url)) errors.url = `${LABELS.url} is verplicht.`;
  else if (values.url.length > MAX_URL) errors.url = `${LABELS.url} is te lang (max. ${MAX_URL} tekens).`;
  else if (parsed.success && !new URL(parsed.data.url).hostname.includes('.'))
    errors.url = `${LABELS.url} moet een volledig adres zijn, zoals https://www.nji.nl/.`;
  const themeIds = [...new Set(values.themes.map((v) => Number(v)))];
  if (themeIds.some((n) => !Number.isInteger(n) || n <= 0 || n >= 2 ** 31)) errors.themes = 'Kies thema’s uit de lijst.';
  else if (themeIds.length > 50) errors.themes = 'Kies hoogstens 50 thema’s.';
  if (Object.keys(errors).length || !parsed.success) return { errors };
  return { input: { ...parsed.data, themeIds }, errors };
}

// ---------------------------------------------------------------- reading

const versioned = { ...getTableColumns(sources), version: versionText(sources.updatedAt) };

async function themeIdsOf(db: Queryable, id: number): Promise<number[]> {
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

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

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

async function existingWithUrl(db: Queryable, url: string, exceptId?: number) {
  const [row] = await db
    .select({ id: sources.id, title: sources.title })
    .from(sources)
    .where(exceptId === undefined ? eq(sources.url, url) : and(eq(sources.url, url), ne(sources.id, exceptId)));
  return row ?? null;
}

// ---------------------------------------------------------------- writing

/** Keeps the source's search document in step with its row (call in the writing transaction); a deleted source leaves the index. */
export async function reindexSource(tx: Queryable, id: number): Promise<void> {
  const [s] = await tx.select().from(sources).where(eq(sources.id, id));
  if (!s) {
    await tx.delete(searchDocuments).where(and(eq(searchDocuments.kind, 'source'), eq(searchDocuments.ref, String(id))));
    return;
  }
  await upsertSearchDocument(tx, { kind: 'source', ref: String(id), title: s.title, url: s.url, summary: s.organisation, body: s.description });
}

/** What a source revision keeps: every editable field, themes by id. */
async function snapshot(tx: Queryable, id: number) {
  const [s] = await tx.select().from(sources).where(eq(sources.id, id));
  return s ? { title: s.title, organisation: s.organisation, url: s.url, description: s.description, themes: await themeIdsOf(tx, id) } : null;
}

/**
 * A theme whose list of sources changes here has changed: its version moves (so an editor with the
 * theme open gets a conflict instead of silently dropping or restoring the link) and it gets a
 * revision. Themes are locked in id order, the same order as every other writer of theme_sources.
 */
async function touchThemes(tx: Queryable, actorId: number | null, ids: number[], action: string): Promise<void> {
  for (const id of [...ids].sort((a, b) => a - b)) {
    await tx
      .update(themes)
      .set({ updatedAt: nextVersion(themes.updatedAt) })
      .where(eq(themes.id, id));
    const snap = await themeSnapshot(tx, id);
    if (snap) await recordRevision(tx, 'theme', id, actorId, action, { ...snap });
  }
}

/**
 * Links a source to exactly these themes: a theme newly linked gets it at the end of its list, a
 * theme already linked keeps it where it is, a theme no longer chosen loses it.
 */
async function setThemeLinks(tx: Queryable, actorId: number | null, sourceId: number, themeIds: number[]) {
  const current = new Set(await themeIdsOf(tx, sourceId));
  const want = new Set(themeIds);
  const added = themeIds.filter((id) => !current.has(id));
  const removed = [...current].filter((id) => !want.has(id));
  const touched = [...added, ...removed].sort((a, b) => a - b);
  if (!touched.length) return { added, removed };
  const locked = await tx.select({ id: themes.id }).from(themes).where(inArray(themes.id, touched)).orderBy(asc(themes.id)).for('update');
  if (added.some((id) => !locked.some((l) => l.id === id))) throw new SourceError('Een gekozen thema bestaat niet (meer). Kies opnieuw.', 'invalid', 'themes');
  if (removed.length) await tx.delete(themeSources).where(and(eq(themeSources.sourceId, sourceId), inArray(themeSources.themeId, removed)));
  for (const themeId of added) {
    await tx.insert(themeSources).values({
      themeId,
      sourceId,
      position: sql`(select coalesce(max(ts.position), -1) + 1 from theme_sources ts where ts.theme_id = ${themeId})`,
    });
  }
  await touchThemes(tx, actorId, touched, 'bronnen gewijzigd via Bronnen');
  return { added, removed };
}

async function afterWrite(
  tx: Queryable,
  actorId: number | null,
  id: number,
  revisionAction: string,
  auditAction: AuditAction,
  details: Record<string, unknown>,
) {
  await reindexSource(tx, id);
  const snap = await snapshot(tx, id);
  if (snap) await recordRevision(tx, 'source', id, actorId, revisionAction, snap);
  await audit(tx, actorId, auditAction, subject(id, snap?.title ?? ''), details);
  await bumpContentVersion(tx);
}

/** The unique index (sources_url_key) also catches two editors adding the same URL at the same moment. */
async function translated<T>(db: Db, url: string, exceptId: number | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isUniqueViolation(err)) {
      const existing = await existingWithUrl(db, url, exceptId);
      if (existing) throw duplicate(existing);
    }
    throw err;
  }
}

/** Adds a source with its theme links, search document, revision, audit row and a new content version: all of it, or nothing. */
export async function createSource(db: Db, actorId: number | null, input: SourceInput): Promise<number> {
  return translated(db, input.url, undefined, () =>
    db.transaction(async (tx) => {
      const existing = await existingWithUrl(tx, input.url);
      if (existing) throw duplicate(existing);
      const { themeIds, ...fields } = input;
      const [row] = await tx.insert(sources).values(fields).returning({ id: sources.id });
      if (!row) throw new Error('insert returned nothing');
      await setThemeLinks(tx, actorId, row.id, themeIds);
      await afterWrite(tx, actorId, row.id, 'aangemaakt', 'source.created', { title: fields.title, url: fields.url, themes: themeIds });
      return row.id;
    }),
  );
}

const CHECK_RESET = { checkedAt: null, checkStatus: null, checkResult: null, redirectTo: null, checkError: null };

/**
 * Saves an editor's changes only if the source is still at the version their form was built from;
 * otherwise a conflict, and nothing changes. A new URL forgets the old URL's check result.
 */
export async function updateSource(
  db: Db,
  actorId: number | null,
  id: number,
  version: string,
  given: SourceInput,
  basis: Fingerprints | null = null,
): Promise<void> {
  await translated(db, given.url, id, () =>
    db.transaction(async (tx) => {
      await tx.select({ id: sources.id }).from(sources).where(eq(sources.id, id)).for('update');
      const before = await sourceById(tx, id);
      if (!before) throw notFound();
      let input = given;
      if (before.version !== version) {
        // Someone saved in between: different fields are merged, the same field conflicts.
        input = mergeLateSave(basis, sourceFields(given), sourceFields(before), conflict);
      }
      const existing = await existingWithUrl(tx, input.url, id);
      if (existing) throw duplicate(existing);
      const { themeIds, ...fields } = input;
      const [row] = await tx
        .update(sources)
        .set({ ...fields, ...(fields.url !== before.url ? CHECK_RESET : {}), updatedAt: nextVersion(sources.updatedAt) })
        .where(and(eq(sources.id, id), atVersion(sources.updatedAt, before.version)))
        .returning({ id: sources.id });
      if (!row) throw conflict();
      const links = await setThemeLinks(tx, actorId, id, themeIds);
      const changed: string[] = (['title', 'organisation', 'url', 'description'] as const).filter((k) => before[k] !== fields[k]);
      if (links.added.length || links.removed.length) changed.push('themes');
      await afterWrite(tx, actorId, id, 'opgeslagen', 'source.updated', {
        title: fields.title,
        url: fields.url,
        changed,
        themesAdded: links.added,
        themesRemoved: links.removed,
      });
    }),
  );
}

/**
 * Takes over the address a redirect leads to ("Gebruik het nieuwe adres"): only the target the
 * editor saw, only at the version they saw, normalised, and never onto another source's URL.
 */
export async function adoptRedirect(db: Db, actorId: number | null, id: number, version: string, seenTarget: string): Promise<string> {
  let url: string;
  try {
    url = normaliseUrl(seenTarget);
  } catch {
    throw new SourceError('Het nieuwe adres is geen geldig webadres.', 'invalid');
  }
  await translated(db, url, id, () =>
    db.transaction(async (tx) => {
      const before = await sourceById(tx, id);
      if (!before) throw notFound();
      if (before.version !== version || before.checkResult !== 'redirect' || before.redirectTo !== seenTarget) throw conflict();
      if (url === before.url) throw new SourceError('Het nieuwe adres is hetzelfde als het huidige.', 'invalid');
      const existing = await existingWithUrl(tx, url, id);
      if (existing) throw duplicate(existing);
      const [row] = await tx
        .update(sources)
        .set({ url, ...CHECK_RESET, updatedAt: nextVersion(sources.updatedAt) })
        .where(and(eq(sources.id, id), atVersion(sources.updatedAt, version)))
        .returning({ id: sources.id });
      if (!row) throw conflict();
      await afterWrite(tx, actorId, id, 'nieuw adres overgenomen', 'source.url_adopted', { title: before.title, from: before.url, to: url });
    }),
  );
  return url;
}

/**
 * Deletes a source at the version the editor confirmed. When themes use it, the editor must have
 * seen exactly those themes and confirmed that the source leaves them; the audit row keeps the
 * source and its place in each theme, so it can be put back by hand.
 */
export async function deleteSource(db: Db, actorId: number | null, id: number, version: string, confirmedThemeIds: number[] | null): Promise<string> {
  return db.transaction(async (tx) => {
    const before = await sourceById(tx, id);
    if (!before) throw notFound();
    if (before.version !== version) throw conflict();
    if (before.themeIds.length) {
      if (!confirmedThemeIds) throw new SourceError('Vink aan dat de bron ook uit de thema’s hierboven mag verdwijnen.', 'confirm', 'bevestig');
      const seen = [...new Set(confirmedThemeIds)].sort((a, b) => a - b);
      if (seen.join(',') !== before.themeIds.join(',')) throw conflict();
      await tx.select({ id: themes.id }).from(themes).where(inArray(themes.id, before.themeIds)).orderBy(asc(themes.id)).for('update');
    }
    const places = await tx
      .select({ themeId: themeSources.themeId, slug: themes.slug, position: themeSources.position })
      .from(themeSources)
      .innerJoin(themes, eq(themes.id, themeSources.themeId))
      .where(eq(themeSources.sourceId, id));
    const snap = await snapshot(tx, id);
    const [row] = await tx
      .delete(sources)
      .where(and(eq(sources.id, id), atVersion(sources.updatedAt, version)))
      .returning();
    if (!row) throw conflict();
    if (before.themeIds.length) await touchThemes(tx, actorId, before.themeIds, `bron “${row.title}” verwijderd via Bronnen`);
    await reindexSource(tx, id);
    if (snap) await recordRevision(tx, 'source', id, actorId, 'verwijderd', snap);
    await audit(tx, actorId, 'source.deleted', subject(id, row.title), {
      title: row.title,
      organisation: row.organisation,
      url: row.url,
      description: row.description,
      themes: places,
    });
    await bumpContentVersion(tx);
    return row.title;
  });
}
