/**
 * A search hit's snippet, cut and marked here rather than by PostgreSQL's ts_headline (migration
 * 0010 says why). The database keeps, for every passage, the lexemes of each of its words; a word
 * is marked when one of its lexemes is one of the query's. No stemming happens here, so what is
 * marked is exactly what the Dutch configuration matches.
 */

/** At most this many words are shown; a longer passage is cut around its marked words. */
export const SNIPPET_WORDS = 30;
export const ELLIPSIS = '…';
/**
 * The words of a full passage: the database cuts a block longer than this into windows of this many
 * words (search_passages_of, migration 0016). A shorter passage ends its block; a full one mostly
 * stops where the window does, mid-sentence unless its last word ends one.
 */
export const PASSAGE_WORDS = 40;
const ENDS_SENTENCE = /[.!?:;…]["'”’»)\]]*$/u;

// ASCII whitespace only: the database splits passages on exactly these (search_word_lexemes).
const SPACE = /[ \t\n\r\f\v]+/;
const EDGES = /^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g;
// A word's leading and trailing punctuation is shown but not marked: "(kind)," marks "kind". Combining
// marks (an accent typed as its own character) belong to the word.
const CORE = /^([^\p{L}\p{M}\p{N}]*)(.*?)([^\p{L}\p{M}\p{N}]*)$/su;

export const splitWords = (text: string): string[] => text.replace(EDGES, '').split(SPACE);

/**
 * The lexemes a tsquery's text names (`'gezin' | 'kind'`), without negated ones: neither `!'a'` nor
 * the words of a negated group `!( 'a' | 'b' )`. PostgreSQL writes each lexeme in single quotes,
 * doubling a quote or backslash inside; weights and prefix marks (`:*AB`) follow the closing quote.
 */
export function queryLexemes(tsquery: string): Set<string> {
  const out = new Set<string>();
  // Per open parenthesis: whether the group is negated (as is everything around it, if it is).
  const groups: boolean[] = [];
  let negate = false;
  for (const m of tsquery.matchAll(/'((?:[^'\\]|''|\\.)*)'|[!()]/g)) {
    const token = m[0];
    const inNegated = groups.at(-1) ?? false;
    if (token === '!') negate = !negate;
    else if (token === '(') {
      groups.push(inNegated || negate);
      negate = false;
    } else if (token === ')') groups.pop();
    else {
      if (!(inNegated || negate)) out.add((m[1] ?? '').replace(/''|\\(.)/g, (_, c: string | undefined) => c ?? "'"));
      negate = false;
    }
  }
  return out;
}

export interface SnippetSource {
  /** The passage's text: a window of the document, or its summary. */
  passage: string;
  /** It starts its block (a heading, a paragraph) or is the summary: nothing left out before it. */
  lead: boolean;
  /** Per word, its lexemes joined by a space; words joined by a tab. Null: nothing to mark. */
  lexemes: string | null;
}

/**
 * The snippet as parts: even indexes plain text, odd indexes marked words. A passage longer than
 * SNIPPET_WORDS is cut to the window that holds most of the query's distinct words (then most marked
 * words), centred on them; an ellipsis shows where text was left out, before or after it.
 */
export function cutSnippet(source: SnippetSource, marks: ReadonlySet<string>, size = SNIPPET_WORDS): string[] {
  const words = splitWords(source.passage);
  const entries = source.lexemes === null ? [] : source.lexemes.split('\t');
  // Should the database have split the words otherwise, nothing is marked rather than the wrong words.
  const hit: (string | null)[] = words.map((_, i) => {
    if (entries.length !== words.length) return null;
    for (const lexeme of (entries[i] as string).split(' ')) if (lexeme && marks.has(lexeme)) return lexeme;
    return null;
  });
  const [start, end] = windowOf(hit, size);
  const parts: string[] = [start > 0 || !source.lead ? `${ELLIPSIS} ` : ''];
  for (let i = start; i < end; i++) {
    const word = words[i] as string;
    const sep = i > start ? ' ' : '';
    const core = hit[i] === null ? null : CORE.exec(word);
    if (!core?.[2]) {
      parts[parts.length - 1] += sep + word;
      continue;
    }
    parts[parts.length - 1] += sep + (core[1] ?? '');
    parts.push(core[2], core[3] ?? '');
  }
  // Cut here, or where the database cut the block: an ellipsis says the text goes on.
  const stopped = end === words.length && words.length >= PASSAGE_WORDS && !ENDS_SENTENCE.test(words[end - 1] ?? '');
  if (end < words.length || stopped) parts[parts.length - 1] += ` ${ELLIPSIS}`;
  return parts;
}

/** [start, end) of the words to show. */
function windowOf(hit: (string | null)[], size: number): [number, number] {
  const n = hit.length;
  if (n <= size) return [0, n];
  let best = 0;
  let bestScore = -1;
  for (let s = 0; s + size <= n; s++) {
    const seen = new Set<string>();
    let count = 0;
    for (let i = s; i < s + size; i++) {
      const h = hit[i];
      if (h !== null && h !== undefined) {
        seen.add(h);
        count++;
      }
    }
    // Distinct words first, then how many; n ≤ a few hundred words, so this stays microseconds.
    const score = seen.size * 1000 + count;
    if (score > bestScore) {
      bestScore = score;
      best = s;
    }
  }
  if (bestScore <= 0) return [0, size];
  // Centre the marked words in the window: the slack is shared before and after them.
  let first = best;
  while (hit[first] === null) first++;
  let last = best + size - 1;
  while (hit[last] === null) last--;
  const slack = size - (last - first + 1);
  const start = Math.max(0, Math.min(n - size, first - Math.floor(slack / 2)));
  return [start, start + size];
}
