import { and, eq, inArray, sql } from 'drizzle-orm';
import { type AuditSubject, audit } from '../audit/record.ts';
import { recordRevision } from '../audit/revisions.ts';
import { claimAddress, keepOldAddress } from '../content/redirects.ts';
import { type Db, type Queryable, rows } from '../db/client.ts';
import { bumpContentVersion } from '../db/content-version.ts';
import { organisations, searchDocuments, themes } from '../db/schema.ts';
import { atVersion as atVersionOf, type Fingerprints, isUniqueViolation, mergeLateSave, nextVersion as nextVersionOf, VERSION_PATTERN } from '../db/version.ts';
import { upsertSearchDocument } from '../search/service.ts';
import { type OrganisationInput, uniq } from './form.ts';
import { type Organisation, organisationById, organisationSnapshot, shortDescription, TYPE_LABEL } from './queries.ts';

export const DEMO_MARKER = 'Demo-gegevens: fictieve organisatie';
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
export { VERSION_PATTERN };

const atVersion = (version: string) => atVersionOf(organisations.updatedAt, version);
const nextVersion = nextVersionOf(organisations.updatedAt);

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
    body: org.description,
    // A number to call, in the words people add for it ("veilig thuis telefoonnummer"; "bellen" also searches it).
    labels: [TYPE_LABEL[org.type], org.address, org.municipalities.join(' '), [...titles.values()].join(' '), org.phone ? 'telefoonnummer' : ''].join(' '),
    type: TYPE_LABEL[org.type],
    // Its number names it as its name does: "0800-2000" finds Veilig Thuis before the pages that mention it.
    names: phoneWords(org.phone),
  });
}

/**
 * A phone number as people type it: as written ("0800-2000", a phrase to the search), its digits
 * alone ("08002000") and its groups ("0800 2000").
 */
export function phoneWords(phone: string): string {
  const groups = phone.match(/\d+/g) ?? [];
  return groups.length ? [phone, groups.join(''), groups.join(' ')].join(' ') : '';
}

async function unindex(tx: Queryable, slug: string) {
  await tx.delete(searchDocuments).where(and(eq(searchDocuments.kind, 'organisation'), eq(searchDocuments.ref, slug)));
}

type OrganisationRow = Omit<typeof organisations.$inferInsert, 'id' | 'updatedAt'>;

/**
 * The one writer of an organisation, inside the caller's transaction: its row (a new one when
 * `target` is null; otherwise only at `target.version`, when given, and null when it has moved
 * on), its search document and a revision. The editors, the demo load and the bundle import all
 * write organisations through here; each adds its own audit row and content version around it.
 */
export async function writeOrganisation(
  tx: Queryable,
  actorId: number | null,
  target: { id: number; slug?: string; version?: string } | null,
  values: Partial<OrganisationRow>,
  note: string,
): Promise<Organisation | null> {
  const [row] = target
    ? await tx
        .update(organisations)
        .set({ ...values, updatedAt: nextVersion })
        .where(target.version === undefined ? eq(organisations.id, target.id) : and(eq(organisations.id, target.id), atVersion(target.version)))
        .returning()
    : await tx
        .insert(organisations)
        .values(values as OrganisationRow)
        .returning();
  if (!row) return null;
  await reindex(tx, row, target?.slug);
  await recordRevision(tx, 'organisation', row.id, actorId, note, organisationSnapshot(row));
  return row;
}

/** Inserts an organisation with its search document, audit row and a new content version: all of it, or nothing. */
export async function createOrganisation(db: Db, actorId: number | null, input: OrganisationInput): Promise<number> {
  try {
    return await db.transaction(async (tx) => {
      await assertSlugFree(tx, input.slug);
      await checkThemes(tx, input.themes);
      const municipalities = await canonicalMunicipalities(tx, input.municipalities);
      const row = (await writeOrganisation(tx, actorId, null, { ...input, municipalities }, 'aangemaakt')) as Organisation;
      await claimAddress(tx, 'organisation', row.slug);
      await audit(tx, actorId, 'organisation.created', subject(row), { slug: row.slug, name: row.name, published: row.published });
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
      const row = await writeOrganisation(tx, actorId, { id, slug: before.slug, version: before.version }, values, action);
      if (!row) throw conflict();
      await keepOldAddress(tx, 'organisation', id, before.slug, row.slug);
      const changed = EDITABLE.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(values[k]));
      await audit(tx, actorId, 'organisation.updated', subject(row), { slug: row.slug, name: row.name, changed });
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
    const row = await writeOrganisation(tx, actorId, { id, version }, { published }, published ? 'gepubliceerd' : 'teruggetrokken');
    if (!row) throw (await organisationById(tx, id)) ? conflict() : new NetworkError('Deze organisatie bestaat niet (meer).', 'not-found');
    await audit(tx, actorId, published ? 'organisation.published' : 'organisation.unpublished', subject(row), { slug: row.slug, name: row.name });
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
