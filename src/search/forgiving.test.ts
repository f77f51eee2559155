import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import fc from 'fast-check';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Backend, backends, createTestApp } from '../../test/helpers.ts';
import { loadStartData } from '../boot.ts';
import { plainBlocks } from '../content/markdown.ts';
import { type Db, rows } from '../db/client.ts';
import * as schema from '../db/schema.ts';
import { MAX_PARTIAL, type SearchOutcome, search, upsertSearchDocument } from './service.ts';
import { ELLIPSIS } from './snippet.ts';

type Results = Extract<SearchOutcome, { state: 'results' }>;

/** The demo content's two published trainings. */
const DEMO_TRAININGS = ['/trainingen/hechting-voor-professionals', '/trainingen/signalen-van-kindermishandeling-herkennen'];

describe.each(backends())('search that forgives, on %s', (kind: Backend) => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());

  const db = () => t.deps.database.db;
  const run = async (q: string, letterlijk = false): Promise<Results> => {
    const r = await search(db(), { q, p: 1, letterlijk }, t.deps.synonyms);
    if (r.state !== 'results') throw new Error(`no results state for ${q}`);
    return r;
  };
  const urls = (r: Results) => r.hits.map((h) => h.url);
  /** What the next start does to the database (the search index in its current format among it). */
  const startAgain = () => loadStartData(db(), { contentDir: fileURLToPath(new URL('../../content', import.meta.url)), now: t.clock.now() });
  /** As a database indexed in an older search format: `change` undoes what the format added. */
  const indexedAs = async (format: string, change: ReturnType<typeof sql>) => {
    await db().execute(change);
    await db().execute(sql`update app_settings set value = ${format} where key = 'search_format'`);
  };
  /** A made-up document of kind test-<name>, at /test/<name>/<ref>; delete it by its kind. */
  const put = (name: string, ref: string, title: string, body: string) =>
    upsertSearchDocument(db(), { kind: `test-${name}`, ref, title, url: `/test/${name}/${ref}`, summary: '', body });
  const html = async (path: string) => (await t.app.request(path)).text();

  it.each([
    ['hechtng', 'hechting', '/themas/hechting'],
    ['kindermishandling', 'kindermishandeling', '/themas/kindermishandeling'],
    ['meldkode', 'meldcode', 'https://www.rijksoverheid.nl/onderwerpen/huiselijk-geweld/meldcode/'],
    ['scheidng', 'scheiding', '/themas/complexe-echtscheidingen'],
    ['veilig tuis', 'veilig thuis', '/netwerk/veilig-thuis'],
    // Two letters swapped in a short word share few trigrams: found as a swap.
    ['kansrijke strat', 'kansrijke start', '/themas/kansrijke-start'],
    // A word of the synonym list that no page writes so (they say "echtscheidingen"): known all the same.
    ['echtscheidng', 'echtscheiding', '/themas/complexe-echtscheidingen'],
    // A space typed too many, or too few.
    ['meld code', 'meldcode', '/meldcode'],
    ['kansrijkestart', 'kansrijke start', '/themas/kansrijke-start'],
    // A letter wrong in one word, not two words that stand side by side somewhere ("hem kennen").
    ['hemkennen', 'herkennen', '/trainingen/signalen-van-kindermishandeling-herkennen'],
  ])('"%s" shows the results for "%s" at once, the intended document among the first three', async (typed, meant, url) => {
    const r = await run(typed);
    expect(r.corrected).toEqual({ from: typed, to: meant });
    expect(urls(r).slice(0, 3)).toContain(url);
    const page = await html(`/zoeken?q=${encodeURIComponent(typed)}`);
    expect(page).toContain(
      `Resultaten voor <strong>${meant}</strong>. Zoek in plaats daarvan op <a class="utrecht-link" href="/zoeken?q=${encodeURIComponent(typed).replace(/%20/g, '+')}&amp;letterlijk=1">${typed}</a>.`,
    );
    // The way back: what was typed, searched as typed.
    const literal = await run(typed, true);
    expect(literal.corrected).toBeUndefined();
    // ... which still offers the correction, one click back.
    expect(literal.suggestion).toBe(meant);
    expect(await html(`/zoeken?q=${encodeURIComponent(typed)}&letterlijk=1`)).toContain(
      `Bedoelde je: <a class="utrecht-link" href="/zoeken?q=${encodeURIComponent(meant).replace(/%20/g, '+')}">${meant}</a>`,
    );
    // Nothing holds the misspelt word: one word finds nothing, two find what holds the other word, said so.
    if (typed.includes(' ')) {
      expect(literal.partial).toBe(true);
      expect(await html(`/zoeken?q=${encodeURIComponent(typed)}&letterlijk=1`)).toContain(`Geen resultaten met alle zoekwoorden van “${typed}”. Wel`);
    } else {
      expect(literal.total).toBe(0);
      expect(await html(`/zoeken?q=${encodeURIComponent(typed)}&letterlijk=1`)).toContain(`Geen resultaten voor “${typed}”`);
    }
  });

  it('a search as typed stays as typed on its other pages', async () => {
    const typed = 'hechtng kind';
    const first = await html(`/zoeken?q=${encodeURIComponent(typed)}&letterlijk=1`);
    const next = /<a[^>]*href="([^"]*)"[^>]*>\s*Volgende pagina/.exec(first)?.[1]?.replaceAll('&amp;', '&');
    expect(next, 'a second page').toBeDefined();
    expect(new URLSearchParams(next?.split('?')[1]).get('letterlijk')).toBe('1');
    const second = await html(next as string);
    expect(second).toContain(`Geen resultaten met alle zoekwoorden van “${typed}”. Wel`);
    expect(second).not.toContain('Resultaten voor <strong>');
    // Without it, the pages of a corrected search stay corrected.
    const corrected = await html(`/zoeken?q=${encodeURIComponent(typed)}`);
    const link = /<a[^>]*href="([^"]*)"[^>]*>\s*Volgende pagina/.exec(corrected)?.[1]?.replaceAll('&amp;', '&');
    if (link) expect(new URLSearchParams(link.split('?')[1]).get('letterlijk')).toBeNull();
  });

  it.each([
    ['VT', 'Veilig Thuis', '/netwerk/veilig-thuis'],
    ['AMK', 'Veilig Thuis', '/netwerk/veilig-thuis'],
    ['JGZ', 'jeugdgezondheidszorg', '/netwerk/jgz-voorbeeldregio'],
    ['consultatiebureau', 'JGZ', '/netwerk/jgz-voorbeeldregio'],
    ['LSVG', 'Lijst Signalen Verstoorde Gehechtheid', '/themas/hechting-en-hechtingsproblemen'],
    ['BSO', 'buitenschoolse opvang', '/netwerk/kindcentrum-voorbeeldheuvel'],
    ['scheiding', 'echtscheiding', '/themas/complexe-echtscheidingen'],
    ['vechtscheiding', 'complexe scheiding', '/themas/complexe-echtscheidingen'],
    // The word from before the Jeugdwet (2015), still in use.
    ['jeugdzorg', 'jeugdhulp', '/netwerk/jeugdhulp-voorbeeldregio'],
    // Written with a hyphen in the list and on the page.
    ['VHT', 'video-hometraining', '/netwerk/jeugdhulp-voorbeeldregio'],
    ['video hometraining', 'VHT', '/netwerk/jeugdhulp-voorbeeldregio'],
  ])('the abbreviation or synonym "%s" also searches "%s" and says so', async (typed, also, url) => {
    const r = await run(typed);
    expect(r.expanded).toContain(also);
    expect(urls(r)).toContain(url);
    expect(await html(`/zoeken?q=${encodeURIComponent(typed)}`)).toContain(`Ook gezocht op: ${r.expanded.join(', ')}.`);
  });

  it('"RAD" finds the pages about reactieve hechtingsstoornis, not the Raad voor de Kinderbescherming ("rad" is the stem of "raad")', async () => {
    const r = await run('RAD');
    expect(r.expanded).toEqual(['reactieve hechtingsstoornis']);
    // Searched instead of RAD, not beside it, and the page says so.
    expect(r.meanings).toEqual([{ typed: 'RAD', as: ['reactieve hechtingsstoornis'] }]);
    const page = await html('/zoeken?q=RAD');
    expect(page).toContain('Gezocht op wat “RAD” betekent: reactieve hechtingsstoornis.');
    expect(page).not.toContain('Ook gezocht op');
    expect(urls(r)).toContain('/themas/hechting-en-hechtingsproblemen');
    for (const h of r.hits) expect(`${h.title} ${h.snippet.join('')}`.toLowerCase(), h.url).not.toMatch(/\braad\b/);
    expect(r.hits.flatMap((h) => h.snippet.filter((_, i) => i % 2 === 1)).map((m) => m.toLowerCase())).not.toContain('raad');
    // Asked for by name, the Raad is still found.
    expect((await run('raad kinderbescherming')).total).toBeGreaterThan(0);
    // Also with "raad" typed as "rad": in lower case inside a longer query it is a word, not the abbreviation.
    const typo = await run('rad voor de kinderbescherming');
    expect(typo.expanded).toEqual([]);
    expect(urls(typo)[0]).toBe('https://www.kinderbescherming.nl/');
    expect((await run('RAD bij peuters')).expanded).toEqual(['reactieve hechtingsstoornis']);
    expect((await run('rad')).expanded).toEqual(['reactieve hechtingsstoornis']);
  });

  it('"AF" finds the pages about the aandachtsfunctionaris, not every page with "af" ("af en toe"), and the full word does not search "af"', async () => {
    const r = await run('AF');
    expect(r.meanings).toEqual([{ typed: 'AF', as: ['aandachtsfunctionaris'] }]);
    expect(urls(r)).toContain('/netwerk/kinderopvang-voorbeeldnest');
    expect(await html('/zoeken?q=AF')).toContain('Gezocht op wat “AF” betekent: aandachtsfunctionaris.');
    const full = await run('aandachtsfunctionaris');
    expect(full.expanded).toEqual([]);
    for (const found of [r, full]) {
      expect(urls(found)).not.toContain('/signalenlijst');
      expect(found.hits.flatMap((h) => h.snippet.filter((_, i) => i % 2 === 1)).map((m) => m.toLowerCase())).not.toContain('af');
    }
  });

  it('a term with a hyphen in the synonym list finds a page that writes it as two words, and one with the hyphen', async () => {
    await upsertSearchDocument(db(), {
      kind: 'test-vht',
      ref: 'a',
      title: 'Opvoedsteun thuis',
      url: '/test/vht/a',
      summary: '',
      body: 'Met video hometraining kijken ouders samen terug.',
    });
    try {
      for (const q of ['VHT', 'video-hometraining', 'video hometraining']) {
        const found = urls(await run(q));
        expect(found, q).toContain('/test/vht/a');
        expect(found, q).toContain('/netwerk/jeugdhulp-voorbeeldregio');
      }
    } finally {
      await db().execute(sql`delete from search_documents where kind = 'test-vht'`);
    }
  });

  it('a word left out with a minus leaves out what it stands for too, and the page says so', async () => {
    // The jeugdhulp organisation writes "video-hometraining", never "VHT".
    expect(urls(await run('jeugdhulp'))).toContain('/netwerk/jeugdhulp-voorbeeldregio');
    const r = await run('jeugdhulp -VHT');
    expect(r.total).toBeGreaterThan(0);
    expect(urls(r)).not.toContain('/netwerk/jeugdhulp-voorbeeldregio');
    expect(await html('/zoeken?q=jeugdhulp%20-VHT')).toContain('Ook weggelaten: video-hometraining.');
    // Typed both ways, the page does not say a term is searched and left out at once.
    const both = await html('/zoeken?q=JGZ%20-jeugdgezondheidszorg');
    expect(both).toContain('Ook gezocht op: consultatiebureau.');
    expect(both).not.toContain('Ook weggelaten');
    // A term searched only by its meaning, with that meaning left out: no results, not an error.
    for (const q of ['AF -aandachtsfunctionaris', 'RAD -"reactieve hechtingsstoornis"']) {
      expect((await run(q)).total, q).toBe(0);
      for (const path of ['/zoeken', '/zoeken/suggesties'])
        expect((await t.app.request(`${path}?q=${encodeURIComponent(q)}`)).status, `${path} ${q}`).toBe(200);
    }
  });

  it.each([
    ['hech', 'hechting', '/themas/hechting'],
    ['hecht', 'hechting', '/themas/hechting'],
    ['kinderm', 'kindermishandeling', '/themas/kindermishandeling'],
    ['meldc', 'meldcode', '/meldcode'],
  ])(
    'a word typed only in part ("%s", Enter pressed before it was done) leads to the word it starts, "%s", not to a short word a letter or two away',
    async (typed, meant, url) => {
      const r = await run(typed);
      // Shown at once when it is clear, else offered: either way one click at most.
      const to = r.corrected?.to ?? r.suggestion;
      expect(to).toBe(meant);
      const found = r.corrected ? r : await run(meant);
      expect(urls(found).slice(0, 3)).toContain(url);
      const page = await html(`/zoeken?q=${typed}`);
      expect(page).toContain(
        r.corrected ? `Resultaten voor <strong>${meant}</strong>` : `Bedoelde je: <a class="utrecht-link" href="/zoeken?q=${meant}">${meant}</a>?`,
      );
    },
  );

  it('finds the words a part starts by their letters, also where it ends in a letter with a diaeresis or beyond the first 65,536 code points', async () => {
    await upsertSearchDocument(db(), { kind: 'test-deel', ref: 'a', title: 'Over de knoeïstapel', url: '/test/deel/a', summary: '', body: 'Een knoeïstapel.' });
    await upsertSearchDocument(db(), { kind: 'test-deel', ref: 'b', title: 'Over het flo𝒻werk', url: '/test/deel/b', summary: '', body: 'Het flo𝒻werk.' });
    // Words whose last typed letter is the one right before or right after (î ð, 𝒺 𝒼): none may be offered.
    await upsertSearchDocument(db(), {
      kind: 'test-deel',
      ref: 'c',
      title: 'Buren',
      url: '/test/deel/c',
      summary: '',
      body: 'knoeîzzz knoeðaaa flo𝒺zzz flo𝒼aaa',
    });
    try {
      for (const [typed, meant] of [
        ['knoeï', 'knoeïstapel'],
        ['flo𝒻', 'flo𝒻werk'],
      ] as const) {
        const r = await run(typed);
        expect(r.corrected?.to ?? r.suggestion, typed).toBe(meant);
      }
    } finally {
      await db().execute(sql`delete from search_documents where kind = 'test-deel'`);
    }
  });

  it('a word the search leaves out, typed before a title ("de meldcode", "wat is hechting"), does not cost that page its place', async () => {
    for (const [typed, bare, url] of [
      ['de meldcode', 'meldcode', '/meldcode'],
      ['wat is hechting', 'hechting', '/themas/hechting'],
      ['het signalenlijst', 'signalenlijst', '/signalenlijst'],
    ] as const) {
      expect(urls(await run(bare))[0], bare).toBe(url);
      expect(urls(await run(typed))[0], typed).toBe(url);
    }
    // The titles as typed stay beside those without the left-out words: a long title that starts with
    // what was typed ("het zandkasteel") comes before a short one that only holds its word.
    try {
      await put('titel', 'a', 'Het zandkasteel bij de duinen aan de zee', 'Zand.');
      await put('titel', 'b', 'Bouw een zandkasteel', 'Zand.');
      expect(urls(await run('zandkasteel'))).toEqual(['/test/titel/b', '/test/titel/a']);
      expect(urls(await run('het zandkasteel'))).toEqual(['/test/titel/a', '/test/titel/b']);
    } finally {
      await db().execute(sql`delete from search_documents where kind = 'test-titel'`);
    }
  });

  it('offers "Bedoelde je" instead of answering for the reader when two corrections are as likely', async () => {
    // Two made-up words, each one letter from what is typed and in one document each.
    await upsertSearchDocument(db(), { kind: 'test-spel', ref: 'a', title: 'Over de gribbelaar', url: '/test/spel/a', summary: '', body: 'Een gribbelaar.' });
    await upsertSearchDocument(db(), { kind: 'test-spel', ref: 'b', title: 'Over de grobbelaar', url: '/test/spel/b', summary: '', body: 'Een grobbelaar.' });
    try {
      const r = await run('grubbelaar');
      expect(r.corrected).toBeUndefined();
      expect(r.total).toBe(0);
      expect(['gribbelaar', 'grobbelaar']).toContain(r.suggestion);
      const page = await html('/zoeken?q=grubbelaar');
      expect(page).toContain(`Bedoelde je: <a class="utrecht-link" href="/zoeken?q=${r.suggestion}">${r.suggestion}</a>?`);
      expect(page).toContain('Geen resultaten voor “grubbelaar”');
    } finally {
      await db().execute(sql`delete from search_documents where kind = 'test-spel'`);
    }
  });

  it.each([
    ['pesten', 'punten'],
    ['scholing', 'scheiding'],
    ['leerplicht', 'leerkracht'],
    ['wijkcentrum', 'kindcentrum'],
    ['shaken baby', 'schakel baby'],
    ['zorgteam', 'zorgen'],
    ['hechtwerk', 'netwerk'],
    ['ZAT', 'zag'],
  ])('a correct word no page holds ("%s") is never answered for as a word letters away ("%s"): at most offered', async (typed) => {
    const r = await run(typed);
    expect(r.corrected, typed).toBeUndefined();
    const page = await html(`/zoeken?q=${encodeURIComponent(typed)}`);
    expect(page).not.toContain(`Resultaten voor <strong>`);
    expect(page).not.toContain(`Zoek in plaats daarvan op`);
    if (r.suggestion) expect(page).toContain(`Bedoelde je: <a class="utrecht-link" href="/zoeken?q=${encodeURIComponent(r.suggestion).replace(/%20/g, '+')}">`);
    // A capital abbreviation is not corrected at all.
    if (typed === 'ZAT') expect(r.suggestion, typed).toBeUndefined();
  });

  it('a word two letters off in a longer word is offered, not answered for: it may be another word ("afmelden" is not "aanmelden"), and that is the reader’s call', async () => {
    await put('ver', 'a', 'De zandvlaktebewoner', 'Een zandvlaktebewoner.');
    try {
      const r = await run('zandvlaktebowaner');
      expect(r.corrected).toBeUndefined();
      expect(r.suggestion).toBe('zandvlaktebewoner');
      // One letter off is a slip, corrected at once.
      expect((await run('hechtng')).corrected?.to).toBe('hechting');
      // Four letters off, a long word is not even offered ("toegankelijkheid" offered "afhankelijkheid").
      expect((await run('zanvlaktebewoner')).corrected?.to).toBe('zandvlaktebewoner');
      expect((await run('bosvlaktebewoner')).suggestion).toBeUndefined();
    } finally {
      await db().execute(sql`delete from search_documents where kind = 'test-ver'`);
    }
  });

  it('splits a word run together only where a page has its two parts side by side', async () => {
    await put('los', 'a', 'Over de zandplaat', 'Een zandplaat. Elders een blauwvis.');
    try {
      // Both words are known, but no page has them side by side: not "zandplaat blauwvis".
      const apart = await run('zandplaatblauwvis');
      expect(apart.corrected).toBeUndefined();
      expect(apart.suggestion).not.toBe('zandplaat blauwvis');
      await put('los', 'b', 'Zandplaat blauwvis', 'De zandplaat blauwvis.');
      const together = await run('zandplaatblauwvis');
      expect(together.corrected).toEqual({ from: 'zandplaatblauwvis', to: 'zandplaat blauwvis' });
      expect(urls(together)[0]).toBe('/test/los/b');
      // Also within a longer query: the two parts side by side count, not the whole query as a phrase.
      expect((await run('zandplaatblauwvis de blauwvis')).corrected?.to).toBe('zandplaat blauwvis de blauwvis');
      expect((await run('kansrijkestart gemeente')).corrected?.to ?? (await run('kansrijkestart gemeente')).suggestion).toBe('kansrijke start gemeente');
      // Two words that are one known word: joined, offered when the two words found something.
      expect((await run('zand plaat')).corrected?.to ?? (await run('zand plaat')).suggestion).toBe('zandplaat');
    } finally {
      await db().execute(sql`delete from search_documents where kind = 'test-los'`);
    }
  });

  it('answers "veilig tuis" with "veilig thuis" even where "veilig huis" is common too: a letter left out is likelier than a wrong first letter', async () => {
    const side = async (phrase: string) =>
      (await rows<{ n: number }>(db(), sql`select count(*)::int as n from search_documents where tsv @@ websearch_to_tsquery('dutch', ${`"${phrase}"`})`))[0]
        ?.n ?? 0;
    // As many documents with "veilig huis" side by side as leave the phrase count no clear winner (less than 3 to 1).
    const extra = Math.ceil((await side('veilig thuis')) / 2);
    for (let i = 0; i < extra; i++)
      await upsertSearchDocument(db(), {
        kind: 'test-huis',
        ref: String(i),
        title: `Een veilig huis ${i}`,
        url: `/test/huis/${i}`,
        summary: '',
        body: 'Een veilig huis voor iedereen.',
      });
    try {
      expect(3 * (await side('veilig huis'))).toBeGreaterThan(await side('veilig thuis'));
      const r = await run('veilig tuis');
      expect(r.corrected).toEqual({ from: 'veilig tuis', to: 'veilig thuis' });
      expect(urls(r)).toContain('/netwerk/veilig-thuis');
    } finally {
      await db().execute(sql`delete from search_documents where kind = 'test-huis'`);
    }
  });

  it('"MDO", which no page names, finds the pages about overleg, and says they hold only words of what was searched for', async () => {
    const r = await run('MDO');
    expect(r.expanded).toEqual(['multidisciplinair overleg']);
    expect(r.partial).toBe(true);
    expect(r.partialWords).toBe(true);
    expect(r.total).toBeGreaterThan(0);
    expect(urls(r)).toEqual(expect.arrayContaining(['/themas/kindermishandeling', '/netwerk/huisartsen-heuvelrijk']));
    for (const h of r.hits)
      expect(
        h.snippet
          .filter((_, i) => i % 2 === 1)
          .join(' ')
          .toLowerCase(),
      ).toMatch(/overleg/);
    const page = await html('/zoeken?q=MDO');
    // One term: not "all" and "part" of the query's words, but the words searched for.
    expect(page).toContain(
      `Geen resultaten voor “MDO”. Wel ${r.total === 1 ? '1 resultaat' : `${r.total} resultaten`} met een of meer van de woorden waarop we zochten.`,
    );
    // A stop word typed with it is no term of its own: the same pages.
    for (const q of ['een MDO', 'wat is een MDO']) {
      const same = await run(q);
      expect(same.partial, q).toBe(true);
      expect(same.partialWords, q).toBe(true);
      expect(urls(same), q).toEqual(urls(r));
      expect(
        same.hits.map((h) => h.missing),
        q,
      ).toEqual(r.hits.map((h) => h.missing));
    }
    expect(page).toContain('Ook gezocht op: multidisciplinair overleg.');
    // Every page lacks "MDO" (the line above says so); each says which words of what it stands for it
    // lacks, beside the words it shows marked: not "Ontbreekt: MDO" under a marked "overleg".
    for (const h of r.hits) {
      const lacks: string[] = [];
      for (const w of ['multidisciplinair', 'overleg']) {
        const [has] = await rows<{ n: number }>(
          db(),
          sql`select count(*)::int as n from search_documents where url = ${h.url} and tsv @@ to_tsquery('dutch', ${w})`,
        );
        if (!has?.n) lacks.push(w);
      }
      expect(lacks.length, h.url).toBeLessThan(2);
      expect(h.missing, h.url).toEqual(lacks);
    }
    expect(r.hits.some((h) => h.missing?.length)).toBe(true);
    expect(page).toContain('<p class="hw-result-meta">Ontbreekt: multidisciplinair</p>');
    expect(page).not.toContain('Ontbreekt: MDO');
    // A page that names the synonym is a full match, first.
    await upsertSearchDocument(db(), {
      kind: 'test-mdo',
      ref: 'a',
      title: 'Samen besluiten',
      url: '/test/mdo/a',
      summary: 'Samenvatting.',
      body: 'In het multidisciplinair overleg besluiten de betrokken professionals samen.',
    });
    try {
      const found = await run('MDO');
      expect(found.partial).toBeFalsy();
      expect(urls(found)).toEqual(['/test/mdo/a']);
    } finally {
      await db().execute(sql`delete from search_documents where kind = 'test-mdo'`);
    }
  });

  it.each([
    ['VT zwangerschap', 2],
    ["kind's zwangerschap politie", 3],
    ['hechting zwangerschap politie', 3],
    ['signalen "veilig thuis" baby', 3],
  ])(
    'a page among the partial results of "%s" holds at least one of its terms, whole ("veilige" is not Veilig Thuis); those that lack fewer come first',
    async (q, terms) => {
      const first = await run(q);
      expect(first.partial).toBe(true);
      const lacking: number[] = [];
      const seen = new Set<string>();
      for (let p = 1; p <= first.pages; p++) {
        const r = await search(db(), { q, p, letterlijk: false }, t.deps.synonyms);
        if (r.state !== 'results') throw new Error(q);
        expect(r.page).toBe(p);
        expect(r.total).toBe(first.total);
        for (const h of r.hits) {
          expect(h.missing?.length ?? 0, `${q}, page ${p}: ${h.url} lacks ${h.missing}`).toBeLessThan(terms);
          lacking.push(h.missing?.length ?? 0);
          seen.add(h.url);
        }
      }
      // Every hit once, fewest missing terms first over all the pages.
      expect(seen.size).toBe(first.total);
      expect(lacking, q).toEqual([...lacking].sort((a, b) => a - b));
    },
  );

  it('a query whose words no page holds all together shows the pages with some of them, more of them first, words left out still left out', async () => {
    const doc = (ref: string, title: string, body: string) =>
      upsertSearchDocument(db(), { kind: 'test-deel', ref, title, url: `/test/deel/${ref}`, summary: 'Samenvatting.', body });
    await doc('a', 'Eerste pagina', 'De zeppelinhaven en de ballonfabriek liggen naast elkaar.');
    await doc('b', 'Nog een pagina', 'Alleen de zeppelinhaven wordt hier genoemd.');
    await doc('c', 'Derde pagina', 'Hier staat de zeppelinhaven met een kabelbaan.');
    try {
      // No page holds all three words; "kabelbaan" is left out.
      const r = await run('zeppelinhaven ballonfabriek luchtschipwerf -kabelbaan');
      expect(r.partial).toBe(true);
      expect(urls(r).filter((u) => u.startsWith('/test/deel/'))).toEqual(['/test/deel/a', '/test/deel/b']);
      // Each hit says what it lacks of what was typed; the word left out is not among them.
      const missing = (url: string) => r.hits.find((h) => h.url === url)?.missing;
      expect(missing('/test/deel/a')).toEqual(['luchtschipwerf']);
      expect(missing('/test/deel/b')).toEqual(['ballonfabriek', 'luchtschipwerf']);
      const shown = await html(`/zoeken?q=${encodeURIComponent('zeppelinhaven ballonfabriek luchtschipwerf -kabelbaan')}`);
      expect(shown).toContain('<p class="hw-result-meta">Ontbreekt: ballonfabriek, luchtschipwerf</p>');
      expect(shown).toContain('<p class="hw-result-meta">Ontbreekt: luchtschipwerf</p>');
      // A stop word is not searched for, so no page lacks it.
      const withStopWord = await run('de zeppelinhaven ballonfabriek luchtschipwerf');
      expect(withStopWord.partial).toBe(true);
      expect(withStopWord.hits.find((h) => h.url === '/test/deel/a')?.missing).toEqual(['luchtschipwerf']);
      // Every word may mark a snippet.
      expect(r.hits.find((h) => h.url === '/test/deel/b')?.snippet).toContain('zeppelinhaven');
      // A page that holds them all is a full result again, not a partial one.
      const full = await run('zeppelinhaven ballonfabriek');
      expect(full.partial).toBeUndefined();
      expect(full.hits.every((h) => h.missing === undefined)).toBe(true);
      expect(urls(full)).toEqual(['/test/deel/a']);
    } finally {
      await db().execute(sql`delete from search_documents where kind = 'test-deel'`);
    }
    // One word that nothing holds stays "no results": there is nothing to leave out.
    const none = await run('zeppelinhaven');
    expect(none.total).toBe(0);
    expect(none.partial).toBeUndefined();
  });

  it('ranks and counts pages with some of the words up to ten pages, and says there are more', async () => {
    await db().execute(
      sql`insert into search_documents (kind, ref, title, url, summary, body)
          select 'test-deel', 'r' || i, 'Document ' || i, '/test/deel/r' || i, 'Iets.', case when i % 2 = 0 then 'over de vuurtorenwachter' else 'over de kustlichtjes' end
          from generate_series(1, 150) i`,
    );
    try {
      const r = await run('vuurtorenwachter kustlichtjes');
      expect(r.partial).toBe(true);
      expect(r).toMatchObject({ total: MAX_PARTIAL, more: true, pages: MAX_PARTIAL / 10 });
      const page = await html(`/zoeken?q=${encodeURIComponent('vuurtorenwachter kustlichtjes')}`);
      expect(page).toContain(`Wel meer dan ${MAX_PARTIAL} resultaten met een deel ervan, pagina 1 van 10. We tonen er ${MAX_PARTIAL}.</p>`);
    } finally {
      await db().execute(sql`delete from search_documents where kind = 'test-deel'`);
    }
  });

  it('keeps the vocabulary in step with the documents: words counted per document, gone with the last one', async () => {
    const count = async (word: string) => (await rows<{ docs: number }>(db(), sql`select docs from search_words where word = ${word}`))[0]?.docs ?? 0;
    await upsertSearchDocument(db(), { kind: 'test-woord', ref: '1', title: 'Zwaluwstaart', url: '/t/1', summary: '', body: 'zwaluwstaart zwaluwstaart' });
    await upsertSearchDocument(db(), { kind: 'test-woord', ref: '2', title: 'Nog een', url: '/t/2', summary: 'Zwaluwstaart.', body: '' });
    expect(await count('zwaluwstaart')).toBe(2);
    await upsertSearchDocument(db(), { kind: 'test-woord', ref: '2', title: 'Nog een', url: '/t/2', summary: 'Merelnest.', body: '' });
    expect(await count('zwaluwstaart')).toBe(1);
    expect(await count('merelnest')).toBe(1);
    await db().execute(sql`delete from search_documents where kind = 'test-woord'`);
    expect(await count('zwaluwstaart')).toBe(0);
    expect(await count('merelnest')).toBe(0);
  });

  it('looks words up in the vocabulary by a b-tree, not by its trigram index (a long document is deleted at once)', async () => {
    // The plans the server makes inside the trigger and the known-words function, as auto_explain reports them.
    const client = await (db() as unknown as { $client: pg.Pool }).$client.connect();
    const plans: string[] = [];
    client.on('notice', (m) => plans.push(m.message ?? ''));
    try {
      for (const s of [
        "LOAD 'auto_explain'",
        'SET auto_explain.log_min_duration = 0',
        'SET auto_explain.log_nested_statements = on',
        'SET client_min_messages = log',
      ])
        await client.query(s);
      const words = Array.from({ length: 300 }, (_, i) => `woordje${String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26))}`);
      await client.query(`insert into search_documents (kind, ref, title, url, body) values ('test-plan', '1', 'Lang', '/t/plan', $1)`, [words.join(' ')]);
      await client.query(`delete from search_documents where kind = 'test-plan'`);
      await client.query(`select * from search_known_words(array['hechting', 'woordjeaa'])`);
      const update = plans.filter((p) => p.includes('Update on search_words'));
      const known = plans.filter((p) => p.includes('search_words') && p.includes('ANY'));
      expect(update.length).toBeGreaterThan(0);
      expect(known.length).toBeGreaterThan(0);
      // Either b-tree finds a word in a few steps: the primary key, or the prefix index (migration 0023), whose byte order has the same equality.
      for (const p of [...update, ...known]) {
        expect(p).not.toContain('search_words_trgm_idx');
        expect(p).toMatch(/search_words_(pkey|prefix_idx)/);
      }
    } finally {
      client.release(true);
    }
  });

  it('a passage never runs a heading into the next sentence; labels are found but never shown as a snippet', async () => {
    // The theme "Hechting" has the heading "Wat is hechting?" above a paragraph.
    const [passage] = await rows<{ text: string; lead: boolean }>(
      db(),
      sql`select text, lead from search_passages where kind = 'theme' and ref = 'hechting-en-hechtingsproblemen' and text like 'Hechtingsproblemen%' order by n limit 1`,
    );
    if (passage) expect(passage.lead).toBe(true);
    const all = await rows<{ text: string }>(db(), sql`select text from search_passages where kind = 'theme'`);
    const headings = await rows<{ h: string }>(db(), sql`select unnest(regexp_matches(body_md, '^#+ (.+)$', 'gm')) as h from themes`);
    expect(headings.length).toBeGreaterThan(3);
    for (const { h } of headings) {
      // A heading's passage is the heading alone: no passage starts with it and goes on.
      const words = h.replace(/[*_`]/g, '').trim();
      if (words.split(' ').length < 2) continue;
      expect(
        all.filter((p) => p.text.startsWith(`${words} `)),
        words,
      ).toEqual([]);
      expect(
        all.some((p) => p.text === words),
        words,
      ).toBe(true);
    }
    // An organisation: its municipality finds it; the snippet is its description, the labels are apart.
    const r = await run('Voorbeeldstad wijkteam');
    const hit = r.hits.find((h) => h.url === '/netwerk/wijkteam-voorbeeldstad');
    expect(hit).toBeDefined();
    const page = await html('/zoeken?q=wijkteam');
    const item = page.slice(page.indexOf('/netwerk/wijkteam-voorbeeldstad'));
    const snippet = /<p>(.*?)<\/p>/.exec(item)?.[1] ?? '';
    expect(snippet).not.toMatch(/\d{4} ?[A-Z]{2}/); // no postcode: the address is a label's business, not the snippet's
    // Each label says what it is: the type, then where it works, then its themes.
    expect(item.slice(0, item.indexOf('</li></ol>') + 1)).toMatch(
      /<ul class="hw-labels" aria-label="Kenmerken"><li>Wijkteam<\/li><li>Werkgebied: Voorbeeldstad<\/li><li>Thema(’s)?: [^<]+<\/li><\/ul>/,
    );
  });

  it("a training hit's free seats count a hold until it expires, at the moment asked (the prepared next-sessions query)", async () => {
    const { nextSessions } = await import('../trainings/queries.ts');
    const slug = 'hechting-voor-professionals';
    const now = t.clock.now();
    const before = (await nextSessions(db(), [slug, 'geen-training'], now)).get(slug);
    if (!before) throw new Error('demo training without a next session');
    const expires = new Date(now.getTime() + 60_000);
    await db().execute(
      sql`insert into registrations (session_id, name, email, status, hold_expires_at) values (${before.session.id}, 'Test', 'test@example.org', 'held', ${expires.toISOString()})`,
    );
    try {
      expect((await nextSessions(db(), [slug], now)).get(slug)?.seatsLeft).toBe(before.seatsLeft - 1);
      // The same prepared statement, asked at a later moment: the hold has expired and the seat is free again.
      expect((await nextSessions(db(), [slug], new Date(expires.getTime() + 1000))).get(slug)?.seatsLeft).toBe(before.seatsLeft);
      expect((await nextSessions(db(), ['geen-training'], now)).size).toBe(0);
    } finally {
      await db().execute(sql`delete from registrations where email = 'test@example.org'`);
    }
  });

  it.each(['training', 'cursus', 'scholing', 'nascholing', 'bijscholing', 'workshop'])(
    '"%s" finds both demo trainings first, as the words professionals use for them',
    async (q) => {
      expect(
        urls(await run(q))
          .slice(0, 2)
          .sort(),
      ).toEqual(DEMO_TRAININGS);
    },
  );

  it.each([
    ['kind', 'kinderen', 'kindje', 'Kindjes', 'kindertjes'],
    ['gezin', 'gezinnen'],
    ['herkennen', 'herken', 'herkent', 'herkend'],
    ['vermoeden', 'vermoedens'],
    ['huisarts', 'huisartsen'],
    ['arts', 'artsen'],
    ['jeugdarts', 'jeugdartsen'],
    ['kinderarts', 'kinderartsen'],
    ['hechtingsstoornis', 'hechtingsstoornissen'],
    ['stap', 'stappen'],
    ['organisatie', 'organisaties'],
    ['meisje', 'meisjes'],
    ['jongen', 'jongens'],
    ['volwassene', 'volwassenen'],
    ['situatie', 'situaties'],
    ['observatie', 'observaties'],
    ['relatie', 'relaties'],
    ['interventie', 'interventies'],
    ['diagnose', 'diagnoses'],
    ['stoornis', 'stoornissen'],
    ['casus', 'casussen'],
    ['bron', 'bronnen'],
    ['overleg', 'overleggen'],
  ])('"%s" finds the pages with its other forms (which the Dutch stemmer keeps apart), and each of those the others', async (...forms) => {
    // One page per form, each beside a made-up word, so these pages are all there is to find.
    try {
      for (const [i, form] of forms.entries()) await put('vorm', String(i), `Pagina ${i}`, `Hier staat ${form.toLowerCase()} in de flobbetuin.`);
      const all = forms.map((_, i) => `/test/vorm/${i}`);
      for (const q of forms) expect(urls(await run(`flobbetuin ${q}`)).sort(), q).toEqual(all);
      // Said as the synonyms are: the results page tells what else was searched.
      expect((await run(forms[0] as string)).expanded).toEqual(forms.slice(1).map((f) => f.toLowerCase()));
    } finally {
      await db().execute(sql`delete from search_documents where kind = 'test-vorm'`);
    }
  });

  it.each([
    // Before, each found nothing, or (partial) pages that hold "baby" or "plekken".
    ['observatielijst', '/signalenlijst', ['signalenlijst']],
    ['blauwe plekken', '/themas/kindermishandeling', ['letsel']],
    ['blauwe plek', '/themas/kindermishandeling', ['letsel']],
    ['shaken baby', '/themas/kindermishandeling', ['schudden']],
  ])('"%s", in the words people type, finds the page that says it in its own words', async (q, first, expanded) => {
    const found = await run(q);
    expect(found.partial).toBeUndefined();
    expect(urls(found)[0]).toBe(first);
    expect(found.expanded).toEqual(expanded);
  });

  it('"consultatiebureaus" finds what "consultatiebureau" finds, and that searches the JGZ as well', async () => {
    expect((await run('consultatiebureau')).expanded).toEqual(['JGZ', 'jeugdgezondheidszorg', 'consultatiebureaus']);
    expect((await run('consultatiebureaus')).expanded).toEqual(['consultatiebureau']);
    expect(urls(await run('consultatiebureaus'))).toContain('/netwerk/jgz-voorbeeldregio');
  });

  it('"training huisarts" finds the training for huisartsen (the Dutch stemmer keeps the two words apart)', async () => {
    const found = urls(await run('training huisarts'));
    expect(found).toContain('/trainingen/signalen-van-kindermishandeling-herkennen');
    expect(found).not.toContain('/trainingen/hechting-voor-professionals');
  });

  it('"accreditatie" finds the training whose page says it is accredited (what the page says about it is searched too)', async () => {
    expect(urls(await run('accreditatie'))[0]).toBe('/trainingen/hechting-voor-professionals');
    // A database indexed before (format 4, without the accreditation) gets its trainings written anew at the next start.
    await indexedAs('4', sql`update search_documents set body = 'Geen woord erover.' where kind = 'training'`);
    expect(urls(await run('accreditatie'))).not.toContain('/trainingen/hechting-voor-professionals');
    await startAgain();
    expect(urls(await run('accreditatie'))[0]).toBe('/trainingen/hechting-voor-professionals');
  });

  it("the site's own pages are found: the privacy statement by what it is about, filled in as it is shown", async () => {
    expect(urls(await run('privacy'))[0]).toBe('/privacy');
    expect(urls(await run('bewaartermijn'))).toContain('/privacy');
    expect(urls(await run('toegankelijkheid'))[0]).toBe('/toegankelijkheid');
    expect(urls(await run('over hechtwerk'))).toContain('/over');
    const hit = (await run('privacy')).hits[0];
    expect(hit?.title).toBe('Privacyverklaring');
    // The page as shown: its placeholders filled, none in what the search holds.
    const [doc] = await rows<{ text: string }>(db(), sql`select summary || ' ' || body as text from search_documents where kind = 'page' and ref = 'privacy'`);
    expect(doc?.text).toMatch(/geanonimiseerd/);
    expect(doc?.text).not.toMatch(/\{\{/);
    expect(await html('/zoeken?q=privacy')).toContain('<span class="hw-kind">Pagina</span>');
  });

  it('the Signalenlijst is found by what it is about, though its text says "gehechtheidsgedrag" (one word to the search)', async () => {
    expect(urls(await run('signalenlijst hechting'))[0]).toBe('/signalenlijst');
    expect(urls(await run('gehechtheid'))).toContain('/signalenlijst');
    expect(urls(await run('hechting observeren'))).toContain('/signalenlijst');
  });

  it.each(['aanhalig', 'wegduwen', 'hartelijk', 'zich afwenden'])(
    '"%s", words of a signal the list asks about, finds the Signalenlijst first, though it names no area',
    async (q) => {
      expect(urls(await run(q))[0]).toBe('/signalenlijst');
    },
  );

  it('a training hit shows its next session with the free seats; a draft training is never found', async () => {
    const page = await html('/zoeken?q=hechting+voor+professionals');
    const item = page.slice(page.indexOf('/trainingen/hechting-voor-professionals'));
    // Where it is held too: a reader who searched "online" or a town sees whether the next one is there.
    expect(item).toMatch(/Eerstvolgende bijeenkomst: [^<]*\d{4} om \d\d:\d\d, (Wijkcentrum De Boog[^<]*|Online \([^<]*\))\. Nog \d+ plekken vrij\./);
    await db().execute(sql`update trainings set published = false where slug = 'hechting-voor-professionals'`);
    const { indexTraining } = await import('../trainings/service.ts');
    const [tr] = await rows<{ slug: string; title: string; summary: string; audience: string[]; description_md: string; accreditation: string }>(
      db(),
      sql`select slug, title, summary, audience, description_md, accreditation from trainings where slug = 'hechting-voor-professionals'`,
    );
    if (!tr) throw new Error('demo training missing');
    await indexTraining(db(), { ...tr, descriptionMd: tr.description_md, published: false });
    try {
      expect(urls(await run('hechting voor professionals'))).not.toContain('/trainingen/hechting-voor-professionals');
    } finally {
      await db().execute(sql`update trainings set published = true where slug = 'hechting-voor-professionals'`);
      await indexTraining(db(), { ...tr, descriptionMd: tr.description_md, published: true });
    }
  });

  it('a results page with a training hit is kept at most a second (its free seats are live): a seat taken shows on the next view after that', async () => {
    const { nextSessions } = await import('../trainings/queries.ts');
    const slug = 'hechting-voor-professionals';
    // A URL of this test alone: the page cache keeps pages per URL.
    const path = '/zoeken?q=hechting+voor+professionals&p=1';
    const seatsShown = async () => {
      const res = await t.app.request(path);
      const page = await res.text();
      const item = page.slice(page.indexOf(`/trainingen/${slug}`));
      return { seats: Number(/Nog (\d+) plekken vrij\./.exec(item)?.[1]), cacheControl: res.headers.get('Cache-Control') };
    };
    const next = (await nextSessions(db(), [slug], t.clock.now())).get(slug);
    if (!next) throw new Error('demo training without a next session');
    // The second view of a URL with a query string is kept; the third would be answered from the cache.
    const first = await seatsShown();
    await seatsShown();
    expect(first).toEqual({ seats: next.seatsLeft, cacheControl: 'public, max-age=1' });
    await db().execute(
      sql`insert into registrations (session_id, name, email, status, hold_expires_at)
          values (${next.session.id}, 'Test', 'stoel@example.org', 'held', ${new Date(t.clock.now().getTime() + 3_600_000).toISOString()})`,
    );
    try {
      // Within the second the kept page may still be shown; after it, the seat taken is counted.
      t.clock.advance(1001);
      expect((await seatsShown()).seats).toBe(next.seatsLeft - 1);
    } finally {
      await db().execute(sql`delete from registrations where email = 'stoel@example.org'`);
    }
  });

  it('a results page without a training hit is kept as long as the content does not change', async () => {
    const path = '/zoeken?q=veilig+thuis&p=1';
    const first = await t.app.request(path);
    expect(first.headers.get('Cache-Control')).toBeNull();
    const body = await first.text();
    expect(body).toContain('/netwerk/veilig-thuis');
    expect(body).not.toContain('/trainingen/');
    await t.app.request(path);
    // A change behind the content version's back: a page answered from the cache does not show it.
    await db().execute(sql`update search_documents set summary = summary || ' Gewijzigd.' where url = '/netwerk/veilig-thuis'`);
    try {
      t.clock.advance(60_000);
      expect(await (await t.app.request(path)).text()).toBe(body);
    } finally {
      await db().execute(sql`update search_documents set summary = left(summary, -11) where url = '/netwerk/veilig-thuis'`);
    }
  });

  it('ranks title and summary matches first, also past 1,000 matches: a broad query keeps its true top ten', async () => {
    // 1,200 documents with the word in the body only, stored before 5 that have it in the title.
    await db().execute(
      sql`insert into search_documents (kind, ref, title, url, summary, body)
          select 'test-breed', 'b' || i, 'Document ' || i, '/test/breed/b' || i, 'Iets anders.', 'tekst over de kiezelsteen ' || repeat('en meer ', i % 5)
          from generate_series(1, 1200) i`,
    );
    await db().execute(
      sql`insert into search_documents (kind, ref, title, url, summary, body)
          select 'test-breed', 't' || i, 'Kiezelsteen ' || i, '/test/breed/t' || i, 'Over de kiezelsteen.', 'Tekst.'
          from generate_series(1, 5) i`,
    );
    try {
      const r = await run('kiezelsteen');
      expect(r.more).toBe(true);
      expect(
        r.hits
          .slice(0, 5)
          .map((h) => h.url)
          .sort(),
      ).toEqual([1, 2, 3, 4, 5].map((i) => `/test/breed/t${i}`));
      // The true top ten: the ranks of ranking every match, without a cap (equal ranks may come in another order).
      const rankOf = sql`ts_rank(tsv, websearch_to_tsquery('dutch', 'kiezelsteen'), 32)`;
      const truth = await rows<{ rank: number }>(
        db(),
        sql`select ${rankOf} as rank from search_documents where tsv @@ websearch_to_tsquery('dutch', 'kiezelsteen') order by 1 desc limit 10`,
      );
      const ours = await rows<{ url: string; rank: number }>(
        db(),
        sql`select url, ${rankOf} as rank from search_documents where url = any(${sql.param(urls(r))}::text[])`,
      );
      const rankByUrl = new Map(ours.map((o) => [o.url, o.rank]));
      expect(urls(r).map((u) => rankByUrl.get(u))).toEqual(truth.map((x) => x.rank));
    } finally {
      await db().execute(sql`delete from search_documents where kind = 'test-breed'`);
    }
  });

  it('counts the tiers a page does not reach without ranking them: the same total, and the same hits on every page', async () => {
    // 12 documents with the word in the title, 7 in the summary only, 30 in the body only.
    await db().execute(
      sql`insert into search_documents (kind, ref, title, url, summary, body)
          select 'test-laag', 'r' || i,
            case when i <= 12 then 'Zandloper ' || i else 'Document ' || i end,
            '/test/laag/' || i,
            case when i > 12 and i <= 19 then 'Over de zandloper.' else 'Iets anders.' end,
            'Tekst over de zandloper ' || repeat('en kiezel ', i % 4)
          from generate_series(1, 49) i`,
    );
    try {
      const tierOf = (url: string) => {
        const i = Number(url.split('/').pop());
        return i <= 12 ? 'title' : i <= 19 ? 'summary' : 'body';
      };
      const seen: string[] = [];
      for (const p of [1, 2, 3, 4, 5]) {
        const r = await search(db(), { q: 'zandloper', p }, t.deps.synonyms);
        if (r.state !== 'results') throw new Error('no results');
        // Page 1 lies wholly in the title tier; the total still counts all three.
        expect(r, `page ${p}`).toMatchObject({ total: 49, more: false, pages: 5, page: p });
        seen.push(...urls(r));
      }
      expect(seen).toHaveLength(49);
      expect(new Set(seen).size).toBe(49);
      // Title matches first, then summary matches, then the rest, across the page boundaries.
      expect(seen.map(tierOf)).toEqual([...Array(12).fill('title'), ...Array(7).fill('summary'), ...Array(30).fill('body')]);
      // A word left out counts the same way (a page with the word only in its body may still hold the left-out word).
      const left = await search(db(), { q: 'zandloper -kiezel', p: 1 }, t.deps.synonyms);
      const [truth] = await rows<{ n: number }>(
        db(),
        sql`select count(*)::int as n from search_documents where tsv @@ websearch_to_tsquery('dutch', 'zandloper -kiezel')`,
      );
      expect(left.state === 'results' && left.total).toBe(truth?.n);
      expect(truth?.n).toBeLessThan(49);
      // A left-out word as an alternative of "or": a page whose title matches while its title and
      // summary together do not (the summary names the left-out word) is still one hit, counted once.
      await upsertSearchDocument(db(), {
        kind: 'test-laag',
        ref: 'x',
        title: 'Overleg',
        url: '/test/laag/x',
        summary: 'Over de kiezel.',
        body: 'De zandloper.',
      });
      const q = 'zandloper or -kiezel';
      const [all] = await rows<{ n: number }>(db(), sql`select count(*)::int as n from search_documents where tsv @@ websearch_to_tsquery('dutch', ${q})`);
      const first = await search(db(), { q, p: 1 }, t.deps.synonyms);
      if (first.state !== 'results') throw new Error('no results');
      expect(first.total).toBe(Math.min(all?.n ?? 0, 1000));
      const found: string[] = [];
      for (let p = 1; p <= first.pages; p++) {
        const r = await search(db(), { q, p }, t.deps.synonyms);
        if (r.state !== 'results') throw new Error('no results');
        expect(r.total, `page ${p}`).toBe(first.total);
        found.push(...urls(r));
      }
      expect(found).toContain('/test/laag/x');
      expect(found.length).toBe(new Set(found).size);
    } finally {
      await db().execute(sql`delete from search_documents where kind = 'test-laag'`);
    }
  });

  it.each([
    ['meldcode', '/meldcode', 'https://www.rijksoverheid.nl/onderwerpen/huiselijk-geweld/meldcode/'],
    ['kansrijke start', '/themas/kansrijke-start', 'https://www.rijksoverheid.nl/onderwerpen/kansrijke-start/'],
    ['Veilig Thuis', '/netwerk/veilig-thuis', 'https://www.vooreenveiligthuis.nl/'],
  ])('"%s": the network\'s own page comes first, before another site\'s page with the same title', async (q, own, other) => {
    const found = urls(await run(q));
    expect(found[0]).toBe(own);
    expect(found).toContain(other);
  });

  it.each([
    ['beroepsgeheim', 'Heb je een beroepsgeheim? Dan mag je toch zonder toestemming melden bij Veilig Thuis (meldrecht).'],
    ['meldrecht', 'Heb je een beroepsgeheim? Dan mag je toch zonder toestemming melden bij Veilig Thuis (meldrecht).'],
    ['vertrouwensinspecteur', 'Bel dan de vertrouwensinspecteurs'],
    ['zedendelict', 'bij een vermoeden van een zedendelict'],
    ['Kindertelefoon', 'De Kindertelefoon: 0800-0432'],
  ])('"%s" finds the Meldcode by what its page shows besides the steps, the snippet as the page says it', async (q, sentence) => {
    const hit = (await run(q)).hits[0];
    expect(hit?.url).toBe('/meldcode');
    const snippet = (hit?.snippet ?? []).join('').replaceAll(ELLIPSIS, '').trim();
    expect(snippet).toContain(sentence);
    const shown = plainBlocks(await html('/meldcode')).replace(/\s+/g, ' ');
    expect(shown).toContain(snippet);
  });

  it('"meldplicht", the word many professionals use for the meldcode and its reporting norm, finds the Meldcode first and says so', async () => {
    const found = await run('meldplicht');
    expect(urls(found)[0]).toBe('/meldcode');
    expect(found.expanded).toEqual(['meldcode']);
  });

  it.each([
    // How registering works is one page; before it, these found nothing ("afmelden" offered "aanmelden",
    // the opposite), only the privacy statement, or the wijkteam ("Ouders kunnen zich … aanmelden").
    ['aanmelden', 'Hoe aanmelden voor een bijeenkomst werkt', ['inschrijven']],
    ['inschrijven', 'Hoe aanmelden voor een bijeenkomst werkt', ['aanmelden']],
    ['aanmelden training', 'Kies bij Trainingen een training en daarna een bijeenkomst', ['inschrijven', 'cursus', 'scholing', 'nascholing', 'bijscholing']],
    ['afmelden', 'Je aanmelding bekijken of afmelden', ['uitschrijven']],
    ['uitschrijven', 'Je aanmelding bekijken of afmelden', ['afmelden']],
    ['annuleren', 'Wil je daarna nog annuleren, neem dan contact', []],
    ['wachtlijst', 'via de wachtlijst alsnog aan de beurt komt', []],
    ['link kwijt', 'Link kwijt? Zolang aanmelden voor de bijeenkomst open is', []],
    ['inchecken', 'Scan die en vul het e-mailadres in waarmee je je hebt aangemeld', []],
  ])('"%s" finds how registering for a training works first, the snippet as the page says it', async (q, sentence, expanded) => {
    const found = await run(q);
    expect(found.hits[0]?.url).toBe('/aanmelden');
    expect(found.expanded).toEqual(expanded);
    const snippet = (found.hits[0]?.snippet ?? []).join('').replaceAll(ELLIPSIS, '').trim();
    expect(snippet).toContain(sentence);
    const shown = plainBlocks(await html('/aanmelden')).replace(/\s+/g, ' ');
    expect(shown).toContain(snippet);
  });

  it.each([
    ['training', DEMO_TRAININGS],
    ['trainingen', DEMO_TRAININGS],
    ['huisarts', ['/netwerk/huisartsen-heuvelrijk']],
  ])('"%s": what a document is (its kind, an organisation\'s type) ranks with its title, before pages that mention the word', async (q, first) => {
    const found = urls(await run(q));
    expect(found.slice(0, first.length).sort()).toEqual([...first].sort());
    // Pages that only mention the word are still found, after them.
    expect(found.length).toBeGreaterThan(first.length);
  });

  it.each(['0800-2000', '0800 2000', '08002000'])('the phone number "%s" finds the organisation it belongs to first', async (q) => {
    expect(urls(await run(q))[0]).toBe('/netwerk/veilig-thuis');
  });

  it.each(['veilig thuis telefoonnummer', 'telefoonnummer Veilig Thuis', 'bellen veilig thuis'])(
    '"%s": an organisation is found with the words people add for its number, as a whole result, not a partial one',
    async (q) => {
      const found = await run(q);
      expect(found.partial).toBeUndefined();
      expect(urls(found)[0]).toBe('/netwerk/veilig-thuis');
    },
  );

  it("an organisation's hit gives its number to call, as its page does", async () => {
    const page = await html('/zoeken?q=veilig+thuis+telefoonnummer');
    const item = page.slice(page.indexOf('href="/netwerk/veilig-thuis"'));
    expect(item.slice(0, item.indexOf('</li>', item.indexOf('</ul>')))).toContain(
      '<p class="hw-result-meta">Telefoon: <a class="utrecht-link" href="tel:08002000">0800-2000</a></p>',
    );
  });

  it('"telefoonnummer" lists the organisations that have one, not pages that speak of a telephone', async () => {
    const found = await run('telefoonnummer');
    expect(found.hits.length).toBeGreaterThan(1);
    expect(found.hits.every((h) => h.kind === 'organisation')).toBe(true);
  });

  it('nothing holds every word: the partial results are looked for beside the correction; a clear correction waits for them, so a search leaves no statement running', async () => {
    // The app's pool, behind a client that counts the statements running, holds the partial results'
    // statement until released, and counts the searches (search_ranked) that are done.
    const pool = (db() as unknown as { $client: pg.Pool }).$client;
    let running = 0;
    let ranked = 0;
    let release: (() => void) | undefined;
    const query = async (config: { text: string }, ...rest: unknown[]) => {
      running++;
      try {
        if (config.text.includes('search_partial(')) await new Promise<void>((go) => (release = go));
        return await (pool.query as unknown as (...a: unknown[]) => Promise<unknown>)(config, ...rest);
      } finally {
        running--;
        if (config.text.includes('search_ranked(')) ranked++;
      }
    };
    const counted = drizzle({ client: { query } as unknown as pg.Pool, schema }) as unknown as Db;
    let returned = false;
    const searching = search(counted, { q: 'hechtng kinderopvang', p: 1, letterlijk: false }, t.deps.synonyms).then((r) => {
      returned = true;
      return r;
    });
    // The partial results were asked before the correction was known (they are held now), and both
    // searches, as typed and as corrected, are done: all that is left running is the held statement.
    await vi.waitFor(
      () => {
        expect(release).toBeDefined();
        expect(ranked).toBe(2);
        expect(running).toBe(1);
      },
      { timeout: 60_000, interval: 5 },
    );
    await new Promise((r) => setImmediate(r));
    expect(returned).toBe(false);
    release?.();
    const r = await searching;
    expect(running).toBe(0);
    expect(r.state === 'results' && r.corrected).toEqual({ from: 'hechtng kinderopvang', to: 'hechting kinderopvang' });
    expect(r.state === 'results' && r.partial).toBeFalsy();
    // Not misspelt, and nothing holds both words: the partial results, as before.
    const some = await run('hechting zandvlaktebewoner');
    expect(some.partial).toBe(true);
    expect(some.total).toBeGreaterThan(0);
  });

  it('a database whose organisations were indexed without their phone number gets them written anew at the next start', async () => {
    // As format 3 left them: the category without the number.
    await indexedAs('3', sql`update search_documents set category = 'Organisatie' where kind = 'organisation'`);
    expect(urls(await run('08002000'))).not.toContain('/netwerk/veilig-thuis');
    await startAgain();
    expect(urls(await run('08002000'))[0]).toBe('/netwerk/veilig-thuis');
  });

  it('a database whose documents were written before their category existed gets them written anew at the next start', async () => {
    // As migration 0018 leaves an older database: every category empty, the format of before.
    await indexedAs('2', sql`update search_documents set category = ''`);
    expect(urls(await run('training'))[0]).not.toMatch(/^\/trainingen\//);
    await startAgain();
    const [row] = await rows<{ category: string }>(
      db(),
      sql`select category from search_documents where kind = 'organisation' and ref = 'huisartsen-heuvelrijk'`,
    );
    expect(row?.category).toMatch(/^Organisatie Huisarts /);
    expect(
      urls(await run('training'))
        .slice(0, 2)
        .sort(),
    ).toEqual(DEMO_TRAININGS);
  });

  it('property: one letter changed, dropped or two swapped in a word of six or more letters still finds its document', async () => {
    const docs = await rows<{ url: string; title: string }>(
      db(),
      sql`select url, title from search_documents where kind in ('theme', 'organisation', 'training')`,
    );
    const vocabulary = new Set((await rows<{ word: string }>(db(), sql`select word from search_words`)).map((r) => r.word));
    const cases = docs.flatMap((d) => (d.title.toLowerCase().match(/\p{L}{6,}/gu) ?? []).map((word) => ({ url: d.url, word })));
    expect(cases.length).toBeGreaterThan(20);
    const mutate = (w: string, how: number, at: number, letter: string) => {
      const i = 1 + (at % (w.length - 2)); // not the first letter: people rarely get that wrong
      if (how === 0) return w.slice(0, i) + letter + w.slice(i + 1);
      if (how === 1) return w.slice(0, i) + w.slice(i + 1);
      return w.slice(0, i) + (w[i + 1] ?? '') + (w[i] ?? '') + w.slice(i + 2);
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...cases),
        fc.nat(2),
        fc.nat(40),
        fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'),
        async ({ url, word }, how, at, letter) => {
          const typo = mutate(word, how, at, letter);
          fc.pre(typo !== word && !vocabulary.has(typo));
          const r = await run(typo);
          const found = urls(r).includes(url) || (r.suggestion !== undefined && urls(await run(r.suggestion)).includes(url));
          expect(found, `${typo} (from ${word}) → ${r.corrected?.to ?? r.suggestion ?? 'nothing'}`).toBe(true);
        },
      ),
      { numRuns: 80 },
    );
  });
});
