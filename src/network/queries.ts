import { and, asc, desc, eq, getTableColumns, sql } from 'drizzle-orm';
import { z } from 'zod';
import { SLUG_PATTERN } from '../content/slug.ts';
import { oneLine, quoted } from '../content/text.ts';
import { type Queryable, rows } from '../db/client.ts';
import { auditLog, ORGANISATION_TYPES, type OrganisationType, organisations, themes, users } from '../db/schema.ts';
import { versionText } from '../db/version.ts';

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

/** Optimistic locking on updated_at (see src/db/version.ts). */
const versionSql = versionText(organisations.updatedAt);
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

// ---------------------------------------------------------------- the public filter
const MAX_FILTER = 100;

/** The query string of /netwerk, as sent by the filter form (or typed, or an old link). */
const filterQuery = z.object({
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
    else errors.type = `Het type ${quoted(type)} kennen we niet. Kies een type uit de lijst.`;
  }
  const gemeente = read('gemeente');
  if (gemeente) {
    const match = options.municipalities.find((m) => m.toLocaleLowerCase('nl') === gemeente.toLocaleLowerCase('nl'));
    if (match) filter.municipality = selected.gemeente = match;
    else errors.gemeente = `Voor de gemeente ${quoted(gemeente)} staan geen organisaties in het netwerk. Kies een gemeente uit de lijst.`;
  }
  const thema = read('thema');
  if (thema) {
    const match = options.themes.find((t) => t.slug === thema.toLowerCase());
    if (match) filter.theme = selected.thema = match.slug;
    else errors.thema = `Het thema ${quoted(thema)} kennen we niet. Kies een thema uit de lijst.`;
  }
  return { filter, selected, errors };
}

/** What an organisation revision keeps: every editable field (not the id or the version). */
export type OrganisationSnapshot = Omit<Organisation, 'id' | 'updatedAt'>;
export function organisationSnapshot(row: Organisation | VersionedOrganisation): OrganisationSnapshot {
  const { id: _id, updatedAt: _updatedAt, version: _version, ...rest } = row as VersionedOrganisation;
  return rest;
}

/** What a search result shows of an organisation besides its description: its labels and the number to call. */
export interface OrganisationHitInfo {
  labels: string[];
  phone: string;
}

/**
 * For search results: per published organisation (by slug), its type, its municipalities
 * ("Werkgebied: …") and its themes ("Thema’s: …") as labels, and its phone number. All of them at
 * once (a network has dozens): the page keeps them per content version.
 */
export async function searchLabels(db: Queryable): Promise<Map<string, OrganisationHitInfo>> {
  const [list, titles] = await Promise.all([db.select().from(organisations).where(eq(organisations.published, true)), themeTitles(db)]);
  const title = new Map(titles.map((t) => [t.slug, t.title]));
  // Each label says what it is: "Beekdal" could be a place or a theme to a reader who does not know the region.
  const named = (label: string, values: string[]) => (values.length ? [`${label}: ${values.join(', ')}`] : []);
  return new Map(
    list.map((o) => {
      const themes = o.themes.flatMap((s) => (title.has(s) ? [title.get(s) as string] : []));
      const labels = [TYPE_LABEL[o.type], ...named('Werkgebied', o.municipalities), ...named(themes.length > 1 ? 'Thema’s' : 'Thema', themes)];
      return [o.slug, { labels, phone: o.phone }] as const;
    }),
  );
}
