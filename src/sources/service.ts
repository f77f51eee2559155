import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { AuditAction } from '../audit/actions.ts';
import { type AuditSubject, audit } from '../audit/record.ts';
import { recordRevision } from '../audit/revisions.ts';
import { normaliseUrl } from '../content/url.ts';
import type { Db, Queryable } from '../db/client.ts';
import { bumpContentVersion } from '../db/content-version.ts';
import { searchDocuments, sources, themeSources, themes } from '../db/schema.ts';
import { atVersion, type Fingerprints, isUniqueViolation, mergeLateSave, nextVersion } from '../db/version.ts';
import { upsertSearchDocument } from '../search/service.ts';
import { themeSnapshot } from '../themes/queries.ts';
import { type SourceInput, sourceFields } from './form.ts';
import { type Source, sourceById, themeIdsOf } from './queries.ts';

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

async function existingWithUrl(db: Queryable, url: string, exceptId?: number) {
  const [row] = await db
    .select({ id: sources.id, title: sources.title })
    .from(sources)
    .where(exceptId === undefined ? eq(sources.url, url) : and(eq(sources.url, url), ne(sources.id, exceptId)));
  return row ?? null;
}

// ---------------------------------------------------------------- writing

export interface SourceInfo {
  organisation: string;
  description: string;
}

/** Every source's publisher and description by id (as its search document's ref), for search results. */
export async function sourceInfo(db: Queryable): Promise<Map<string, SourceInfo>> {
  const list = await db.select({ id: sources.id, organisation: sources.organisation, description: sources.description }).from(sources);
  return new Map(list.map((s) => [String(s.id), { organisation: s.organisation, description: s.description }]));
}

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

type SourceColumns = Pick<Source, 'title' | 'organisation' | 'url' | 'description'>;
const CHECK_RESET = { checkedAt: null, checkStatus: null, checkResult: null, redirectTo: null, checkError: null };

/**
 * The one writer of a source, inside the caller's transaction: its row (a new one when `target` is
 * null; otherwise only at `target.version`, when given, and null when it has moved on), a new URL
 * forgetting the old URL's check result, its themes when `themeIds` is given, its search document
 * and a revision. The editors, the bundle import and the content load all write sources through
 * here; each adds its own audit row and content version around it.
 */
export async function writeSource(
  tx: Queryable,
  actorId: number | null,
  target: { id: number; url: string; version?: string } | null,
  fields: Partial<SourceColumns>,
  change: { note: string; themeIds?: number[] },
): Promise<{ id: number; added: number[]; removed: number[] } | null> {
  let id: number;
  if (!target) {
    const [row] = await tx
      .insert(sources)
      .values(fields as SourceColumns)
      .returning({ id: sources.id });
    if (!row) throw new Error('insert returned nothing');
    id = row.id;
  } else {
    const guard = target.version === undefined ? eq(sources.id, target.id) : and(eq(sources.id, target.id), atVersion(sources.updatedAt, target.version));
    const reset = fields.url !== undefined && fields.url !== target.url ? CHECK_RESET : {};
    const [row] = await tx
      .update(sources)
      .set({ ...fields, ...reset, updatedAt: nextVersion(sources.updatedAt) })
      .where(guard)
      .returning({ id: sources.id });
    if (!row) return null;
    id = row.id;
  }
  const links = change.themeIds ? await setThemeLinks(tx, actorId, id, change.themeIds) : { added: [], removed: [] };
  await reindexSource(tx, id);
  const snap = await snapshot(tx, id);
  if (snap) await recordRevision(tx, 'source', id, actorId, change.note, snap);
  return { id, ...links };
}

/** After writeSource: the audit row and a new content version. */
async function audited(tx: Queryable, actorId: number | null, id: number, title: string, auditAction: AuditAction, details: Record<string, unknown>) {
  await audit(tx, actorId, auditAction, subject(id, title), details);
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
      const written = (await writeSource(tx, actorId, null, fields, { note: 'aangemaakt', themeIds })) as { id: number };
      await audited(tx, actorId, written.id, fields.title, 'source.created', { title: fields.title, url: fields.url, themes: themeIds });
      return written.id;
    }),
  );
}

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
      const links = await writeSource(tx, actorId, { id, url: before.url, version: before.version }, fields, { note: 'opgeslagen', themeIds });
      if (!links) throw conflict();
      const changed: string[] = (['title', 'organisation', 'url', 'description'] as const).filter((k) => before[k] !== fields[k]);
      if (links.added.length || links.removed.length) changed.push('themes');
      await audited(tx, actorId, id, fields.title, 'source.updated', {
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
      if (!(await writeSource(tx, actorId, { id, url: before.url, version }, { url }, { note: 'nieuw adres overgenomen' }))) throw conflict();
      await audited(tx, actorId, id, before.title, 'source.url_adopted', { title: before.title, from: before.url, to: url });
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
