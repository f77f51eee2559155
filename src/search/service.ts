import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { oneLine } from '../content/text.ts';
import { type Queryable, rows } from '../db/client.ts';
import { searchDocuments } from '../db/schema.ts';
import { cutSnippet, queryLexemes } from './snippet.ts';

export interface SearchDocument {
  kind: string;
  ref: string;
  title: string;
  url: string;
  summary: string;
  body: string;
}

/** Every capability keeps its documents current through this one function, in its own transaction. */
export async function upsertSearchDocument(db: Queryable, doc: SearchDocument): Promise<void> {
  await db
    .insert(searchDocuments)
    .values(doc)
    .onConflictDoUpdate({
      target: [searchDocuments.kind, searchDocuments.ref],
      set: { title: doc.title, url: doc.url, summary: doc.summary, body: doc.body },
    });
}

export const MAX_QUERY = 200;
export const PAGE_SIZE = 10;
/** Pages a reader can page through (the `p` limit below); as many matches are counted and ranked. */
export const MAX_PAGES = 100;
export const MAX_RESULTS = MAX_PAGES * PAGE_SIZE;

export const searchQuery = z.object({
  q: z.string().default('').transform(oneLine),
  p: z.coerce.number().int().min(1).max(MAX_PAGES).catch(1).default(1),
});
export type SearchInput = z.infer<typeof searchQuery>;

export type SearchOutcome =
  | { state: 'empty' }
  | { state: 'too-long'; length: number }
  /** `more`: there are more than `total` (= MAX_RESULTS) matches; only that many were counted and ranked. */
  | { state: 'results'; total: number; more: boolean; page: number; pages: number; hits: SearchHit[] };

export interface SearchHit {
  kind: string;
  title: string;
  url: string;
  summary: string;
  /** Snippet parts: odd indexes are the matched words, to be wrapped in <mark> by the view. */
  snippet: string[];
}

/**
 * The search itself: one page of ranked matches, each with the passage its snippet is cut from, and
 * how many matched (at most MAX_RESULTS + 1: one more tells there are more). The query lives in the
 * database as the function search_hits (migration 0010; ranking as search_page had it since 0005 and
 * 0009), where its plan is kept instead of made anew for every search.
 */
export function searchSql(q: string, offset: number): SQL {
  return sql`select kind, title, url, summary, total, passage, passage_n, lexemes, marks
    from search_hits(${q}, ${anyWord(q)}, ${PAGE_SIZE}, ${offset}, ${MAX_RESULTS + 1})`;
}

interface HitRow {
  kind: string;
  title: string;
  url: string;
  summary: string;
  total: number;
  passage: string;
  passage_n: number;
  lexemes: string | null;
  marks: string;
}

export async function search(db: Queryable, input: SearchInput): Promise<SearchOutcome> {
  const q = input.q;
  if (!q) return { state: 'empty' };
  if (q.length > MAX_QUERY) return { state: 'too-long', length: q.length };
  const offset = (input.p - 1) * PAGE_SIZE;
  const found = await rows<HitRow>(db, searchSql(q, offset));
  // A page past the end (an old link, a typed number): show the first page instead of "no results".
  if (!found.length && input.p > 1) return search(db, { ...input, p: 1 });
  const counted = found[0]?.total ?? 0;
  const total = Math.min(counted, MAX_RESULTS);
  const marks = queryLexemes(found[0]?.marks ?? '');
  return {
    state: 'results',
    total,
    more: counted > MAX_RESULTS,
    page: input.p,
    pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    hits: found.map((r) => ({
      kind: r.kind,
      title: r.title,
      url: r.url,
      summary: r.summary,
      snippet: cutSnippet({ passage: r.passage, n: r.passage_n, lexemes: r.lexemes }, marks),
    })),
  };
}

/**
 * The query's words joined with "or", for choosing and marking a snippet's passage when no single
 * passage holds the whole query (its words spread over the document). Quotes and minus signs are
 * dropped: a left-out word is in no matching document, so it never marks anything.
 */
export function anyWord(q: string): string {
  return q
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w && w.toLowerCase() !== 'or')
    .join(' or ');
}
