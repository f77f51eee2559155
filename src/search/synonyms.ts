import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * The synonyms and abbreviations professionals use (content/synoniemen.yaml): for a term typed in
 * a query, the other terms searched with it. Terms are matched on their words, lower case.
 */
export interface Synonyms {
  /** Lower-case term (one or more words joined by a space) → the terms also searched, as written. */
  readonly also: ReadonlyMap<string, readonly string[]>;
  /** Terms of two letters or fewer: they count only in capitals or as the whole query. */
  readonly short: ReadonlySet<string>;
  /** The most words a term has. */
  readonly longest: number;
  /**
   * Terms searched only by what they stand for, never as themselves (`alleen_ook`): an abbreviation
   * whose Dutch stem is also a common word's ("RAD" and "raad" both stem to "rad").
   */
  readonly onlyAlso: ReadonlySet<string>;
}

const term = z
  .string()
  .trim()
  .min(2, 'Een woord heeft minstens twee tekens.')
  .max(60)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} -]*$/u, 'Een woord bestaat uit letters, cijfers, spaties en streepjes.');
const entry = z.union(
  [
    z.array(term).min(2, 'Een groep heeft minstens twee woorden.'),
    z.strictObject({ woord: term, ook: z.array(term).min(1), alleen_ook: z.boolean().optional() }),
  ],
  { error: 'Een regel is een lijst ([a, b]) of "woord:" met "ook: [...]" en eventueel "alleen_ook: true" (of false).' },
);
const file = z.array(entry);

/** A term as it is looked up: its words (letters and digits) in lower case, so "video-hometraining" is "video hometraining" as typed either way. */
export const key = (text: string) =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .join(' ');

/** Reads and checks the list; a mistake stops the app at start with the entry it is in. */
export function parseSynonyms(text: string, source = 'synoniemen.yaml'): Synonyms {
  const parsed = file.safeParse(parseYaml(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${source}: ${issue?.path.map((p) => (typeof p === 'number' ? `item ${p + 1}` : String(p))).join(' → ')}: ${issue?.message}`);
  }
  const also = new Map<string, string[]>();
  const add = (from: string, to: string) => {
    if (key(from) === key(to)) return;
    const list = also.get(key(from)) ?? [];
    if (!list.some((t) => key(t) === key(to))) list.push(to);
    also.set(key(from), list);
  };
  const onlyAlso = new Set<string>();
  for (const e of parsed.data) {
    if (Array.isArray(e)) for (const a of e) for (const b of e) add(a, b);
    else {
      for (const b of e.ook) add(e.woord, b);
      if (e.alleen_ook) onlyAlso.add(key(e.woord));
    }
  }
  // Never searched as itself, also not as another term's synonym.
  for (const [k, list] of also) {
    const kept = list.filter((t) => !onlyAlso.has(key(t)));
    if (kept.length) also.set(k, kept);
    else if (onlyAlso.has(k))
      throw new Error(`${source}: "${k}" heeft alleen_ook, maar wat erbij staat wordt zelf ook niet gezocht: er blijft niets over om op te zoeken.`);
    else also.delete(k);
  }
  // Counted in letters and digits: "V-T" (key "v t") is as short as "VT".
  const short = new Set([...also.keys()].filter((k) => k.replace(/ /g, '').length <= 2));
  const longest = Math.max(1, ...[...also.keys()].map((k) => k.split(' ').length));
  return { also, short, longest, onlyAlso };
}

export function loadSynonyms(path: string): Synonyms {
  return parseSynonyms(readFileSync(path, 'utf8'), path);
}

let bundled: Synonyms | undefined;
/** The list in this checkout's content/ (what boot loads unless told otherwise). */
export function bundledSynonyms(): Synonyms {
  bundled ??= loadSynonyms(join(dirname(fileURLToPath(import.meta.url)), '../../content/synoniemen.yaml'));
  return bundled;
}
