import { asc, eq, sql } from 'drizzle-orm';
import { stringify } from 'yaml';
import { type Queryable, rows } from '../db/client.ts';
import { type OrganisationType, organisations, sources, themeRelations, themeSources, themes } from '../db/schema.ts';
import { editableFields } from '../network/service.ts';

/**
 * The content bundle: everything editors maintain (themes, sources, partner organisations) in one
 * JSON file, so a network can back up its content or move it to another installation. Themes are
 * carried as the Markdown files of content/themas/, so one can be dropped into content/ as it is.
 * Nothing personal is in it: no accounts, registrations or audit log.
 */
export const BUNDLE_FORMAT = 'hechtwerk-bundel';
export const BUNDLE_VERSION = 1;

export interface BundleTheme {
  /** `themas/<slug>.md`, the path it would have under content/. */
  file: string;
  /** YAML front-matter and Markdown body, exactly like content/themas/*.md. */
  markdown: string;
}
export interface BundleSource {
  title: string;
  organisation: string;
  url: string;
  description: string;
}
export interface BundleOrganisation {
  name: string;
  slug: string;
  type: OrganisationType;
  description: string;
  phone: string;
  email: string;
  website: string;
  address: string;
  municipalities: string[];
  themes: string[];
  published: boolean;
  demo: boolean;
}
export interface Bundle {
  format: typeof BUNDLE_FORMAT;
  version: typeof BUNDLE_VERSION;
  exportedAt: string;
  themes: BundleTheme[];
  /** Sources that no theme links to (the others are in their themes' front-matter). */
  sources: BundleSource[];
  organisations: BundleOrganisation[];
}

/** A theme file: front-matter between `---` lines, then the body exactly as stored. */
export function themeMarkdown(frontMatter: Record<string, unknown>, body: string): string {
  return `---\n${stringify(frontMatter, { lineWidth: 0 })}---\n${body}`;
}

const sourceFields = { title: sources.title, organisation: sources.organisation, url: sources.url, description: sources.description };

export async function exportBundle(db: Queryable, now: Date): Promise<Bundle> {
  const [themeRows, links, relations, loose, orgs] = await Promise.all([
    db.select().from(themes).orderBy(asc(themes.position), asc(themes.slug)),
    db
      .select({ themeId: themeSources.themeId, ...sourceFields })
      .from(themeSources)
      .innerJoin(sources, eq(sources.id, themeSources.sourceId))
      .orderBy(asc(themeSources.themeId), asc(themeSources.position), asc(sources.id)),
    db
      .select({ themeId: themeRelations.themeId, slug: themes.slug })
      .from(themeRelations)
      .innerJoin(themes, eq(themes.id, themeRelations.relatedId))
      .orderBy(asc(themeRelations.themeId), asc(themeRelations.position), asc(themes.slug)),
    db
      .select(sourceFields)
      .from(sources)
      .where(sql`not exists (select 1 from ${themeSources} where ${themeSources.sourceId} = ${sources.id})`)
      .orderBy(asc(sources.url)),
    db.select().from(organisations).orderBy(asc(organisations.slug)),
  ]);
  const group = <T extends { themeId: number }>(list: T[]) => {
    const out = new Map<number, T[]>();
    for (const row of list) out.set(row.themeId, [...(out.get(row.themeId) ?? []), row]);
    return out;
  };
  const linksOf = group(links);
  const relatedOf = group(relations);
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    exportedAt: now.toISOString(),
    themes: themeRows.map((t) => {
      // The key order of content/themas/*.md, so an exported file reads like a hand-written one.
      const frontMatter: Record<string, unknown> = {
        title: t.title,
        slug: t.slug,
        summary: t.summary,
        order: t.position,
        reviewed: t.reviewed,
        published: t.published,
        related: (relatedOf.get(t.id) ?? []).map((r) => r.slug),
      };
      if (t.training) frontMatter.training = { title: t.training.title, text: t.training.text };
      frontMatter.keyFacts = t.keyFacts;
      frontMatter.sources = (linksOf.get(t.id) ?? []).map(({ title, organisation, url, description }) => ({ title, organisation, url, description }));
      return { file: `themas/${t.slug}.md`, markdown: themeMarkdown(frontMatter, t.bodyMd) };
    }),
    sources: loose.map(({ title, organisation, url, description }) => ({ title, organisation, url, description })),
    organisations: orgs.map((o) => ({ ...editableFields(o), published: o.published })),
  };
}

/** What the export page tells the editor will be in the file. */
export async function exportCounts(db: Queryable): Promise<{ themes: number; sources: number; organisations: number }> {
  const [row] = await rows<{ themes: number; sources: number; organisations: number }>(
    db,
    sql`select (select count(*) from ${themes})::int as themes, (select count(*) from ${sources})::int as sources, (select count(*) from ${organisations})::int as organisations`,
  );
  return row ?? { themes: 0, sources: 0, organisations: 0 };
}
