import { createHash } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { z } from 'zod';
import { oneLine } from '../content/text.ts';
import type { AppEnv } from '../context.ts';
import { likeLiteral, type Queryable, rows } from '../db/client.ts';
import { matches } from '../http/middleware.ts';
import { BusyError } from '../search/gate.ts';
import { KIND_LABEL, spellingOf } from '../search/service.ts';
import { bundledSynonyms, key, type Synonyms } from '../search/synonyms.ts';

/**
 * Suggestions while typing in the search field (issue 22): GET /zoeken/suggesties?q=… answers the
 * five best titles as JSON, for src/site/suggest.client.js. Only what search_documents holds is
 * suggested: the capabilities keep only public content there (a theme, organisation or training
 * leaves it when unpublished; src/site/suggest.test.ts checks that none is suggested).
 */
export const SUGGEST_MIN = 3;
export const SUGGEST_MAX = 100;
export const SUGGEST_LIMIT = 5;

export const suggestQuery = z.object({
  q: z
    .string()
    .default('')
    .transform(oneLine)
    .pipe(z.string().max(SUGGEST_MAX, `Een zoekvraag voor suggesties heeft hoogstens ${SUGGEST_MAX} tekens.`)),
});

export interface Suggestion {
  title: string;
  url: string;
  kind: string;
  /** What it is, as the results page names it ("Thema", "Hulpmiddel"). */
  label: string;
  /** Where it leads, when another suggestion has the same title and label (two sources): the website. */
  site?: string;
}

/** A link's website as a reader knows it ("pharos.nl"); undefined for one of our own pages. */
export function siteOf(url: string): string | undefined {
  if (!/^https?:\/\//i.test(url)) return undefined;
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return undefined;
  }
}

/** Every character that means something in a PostgreSQL regular expression, taken literally. */
const regexEscape = (s: string) => s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/**
 * Part of the ETag beside the content version: change it with the ranking below, so a browser's
 * copy from before a deploy is not confirmed as current.
 */
export const SUGGEST_RANKING = 'ilike-3';

/**
 * The query, in one place. Titles holding the typed text (case-insensitive), those that start
 * with it first, then those with a word starting with it, then the rest; shorter titles first
 * within each. The ILIKE also uses the trigram index search_documents_title_trgm_idx (migration
 * 0016) where it exists.
 */
export function suggestSql(q: string, limit = SUGGEST_LIMIT): SQL {
  const literal = likeLiteral(q);
  return sql`select d.title, d.url, d.kind from search_documents d
    where d.title ilike ${`%${literal}%`}
    order by case when d.title ilike ${`${literal}%`} then 0 when d.title ~* ${`(^|[^[:alnum:]])${regexEscape(q)}`} then 1 else 2 end,
      length(d.title), d.title, d.url
    limit ${limit}`;
}

/**
 * Titles most like the typed text, for a typing error ("meldkode"): pg_trgm's word similarity
 * above its threshold (0.6), most alike first; the same trigram index.
 */
export function similarSql(q: string, limit = SUGGEST_LIMIT): SQL {
  return sql`select d.title, d.url, d.kind from search_documents d
    where ${q} <% d.title
    order by word_similarity(${q}, d.title) desc, length(d.title), d.title, d.url
    limit ${limit}`;
}

type Found = { title: string; url: string; kind: string };

/**
 * The titles holding what was typed; then, while there are fewer than five, those holding what a
 * typed abbreviation or synonym stands for ("jgz": jeugdgezondheidszorg, as the search expands it),
 * then, for a typing error (from 4 characters on), those holding what the search would correct it to,
 * then those most like it.
 */
export async function suggest(db: Queryable, q: string, synonyms: Synonyms = bundledSynonyms()): Promise<Suggestion[]> {
  if (q.length < SUGGEST_MIN || q.length > SUGGEST_MAX) return [];
  const found: Found[] = [];
  const add = (list: Found[]) => {
    for (const f of list) if (found.length < SUGGEST_LIMIT && !found.some((o) => o.url === f.url && o.kind === f.kind)) found.push(f);
  };
  add(await rows<Found>(db, suggestSql(q)));
  // Not a two-letter abbreviation (AF, VT): as part of a title it is in too many words ("afwegingskader").
  for (const term of synonyms.also.get(key(q)) ?? [])
    if (found.length < SUGGEST_LIMIT && !synonyms.short.has(key(term))) add(await rows<Found>(db, suggestSql(term)));
  if (found.length < SUGGEST_LIMIT && q.length >= 4) {
    // A typing error: what the search would correct it to, then the titles most like it.
    const meant = await spellingOf(db, q, synonyms);
    if (meant) add(await rows<Found>(db, suggestSql(meant)));
    if (found.length < SUGGEST_LIMIT) add(await rows<Found>(db, similarSql(q)));
  }
  const named = found.map((f) => ({ ...f, label: KIND_LABEL[f.kind] ?? f.kind }));
  // Two suggestions a reader could not tell apart (the same title and label) each say their website.
  const same = (a: { title: string; label: string }, b: { title: string; label: string }) => a.title === b.title && a.label === b.label;
  return named.map((s) => {
    const site = named.some((o) => o !== s && same(o, s)) ? siteOf(s.url) : undefined;
    return site ? { ...s, site } : s;
  });
}

const CACHE = 'public, max-age=60';

/** A short fingerprint of the synonym list, for the ETag: an edited list (a restart) is not confirmed by a 304 as the old one. */
const tags = new WeakMap<Synonyms, string>();
function synonymsTag(synonyms: Synonyms): string {
  let tag = tags.get(synonyms);
  if (!tag) {
    tag = createHash('sha1')
      .update(JSON.stringify([...synonyms.also]))
      .digest('base64url')
      .slice(0, 8);
    tags.set(synonyms, tag);
  }
  return tag;
}

/**
 * The route. Cached by browsers for a minute; after that a conditional request is answered 304
 * from the content version alone, without a query. The query goes through the search gate with
 * /zoeken's searches (every pause in typing is a query), so both together stay within its limit.
 */
export async function suggestRoute(c: Context<AppEnv>): Promise<Response> {
  const parsed = suggestQuery.safeParse({ q: c.req.query('q') });
  if (!parsed.success) return c.json({ error: parsed.error.issues[0]?.message ?? 'Ongeldige zoekvraag.' }, 400, { 'Cache-Control': 'no-store' });
  const { q } = parsed.data;
  if (q.length < SUGGEST_MIN) return c.json([], 200, { 'Cache-Control': CACHE });
  const { database, contentVersion, searchGate, synonyms } = c.get('deps');
  // Read before the query: the answer is then at least as new as the version it is tagged with.
  const etag = `"zs-${SUGGEST_RANKING}-${synonymsTag(synonyms)}-${await contentVersion.current()}"`;
  if (matches(c.req.header('If-None-Match'), etag)) return c.body(null, 304, { 'Cache-Control': CACHE, ETag: etag });
  let found: Suggestion[];
  try {
    found = await searchGate.run(() => suggest(database.db, q, synonyms));
  } catch (err) {
    if (!(err instanceof BusyError)) throw err;
    return c.json([], 503, { 'Retry-After': '2', 'Cache-Control': 'no-store' });
  }
  return c.json(found, 200, { 'Cache-Control': CACHE, ETag: etag });
}
