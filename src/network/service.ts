import { and, asc, desc, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type AuditSubject, audit } from '../audit/record.ts';
import { recordRevision } from '../audit/revisions.ts';
import { claimAddress, keepOldAddress } from '../content/redirects.ts';
import { slugify } from '../content/slug.ts';
import { normaliseUrl } from '../content/url.ts';
import { type Db, type Queryable, rows } from '../db/client.ts';
import { bumpContentVersion } from '../db/content-version.ts';
import { auditLog, ORGANISATION_TYPES, type OrganisationType, organisations, searchDocuments, themes, users } from '../db/schema.ts';
import {
  atVersion as atVersionOf,
  type Fingerprints,
  isUniqueViolation,
  mergeLateSave,
  nextVersion as nextVersionOf,
  VERSION_PATTERN,
  versionText,
} from '../db/version.ts';
import { upsertSearchDocument } from '../search/service.ts';

export { ORGANISATION_TYPES, type OrganisationType };
export type Organisation = typeof organisations.$inferSelect;
/** An organisation with its version: the exact `updated_at`, as text, that an edit form carries back. */
export type VersionedOrganisation = Organisation & { version: string };

export const TYPE_LABEL: Record<OrganisationType, string> = {
  JGZ: 'Jeugdgezondheidszorg (JGZ)',
  kraamzorg: 'Kraamzorg',
  verloskunde: 'Verloskunde',
  kinderopvang: 'Kinderopvang',
  onderwijs: 'Onderwijs',
  wijkteam: 'Wijkteam',
  huisarts: 'Huisarts',
  jeugdhulp: 'Jeugdhulp',
  'Veilig Thuis': 'Veilig Thuis',
  GGZ: 'GGZ',
  politie: 'Politie',
  anders: 'Anders',
};

export const DEMO_MARKER = 'Demo-gegevens: fictieve organisatie';
export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export class NetworkError extends Error {
  constructor(
    message: string,
    readonly code: 'not-found' | 'conflict' | 'slug-taken' | 'invalid',
    readonly field?: string,
    /** A conflict per field: the fields both editors changed differently, and the merge (see mergeFields). */
    readonly clash?: { fields: string[]; merged: OrganisationFields },
  ) {
    super(message);
  }
}

/** `Ä Bc--d ` → `a-bc-d`: the address a new organisation gets when the editor leaves the slug empty. */
export { slugify };

/** Digits (and a leading +) for a tel: link: `0800-2000` → `08002000`. */
export const telHref = (phone: string) => `tel:${phone.replace(/(?!^\+)[^0-9]/g, '')}`;
/** A website as people read it: without scheme and trailing slash. */
export const displayUrl = (url: string) => url.replace(/^https:\/\//, '').replace(/\/$/, '');

/** The first sentences of the description, up to about 180 characters, for cards and search. */
export function shortDescription(text: string, max = 180): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const sentence = cut.lastIndexOf('. ');
  if (sentence > max / 2) return cut.slice(0, sentence + 1);
  return `${cut.slice(0, cut.lastIndexOf(' ')).replace(/[,;:]$/, '')} …`;
}

const uniq = (list: string[]) => [...new Map(list.map((v) => [v.toLocaleLowerCase('nl'), v])).values()];
const controlChars = /[\u0000-\u001f\u007f-\u009f]/g;
const oneLine = (v: string) => v.replace(controlChars, ' ').replace(/\s+/g, ' ').trim();

const phone = z
  .string()
  .transform(oneLine)
  .pipe(
    z.union([
      z.literal(''),
      z
        .string()
        .max(30, 'Gebruik hoogstens 30 tekens.')
        .regex(/^\+?[0-9][0-9 ()-]*[0-9]$/, 'Vul een telefoonnummer in met alleen cijfers, spaties en streepjes, zoals 088-1234567.')
        .refine((v) => v.replace(/\D/g, '').length >= 4, 'Dit telefoonnummer is te kort.'),
    ]),
  );

const email = z
  .string()
  .transform((v) => oneLine(v).toLowerCase())
  .pipe(
    z.union([z.literal(''), z.string().max(254, 'Dit e-mailadres is te lang.').pipe(z.email('Vul een geldig e-mailadres in, zoals info@organisatie.nl.'))]),
  );

/** Any http(s) address, stored as its canonical https form; `www.x.nl` gets https:// in front. */
const website = z
  .string()
  .transform(oneLine)
  .transform((v, ctx) => {
    if (!v) return '';
    if (v.length > 500) {
      ctx.addIssue({ code: 'custom', message: 'Dit webadres is te lang (hoogstens 500 tekens).' });
      return z.NEVER;
    }
    try {
      const url = normaliseUrl(/^[a-z][a-z0-9+.-]*:/i.test(v) ? v : `https://${v}`);
      if (!new URL(url).hostname.includes('.')) throw new Error('no domain');
      return url;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Vul een geldig webadres in, zoals https://www.organisatie.nl.' });
      return z.NEVER;
    }
  });

const municipality = z
  .string()
  .transform(oneLine)
  .pipe(z.string().min(2, 'Een gemeente heeft een naam van minstens 2 tekens.').max(60, 'Een gemeentenaam heeft hoogstens 60 tekens.'));

/** The fields of an organisation, shared by the editors' form and the demo file. */
export const organisationFields = z.object({
  name: z
    .string({ message: 'Vul de naam in.' })
    .transform(oneLine)
    .pipe(z.string().min(2, 'Vul de naam in (minstens 2 tekens).').max(150, 'Gebruik hoogstens 150 tekens.')),
  slug: z
    .string({ message: 'Vul een webadres (slug) in.' })
    .trim()
    .max(80, 'Gebruik hoogstens 80 tekens.')
    .regex(SLUG_PATTERN, 'Gebruik alleen kleine letters, cijfers en koppeltekens, zoals jgz-voorbeeldstad.'),
  type: z.enum(ORGANISATION_TYPES, { message: 'Kies een type organisatie.' }),
  description: z
    .string({ message: 'Beschrijf wat de organisatie doet voor gezinnen.' })
    .trim()
    .min(20, 'Beschrijf in minstens 20 tekens wat de organisatie doet voor gezinnen.')
    .max(3000, 'Gebruik hoogstens 3000 tekens.'),
  phone: phone.default(''),
  email: email.default(''),
  website: website.default(''),
  address: z.string().transform(oneLine).pipe(z.string().max(200, 'Gebruik hoogstens 200 tekens.')).default(''),
  municipalities: z
    .array(municipality)
    .transform(uniq)
    .pipe(z.array(z.string()).min(1, 'Vul minstens één gemeente in.').max(30, 'Vul hoogstens 30 gemeenten in.')),
  themes: z.array(z.string().regex(SLUG_PATTERN, 'Kies thema’s uit de lijst.')).max(10, 'Kies hoogstens 10 thema’s.').transform(uniq),
  published: z.boolean(),
  demo: z.boolean(),
});

export const needsContact = (v: { phone: string; email: string; website: string }, ctx: z.RefinementCtx) => {
  if (!v.phone && !v.email && !v.website)
    ctx.addIssue({ code: 'custom', path: ['phone'], message: 'Vul minstens één manier van contact in: telefoon, e-mail of website.' });
};

export const organisationInput = organisationFields.superRefine(needsContact);
export type OrganisationInput = z.output<typeof organisationInput>;

/** Optimistic locking on updated_at (see src/db/version.ts). */
const versionSql = versionText(organisations.updatedAt);

export { VERSION_PATTERN };

const atVersion = (version: string) => atVersionOf(organisations.updatedAt, version);
const nextVersion = nextVersionOf(organisations.updatedAt);

const collator = new Intl.Collator('nl', { sensitivity: 'base', numeric: true });
const byName = (a: { name: string }, b: { name: string }) => collator.compare(a.name, b.name);

// ---------------------------------------------------------------- reading

export interface NetworkFilter {
  type?: OrganisationType;
  municipality?: string;
  theme?: string;
}

export async function listPublished(db: Queryable, filter: NetworkFilter = {}): Promise<Organisation[]> {
  const where = [eq(organisations.published, true)];
  if (filter.type) where.push(eq(organisations.type, filter.type));
  if (filter.municipality) where.push(sql`${organisations.municipalities} @> ${JSON.stringify([filter.municipality])}::jsonb`);
  if (filter.theme) where.push(sql`${organisations.themes} @> ${JSON.stringify([filter.theme])}::jsonb`);
  const list = await db
    .select()
    .from(organisations)
    .where(and(...where));
  return list.sort(byName);
}

/** Municipalities served by at least one published organisation: the choices of the filter. */
export async function servedMunicipalities(db: Queryable): Promise<string[]> {
  const found = await rows<{ m: string }>(
    db,
    sql`select distinct jsonb_array_elements_text(${organisations.municipalities}) as m from ${organisations} where ${organisations.published}`,
  );
  return found.map((r) => r.m).sort(collator.compare);
}

export async function publishedBySlug(db: Queryable, slug: string): Promise<Organisation | null> {
  if (!SLUG_PATTERN.test(slug) || slug.length > 80) return null;
  const [row] = await db
    .select()
    .from(organisations)
    .where(and(eq(organisations.slug, slug), eq(organisations.published, true)));
  return row ?? null;
}

/** Published themes by slug, in the site's order; organisations link to these. */
export async function themeTitles(db: Queryable): Promise<{ slug: string; title: string }[]> {
  return db.select({ slug: themes.slug, title: themes.title }).from(themes).where(eq(themes.published, true)).orderBy(asc(themes.position), asc(themes.title));
}

export async function listAll(db: Queryable): Promise<Organisation[]> {
  return (await db.select().from(organisations)).sort(byName);
}

/** One organisation with its version; `lock`: held until the transaction ends (a save compares and writes). */
export async function organisationById(db: Queryable, id: number, lock = false): Promise<VersionedOrganisation | null> {
  const query = db
    .select({ ...getTableColumns(organisations), version: versionSql })
    .from(organisations)
    .where(eq(organisations.id, id));
  const [row] = lock ? await query.for('update') : await query;
  return row ?? null;
}

/** Who changed an organisation last, and when: shown when an editor's save comes too late. */
export async function lastChange(db: Queryable, id: number): Promise<{ at: Date; by: string | null } | null> {
  const [row] = await db
    .select({ at: auditLog.at, by: users.name })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(and(eq(auditLog.subjectKind, 'organisation'), eq(auditLog.subjectId, id)))
    .orderBy(desc(auditLog.id))
    .limit(1);
  return row ?? null;
}

// ---------------------------------------------------------------- writing

const subject = (org: { id: number; name: string }): AuditSubject => ({ kind: 'organisation', id: org.id, label: org.name });

async function checkThemes(tx: Queryable, slugs: string[]) {
  if (!slugs.length) return new Map<string, string>();
  const known = await tx.select({ slug: themes.slug, title: themes.title }).from(themes).where(inArray(themes.slug, slugs));
  const titles = new Map(known.map((t) => [t.slug, t.title]));
  const unknown = slugs.filter((s) => !titles.has(s));
  if (unknown.length) throw new NetworkError(`Onbekend thema: ${unknown.join(', ')}. Kies thema’s uit de lijst.`, 'invalid', 'themes');
  return titles;
}

/** One spelling per municipality: a name typed in another case takes the spelling already in use. */
async function canonicalMunicipalities(tx: Queryable, names: string[], exceptId?: number): Promise<string[]> {
  const used = await rows<{ m: string }>(
    tx,
    sql`select distinct jsonb_array_elements_text(${organisations.municipalities}) as m from ${organisations} where ${organisations.id} <> ${exceptId ?? 0}`,
  );
  const byKey = new Map(used.map((r) => [r.m.toLocaleLowerCase('nl'), r.m]));
  return uniq(names.map((n) => byKey.get(n.toLocaleLowerCase('nl')) ?? n));
}

async function assertSlugFree(tx: Queryable, slug: string, exceptId?: number) {
  const [clash] = await tx
    .select({ id: organisations.id })
    .from(organisations)
    .where(and(eq(organisations.slug, slug), sql`${organisations.id} <> ${exceptId ?? 0}`));
  if (clash) throw new NetworkError('Er bestaat al een organisatie met dit webadres (slug). Kies een ander.', 'slug-taken', 'slug');
}

/** Keeps the search index in step with the row: published organisations are findable, others not. */
export async function reindex(tx: Queryable, org: Organisation, previousSlug?: string) {
  if (previousSlug && previousSlug !== org.slug) await unindex(tx, previousSlug);
  if (!org.published) return unindex(tx, org.slug);
  const titles = await checkThemes(tx, org.themes).catch(() => new Map<string, string>());
  await upsertSearchDocument(tx, {
    kind: 'organisation',
    ref: org.slug,
    title: org.name,
    url: `/netwerk/${org.slug}`,
    summary: shortDescription(org.description),
    body: [org.description, org.address, TYPE_LABEL[org.type], org.municipalities.join(' '), [...titles.values()].join(' ')].join(' '),
  });
}

async function unindex(tx: Queryable, slug: string) {
  await tx.delete(searchDocuments).where(and(eq(searchDocuments.kind, 'organisation'), eq(searchDocuments.ref, slug)));
}

/** Inserts an organisation with its search document, audit row and a new content version: all of it, or nothing. */
export async function createOrganisation(db: Db, actorId: number | null, input: OrganisationInput): Promise<number> {
  try {
    return await db.transaction(async (tx) => {
      await assertSlugFree(tx, input.slug);
      await checkThemes(tx, input.themes);
      const municipalities = await canonicalMunicipalities(tx, input.municipalities);
      const [row] = await tx
        .insert(organisations)
        .values({ ...input, municipalities })
        .returning();
      if (!row) throw new Error('insert returned nothing');
      await claimAddress(tx, 'organisation', row.slug);
      await reindex(tx, row);
      await audit(tx, actorId, 'organisation.created', subject(row), { slug: row.slug, name: row.name, published: row.published });
      await recordRevision(tx, 'organisation', row.id, actorId, 'aangemaakt', organisationSnapshot(row));
      await bumpContentVersion(tx);
      return row.id;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new NetworkError('Er bestaat al een organisatie met dit webadres (slug). Kies een ander.', 'slug-taken', 'slug');
    throw err;
  }
}

export type OrganisationChanges = Omit<OrganisationInput, 'published'>;
const EDITABLE = ['name', 'slug', 'type', 'description', 'phone', 'email', 'website', 'address', 'municipalities', 'themes', 'demo'] as const;
/** An organisation's editable fields: what a save compares and merges field by field. */
export type OrganisationFields = Pick<OrganisationChanges, (typeof EDITABLE)[number]>;
export const editableFields = (o: OrganisationFields): OrganisationFields =>
  Object.fromEntries(EDITABLE.map((k) => [k, o[k]])) as unknown as OrganisationFields;

/**
 * Saves an editor's changes only if the row is still at the version the editor's form was built
 * from; otherwise throws a conflict and changes nothing. The check and the write are one statement,
 * so two simultaneous saves of the same version cannot both succeed.
 */
export async function updateOrganisation(
  db: Db,
  actorId: number | null,
  id: number,
  version: string,
  given: OrganisationChanges,
  action = 'opgeslagen',
  basis: Fingerprints | null = null,
): Promise<void> {
  try {
    await db.transaction(async (tx) => {
      const before = await organisationById(tx, id, true);
      if (!before) throw new NetworkError('Deze organisatie bestaat niet (meer).', 'not-found');
      let input = given;
      if (before.version !== version) {
        // Someone saved in between: different fields are merged, the same field conflicts.
        input = { ...given, ...mergeLateSave(basis, editableFields(given), editableFields(before), conflict) };
      }
      await assertSlugFree(tx, input.slug, id);
      await checkThemes(tx, input.themes);
      const municipalities = await canonicalMunicipalities(tx, input.municipalities, id);
      const values = { ...input, municipalities };
      const [row] = await tx
        .update(organisations)
        .set({ ...values, updatedAt: nextVersion })
        .where(and(eq(organisations.id, id), atVersion(before.version)))
        .returning();
      if (!row) throw conflict();
      await keepOldAddress(tx, 'organisation', id, before.slug, row.slug);
      await reindex(tx, row, before.slug);
      const changed = EDITABLE.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(values[k]));
      await audit(tx, actorId, 'organisation.updated', subject(row), { slug: row.slug, name: row.name, changed });
      await recordRevision(tx, 'organisation', id, actorId, action, organisationSnapshot(row));
      await bumpContentVersion(tx);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new NetworkError('Er bestaat al een organisatie met dit webadres (slug). Kies een ander.', 'slug-taken', 'slug');
    throw err;
  }
}

const conflict = (clash?: NetworkError['clash']) =>
  new NetworkError('Iemand anders heeft deze organisatie gewijzigd nadat jij de pagina opende. Je wijziging is niet opgeslagen.', 'conflict', undefined, clash);

/** Publishes or withdraws an organisation, at the version the editor saw. */
export async function setPublished(db: Db, actorId: number | null, id: number, version: string, published: boolean): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(organisations)
      .set({ published, updatedAt: nextVersion })
      .where(and(eq(organisations.id, id), atVersion(version)))
      .returning();
    if (!row) throw (await organisationById(tx, id)) ? conflict() : new NetworkError('Deze organisatie bestaat niet (meer).', 'not-found');
    await reindex(tx, row);
    await audit(tx, actorId, published ? 'organisation.published' : 'organisation.unpublished', subject(row), { slug: row.slug, name: row.name });
    await recordRevision(tx, 'organisation', id, actorId, published ? 'gepubliceerd' : 'teruggetrokken', organisationSnapshot(row));
    await bumpContentVersion(tx);
  });
}

/** Deletes an organisation, at the version the editor confirmed; the audit row keeps what it was. */
export async function deleteOrganisation(db: Db, actorId: number | null, id: number, version: string): Promise<string> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .delete(organisations)
      .where(and(eq(organisations.id, id), atVersion(version)))
      .returning();
    if (!row) throw (await organisationById(tx, id)) ? conflict() : new NetworkError('Deze organisatie bestaat niet (meer).', 'not-found');
    await unindex(tx, row.slug);
    const { updatedAt: _updatedAt, ...kept } = row;
    await audit(tx, actorId, 'organisation.deleted', subject(row), kept);
    await bumpContentVersion(tx);
    return row.name;
  });
}

// ---------------------------------------------------------------- the public filter

const MAX_FILTER = 100;

/** The query string of /netwerk, as sent by the filter form (or typed, or an old link). */
export const filterQuery = z.object({
  type: z.string().optional(),
  gemeente: z.string().optional(),
  thema: z.string().optional(),
});

export interface ParsedFilter {
  filter: NetworkFilter;
  /** The valid choices, to show in the form again. */
  selected: { type: string; gemeente: string; thema: string };
  /** Dutch messages per form field for values we do not know; those filters are left out. */
  errors: Record<string, string>;
}

const quote = (v: string) => `“${v.length > 40 ? `${v.slice(0, 40)}…` : v}”`;

/**
 * Reads the filter leniently: a value we do not know (a typo, an organisation no longer listed,
 * something overlong) gets a calm message and is ignored, while the other filters still apply.
 */
export function parseFilter(query: Record<string, string | undefined>, options: { municipalities: string[]; themes: { slug: string }[] }): ParsedFilter {
  const raw = filterQuery.safeParse(query).data ?? {};
  const errors: Record<string, string> = {};
  const filter: NetworkFilter = {};
  const selected = { type: '', gemeente: '', thema: '' };
  const read = (field: 'type' | 'gemeente' | 'thema') => {
    const value = raw[field] ?? '';
    if (value.length > MAX_FILTER) {
      errors[field] = `Deze filterwaarde is te lang (${value.length} tekens). Kies een waarde uit de lijst.`;
      return '';
    }
    return oneLine(value);
  };
  const type = read('type');
  if (type) {
    const match = ORGANISATION_TYPES.find((t) => t.toLocaleLowerCase('nl') === type.toLocaleLowerCase('nl'));
    if (match) filter.type = selected.type = match;
    else errors.type = `Het type ${quote(type)} kennen we niet. Kies een type uit de lijst.`;
  }
  const gemeente = read('gemeente');
  if (gemeente) {
    const match = options.municipalities.find((m) => m.toLocaleLowerCase('nl') === gemeente.toLocaleLowerCase('nl'));
    if (match) filter.municipality = selected.gemeente = match;
    else errors.gemeente = `Voor de gemeente ${quote(gemeente)} staan geen organisaties in het netwerk. Kies een gemeente uit de lijst.`;
  }
  const thema = read('thema');
  if (thema) {
    const match = options.themes.find((t) => t.slug === thema.toLowerCase());
    if (match) filter.theme = selected.thema = match.slug;
    else errors.thema = `Het thema ${quote(thema)} kennen we niet. Kies een thema uit de lijst.`;
  }
  return { filter, selected, errors };
}

/** What an organisation revision keeps: every editable field (not the id or the version). */
export type OrganisationSnapshot = Omit<Organisation, 'id' | 'updatedAt'>;
export function organisationSnapshot(row: Organisation | VersionedOrganisation): OrganisationSnapshot {
  const { id: _id, updatedAt: _updatedAt, version: _version, ...rest } = row as VersionedOrganisation;
  return rest;
}
