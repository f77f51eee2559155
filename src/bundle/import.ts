import { eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { audit } from '../audit/record.ts';
import { ContentError, splitFrontMatter } from '../content/loader.ts';
import { markdownBody, sourceSchema, type ThemeFrontMatter, themeFrontMatter } from '../content/schema.ts';
import type { Db, Tx } from '../db/client.ts';
import { bumpContentVersion } from '../db/content-version.ts';
import { organisations, sources, themes } from '../db/schema.ts';
import { type OrganisationInput, organisationInput } from '../network/form.ts';
import { writeOrganisation } from '../network/service.ts';
import { writeSource } from '../sources/service.ts';
import { type ThemeSnapshot, themeSnapshot } from '../themes/queries.ts';
import { insertThemeRow, themeColumns, writeTheme } from '../themes/service.ts';
import { BUNDLE_FORMAT, BUNDLE_VERSION } from './export.ts';

/** The largest bundle file the import accepts (the route's body limit, a little above it for the form fields). */
export const MAX_BUNDLE_BYTES = 5 * 1024 * 1024;
const LIMITS = { themes: 1000, sources: 10_000, organisations: 5000 };
// Serialises imports across instances: two at once would race on the same slugs and URLs.
const IMPORT_LOCK = 72_616_375;

type Source = z.output<typeof sourceSchema>;
type Issue = z.ZodError['issues'][number];
export interface ThemeIn extends ThemeFrontMatter {
  file: string;
  body: string;
}

/** A place in the bundle that names a theme which is not in the bundle: it must exist in the database. */
interface ThemeRef {
  where: string;
  field: string;
  slug: string;
}
export interface ParsedBundle {
  exportedAt: string | null;
  themes: ThemeIn[];
  /** Every source of the bundle once, by normalised URL: those in the themes and the loose ones. */
  sources: Source[];
  organisations: OrganisationInput[];
  outsideRefs: ThemeRef[];
}

export interface KindResult {
  new: string[];
  changed: string[];
  unchanged: number;
}
export interface ImportResult {
  dryRun: boolean;
  exportedAt: string | null;
  themes: KindResult;
  sources: KindResult;
  organisations: KindResult;
}

/** The bundle was refused: every problem found, in Dutch, and nothing was changed. */
export class BundleRejected extends Error {
  constructor(
    readonly problems: string[],
    readonly status: 400 | 409 = 400,
  ) {
    super(problems[0] ?? 'bundle rejected');
  }
}

// zod's own messages (for fields without a message of ours) in Dutch.
const nl = z.locales.nl().localeError;

function issueText(issue: Issue): string {
  const path = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') return `${path ? `veld "${path}": ` : ''}onbekend veld ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return `veld "${path || '(geheel)'}": ${issue.message}`;
}

const clip = (v: string, max = 80) => (v.length > max ? `${v.slice(0, max)}…` : v);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Paths of strings PostgreSQL cannot store as they are: NUL is refused outright, and a lone
 * surrogate would silently become U+FFFD, so what was imported would differ from the file.
 * Iterative, so a deeply nested value cannot exhaust the stack.
 */
function unstorableStrings(root: unknown, rootPath: string): string[] {
  const out: string[] = [];
  const stack: [unknown, string][] = [[root, rootPath]];
  while (stack.length && out.length < 20) {
    const [value, path] = stack.pop() as [unknown, string];
    if (typeof value === 'string') {
      if (value.includes('\u0000') || LONE_SURROGATE.test(value)) out.push(path);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${path}.${i}`]);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value).reverse()) stack.push([v, path ? `${path}.${k}` : k]);
    }
  }
  return out;
}

function jsonError(text: string, err: unknown): string {
  const position = Number(/position (\d+)/.exec((err as Error).message)?.[1]);
  if (/end of JSON input/i.test((err as Error).message) || position >= text.trimEnd().length)
    return 'Het bestand is geen geldige JSON: het houdt midden in op. Is het helemaal gedownload?';
  if (!Number.isInteger(position)) return 'Het bestand is geen geldige JSON. Kies het bestand dat je bij Exporteren hebt gedownload.';
  const before = text.slice(0, position).split('\n');
  return `Het bestand is geen geldige JSON: er klopt iets niet in regel ${before.length}, kolom ${(before.at(-1)?.length ?? 0) + 1}.`;
}

const asList = (value: unknown, name: string, max: number, problems: string[]): unknown[] => {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push(`Het veld "${name}" moet een lijst zijn.`);
    return [];
  }
  if (value.length > max) {
    problems.push(`Het veld "${name}" heeft ${value.length} onderdelen; er passen er hoogstens ${max} in één bundel.`);
    return [];
  }
  return value;
};

const sameSource = (a: Source, b: Source) => a.title === b.title && a.organisation === b.organisation && a.description === b.description;

/**
 * A bundle nests about five levels (the bundle, a list, an entry, a list in it, a value). Parsing
 * millions of levels ("[[[[…") held the event loop for seconds, so every other request waited:
 * the depth is counted first, in one pass over the text that stops at the first level too deep.
 */
export const MAX_NESTING = 32;

/** Whether JSON text opens more than `max` arrays or objects inside one another (brackets in strings do not count). */
export function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: the next character is escaped
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max) return true;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return false;
}

/**
 * Checks the whole bundle without touching the database: JSON, format and version, every theme
 * file through the same front-matter and body schema as content/, every source and organisation
 * through the editors' schemas, and everything that must be unique or must match inside the bundle.
 */
export function parseBundle(text: string): { ok: true; bundle: ParsedBundle } | { ok: false; problems: string[] } {
  if (nestedDeeperThan(text, MAX_NESTING))
    return { ok: false, problems: [`Het bestand is geen Hechtwerk-bundel: het is dieper genest dan ${MAX_NESTING} niveaus.`] };
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return { ok: false, problems: [jsonError(text, err)] };
  }
  if (!data || typeof data !== 'object' || Array.isArray(data))
    return { ok: false, problems: ['Het bestand is geen Hechtwerk-bundel: het moet een JSON-object zijn.'] };
  const top = data as Record<string, unknown>;
  if (top.format !== BUNDLE_FORMAT) return { ok: false, problems: [`Het bestand is geen Hechtwerk-bundel: het veld "format" moet "${BUNDLE_FORMAT}" zijn.`] };
  if (top.version !== BUNDLE_VERSION)
    return {
      ok: false,
      problems: [
        `Deze bundel heeft versie ${clip(JSON.stringify(top.version) ?? 'geen', 20)}. Deze versie van Hechtwerk leest alleen bundels van versie ${BUNDLE_VERSION}.`,
      ],
    };

  const problems: string[] = [];
  for (const path of unstorableStrings(top, '')) problems.push(`veld "${path}": bevat een teken dat niet kan worden opgeslagen (zoals een NUL-teken).`);

  const themeList = asList(top.themes, 'themes', LIMITS.themes, problems);
  const sourceList = asList(top.sources, 'sources', LIMITS.sources, problems);
  const orgList = asList(top.organisations, 'organisations', LIMITS.organisations, problems);

  // ---- themes: the same checks as a file in content/themas/
  const themesOut: ThemeIn[] = [];
  const fileOf = new Map<string, string>();
  themeList.forEach((entry, i) => {
    const e = (entry && typeof entry === 'object' ? entry : {}) as { file?: unknown; markdown?: unknown };
    const file = typeof e.file === 'string' && e.file.length <= 200 ? e.file : `thema nummer ${i + 1}`;
    if (typeof e.file !== 'string' || typeof e.markdown !== 'string') {
      problems.push(`${file}: elk thema heeft een "file" en een "markdown" (tekst).`);
      return;
    }
    const name = /^themas\/([a-z0-9]+(?:-[a-z0-9]+)*)\.md$/.exec(e.file)?.[1];
    if (!name) problems.push(`${file}: de bestandsnaam moet zijn als themas/naam-van-thema.md (kleine letters, cijfers en koppeltekens).`);
    let split: { data: unknown; body: string };
    try {
      split = splitFrontMatter(file, e.markdown);
    } catch (err) {
      if (!(err instanceof ContentError)) throw err;
      problems.push(err.message);
      return;
    }
    const before = problems.length;
    for (const path of unstorableStrings(split.data, '')) problems.push(`${file}: veld "${path}": bevat een teken dat niet kan worden opgeslagen.`);
    const fm = themeFrontMatter.safeParse(split.data, { error: nl });
    if (!fm.success) for (const issue of fm.error.issues) problems.push(`${file}: ${issueText(issue)}`);
    const body = markdownBody.safeParse(split.body, { error: nl });
    if (!body.success) for (const issue of body.error.issues) problems.push(`${file}: tekst: ${issue.message}`);
    if (!fm.success || problems.length > before) return;
    const theme = { ...fm.data, file, body: split.body };
    if (name && theme.slug !== name) problems.push(`${file}: veld "slug": moet gelijk zijn aan de bestandsnaam ("${name}")`);
    const twice = fileOf.get(theme.slug);
    if (twice) problems.push(`${file}: veld "slug": "${theme.slug}" komt twee keer voor in de bundel (ook in ${twice})`);
    else fileOf.set(theme.slug, file);
    themesOut.push(theme);
  });

  const outsideRefs: ThemeRef[] = [];
  for (const t of themesOut) {
    const seen = new Set<string>();
    t.related.forEach((slug, i) => {
      if (slug === t.slug) problems.push(`${t.file}: veld "related.${i}": een thema kan niet aan zichzelf verwant zijn`);
      else if (seen.has(slug)) problems.push(`${t.file}: veld "related.${i}": thema "${slug}" staat twee keer in de lijst`);
      else if (!fileOf.has(slug)) outsideRefs.push({ where: t.file, field: `related.${i}`, slug });
      seen.add(slug);
    });
  }

  // ---- sources: one set of details per URL, wherever in the bundle it appears
  const byUrl = new Map<string, { source: Source; where: string }>();
  const conflicting = new Set<string>();
  const collect = (source: Source, where: string) => {
    const known = byUrl.get(source.url);
    if (!known) byUrl.set(source.url, { source, where });
    else if (!sameSource(known.source, source) && !conflicting.has(source.url)) {
      conflicting.add(source.url);
      problems.push(
        `bron ${clip(source.url)}: staat in ${known.where} en in ${where} met een andere titel, organisatie of beschrijving. Maak ze gelijk of laat er één weg.`,
      );
    }
  };
  for (const t of themesOut) for (const s of t.sources) collect(s, t.file);
  const looseAt = new Map<string, number>();
  sourceList.forEach((entry, i) => {
    const parsed = sourceSchema.safeParse(entry, { error: nl });
    const label = `bron nummer ${i + 1} in "sources"`;
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${label}: ${issueText(issue)}`);
      return;
    }
    const earlier = looseAt.get(parsed.data.url);
    if (earlier !== undefined) {
      problems.push(`${label}: het adres ${clip(parsed.data.url)} staat al in bron nummer ${earlier + 1}`);
      return;
    }
    looseAt.set(parsed.data.url, i);
    collect(parsed.data, label);
  });

  // ---- organisations: the editors' form rules
  const orgsOut: OrganisationInput[] = [];
  const orgAt = new Map<string, number>();
  orgList.forEach((entry, i) => {
    const slug = entry && typeof entry === 'object' && typeof (entry as { slug?: unknown }).slug === 'string' ? (entry as { slug: string }).slug : '';
    const label = `organisatie nummer ${i + 1}${slug ? ` (${clip(slug, 40)})` : ''}`;
    const parsed = organisationInput.safeParse(entry, { error: nl });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${label}: ${issueText(issue)}`);
      return;
    }
    const earlier = orgAt.get(parsed.data.slug);
    if (earlier !== undefined) {
      problems.push(`${label}: veld "slug": "${parsed.data.slug}" komt twee keer voor in de bundel (ook organisatie nummer ${earlier + 1})`);
      return;
    }
    orgAt.set(parsed.data.slug, i);
    parsed.data.themes.forEach((s, j) => {
      if (!fileOf.has(s)) outsideRefs.push({ where: label, field: `themes.${j}`, slug: s });
    });
    orgsOut.push(parsed.data);
  });

  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    bundle: {
      exportedAt: typeof top.exportedAt === 'string' ? clip(top.exportedAt, 40) : null,
      themes: themesOut,
      sources: [...byUrl.values()].map((v) => v.source),
      organisations: orgsOut,
      outsideRefs,
    },
  };
}

/** The SQLSTATE of a database error, possibly wrapped by the driver or Drizzle. */
function dbError(err: unknown): { code: string; constraint?: string } | null {
  for (let e = err as { code?: unknown; constraint?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code))
      return { code: e.code, constraint: typeof e.constraint === 'string' ? e.constraint : undefined };
  }
  return null;
}

const CONSTRAINT_TEXT: Record<string, string> = {
  organisations_name_length: 'de naam moet 2 tot 150 tekens hebben',
  organisations_website_https: 'de website moet met https:// beginnen',
  organisations_email_lower: 'het e-mailadres moet in kleine letters',
  organisations_type_valid: 'dit type organisatie bestaat niet',
  themes_slug_format: 'de slug mag alleen kleine letters, cijfers en koppeltekens hebben',
};
const STATE_TEXT: Record<string, string> = {
  '22001': 'een tekst is te lang',
  '22007': 'een datum is ongeldig',
  '22008': 'een datum valt buiten het bereik dat de database kent',
  '22021': 'een tekst bevat een ongeldig teken',
  '22P05': 'een tekst bevat een ongeldig teken',
};

const emptyKind = (): KindResult => ({ new: [], changed: [], unchanged: 0 });
const THEME_KEYS = ['slug', 'title', 'summary', 'bodyMd', 'position', 'reviewed', 'published', 'keyFacts', 'training', 'related', 'sources'] as const;
const ORG_KEYS = ['name', 'type', 'description', 'phone', 'email', 'website', 'address', 'municipalities', 'themes', 'published', 'demo'] as const;

/** JSON with object keys sorted: jsonb hands objects back with its own key order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
const same = <T>(a: T, b: T, keys: readonly (keyof T)[]) => keys.every((k) => canonical(a[k]) === canonical(b[k]));

class DryRun extends Error {
  constructor(readonly result: ImportResult) {
    super('dry run');
  }
}

/**
 * Validates the bundle, then writes all of it in one transaction: themes by slug, sources by URL,
 * organisations by slug, with their links, search documents, a revision for each thing that
 * changed, one audit row and a new content version. Anything wrong, in the file or in the
 * database, throws BundleRejected and leaves everything as it was. `dryRun` does the same work
 * and rolls it back, so the result says exactly what an import would change.
 */
export async function importBundle(db: Db, text: string, opts: { actorId: number | null; dryRun?: boolean; fileName?: string }): Promise<ImportResult> {
  const parsed = parseBundle(text);
  if (!parsed.ok) throw new BundleRejected(parsed.problems);
  const bundle = parsed.bundle;
  let current = 'de bundel';
  try {
    return await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${IMPORT_LOCK})`);
      const missing = await unresolvedThemes(tx, bundle.outsideRefs);
      if (missing.length) throw new BundleRejected(missing);
      const result: ImportResult = {
        dryRun: !!opts.dryRun,
        exportedAt: bundle.exportedAt,
        ...(await write(tx, bundle, opts.actorId, (label) => {
          current = label;
        })),
      };
      current = 'de bundel';
      const counts = (k: KindResult) => ({ new: k.new.length, changed: k.changed.length, unchanged: k.unchanged });
      await audit(
        tx,
        opts.actorId,
        'bundle.imported',
        { kind: 'bundle', label: opts.fileName ? clip(opts.fileName, 120) : '' },
        {
          exportedAt: bundle.exportedAt,
          themes: counts(result.themes),
          sources: counts(result.sources),
          organisations: counts(result.organisations),
        },
      );
      const changedAnything = [result.themes, result.sources, result.organisations].some((k) => k.new.length || k.changed.length);
      if (changedAnything) await bumpContentVersion(tx);
      if (opts.dryRun) throw new DryRun(result);
      return result;
    });
  } catch (err) {
    if (err instanceof DryRun) return err.result;
    if (err instanceof BundleRejected) throw err;
    const e = dbError(err);
    if (e?.code.startsWith('40'))
      throw new BundleRejected([`${current}: iemand anders wijzigde tegelijk dezelfde inhoud. Er is niets veranderd. Probeer het opnieuw.`], 409);
    if (e?.code === '23505')
      throw new BundleRejected([`${current}: iemand anders heeft intussen iets met hetzelfde adres of dezelfde slug opgeslagen. Probeer het opnieuw.`], 409);
    if (e && (e.code.startsWith('22') || e.code.startsWith('23'))) {
      const why = (e.constraint && CONSTRAINT_TEXT[e.constraint]) ?? STATE_TEXT[e.code] ?? 'een waarde past niet';
      throw new BundleRejected([`${current}: de database weigerde dit: ${why} (${e.constraint ? `regel ${e.constraint}` : `code ${e.code}`}).`]);
    }
    throw err;
  }
}

async function unresolvedThemes(tx: Tx, refs: ThemeRef[]): Promise<string[]> {
  const wanted = [...new Set(refs.map((r) => r.slug))];
  if (!wanted.length) return [];
  const found = new Set((await tx.select({ slug: themes.slug }).from(themes).where(inArray(themes.slug, wanted))).map((r) => r.slug));
  return refs
    .filter((r) => !found.has(r.slug))
    .map((r) => `${r.where}: veld "${r.field}": thema "${r.slug}" bestaat niet (niet in de bundel en niet op de site)`);
}

const IMPORTED = 'geïmporteerd';

async function write(tx: Tx, bundle: ParsedBundle, actorId: number | null, at: (label: string) => void) {
  const out = { themes: emptyKind(), sources: emptyKind(), organisations: emptyKind() };

  // Sources first: themes link to them by id.
  const sourceIds = new Map<string, number>();
  for (const s of bundle.sources) {
    at(`bron ${clip(s.url)}`);
    const [before] = await tx.select().from(sources).where(eq(sources.url, s.url));
    if (before && sameSource(before, s)) {
      out.sources.unchanged++;
      sourceIds.set(s.url, before.id);
      continue;
    }
    const fields = { title: s.title, organisation: s.organisation, description: s.description };
    const written = await writeSource(tx, actorId, before ? { id: before.id, url: before.url } : null, before ? fields : s, { note: IMPORTED });
    if (!written) throw new Error('source without id');
    sourceIds.set(s.url, written.id);
    (before ? out.sources.changed : out.sources.new).push(s.title);
  }

  // Themes: every row first, so related themes can point at ones that are new in this bundle.
  const slugs = bundle.themes.map((t) => t.slug);
  const existing = slugs.length ? await tx.select({ id: themes.id, slug: themes.slug }).from(themes).where(inArray(themes.slug, slugs)) : [];
  const themeIds = new Map(existing.map((r) => [r.slug, r.id]));
  const before = new Map<string, ThemeSnapshot | null>();
  for (const t of bundle.themes) {
    at(t.file);
    const id = themeIds.get(t.slug);
    if (id !== undefined) {
      before.set(t.slug, await themeSnapshot(tx, id));
      continue;
    }
    themeIds.set(t.slug, await insertThemeRow(tx, { slug: t.slug, ...themeColumns(t) }));
    before.set(t.slug, null);
  }
  const outside = bundle.outsideRefs.map((r) => r.slug).filter((s) => !themeIds.has(s));
  if (outside.length)
    for (const r of await tx.select({ id: themes.id, slug: themes.slug }).from(themes).where(inArray(themes.slug, outside))) themeIds.set(r.slug, r.id);

  // In id order, like every other writer of themes and their links, so two writers cannot deadlock.
  const byId = [...bundle.themes].sort((a, b) => (themeIds.get(a.slug) as number) - (themeIds.get(b.slug) as number));
  for (const t of byId) {
    at(t.file);
    const id = themeIds.get(t.slug) as number;
    const linked = [...new Set(t.sources.map((s) => sourceIds.get(s.url) as number))];
    const wanted: ThemeSnapshot = { slug: t.slug, ...themeColumns(t), related: t.related, sources: linked };
    const was = before.get(t.slug) ?? null;
    if (was && same(was, wanted, THEME_KEYS)) {
      out.themes.unchanged++;
      continue;
    }
    const related = t.related.map((slug) => themeIds.get(slug) as number);
    await writeTheme(tx, actorId, id, { ...(was ? { row: themeColumns(t) } : {}), related, sources: linked, note: IMPORTED });
    (was ? out.themes.changed : out.themes.new).push(t.title);
  }

  // Organisations last: their themes may be new in this bundle.
  for (const o of bundle.organisations) {
    at(`organisatie ${o.slug}`);
    const [was] = await tx.select().from(organisations).where(eq(organisations.slug, o.slug));
    if (was && same<OrganisationInput>(was, o, ORG_KEYS)) {
      out.organisations.unchanged++;
      continue;
    }
    const row = await writeOrganisation(tx, actorId, was ? { id: was.id, slug: was.slug } : null, o, IMPORTED);
    if (!row) throw new Error('write returned nothing');
    (was ? out.organisations.changed : out.organisations.new).push(o.name);
  }
  return out;
}
