import { and, asc, desc, eq, getTableColumns, inArray, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AuditAction } from '../audit/actions.ts';
import { type AuditSubject, audit } from '../audit/record.ts';
import { type RevisionKind, recordRevision } from '../audit/revisions.ts';
import { byTitle } from '../content/order.ts';
import { claimAddress, keepOldAddress } from '../content/redirects.ts';
import { markdownBody, themeFrontMatter } from '../content/schema.ts';
import { slugify } from '../content/slug.ts';
import type { Db, Queryable } from '../db/client.ts';
import { bumpContentVersion } from '../db/content-version.ts';
import { revisions, sources, themeRelations, themeSources, themes, users } from '../db/schema.ts';
import { atVersion, type Fingerprints, isUniqueViolation, mergeLateSave, nextVersion, versionText } from '../db/version.ts';
import { reindexTheme, type ThemeSnapshot, themeSnapshot } from './service.ts';

/** Everything an editor sets on a theme in the form (the order is set in the list). */
export interface ThemeInput {
  slug: string;
  title: string;
  summary: string;
  bodyMd: string;
  reviewed: string;
  published: boolean;
  keyFacts: string[];
  training: { title: string; text: string } | null;
  related: string[];
  sourceIds: number[];
}

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

// ---------------------------------------------------------------- the form's schema

/** The same rules as a theme file in content/ (front-matter and body), for the fields the form has. */
const frontMatter = themeFrontMatter.omit({ sources: true, order: true });
const sourceIds = z
  .array(
    z.coerce
      .number()
      .int()
      .positive()
      .max(2 ** 31 - 1),
  )
  .max(20, 'hoogstens 20 bronnen');

export const FIELD_LABELS = {
  title: 'Titel',
  slug: 'Webadres (slug)',
  summary: 'Samenvatting',
  reviewed: 'Laatst inhoudelijk gecontroleerd',
  published: 'Op de site',
  keyFacts: 'Kernfeiten',
  trainingTitle: 'Training: titel',
  trainingText: 'Training: tekst',
  related: 'Verwante thema’s',
  sources: 'Bronnen',
  body: 'Tekst (Markdown)',
} as const;
export type FormField = keyof typeof FIELD_LABELS;

/** What the form posts, as strings, so it can be shown again exactly as typed. */
export interface ThemeFormValues {
  title: string;
  slug: string;
  summary: string;
  /** The review date the theme gets: the stored one, or today when the editor ticked the check (see withReviewDate). */
  reviewed: string;
  /** "Ik heb de inhoud inhoudelijk gecontroleerd": only this moves the review date. */
  reviewedNow: boolean;
  published: boolean;
  keyFacts: string;
  trainingTitle: string;
  trainingText: string;
  related: string[];
  sources: string[];
  body: string;
}

const MAX_FIELD = 200_000;
const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, MAX_FIELD) : Array.isArray(v) && typeof v[0] === 'string' ? v[0].slice(0, MAX_FIELD) : '');
const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string').slice(0, 100);
// Browsers send CRLF from a textarea; we store LF, like the files in content/.
const lf = (s: string) => s.replace(/\r\n?/g, '\n');

export function formValuesFromBody(body: Record<string, unknown>): ThemeFormValues {
  return {
    title: text(body.title),
    slug: text(body.slug).trim(),
    summary: text(body.summary),
    reviewed: text(body.reviewed).trim(),
    reviewedNow: text(body.reviewedNow) === 'ja',
    published: text(body.published) === 'ja',
    keyFacts: lf(text(body.keyFacts)),
    trainingTitle: text(body.trainingTitle),
    trainingText: text(body.trainingText),
    related: list(body.related),
    sources: list(body.sources),
    body: lf(text(body.body)),
  };
}

export function formValuesOf(s: ThemeSnapshot): ThemeFormValues {
  return {
    title: s.title,
    slug: s.slug,
    summary: s.summary,
    reviewed: s.reviewed,
    reviewedNow: false,
    published: s.published,
    keyFacts: s.keyFacts.join('\n'),
    trainingTitle: s.training?.title ?? '',
    trainingText: s.training?.text ?? '',
    related: s.related,
    sources: s.sources.map(String),
    body: s.bodyMd,
  };
}

export const emptyFormValues = (): ThemeFormValues => ({
  title: '',
  slug: '',
  summary: '',
  reviewed: '',
  reviewedNow: false,
  published: false,
  keyFacts: '',
  trainingTitle: '',
  trainingText: '',
  related: [],
  sources: [],
  body: '',
});

export { slugify };

/**
 * The review date is never taken from the form: saving keeps the stored date (`current`; a new
 * theme has none), and only an explicit "inhoudelijk gecontroleerd" sets it to today.
 */
export function withReviewDate(values: ThemeFormValues, current: string, today: string): ThemeFormValues {
  return { ...values, reviewed: values.reviewedNow ? today : current };
}

export type FormErrors = Partial<Record<FormField | 'form', string>>;

const errorField = (path: readonly PropertyKey[]): FormField => {
  const [head, sub] = path;
  if (head === 'training') return sub === 'text' ? 'trainingText' : 'trainingTitle';
  return (typeof head === 'string' && head in FIELD_LABELS ? head : 'title') as FormField;
};

/** Validates the form with the content/ schema; errors are whole Dutch sentences naming the field. */
export function parseThemeForm(values: ThemeFormValues): { input?: ThemeInput; errors: FormErrors } {
  const errors: FormErrors = {};
  const add = (field: FormField, message: string) => {
    errors[field] ??= `${FIELD_LABELS[field]}: ${message}`;
  };
  const training = values.trainingTitle.trim() || values.trainingText.trim() ? { title: values.trainingTitle, text: values.trainingText } : undefined;
  const fm = frontMatter.safeParse({
    title: values.title,
    slug: values.slug,
    summary: values.summary,
    reviewed: values.reviewed,
    published: values.published,
    related: values.related,
    keyFacts: values.keyFacts
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
    ...(training ? { training } : {}),
  });
  // A new theme has no review date until someone says the content was checked.
  if (!values.reviewed) add('reviewed', 'vink aan dat je de inhoud inhoudelijk hebt gecontroleerd; het thema krijgt dan de datum van vandaag');
  if (!fm.success) for (const issue of fm.error.issues) add(errorField(issue.path), issue.message);
  const body = markdownBody.safeParse(values.body);
  if (!body.success) add('body', body.error.issues[0]?.message ?? 'is ongeldig');
  const ids = sourceIds.safeParse(values.sources);
  if (!ids.success) add('sources', ids.error.issues[0]?.message ?? 'kies bronnen uit de lijst');
  if (fm.success && new Set(fm.data.related).size !== fm.data.related.length) add('related', 'kies elk thema één keer');
  if (!fm.success || !body.success || !ids.success || Object.keys(errors).length) return { errors };
  return {
    errors,
    input: {
      slug: fm.data.slug,
      title: fm.data.title,
      summary: fm.data.summary,
      bodyMd: body.data.trim(),
      reviewed: fm.data.reviewed,
      published: fm.data.published,
      keyFacts: fm.data.keyFacts,
      training: fm.data.training ?? null,
      related: fm.data.related,
      sourceIds: [...new Set(ids.data)],
    },
  };
}

// ---------------------------------------------------------------- reading

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
    .where(and(eq(revisions.kind, KIND), eq(revisions.ref, id)))
    .orderBy(desc(revisions.id))
    .limit(1);
  return row ?? null;
}

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

async function writeLinks(tx: Queryable, themeId: number, relatedIds: number[], sourceIdList: number[]) {
  await tx.delete(themeRelations).where(eq(themeRelations.themeId, themeId));
  await tx.delete(themeSources).where(eq(themeSources.themeId, themeId));
  if (relatedIds.length) await tx.insert(themeRelations).values(relatedIds.map((relatedId, position) => ({ themeId, relatedId, position })));
  if (sourceIdList.length) await tx.insert(themeSources).values(sourceIdList.map((sourceId, position) => ({ themeId, sourceId, position })));
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

/**
 * After the write: search document, revision, audit row and content version, in the same transaction.
 * With the snapshot from before a save, the audit row names the fields it changed.
 */
async function afterWrite(
  tx: Queryable,
  actorId: number | null,
  id: number,
  action: string,
  auditAction: AuditAction,
  before?: { slug: string; snapshot: ThemeSnapshot },
) {
  await reindexTheme(tx, id, before?.slug);
  const snapshot = (await themeSnapshot(tx, id)) as ThemeSnapshot;
  await recordRevision(tx, KIND, id, actorId, action, { ...snapshot });
  const details: Record<string, unknown> = { slug: snapshot.slug, title: snapshot.title };
  if (before) {
    const [was, now] = [themeFields(before.snapshot), themeFields(snapshot)];
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
      const [row] = await tx
        .insert(themes)
        .values({ ...columnsOf(input), position: next })
        .returning({ id: themes.id });
      if (!row) throw new Error('insert returned nothing');
      await writeLinks(tx, row.id, relatedIds, input.sourceIds);
      await claimAddress(tx, 'theme', input.slug);
      await afterWrite(tx, actorId, row.id, 'aangemaakt', 'theme.created');
      return row.id;
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
      const [row] = await tx
        .update(themes)
        .set({ ...columnsOf(input), updatedAt: nextVersion(themes.updatedAt) })
        .where(and(eq(themes.id, id), atVersion(themes.updatedAt, at)))
        .returning({ id: themes.id });
      if (!row) throw conflict();
      await writeLinks(tx, id, relatedIds, input.sourceIds);
      await keepOldAddress(tx, 'theme', id, before.slug, input.slug);
      await afterWrite(tx, actorId, id, action, 'theme.updated', { slug: before.slug, snapshot: beforeSnapshot });
    }),
  );
}

export async function setThemePublished(db: Db, actorId: number | null, id: number, version: string, published: boolean): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(themes)
      .set({ published, updatedAt: nextVersion(themes.updatedAt) })
      .where(and(eq(themes.id, id), atVersion(themes.updatedAt, version)))
      .returning({ id: themes.id });
    if (!row) throw (await themeSnapshot(tx, id)) ? conflict() : notFound();
    await afterWrite(tx, actorId, id, published ? 'gepubliceerd' : 'teruggetrokken', published ? 'theme.published' : 'theme.unpublished');
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

/** Every source, by title, with its link status: the choice of sources on a theme's form. */
export async function listSourcesForPicker(db: Queryable) {
  const rows = await db
    .select({ id: sources.id, title: sources.title, organisation: sources.organisation, url: sources.url, checkResult: sources.checkResult })
    .from(sources);
  return rows.sort(byTitle);
}
