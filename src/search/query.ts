import { key, type Synonyms } from './synonyms.ts';

/**
 * A query as groups that must all match (search_tsquery in migration 0016). Each group is a word,
 * a "phrase" or a -word left out, written as websearch_to_tsquery reads it; alternatives (words
 * joined by "or" in the query, synonyms) are joined by " or " inside one group.
 */
export interface ParsedQuery {
  groups: string[];
  /** Every word that may be marked in a snippet: the query's own and its synonyms', not the left-out ones. */
  markWords: string[];
  /** The plain words typed (not phrases, not left out), in order: what spelling correction looks at. */
  plainWords: string[];
  /** The terms searched besides what was typed, as the synonym list writes them. */
  expanded: string[];
  /** The terms left out besides a word typed with a minus ("-VHT": video-hometraining), as the list writes them. */
  alsoLeftOut: string[];
  /** Typed terms searched only by what they stand for (`alleen_ook`: RAD), with what that is: not "also", but instead. */
  meanings: { typed: string; as: string[] }[];
  /**
   * Per group, what was typed for it, as a result may say it is missing ("hechting", "MDO", "a of b"
   * for words typed with "or" between them); empty for a word left out.
   */
  terms: string[];
  /**
   * What a title that says exactly what was asked reads like, in lower case: the query's words, or
   * each alternative of a one-group query. Such a title ranks first; one that starts with it next.
   */
  titles: string[];
}

/** A title or query as search_ranked compares them: lower case, without quotes, single spaces. */
export const normalTitle = (t: string) => t.toLowerCase().replace(/"/g, '').replace(/\s+/g, ' ').trim();

export interface Token {
  kind: 'word' | 'phrase' | 'not' | 'or';
  text: string;
}

/** A query (or one group of it) as websearch_to_tsquery reads it: words, "phrases", -words left out and "or". */
export function tokens(q: string): Token[] {
  const out: Token[] = [];
  for (const m of q.matchAll(/(-?)"([^"]*)"?|(\S+)/g)) {
    if (m[2] !== undefined) {
      const words = m[2].trim();
      if (!words) continue;
      out.push({ kind: m[1] ? 'not' : 'phrase', text: `${m[1]}"${words.replace(/"/g, '')}"` });
      continue;
    }
    const t = m[3] as string;
    if (t.toLowerCase() === 'or') out.push({ kind: 'or', text: 'or' });
    else if (t.startsWith('-') && t.length > 1) out.push({ kind: 'not', text: t });
    else out.push({ kind: 'word', text: t });
  }
  return out;
}

/**
 * A term of the synonym list as the database searches it: a term of several words, or with a hyphen,
 * as the phrase of its words, which matches "video-hometraining" and "video hometraining" alike (the
 * hyphenated word alone would match only the first).
 */
const asTerm = (t: string) => (/[\s-]/.test(t) ? `"${bare(t)}"` : t);
/** A typed term as a result names it: without quotes or punctuation at either end ("hechting," is "hechting"). */
const asTyped = (t: string) => t.replace(/"/g, '').replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
/** The words of a term or phrase: its runs of letters and digits. */
export const wordsOf = (t: string) => t.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
/** A word as the database compares it: letters and digits only. */
const bare = (t: string) => wordsOf(t).join(' ');

/**
 * Whether `said`, found in the synonym list as `k`, counts as that term: a two-letter abbreviation
 * ("af") or one that is also a word's stem ("rad", as in "rad voor de kinderbescherming") counts only
 * in capitals, or as the whole query.
 */
const countsAsTerm = (synonyms: Synonyms, k: string, said: string, whole: boolean) =>
  whole || said === said.toUpperCase() || !(synonyms.short.has(k) || synonyms.onlyAlso.has(k));

/** What a word typed with a minus ("-VHT") stands for; `self` is whether the word itself is left out. */
function leftOutTerm(text: string, synonyms: Synonyms): { self: boolean; also: readonly string[] } | undefined {
  if (!text.startsWith('-') || text.startsWith('-"')) return undefined;
  const word = text.slice(1);
  const k = key(word);
  const also = synonyms.also.get(k);
  if (!also || !countsAsTerm(synonyms, k, word, false)) return undefined;
  return { self: !synonyms.onlyAlso.has(k), also };
}

export function parseQuery(q: string, synonyms: Synonyms): ParsedQuery {
  const list = tokens(q);
  const whole = list.length === 1;
  const groups: string[][] = [];
  const writtenGroups: string[][] = [];
  const terms: string[][] = [];
  const markWords: string[] = [];
  const plainWords: string[] = [];
  const expanded: string[] = [];
  const meanings: ParsedQuery['meanings'] = [];
  const alsoLeftOut: string[] = [];
  // Per group: the alternatives that are another term's synonyms, not typed.
  const expansions: Set<string>[] = [];
  let joinNext = false;
  for (let i = 0; i < list.length; i++) {
    const t = list[i] as Token;
    if (t.kind === 'or') {
      joinNext = groups.length > 0;
      continue;
    }
    let alts: string[];
    // The alternatives as written (a hyphen kept), for a title that says exactly what was asked.
    let written: string[];
    let typed = t.kind === 'not' ? '' : t.text;
    if (t.kind === 'word') {
      // The longest run of typed words that is a term in the synonym list.
      let matched = 0;
      let matchedKey = '';
      let also: readonly string[] | undefined;
      for (let n = Math.min(synonyms.longest, list.length - i); n >= 1 && !matched; n--) {
        const run = list.slice(i, i + n);
        if (run.some((r) => r.kind !== 'word')) continue;
        const k = key(run.map((r) => r.text).join(' '));
        const found = synonyms.also.get(k);
        if (!found) continue;
        if (!countsAsTerm(synonyms, k, run.map((r) => r.text).join(' '), whole)) continue;
        matched = n;
        matchedKey = k;
        also = found;
      }
      if (matched) {
        const run = list.slice(i, i + matched).map((r) => r.text);
        typed = run.join(' ');
        // A term searched only by what it stands for (RAD: "rad" is also the stem of "raad") is not an alternative itself.
        const onlyMeaning = synonyms.onlyAlso.has(matchedKey);
        const self = onlyMeaning ? [] : [asTerm(run.join(' '))];
        if (onlyMeaning && !meanings.some((m) => key(m.typed) === key(typed))) meanings.push({ typed: asTyped(typed), as: [...(also ?? [])] });
        alts = [...self, ...(also ?? []).map(asTerm)];
        written = [...(onlyMeaning ? [] : [typed]), ...(also ?? [])];
        for (const a of also ?? []) if (!expanded.includes(a)) expanded.push(a);
        for (const a of alts) markWords.push(...wordsOf(a));
        plainWords.push(...run);
        i += matched - 1;
      } else {
        alts = [t.text];
        written = alts;
        markWords.push(...wordsOf(t.text));
        plainWords.push(t.text);
      }
    } else {
      alts = [t.text];
      written = alts;
      if (t.kind === 'phrase') markWords.push(...wordsOf(t.text));
    }
    // A word left out on its own ("-VHT", not one side of "or") leaves out what it stands for too,
    // each as a group of its own: none of them may be on the page. A term searched only by what it
    // stands for (RAD) leaves out only that, not its Dutch stem ("rad", as in "raad").
    const leaving = t.kind === 'not' && !joinNext && list[i + 1]?.kind !== 'or' ? leftOutTerm(t.text, synonyms) : undefined;
    if (leaving) {
      for (const a of leaving.also) if (!alsoLeftOut.includes(a)) alsoLeftOut.push(a);
      const left = [...(leaving.self ? [{ alt: t.text, written: t.text }] : []), ...leaving.also.map((a) => ({ alt: `-${asTerm(a)}`, written: `-${a}` }))];
      for (const l of left) {
        groups.push([l.alt]);
        writtenGroups.push([l.written]);
        terms.push(['']);
        expansions.push(new Set(l.alt === t.text ? [] : [l.alt]));
      }
      continue;
    }
    const expandedHere = alts.filter((a) => a !== t.text && !(typed && a === asTerm(typed)));
    if (joinNext) {
      (groups[groups.length - 1] as string[]).push(...alts);
      (writtenGroups[writtenGroups.length - 1] as string[]).push(...written);
      (terms[terms.length - 1] as string[]).push(typed);
      for (const a of expandedHere) expansions[expansions.length - 1]?.add(a);
    } else {
      groups.push(alts);
      writtenGroups.push([...written]);
      terms.push([typed]);
      expansions.push(new Set(expandedHere));
    }
    joinNext = false;
  }
  // A term typed both ways ("JGZ -jeugdgezondheidszorg", synonyms of each other): what was typed
  // wins over what a synonym adds. A synonym of a searched term that is left out is not searched
  // (nor said to be); one of a left-out term that was typed to search is not left out.
  const leftOut = (g: string[]) => g.length === 1 && (g[0] as string).startsWith('-');
  const leftKeys = new Set(groups.filter(leftOut).map((g) => key(g[0] as string)));
  const typedKeys = new Set(terms.flat().filter(Boolean).map(key));
  const drop = new Set<number>();
  groups.forEach((g, i) => {
    const added = expansions[i] as Set<string>;
    if (leftOut(g)) {
      if (added.has(g[0] as string) && typedKeys.has(key(g[0] as string))) drop.add(i);
      return;
    }
    const kept = g.filter((a) => !(added.has(a) && leftKeys.has(key(a))));
    // Nothing typed left to search ("AF -aandachtsfunctionaris": AF is searched only by its meaning):
    // the group stays as it was, and the query finds what it asks, nothing.
    if (kept.length && kept.length < g.length) {
      groups[i] = kept;
      writtenGroups[i] = (writtenGroups[i] as string[]).filter((w) => !leftKeys.has(key(w)) || typedKeys.has(key(w)));
    }
  });
  for (const i of [...drop].reverse()) {
    groups.splice(i, 1);
    writtenGroups.splice(i, 1);
    terms.splice(i, 1);
  }
  const searchedAlso = expanded.filter((a) => !leftKeys.has(key(a)));
  const leftAlso = alsoLeftOut.filter((a) => !typedKeys.has(key(a)));
  const positive = writtenGroups.filter((g) => !(g[0] as string).startsWith('-'));
  const titles =
    groups.length === 1 && positive.length === 1 ? (positive[0] as string[]).map(normalTitle) : [normalTitle(positive.map((g) => g[0] as string).join(' '))];
  return {
    groups: groups.map((g) => g.join(' or ')),
    markWords: [...new Set(markWords)],
    plainWords,
    expanded: searchedAlso,
    meanings,
    alsoLeftOut: leftAlso,
    titles: titles.filter(Boolean),
    terms: terms.map((t) => (t.every(Boolean) ? t.map(asTyped).filter(Boolean).join(' of ') : '')),
  };
}

/**
 * The query with some of its plain words replaced (a spelling correction), keeping everything
 * else as typed.
 */
export function replaceWords(q: string, replace: ReadonlyMap<string, string>): string {
  return q.replace(/(^|\s)([^\s"-][^\s"]*)/g, (all, space: string, word: string) => {
    const to = replace.get(word.toLowerCase());
    return to === undefined ? all : `${space}${to}`;
  });
}

/**
 * Edit distance with adjacent swaps (optimal string alignment): "hechtng" is one from "hechting",
 * "hcehting" one as well. Used to order a handful of trigram candidates, so plain and quadratic.
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[];
    const up = d[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, ((d[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = v;
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/**
 * How far a typed word is from a candidate correction: the edit distance, and half a step more when
 * the first letter differs. Misspellings rarely get the first letter wrong (a long-known finding of
 * spelling correction, e.g. Pollock and Zamora, CACM 1984), so "tuis" is "thuis" (an h left out)
 * before it is "huis" (the first letter changed), though both are one edit away.
 */
export function typoDistance(typed: string, candidate: string): number {
  return editDistance(typed, candidate) + (typed.charAt(0) === candidate.charAt(0) ? 0 : 0.5);
}
