import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { oneLine } from '../content/text.ts';
import { type Queryable, rows } from '../db/client.ts';
import { searchDocuments } from '../db/schema.ts';
import { type ParsedQuery, parseQuery, replaceWords, tokens, typoDistance, wordsOf } from './query.ts';
import { cutSnippet, queryLexemes } from './snippet.ts';
import { bundledSynonyms, key, type Synonyms } from './synonyms.ts';

export interface SearchDocument {
  kind: string;
  ref: string;
  title: string;
  url: string;
  summary: string;
  /** Prose in blocks (headings, paragraphs, list items) separated by a blank line: passages never cross a block's end. */
  body: string;
  /** Searchable words that are not prose (type, address, municipalities, audience): found, never shown as a snippet. */
  labels?: string;
  /** What the document is besides its kind, as its result shows it (an organisation's type): ranked with the title. */
  type?: string;
  /** What names the document as its title does, never shown as a snippet (an organisation's phone number): ranked with the title. */
  names?: string;
}

/** The kind of each document as a result shows it above its title. */
export const KIND_LABEL: Record<string, string> = {
  theme: 'Thema',
  source: 'Bron',
  training: 'Training',
  organisation: 'Organisatie',
  guide: 'Hulpmiddel',
  page: 'Pagina',
};

/**
 * What a document is, in words a professional types: its kind as its result shows it, and its type
 * ("Training", "Organisatie Huisarts"), and what else names it (an organisation's phone number).
 * Ranked with title and summary (migration 0018).
 */
export const searchCategory = (kind: string, type?: string, names?: string) => [KIND_LABEL[kind] ?? '', type ?? '', names ?? ''].filter(Boolean).join(' ');

/**
 * Every capability keeps its documents current through this one function, in its own transaction.
 * A document that is already as written is left alone: no new row version, no index entries, no
 * passages written anew (every start writes the guides' and the site's own pages this way).
 */
export async function upsertSearchDocument(db: Queryable, doc: SearchDocument): Promise<void> {
  const { type, names, ...fields } = doc;
  const row = { ...fields, labels: doc.labels ?? '', category: searchCategory(doc.kind, type, names) };
  const d = searchDocuments;
  await db
    .insert(d)
    .values(row)
    .onConflictDoUpdate({
      target: [d.kind, d.ref],
      set: { title: row.title, url: row.url, summary: row.summary, body: row.body, labels: row.labels, category: row.category },
      setWhere: sql`(${d.title}, ${d.url}, ${d.summary}, ${d.body}, ${d.labels}, ${d.category}) is distinct from (excluded.title, excluded.url, excluded.summary, excluded.body, excluded.labels, excluded.category)`,
    });
}

export const MAX_QUERY = 200;
export const PAGE_SIZE = 10;
/** Pages a reader can page through (the `p` limit below); as many matches are counted and ranked. */
export const MAX_PAGES = 100;
export const MAX_RESULTS = MAX_PAGES * PAGE_SIZE;
/** The highest page number a search keeps as asked (a number past the last page shows the last page, and says it was asked). */
export const MAX_ASKED_PAGE = 1_000_000;

export const searchQuery = z.object({
  q: z.string().default('').transform(oneLine),
  // A number past the last page is the last page (the search then says so), not the first; also one
  // too large to be an exact number here (99999999999999999999).
  p: z
    .preprocess(
      (v: unknown) => (typeof v === 'string' && Number(v) > MAX_ASKED_PAGE && Number.isFinite(Number(v)) ? MAX_ASKED_PAGE : v),
      z.coerce.number().int().min(1),
    )
    .catch(1)
    .transform((v) => Math.min(v, MAX_ASKED_PAGE)),
  /** Set by the "search for what I typed instead" link: no spelling correction. */
  letterlijk: z
    .string()
    .optional()
    .transform((v) => v === '1'),
});
export interface SearchInput {
  q: string;
  p: number;
  letterlijk?: boolean;
}

export type SearchOutcome =
  | { state: 'empty' }
  | { state: 'too-long'; length: number }
  /** Only words left out ("-x"): nothing to look for, and every other page would match. */
  | { state: 'only-left-out' }
  /** No word at all, only signs (a lone quote, a dash between spaces). */
  | { state: 'no-words' }
  /** Only words the search leaves out because nearly every page holds them ("de", "het een"). */
  | { state: 'only-common-words' }
  | {
      state: 'results';
      /** `more`: there are more than `total` (= MAX_RESULTS) matches; only that many were counted and ranked. */
      total: number;
      more: boolean;
      page: number;
      pages: number;
      hits: SearchHit[];
      /** The terms searched besides what was typed (synonyms, abbreviations), as the list writes them. */
      expanded: string[];
      /** Of those, the ones searched instead of a typed term, not beside it (RAD: reactieve hechtingsstoornis). */
      meanings: ParsedQuery['meanings'];
      /** The terms left out besides a word typed with a minus (synonyms of "-VHT"). */
      alsoLeftOut: string[];
      /** The page asked for was past the last one (an old link, a typed number): this is the last page instead. */
      pastEnd?: number;
      /** The query was misspelt and these are the results for `to` instead ("Resultaten voor …"). */
      corrected?: { from: string; to: string };
      /** A better query to offer as a link ("Bedoelde je: …?"), when the typed one finds nothing or little. */
      suggestion?: string;
      /** Nothing holds every word searched for: these hits hold some of them (see `loosened`). */
      partial?: boolean;
      /** A partial result of a one-term query: its hits hold words of its phrases ("overleg" of MDO's "multidisciplinair overleg"), not the term. */
      partialWords?: boolean;
    };

export interface SearchHit {
  kind: string;
  /** The document's key within its kind (a slug, an id), for the page to add what it knows of it. */
  ref: string;
  title: string;
  url: string;
  summary: string;
  /** Snippet parts: odd indexes are the matched words, to be wrapped in <mark> by the view. */
  snippet: string[];
  /** In a partial result: what was typed that this page does not hold ("Ontbreekt: …"), in the query's order. */
  missing?: string[];
}

/**
 * The search itself: one page of ranked matches, each with the passage its snippet is cut from, and
 * how many matched (at most `max` + 1: one more tells there are more). The query lives in the
 * database as the function search_ranked (migration 0016), where its plan is kept instead of made
 * anew for every search.
 */
export function searchSql(parsed: ParsedQuery, offset: number, max = MAX_RESULTS, size = PAGE_SIZE): SQL {
  return sql`select kind, ref, title, url, summary, total, passage, passage_n, lead, lexemes, marks
    from search_ranked(${textArray(parsed.groups)}, ${parsed.markWords.join(' or ')}, ${textArray(parsed.titles)}, ${size}, ${offset}, ${max + 1})`;
}

/** A list as one text[] parameter (a plain array in sql`` would become a list of parameters). */
const textArray = (list: readonly string[]) => sql`${sql.param(list)}::text[]`;

interface HitRow {
  kind: string;
  ref: string;
  title: string;
  url: string;
  summary: string;
  total: number;
  passage: string;
  passage_n: number;
  lead: boolean;
  lexemes: string | null;
  marks: string;
}

/**
 * Pages that hold only some of the words searched for are ranked and counted up to this many (ten
 * pages): with any word enough, a query of common words matches most documents, and ranking them
 * all would cost a zero-result search three times a full one (3.6 ms against 1.0 ms per query here).
 */
export const MAX_PARTIAL = 10 * PAGE_SIZE;

/** Fewer matches than this, and a misspelt word is looked for. */
const FEW = 3;

export async function search(db: Queryable, input: SearchInput, synonyms: Synonyms = bundledSynonyms()): Promise<SearchOutcome> {
  const q = input.q;
  if (!q) return { state: 'empty' };
  if (q.length > MAX_QUERY) return { state: 'too-long', length: q.length };
  const parsed = parseQuery(q, synonyms);
  // A word left out, and nothing else searched for ("-x", "de -baby": "de" is a stop word) would list every other page.
  // Without a word or phrase to look for that is known at once; whether those are all stop words is
  // checked beside the search (on another connection), not before it.
  const wanted = wantedTerms(parsed);
  if (!wanted.length) return nothingSearched(parsed, wanted);
  const [something, first] = await Promise.all([
    parsed.groups.some((g) => /(^|\s)-/.test(g)) ? searchesSomething(db, wanted) : true,
    page(db, parsed, input.p),
  ]);
  if (!something) return nothingSearched(parsed, wanted);
  let outcome = first;
  // Nothing holds every word: which of its groups the search looks for at all is asked beside the
  // spelling correction, on another connection, not after it. None ("de", "het een": words nearly
  // every page holds) is said as such, not as "no results"; some are what partial results look for.
  const searched = outcome.total === 0 ? searchedGroups(db, parsed) : undefined;
  // The partial results are looked for as soon as those groups are known, also beside the correction:
  // most queries that find nothing are not misspelt ("casus kraamzorg therapie"), and each step in
  // turn waits for the database and for this process again. A clear correction leaves them unused.
  const partial = searched?.then(async (asked) => ({ asked, some: await partialResults(db, asked, input.p) }));
  // Their failure is the awaiting code's to see; unawaited (a correction found), it must not go unhandled.
  partial?.catch(() => {});
  if (outcome.total < FEW) {
    const better = await correction(db, parsed, q, synonyms, outcome.total);
    // Searched as typed (the way back from a correction): the correction is only offered.
    if (better && outcome.total === 0 && better.clear && !input.letterlijk) {
      const [corrected] = await Promise.all([page(db, parseQuery(better.q, synonyms), input.p), settled(partial)]);
      return { ...corrected, corrected: { from: q, to: better.q } };
    }
    if (better) outcome = { ...outcome, suggestion: better.q };
  }
  if (outcome.total > 0 || !partial) return outcome;
  const { asked, some } = await partial;
  if (!outcome.suggestion && !asked.groups.some((g) => !g.startsWith('-'))) return nothingSearched(parsed, wanted);
  if (!some || some.total === 0) return outcome;
  return { ...some, ...(outcome.suggestion ? { suggestion: outcome.suggestion } : {}) };
}

/** Done, whether it worked or not: a search leaves no statement of its own running (the gate counts it done). */
const settled = async (work: Promise<unknown> | undefined) => {
  await work?.catch(() => {});
};

/**
 * Rather than "no results", the pages that hold some of the words, said so; null when the query
 * cannot be loosened. A term the search leaves out (a stop word: "een MDO") is no term of its own here.
 */
async function partialResults(db: Queryable, asked: ParsedQuery, p: number): Promise<Extract<SearchOutcome, { state: 'results' }> | null> {
  const loose = loosened(asked);
  if (!loose) return null;
  const single = asked.groups.filter((g) => !g.startsWith('-')).length === 1;
  // One term that no page holds ("MDO"): its pages hold words of its phrases, so what each lacks is
  // said in those words ("Ontbreekt: multidisciplinair"), not as the term every one of them lacks.
  const words = single ? [...new Set(asked.groups.flatMap((g) => tokens(g).filter((t) => t.kind === 'phrase')).flatMap((t) => wordsOf(t.text)))] : [];
  const some = await partialPage(db, asked, loose, p, words.length > 1 ? words.map((w) => ({ g: w, term: w })) : undefined);
  return { ...some, partial: true, ...(single ? { partialWords: true } : {}) };
}

/**
 * Why a query searches for nothing: it only leaves words out ("-baby", "de -baby"), it holds no word
 * at all (a lone quote, a dash), or its words are all ones the search leaves out ("de", "het een").
 */
function nothingSearched(parsed: ParsedQuery, wanted: string[]): Extract<SearchOutcome, { state: 'only-left-out' | 'no-words' | 'only-common-words' }> {
  if (parsed.groups.some((g) => tokens(g).some((t) => t.kind === 'not'))) return { state: 'only-left-out' };
  return { state: wanted.some((w) => /[\p{L}\p{N}]/u.test(w)) ? 'only-common-words' : 'no-words' };
}

/** The words and phrases a query looks for (not those left out). */
const wantedTerms = (parsed: ParsedQuery) => parsed.groups.flatMap((g) => tokens(g).filter((t) => t.kind === 'word' || t.kind === 'phrase')).map((t) => t.text);

/** Which of these texts (each as one group) the search looks for at all, by index: not those of stop words only ("de", "een"). */
async function searchedIndexes(db: Queryable, texts: readonly string[]): Promise<Set<number>> {
  const found = await rows<{ i: number }>(
    db,
    sql`select t.i::int as i from unnest(${textArray(texts)}) with ordinality as t(text, i) where numnode(search_tsquery(array[t.text])) > 0`,
  );
  return new Set(found.map((f) => f.i - 1));
}

/** Whether any of these words or phrases is searched for: not a stop word only. */
const searchesSomething = async (db: Queryable, wanted: string[]) => (await searchedIndexes(db, wanted)).size > 0;

/** The query without the groups the search leaves out (stop words only), each group's typed term kept with it. */
async function searchedGroups(db: Queryable, parsed: ParsedQuery): Promise<ParsedQuery> {
  const kept = await searchedIndexes(db, parsed.groups);
  if (kept.size === parsed.groups.length) return parsed;
  return { ...parsed, groups: parsed.groups.filter((_, i) => kept.has(i)), terms: parsed.terms.filter((_, i) => kept.has(i)) };
}

/**
 * A page of partial results: all of them (at most MAX_PARTIAL) ranked as the loosened query ranks
 * them, then ordered by how many of the query's terms each lacks, fewest first (the rank decides
 * among pages that lack as many): a page with two of three terms comes before one with one, even if
 * that one has it in its title. Each hit says what it lacks. One statement (search_partial, migration
 * 0021), which cuts a passage for the shown page only.
 */
async function partialPage(
  db: Queryable,
  parsed: ParsedQuery,
  loose: ParsedQuery,
  p: number,
  lackable?: { g: string; term: string }[],
): Promise<Extract<SearchOutcome, { state: 'results' }>> {
  // Each term typed (a word left out has none), checked on its own as search_ranked checks them all
  // together; or the words given instead.
  const asked = lackable ?? parsed.groups.map((g, i) => ({ g, term: parsed.terms[i] ?? '' })).filter((a) => a.term);
  const at = async (page: number) =>
    rows<HitRow & { lacks: number[] }>(
      db,
      sql`select kind, ref, title, url, summary, total, passage, passage_n, lead, lexemes, marks, lacks
        from search_partial(${textArray(loose.groups)}, ${loose.markWords.join(' or ')}, ${textArray(loose.titles)}, ${textArray(asked.map((a) => a.g))},
          ${PAGE_SIZE}, ${(page - 1) * PAGE_SIZE}, ${MAX_PARTIAL}, ${MAX_PARTIAL + 1})`,
    );
  const [page, found] = await lastIfPast(p, MAX_PARTIAL, at);
  const marks = queryLexemes(found[0]?.marks ?? '');
  return {
    ...resultsOf(
      parsed,
      found,
      MAX_PARTIAL,
      page,
      found.map((r) => ({ ...hitOf(r, marks), missing: r.lacks.map((i) => asked[i - 1]?.term ?? '').filter(Boolean) })),
    ),
    ...(page < p ? { pastEnd: p } : {}),
  };
}

/**
 * Page `p` of the hits `at` reads, or, when `p` is past the last page (an old link, a typed number),
 * the last page: [the page shown, its rows]. Rows carry the count of all matches (up to `max` + 1).
 */
async function lastIfPast<T extends { total: number }>(p: number, max: number, at: (page: number) => Promise<T[]>): Promise<[number, T[]]> {
  const found = p <= Math.ceil(max / PAGE_SIZE) ? await at(p) : [];
  if (found.length || p === 1) return [p, found];
  const first = await at(1);
  const last = Math.max(1, Math.ceil(Math.min(first[0]?.total ?? 0, max) / PAGE_SIZE));
  return last === 1 ? [1, first] : [last, await at(last)];
}

/** A results page of these hits, counted from the rows search_ranked or search_partial gave (each carries the count of all matches, up to `max` + 1). */
function resultsOf(parsed: ParsedQuery, found: readonly HitRow[], max: number, p: number, hits: SearchHit[]): Extract<SearchOutcome, { state: 'results' }> {
  const counted = found[0]?.total ?? 0;
  const total = Math.min(counted, max);
  return {
    state: 'results',
    total,
    more: counted > max,
    page: p,
    pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    expanded: parsed.expanded,
    meanings: parsed.meanings,
    alsoLeftOut: parsed.alsoLeftOut,
    hits,
  };
}

const hitOf = (r: HitRow, marks: ReturnType<typeof queryLexemes>): SearchHit => ({
  kind: r.kind,
  ref: r.ref,
  title: r.title,
  url: r.url,
  summary: r.summary,
  snippet: cutSnippet({ passage: r.passage, lead: r.lead, lexemes: r.lexemes }, marks),
});

/**
 * The query with its terms no longer all required: every term it searches for (a typed word, a
 * "phrase", a synonym) becomes one alternative of a single group, so a page with any of them
 * matches; words left out stay left out. With two terms or more, each stays whole: a page that
 * holds "veilige" does not hold "Veilig Thuis" (a synonym of VT), so every page found holds at least
 * one term as the full query asks for it. A query of one term that nothing holds is loosened into
 * the words of its phrases ("MDO": multidisciplinair, overleg), since holding the term is then out
 * of reach; its pages each say they lack it. Null when that is the same query.
 */
export function loosened(parsed: ParsedQuery): ParsedQuery | null {
  const asked = parsed.groups.filter((g) => !g.startsWith('-'));
  const left = parsed.groups.filter((g) => g.startsWith('-'));
  const single = asked.length === 1;
  const terms = new Map<string, string>();
  const add = (t: string) => terms.set(t.toLowerCase(), t);
  for (const g of asked)
    for (const t of tokens(g)) {
      // Its alternatives as the query parser reads them; one left out ("a or -b") stays out.
      if (t.kind === 'word') add(t.text);
      else if (t.kind === 'phrase') {
        if (single) for (const w of wordsOf(t.text)) add(w);
        else add(t.text);
      }
    }
  if (terms.size < 2) return null;
  // One group without a phrase already asks for any of its words.
  if (single && !asked[0]?.includes('"')) return null;
  return { ...parsed, groups: [[...terms.values()].join(' or '), ...left] };
}

async function page(db: Queryable, parsed: ParsedQuery, p: number, max = MAX_RESULTS): Promise<Extract<SearchOutcome, { state: 'results' }>> {
  const [shown, found] = await lastIfPast(p, max, (n) => rows<HitRow>(db, searchSql(parsed, (n - 1) * PAGE_SIZE, max)));
  const marks = queryLexemes(found[0]?.marks ?? '');
  return {
    ...resultsOf(
      parsed,
      found,
      max,
      shown,
      found.map((r) => hitOf(r, marks)),
    ),
    ...(shown < p ? { pastEnd: p } : {}),
  };
}

/** What a text means if it is misspelt ("meldkode": "meldcode"), as the search would correct or offer it; null if nothing better is known. */
export async function spellingOf(db: Queryable, q: string, synonyms: Synonyms = bundledSynonyms()): Promise<string | null> {
  return (await correction(db, parseQuery(q, synonyms), q, synonyms, 0))?.q ?? null;
}

/**
 * A spelling correction: each plain word the vocabulary does not hold is replaced by one of the
 * words most like it (trigrams or a swap of two letters, then edit distance, with a changed first
 * letter half a step further, then how common); of
 * the combinations, the closest wins, then the one whose words stand side by side most often, then
 * the one that finds most. It is `clear` when no other combination that finds something else is as
 * close and finds (side by side, or at all) a third as much, and each word it replaces is a plain
 * slip (isSlip): a correct word the pages happen not to hold ("pesten", "scholing") is never
 * answered for as another word ("punten", "scheiding") that is two or three letters away.
 */
async function correction(db: Queryable, parsed: ParsedQuery, q: string, synonyms: Synonyms, found: number): Promise<{ q: string; clear: boolean } | null> {
  // A short word typed in capitals is an abbreviation ("ZAT", "OKT"), not a misspelt word ("zag").
  const words = [
    ...new Set(
      parsed.plainWords
        .filter((w) => !(w.length <= ABBREVIATION && w === w.toUpperCase()))
        .map((w) => w.toLowerCase())
        .filter((w) => /^\p{L}{3,40}$/u.test(w)),
    ),
  ];
  if (!words.length) return null;
  // The words the vocabulary does not hold (at most three, in the query's order) and the words most
  // like each, in one statement: by trigrams (search_corrections), and with two letters swapped, which
  // share few trigrams in a short word ("strat", "start") and are looked up as they are.
  const asked = words.filter((w) => !synonyms.also.has(w));
  if (!asked.length) return null;
  // By letters, not UTF-16 units: half a letter beyond the first 65,536 is no text PostgreSQL takes.
  const swaps = asked.flatMap((w) => {
    const cs = [...w];
    return Array.from({ length: cs.length - 1 }, (_, i) => ({ w, v: [...cs.slice(0, i), cs[i + 1], cs[i], ...cs.slice(i + 2)].join('') })).filter(
      (x) => x.v !== x.w,
    );
  });
  // The words that start with w are those from w up to w with its last letter one higher ("hech" up
  // to "heci"): the byte order of the prefix index (migration 0023) is that of the code points.
  const starts = asked.map((w) => {
    const letters = [...w];
    const last = letters.pop()?.codePointAt(0) ?? 0;
    return { w, upto: letters.join('') + String.fromCodePoint(last + 1) };
  });
  // Without signs of its own (quotes, minus, or), a query's words may also be counted side by side.
  const plain = !/["-]|\bor\b/i.test(q);
  /** A text of more than one word, counted as a phrase too (see `tried`), when the query is plain. */
  const wholePhrase = (text: string) => (plain && /\s/.test(text.trim()) ? text : undefined);
  // A space typed too many or too few ("meld code", "kansrijkestart"): two words typed one after the
  // other joined (in a plain query), and a word of six letters or more split in two, are looked up as well.
  const joins = plain ? spacedOut(q) : [];
  const splits = asked.flatMap((w) => {
    const cs = [...w];
    return Array.from({ length: Math.max(0, cs.length - 5) }, (_, i) => ({ w, a: cs.slice(0, i + 3).join(''), b: cs.slice(i + 3).join('') }));
  });
  const spacing = [...new Set([...joins.map((j) => j.to), ...splits.flatMap((x) => [x.a, x.b])])];
  type Candidate = { word: string; candidate: string; sim: number; docs: number };
  const looked = await rows<Candidate & { part: 'unknown' | 'similar' | 'swapped' | 'completed' | 'known' }>(
    db,
    // One statement (search_lookups, migration 0027), its plan kept per connection.
    sql`select part, word, candidate, sim, docs from search_lookups(${textArray(asked)}, ${JSON.stringify(swaps)}::jsonb, ${JSON.stringify(starts)}::jsonb, ${textArray(spacing)})`,
  );
  const unknown = looked.filter((f) => f.part === 'unknown').map((f) => f.word);
  const known = new Set(looked.filter((f) => f.part === 'known').map((f) => f.word));
  // A word split in two is counted as a phrase of its two parts ("kansrijke start", also within a longer query).
  const respaced = [
    ...joins.filter((j) => known.has(j.to)).map((j) => ({ text: j.text, split: false, phrase: wholePhrase(j.text) })),
    ...splits
      .filter((x) => unknown.includes(x.w) && known.has(x.a) && known.has(x.b))
      .map((x) => ({ text: replaceWords(q, new Map([[x.w, `${x.a} ${x.b}`]])), split: true, phrase: `${x.a} ${x.b}` })),
  ];
  if (!unknown.length && !respaced.length) return null;
  const similar = looked.filter((f) => f.part === 'similar');
  const swapped = looked.filter((f) => f.part === 'swapped');
  const pool = [...similar, ...swapped];
  // The words of the synonym list are known words too, also where no page writes them so: a slip
  // from one ("echtscheidng") means it ("echtscheiding": the pages say "echtscheidingen").
  for (const w of unknown)
    for (const l of listedWords(synonyms)) if (l !== w && isSlip(w, typoDistance(w, l))) pool.push({ part: 'similar', word: w, candidate: l, sim: 0, docs: 0 });
  const candidates = pool.filter((x, i) => pool.findIndex((c) => c.word === x.word && c.candidate === x.candidate) === i);
  const completed = looked.filter((f) => f.part === 'completed');
  const options = unknown.map((w) => {
    // A word typed only in part ("hech", "kinderm": Enter pressed before the word was done): the words
    // it starts, the commonest first, not a short word it is a letter or two away from ("hen", "kinder").
    const completions = completed.filter((c) => c.word === w);
    if (completions.length) return completions.map((c) => ({ word: c.candidate, distance: 0, sim: c.sim, docs: c.docs }));
    return (
      candidates
        .filter((c) => c.word === w)
        .map((c) => ({ word: c.candidate, distance: typoDistance(w, c.candidate), sim: c.sim, docs: c.docs }))
        // The half step for a changed first letter orders candidates; it does not shut one out.
        .filter((c) => Math.floor(c.distance) <= offered(w))
        .sort((a, b) => a.distance - b.distance || b.sim - a.sim || b.docs - a.docs)
        .slice(0, 3)
    );
  });
  // Every combination of the candidates (at most 3 × 3 × 3), each counted (up to a limit) by the database;
  // none when a word has none (or none is unknown).
  let combos: { replace: Map<string, string>; distance: number; sim: number; slips: boolean }[] =
    unknown.length && options.every((o) => o.length) ? [{ replace: new Map(), distance: 0, sim: 0, slips: true }] : [];
  unknown.forEach((w, i) => {
    combos = combos.flatMap((c) =>
      (options[i] ?? []).map((o) => ({
        replace: new Map([...c.replace, [w, o.word]]),
        distance: c.distance + o.distance,
        sim: c.sim + o.sim,
        slips: c.slips && isSlip(w, o.distance),
      })),
    );
  });
  // The closest nine, all counted in one statement (each count stops at 1,000). Words typed one after
  // the other are also counted as a phrase: "veilig tuis" means "veilig thuis" (side by side in many
  // documents) rather than "veilig huis" (both words somewhere in a document).
  // A space too many or too few is a slip, one step away; a word split in two a quarter step further,
  // so that a letter typed wrong in one word ("hemkennen": herkennen) is not read as two words that
  // happen to stand side by side somewhere ("hem kennen").
  const tried = [
    ...combos
      .sort((a, b) => a.distance - b.distance || b.sim - a.sim)
      .slice(0, 9)
      .map((c) => {
        const text = replaceWords(q, c.replace);
        return { text, distance: c.distance, sim: c.sim, slips: c.slips, split: false, phrase: wholePhrase(text) };
      }),
    ...respaced.map((r) => ({ ...r, distance: r.split ? 1.25 : 1, sim: 0, slips: true })),
  ];
  const phrased = tried.flatMap((c, i) => (c.phrase ? [i] : []));
  const count = (groups: string[][]) =>
    rows<{ i: number; n: number; tsq: string }>(
      db,
      sql`select c.i::int as i, t.q::text as tsq,
            (select count(*) from (select 1 from search_documents where tsv @@ t.q limit 1000) m)::int as n
          from jsonb_array_elements(${JSON.stringify(groups)}::jsonb) with ordinality as c(g, i),
            lateral (select search_tsquery(array(select jsonb_array_elements_text(c.g))) as q) t`,
    );
  const [counts, phrases] = await Promise.all([
    count(tried.map((c) => parseQuery(c.text, synonyms).groups)),
    phrased.length ? count(phrased.map((i) => [`"${tried[i]?.phrase}"`])) : Promise.resolve([]),
  ]);
  const scored = tried.flatMap((c, i) => {
    const { n = 0, tsq = '' } = counts.find((r) => r.i === i + 1) ?? {};
    const at = phrased.indexOf(i);
    const side = at < 0 ? 0 : (phrases.find((r) => r.i === at + 1)?.n ?? 0);
    // A word split in two only where a page has the two side by side ("kansrijke start"), not "wijk centrum" for "wijkcentrum".
    if (c.split && side === 0) return [];
    return n > found ? [{ text: c.text, n, side, tsq, distance: c.distance, sim: c.sim, slips: c.slips }] : [];
  });
  scored.sort((a, b) => a.distance - b.distance || b.side - a.side || b.n - a.n || b.sim - a.sim);
  const [best] = scored;
  if (!best) return null;
  // A rival that stems to the same query ("verloskunde", "verloskundige") finds the same: no doubt.
  const next = scored.find((c) => c.tsq !== best.tsq);
  const clear = best.slips && (!next || next.distance > best.distance || (best.side > 0 && best.side >= 3 * next.side) || best.n >= 3 * next.n);
  return { q: best.text, clear };
}

/**
 * Two words typed one after the other that may be one ("meld code": "meldcode"), each with the query
 * as it reads joined.
 */
function spacedOut(q: string): { to: string; text: string }[] {
  const typed = q.trim().split(/\s+/);
  return typed.slice(1).flatMap((b, i) => {
    const a = typed[i] ?? '';
    const to = `${a}${b}`.toLowerCase();
    if (!/^\p{L}{4,40}$/u.test(to)) return [];
    return [{ to, text: [...typed.slice(0, i), to, ...typed.slice(i + 2)].join(' ') }];
  });
}

/** The single words of the synonym list's terms, lower case (at least three letters). */
const listedWords = (synonyms: Synonyms) => {
  let words = listed.get(synonyms);
  if (!words) {
    // Not a term that counts only in capitals ("rad", "af"): no word is corrected into one.
    const capitalsOnly = (k: string) => synonyms.onlyAlso.has(k) || synonyms.short.has(k);
    words = [...new Set([...synonyms.also].flatMap(([k, also]) => [...(capitalsOnly(k) ? [] : [k]), ...also.map(key)]).flatMap((t) => t.split(' ')))].filter(
      (w) => [...w].length >= 3,
    );
    listed.set(synonyms, words);
  }
  return words;
};
const listed = new WeakMap<Synonyms, string[]>();

/** Letters or fewer of a word typed in capitals that make it an abbreviation, never corrected. */
const ABBREVIATION = 5;

/**
 * How far (whole edits) a word offered as "Bedoelde je" may be from what was typed: two edits up to
 * seven letters, three from eight on. Offered, a word further off can be the reader's next click (two
 * letters wrong in "verwaarlzing"); it is only answered for when it is a slip (isSlip). Not more than
 * three: "toegankelijkheid" is no misspelt "afhankelijkheid".
 */
const offered = (typed: string) => Math.min(3, Math.max(1, Math.floor([...typed].length / 4)) + 1);

/**
 * A plain slip, corrected without asking: a word of four letters or more with one letter added,
 * dropped or changed, or two swapped, and its first letter right ("hechtng", "meldkode", "tuis");
 * or the start of a word (distance 0: "kinderm"). Anything further is only offered.
 */
const isSlip = (typed: string, distance: number) => distance === 0 || (distance <= 1 && [...typed].length >= 4);
