import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends, createTestDatabase, type TestDatabase } from '../../test/helpers.ts';
import { rows } from '../db/client.ts';
import { cutSnippet, ELLIPSIS, PASSAGE_WORDS, queryLexemes, SNIPPET_WORDS, splitWords } from './snippet.ts';

/** Per word of `words`, its lexemes as the database would keep them: here, the word lower-cased. */
const lexemesOf = (words: string[]) => words.map((w) => w.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')).join('\t');
const marked = (parts: string[]) => parts.filter((_, i) => i % 2 === 1);
const numbered = (n: number, at: Record<number, string> = {}) => Array.from({ length: n }, (_, i) => at[i] ?? `woord${i}`);

describe('cutting a snippet', () => {
  it('shows a short passage whole and marks the words of the query, not their punctuation', () => {
    const passage = 'Het kind zoekt (troost) bij een ouder, ook als de ouder boos is.';
    const parts = cutSnippet({ passage, lead: true, lexemes: lexemesOf(splitWords(passage)) }, new Set(['troost', 'ouder']));
    expect(parts).toEqual(['Het kind zoekt (', 'troost', ') bij een ', 'ouder', ', ook als de ', 'ouder', ' boos is.']);
  });

  it('marks a word with an accent typed as a combining character whole', () => {
    const passage = 'Het cafe\u0301 is open.';
    const lexemes = ['het', 'cafe\u0301', 'is', 'open'].join('\t');
    expect(cutSnippet({ passage, lead: true, lexemes }, new Set(['cafe\u0301']))).toEqual(['Het ', 'cafe\u0301', ' is open.']);
  });

  it('says where text was left out: a window of the body, or a cut passage', () => {
    const short = 'midden in de tekst';
    expect(cutSnippet({ passage: short, lead: false, lexemes: lexemesOf(splitWords(short)) }, new Set(['tekst']))).toEqual([
      `${ELLIPSIS} midden in de `,
      'tekst',
      '',
    ]);
    // The body's first window starts where the body starts: nothing left out before it.
    expect(cutSnippet({ passage: short, lead: true, lexemes: lexemesOf(splitWords(short)) }, new Set(['tekst']))).toEqual(['midden in de ', 'tekst', '']);
    const long = numbered(40, { 35: 'gehecht', 39: 'einde.' });
    const parts = cutSnippet({ passage: long.join(' '), lead: true, lexemes: lexemesOf(long) }, new Set(['gehecht']));
    expect(parts.join('').startsWith(`${ELLIPSIS} `)).toBe(true);
    expect(marked(parts)).toEqual(['gehecht']);
    // At most SNIPPET_WORDS words, and the end of the passage is reached where a sentence ends: no ellipsis there.
    expect(parts.join('').replace(ELLIPSIS, '').trim().split(' ')).toHaveLength(SNIPPET_WORDS);
    expect(parts.join('').endsWith('einde.')).toBe(true);
  });

  it('ends with an ellipsis where the database cut a long block mid-sentence (a full passage), not where a block or sentence ends', () => {
    const cut = (words: string[]) => cutSnippet({ passage: words.join(' '), lead: true, lexemes: lexemesOf(words) }, new Set(['gehecht'])).join('');
    // A full passage of PASSAGE_WORDS words that stops mid-sentence ("…helpt het wijkteam ouders het"), the marked word near its end.
    const full = numbered(PASSAGE_WORDS, { 36: 'gehecht', 39: 'het' });
    expect(cut(full).endsWith(` het ${ELLIPSIS}`)).toBe(true);
    // The same, shown whole (a shorter snippet is not cut by the view): still the ellipsis.
    expect(cutSnippet({ passage: full.join(' '), lead: true, lexemes: lexemesOf(full) }, new Set(['gehecht']), PASSAGE_WORDS).join('')).toMatch(
      new RegExp(` het ${ELLIPSIS}$`),
    );
    // Its last word ends a sentence (or a list item, or a quote): the text may go on, but what is shown reads whole.
    for (const last of ['kind.', 'voor?', 'levensjaren;', 'zegt:', 'hieronder).', 'was.”'])
      expect(cut(numbered(PASSAGE_WORDS, { 36: 'gehecht', 39: last })).endsWith(last), last).toBe(true);
    // A shorter passage ends its block: a heading, a short paragraph, the last window of a long one.
    const short = numbered(PASSAGE_WORDS - 1, { 30: 'gehecht', 38: 'het' });
    expect(cut(short).endsWith(' het')).toBe(true);
  });

  it('picks the window with most of the distinct query words, then most matches, and centres them', () => {
    // "a" three times early; "a" and "b" together late: the late window wins for holding both words.
    const words = numbered(100, { 2: 'alfa', 4: 'alfa', 6: 'alfa', 80: 'alfa', 84: 'bravo' });
    const parts = cutSnippet({ passage: words.join(' '), lead: true, lexemes: lexemesOf(words) }, new Set(['alfa', 'bravo']));
    expect(marked(parts)).toEqual(['alfa', 'bravo']);
    const shown = parts.join('').replaceAll(ELLIPSIS, '').trim().split(' ');
    expect(shown).toHaveLength(SNIPPET_WORDS);
    // Centred: the 5 marked-span words with 25 words of context, 12 before and 13 after.
    expect(shown[0]).toBe('woord68');
    expect(parts.join('').endsWith(` ${ELLIPSIS}`)).toBe(true);
  });

  it('with nothing to mark, shows the start; with lexemes that do not fit the words, marks nothing', () => {
    const words = numbered(50);
    const none = cutSnippet({ passage: words.join(' '), lead: true, lexemes: null }, new Set(['woord40']));
    expect(none).toEqual([`${words.slice(0, SNIPPET_WORDS).join(' ')} ${ELLIPSIS}`]);
    const skewed = cutSnippet({ passage: 'een twee drie', lead: true, lexemes: 'een\ttwee' }, new Set(['een']));
    expect(skewed).toEqual(['een twee drie']);
  });

  it('splits words on ASCII whitespace only, as the database does', () => {
    expect(splitWords(' \ta\u00a0b \n c\u000bd\f ')).toEqual(['a\u00a0b', 'c', 'd']);
    expect(splitWords('')).toEqual(['']);
  });

  it('reads the lexemes of a tsquery, quotes and backslashes included, and leaves out negated ones', () => {
    expect([...queryLexemes(`'gezin' | 'kind'`)]).toEqual(['gezin', 'kind']);
    expect([...queryLexemes(`'veilig' <-> 'thuis' & !'baby'`)]).toEqual(['veilig', 'thuis']);
    expect([...queryLexemes(`'o''neill' & 'a\\\\b'`)]).toEqual(["o'neill", 'a\\b']);
    // A negated group leaves out all its words; weights and prefix marks are not part of a lexeme.
    expect([...queryLexemes(`!( 'a' | 'b' ) & 'c'`)]).toEqual(['c']);
    expect([...queryLexemes(`'x' & !( 'y' & !'z' ) & ( 'w' | 'v' )`)]).toEqual(['x', 'w', 'v']);
    expect([...queryLexemes(`'kind':*AB <2> !!'ouder'`)]).toEqual(['kind', 'ouder']);
    expect(queryLexemes('').size).toBe(0);
  });

  it('property: any passage and marks give alternating parts that spell the shown words, marks never empty', () => {
    const word = fc.string({ minLength: 1, maxLength: 8 }).filter((w) => !/[ \t\n\r\f\v]/.test(w));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 80 }), fc.array(fc.nat(79)), fc.boolean(), (words, picks, lead) => {
        const lexemes = lexemesOf(words);
        const marks = new Set(picks.map((i) => lexemes.split('\t')[i % words.length] as string).filter(Boolean));
        const parts = cutSnippet({ passage: words.join(' '), lead, lexemes }, marks);
        expect(parts.length % 2).toBe(1);
        for (const m of marked(parts)) expect(m).not.toBe('');
        const text = parts.join('');
        const shown = text.replace(new RegExp(`^${ELLIPSIS} | ${ELLIPSIS}$`, 'g'), '').split(' ');
        expect(shown.length).toBe(Math.min(words.length, SNIPPET_WORDS));
        // The shown words are consecutive words of the passage.
        const start = words.indexOf(shown[0] as string);
        expect(start).toBeGreaterThanOrEqual(0);
        expect(words.join(' ')).toContain(shown.join(' '));
      }),
    );
  });
});

describe.each(backends())('the database and the app agree on words (%s)', (kind: Backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await t.database.migrate();
  });
  afterAll(() => t.dispose());

  it('a passage is at most PASSAGE_WORDS words, and a long block is cut into windows of exactly that many', async () => {
    const block = numbered(100).join(' ');
    const found = await rows<{ words: number }>(
      t.database.db,
      sql`select cardinality(regexp_split_to_array(passage, '[ \t\n\r\f\v]+'))::int as words from search_passages_of('', ${`${block}\n\nKort blok.`}) order by n`,
    );
    expect(found.map((f) => f.words)).toEqual([PASSAGE_WORDS, PASSAGE_WORDS, PASSAGE_WORDS, 2]);
  });

  it.each([
    'Het kind, de ouder en de (v)echtscheiding.',
    '  voor  en\tna\nelkaar\r\nmet\fvormen\u000bvan witruimte  ',
    'een\u00a0vaste spatie en een\u2003brede',
    'ouder-kind-relatie 1.000 kinderen www.voorbeeld.nl o’neill',
    '',
    ' ',
  ])('one lexeme entry per word the app splits: %j', async (text) => {
    const [row] = await rows<{ lexemes: string }>(t.database.db, sql`select search_word_lexemes(${text}) as lexemes`);
    expect(row?.lexemes.split('\t')).toHaveLength(splitWords(text).length);
  });

  it('marks the stemmed forms the Dutch configuration matches, as the query names them', async () => {
    const passage = 'Kinderen zoeken troost bij hun ouders; een kind dat geen troost vindt, trekt zich terug.';
    const [row] = await rows<{ lexemes: string; q: string }>(
      t.database.db,
      sql`select search_word_lexemes(${passage}) as lexemes, websearch_to_tsquery('dutch', 'kind or troost')::text as q`,
    );
    const parts = cutSnippet({ passage, lead: true, lexemes: row?.lexemes ?? null }, queryLexemes(row?.q ?? ''));
    expect(marked(parts)).toEqual(['troost', 'kind', 'troost']);
    // "Kinderen" stems to "kinder", not "kind": the database decides, and the app follows.
    const [k] = await rows<{ q: string }>(t.database.db, sql`select websearch_to_tsquery('dutch', 'kinderen')::text as q`);
    expect(marked(cutSnippet({ passage, lead: true, lexemes: row?.lexemes ?? null }, queryLexemes(k?.q ?? '')))).toEqual(['Kinderen']);
  });

  it('reads back any lexeme from its tsquery text', async () => {
    const odd = ["o'neill", 'a\\b', 'x"y', 'één'];
    for (const lexeme of odd) {
      // tsquery's own input syntax: in quotes, a quote is doubled and a backslash escapes.
      const input = `'${lexeme.replaceAll('\\', '\\\\').replaceAll("'", "''")}' | 'z'`;
      const [row] = await rows<{ q: string }>(t.database.db, sql`select ${input}::tsquery::text as q`);
      expect([...queryLexemes(row?.q ?? '')]).toEqual([lexeme, 'z']);
    }
  });
});
