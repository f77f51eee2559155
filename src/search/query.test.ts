import { describe, expect, it } from 'vitest';
import { editDistance, parseQuery, replaceWords, typoDistance } from './query.ts';
import { loosened } from './service.ts';
import { bundledSynonyms, parseSynonyms } from './synonyms.ts';

const synonyms = parseSynonyms(`
- [Veilig Thuis, VT]
- [aandachtsfunctionaris, AF]
- woord: BSO
  ook: [buitenschoolse opvang, kinderopvang]
- [vechtscheiding, complexe scheiding]
- [echtscheiding, scheiding]
`);

describe('a query as groups', () => {
  it('keeps words, phrases, left-out words and "or" as websearch_to_tsquery reads them', () => {
    expect(parseQuery('hechting', synonyms).groups).toEqual(['hechting']);
    expect(parseQuery('"ouder kind" -baby', synonyms).groups).toEqual(['"ouder kind"', '-baby']);
    expect(parseQuery('hechting or binding gedrag', synonyms).groups).toEqual(['hechting or binding', 'gedrag']);
    expect(parseQuery('OR hechting', synonyms).groups).toEqual(['hechting']);
    const p = parseQuery('"veilig thuis" -baby kind', synonyms);
    expect(p.markWords).toEqual(['veilig', 'thuis', 'kind']);
    expect(p.plainWords).toEqual(['kind']);
  });

  it('adds synonyms as alternatives of one group, the longest term first, and says which', () => {
    const vt = parseQuery('veilig thuis melden', synonyms);
    expect(vt.groups).toEqual(['"veilig thuis" or VT', 'melden']);
    expect(vt.expanded).toEqual(['VT']);
    // A title that says exactly this ranks first: each alternative of a one-group query, or the query's words.
    expect(parseQuery('Veilig Thuis', synonyms).titles).toEqual(['veilig thuis', 'vt']);
    expect(parseQuery('hechting -baby kind', synonyms).titles).toEqual(['hechting kind']);
    expect(vt.markWords).toEqual(['veilig', 'thuis', 'VT', 'melden']);
    // "complexe scheiding" is one term: its "scheiding" is not expanded on its own.
    expect(parseQuery('complexe scheiding', synonyms).groups).toEqual(['"complexe scheiding" or vechtscheiding']);
    expect(parseQuery('scheiding', synonyms).groups).toEqual(['scheiding or echtscheiding']);
    // One way only.
    expect(parseQuery('BSO', synonyms).groups).toEqual(['BSO or "buitenschoolse opvang" or kinderopvang']);
    expect(parseQuery('kinderopvang', synonyms).expanded).toEqual([]);
    expect(parseQuery('BSO', synonyms).meanings).toEqual([]);
  });

  it('keeps, per group, what was typed for it: the term a partial result may say is missing', () => {
    expect(parseQuery('veilig thuis melden', synonyms).terms).toEqual(['veilig thuis', 'melden']);
    expect(parseQuery('"ouder kind" -baby hechting or binding', synonyms).terms).toEqual(['ouder kind', '', 'hechting of binding']);
    expect(parseQuery('BSO', synonyms).terms).toEqual(['BSO']);
    expect(parseQuery('hechting, (MDO) "veilig thuis"', synonyms).terms).toEqual(['hechting', 'MDO', 'veilig thuis']);
    // As many terms as groups, so each group's term is found by its place.
    for (const q of ['a or -b c', 'OR x', '-x "y z" or w']) {
      const p = parseQuery(q, synonyms);
      expect(p.terms.length, q).toBe(p.groups.length);
    }
  });

  it('finds a term with a hyphen in the list, typed with the hyphen or without', () => {
    const vht = parseSynonyms('- [VHT, video-hometraining]\n- woord: Advies- en Meldpunt Kindermishandeling\n  ook: [Veilig Thuis]');
    // Searched as the phrase of its words, which a page matches with the hyphen or without.
    expect(parseQuery('VHT', vht).groups).toEqual(['VHT or "video hometraining"']);
    expect(parseQuery('video-hometraining', vht).groups).toEqual(['"video hometraining" or VHT']);
    expect(parseQuery('video-hometraining', vht).expanded).toEqual(['VHT']);
    expect(parseQuery('Video hometraining thuis', vht).expanded).toEqual(['VHT']);
    expect(parseQuery('advies- en meldpunt kindermishandeling', vht).groups).toEqual(['"advies en meldpunt kindermishandeling" or "Veilig Thuis"']);
    // A title that says exactly what was asked is still recognised as written, hyphen and all.
    expect(parseQuery('video-hometraining', vht).titles).toEqual(['video-hometraining', 'vht']);
    expect(parseQuery('VHT', vht).titles).toEqual(['vht', 'video-hometraining']);
  });

  it('a word left out on its own leaves out what it stands for too, each as a group of its own', () => {
    const list = bundledSynonyms();
    const p = parseQuery('jeugdhulp -VHT', list);
    expect(p.groups).toEqual(['jeugdhulp', '-VHT', '-"video hometraining"']);
    expect(p.alsoLeftOut).toEqual(['video-hometraining']);
    expect(p.terms).toEqual(['jeugdhulp', '', '']);
    expect(p.expanded).toEqual([]);
    // RAD leaves out what it stands for, not "rad" (the stem of "raad"); in lower case it is a word.
    expect(parseQuery('hechting -RAD', list).groups).toEqual(['hechting', '-"reactieve hechtingsstoornis"']);
    expect(parseQuery('kinderbescherming -rad', list).groups).toEqual(['kinderbescherming', '-rad']);
    // One side of "or" stays as typed.
    expect(parseQuery('jeugdhulp or -VHT', list).groups).toEqual(['jeugdhulp or -VHT']);
    expect(parseQuery('hechting', list).alsoLeftOut).toEqual([]);
  });

  it('a term typed both ways ("JGZ -jeugdgezondheidszorg") is searched as typed: the synonyms of each side give way to what was typed', () => {
    const list = bundledSynonyms();
    const p = parseQuery('JGZ -jeugdgezondheidszorg', list);
    // JGZ stands for jeugdgezondheidszorg, which is left out: not searched, nor said to be; JGZ itself, typed, is not left out.
    expect(p.groups).toEqual(['JGZ or consultatiebureau', '-jeugdgezondheidszorg']);
    expect(p.expanded).toEqual(['consultatiebureau']);
    expect(p.alsoLeftOut).toEqual([]);
    expect(p.terms).toEqual(['JGZ', '']);
    // Without the conflict, as before.
    expect(parseQuery('JGZ', list).groups).toEqual(['JGZ or jeugdgezondheidszorg or consultatiebureau']);
    expect(parseQuery('JGZ -baby', list).groups).toEqual(['JGZ or jeugdgezondheidszorg or consultatiebureau', '-baby']);
    // A term searched only by its meaning, with that meaning left out: nothing typed is left to search,
    // so the group stays (and the query finds nothing), never an empty group.
    for (const q of ['AF -aandachtsfunctionaris', 'RAD -"reactieve hechtingsstoornis"', 'AF or RAD -aandachtsfunctionaris -"reactieve hechtingsstoornis"']) {
      const p2 = parseQuery(q, list);
      expect(
        p2.groups.every((g) => g.length > 0),
        q,
      ).toBe(true);
    }
    expect(parseQuery('AF -aandachtsfunctionaris', list).groups).toEqual(['aandachtsfunctionaris', '-aandachtsfunctionaris']);
  });

  it('counts a two-letter abbreviation only in capitals or as the whole query: "af" is also a word', () => {
    expect(parseQuery('af', synonyms).expanded).toEqual(['aandachtsfunctionaris']);
    expect(parseQuery('AF bellen', synonyms).expanded).toEqual(['aandachtsfunctionaris']);
    expect(parseQuery('melding af ronden', synonyms).expanded).toEqual([]);
    // Written with a hyphen, still two letters.
    const vt = parseSynonyms('- [V-T, Veilig Thuis]');
    expect(parseQuery('v-t melding', vt).expanded).toEqual([]);
    expect(parseQuery('V-T melding', vt).expanded).toEqual(['Veilig Thuis']);
  });

  it('replaces only the plain words named, keeping the rest as typed', () => {
    expect(replaceWords('veilig tuis -baby "tuis"', new Map([['tuis', 'thuis']]))).toBe('veilig thuis -baby "tuis"');
    expect(replaceWords('Hechtng', new Map([['hechtng', 'hechting']]))).toBe('hechting');
  });
});

describe('edit distance', () => {
  it('counts a changed, dropped, added or swapped letter as one', () => {
    expect(editDistance('hechting', 'hechting')).toBe(0);
    expect(editDistance('hechtng', 'hechting')).toBe(1);
    expect(editDistance('hechtimg', 'hechting')).toBe(1);
    expect(editDistance('hcehting', 'hechting')).toBe(1);
    expect(editDistance('tuis', 'thuis')).toBe(1);
    expect(editDistance('meldkode', 'meldcode')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kat', 'tak')).toBe(2);
  });

  it('counts a changed first letter half a step further: misspellings rarely get it wrong', () => {
    expect(typoDistance('tuis', 'thuis')).toBe(1);
    expect(typoDistance('tuis', 'huis')).toBe(1.5);
    expect(typoDistance('hechtng', 'hechting')).toBe(1);
  });
});

describe('the synonym list', () => {
  it('content/synoniemen.yaml holds the abbreviations professionals use', () => {
    const list = bundledSynonyms();
    for (const term of [
      'vt',
      'amk',
      'jgz',
      'consultatiebureau',
      'mdo',
      'lsvg',
      'rad',
      'af',
      'kdv',
      'bso',
      'kinderopvang',
      'echtscheiding',
      'scheiding',
      'vechtscheiding',
      'complexe scheiding',
    ])
      expect(list.also.has(term), term).toBe(true);
    expect(list.also.get('amk')).toEqual(['Veilig Thuis']);
    // "af" is also a plain word: AF is searched by what it stands for only, and the full word does not search "af".
    expect(list.onlyAlso.has('af')).toBe(true);
    expect(list.also.get('af')).toEqual(['aandachtsfunctionaris']);
    expect(list.also.has('aandachtsfunctionaris')).toBe(false);
  });

  it('refuses a broken list with where the mistake is', () => {
    expect(() => parseSynonyms('- [alleen]')).toThrow(/item 1.*minstens twee woorden/);
    expect(() => parseSynonyms('- woord: BSO\n  ok: [x]')).toThrow(/synoniemen.yaml/);
    expect(() => parseSynonyms('- [a<b>, c]')).toThrow(/letters, cijfers/);
    expect(() => parseSynonyms('- woord: RAD\n  ook: [x]\n  alleen_ook: ja')).toThrow(/item 1: Een regel is een lijst .*alleen_ook: true/);
    // Nothing left to search for.
    expect(() => parseSynonyms('- woord: RAD\n  ook: [XYZ]\n  alleen_ook: true\n- woord: XYZ\n  ook: [RAD]\n  alleen_ook: true')).toThrow(
      /"rad" heeft alleen_ook/,
    );
  });

  it('searches a term marked alleen_ook only by what it stands for, also when another term names it (RAD and raad share a stem)', () => {
    const list = bundledSynonyms();
    expect(list.onlyAlso.has('rad')).toBe(true);
    const rad = parseQuery('RAD', list);
    expect(rad.groups).toEqual(['"reactieve hechtingsstoornis"']);
    expect(rad.expanded).toEqual(['reactieve hechtingsstoornis']);
    expect(rad.terms).toEqual(['RAD']);
    expect(rad.meanings).toEqual([{ typed: 'RAD', as: ['reactieve hechtingsstoornis'] }]);
    expect(parseQuery('RAD baby', list).meanings).toEqual([{ typed: 'RAD', as: ['reactieve hechtingsstoornis'] }]);
    // Said once, however often it is typed.
    expect(parseQuery('RAD RAD', list).meanings).toEqual([{ typed: 'RAD', as: ['reactieve hechtingsstoornis'] }]);
    expect(parseQuery('RAD or rad', list).meanings).toHaveLength(1);
    expect(rad.markWords).toEqual(['reactieve', 'hechtingsstoornis']);
    expect(parseQuery('RAD baby', list).groups).toEqual(['"reactieve hechtingsstoornis"', 'baby']);
    const own = parseSynonyms('- woord: RAD\n  ook: [reactieve hechtingsstoornis]\n  alleen_ook: true\n- [hechtingsstoornis RAD, RAD]');
    expect(own.also.get('hechtingsstoornis rad')).toBeUndefined();
    expect(parseQuery('LSVG', list).groups[0]).toMatch(/^LSVG or /);
  });
});

describe('loosened: every term searched for, any of them enough', () => {
  const syn = bundledSynonyms();
  it('joins the typed words, phrases and synonyms in one group, each whole, and keeps the left-out words', () => {
    expect(loosened(parseQuery('"veilige basis" troost -huilen', syn))?.groups).toEqual(['"veilige basis" or troost', '-huilen']);
    // A synonym stays whole: a page with only "veilig" holds neither VT nor "Veilig Thuis".
    expect(loosened(parseQuery('VT zwangerschap', syn))?.groups).toEqual(['VT or "Veilig Thuis" or zwangerschap']);
    // A word stays as typed, as the full query reads it ("kind's" is not "kind").
    expect(loosened(parseQuery("kind's zwangerschap", syn))?.groups).toEqual(["kind's or zwangerschap"]);
    // A word left out as one alternative of "or" is not turned into a word searched for.
    expect(loosened(parseQuery('troost or -huilen slapen', syn))?.groups).toEqual(['troost or slapen']);
    expect(loosened(parseQuery('troost or -"hard huilen" slapen', syn))?.groups).toEqual(['troost or slapen']);
  });
  it('loosens a query of one term into the words of its phrases: holding that term is out of reach', () => {
    expect(loosened(parseQuery('MDO', syn))?.groups).toEqual(['MDO or multidisciplinair or overleg']);
    expect(loosened(parseQuery('"veilige basis" -huilen', syn))?.groups).toEqual(['veilige or basis', '-huilen']);
    expect(loosened(parseQuery('hechting or "veilige basis"', syn))?.groups).toEqual(['hechting or veilige or basis']);
  });
  it('is nothing when that is the same query', () => {
    expect(loosened(parseQuery('hechting', syn))).toBeNull();
    expect(loosened(parseQuery('hechting -peuter', syn))).toBeNull();
    // Already any of its terms ("or" is the query's own alternative, not a word to look for).
    expect(loosened(parseQuery('hechting or gehechtheid', syn))).toBeNull();
    expect(loosened(parseQuery('baby baby', syn))).toBeNull();
  });
});
