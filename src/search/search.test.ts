import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends, createTestApp } from '../../test/helpers.ts';
import { rows } from '../db/client.ts';
import { BusyError, Gate } from './gate.ts';
import { search, searchQuery, upsertSearchDocument } from './service.ts';

describe.each(backends())('search on %s', (kind: Backend) => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());

  const run = (q: string, p?: string) => search(t.deps.database.db, searchQuery.parse({ q, p }));
  const titles = async (q: string) => {
    const r = await run(q);
    if (r.state !== 'results') throw new Error(`no results state for ${q}`);
    return r.hits.map((h) => h.title);
  };

  it('stems Dutch: "scheidingen" finds "scheiding", "gehechte" finds "gehecht"', async () => {
    expect(await titles('scheidingen')).toContain('Complexe (v)echtscheidingen');
    const r = await run('gehechte');
    expect(r.state === 'results' && r.total).toBeGreaterThan(0);
    if (r.state === 'results') {
      const marked = r.hits.flatMap((h) => h.snippet.filter((_, i) => i % 2 === 1).map((s) => s.toLowerCase()));
      expect(marked.some((w) => w.startsWith('gehecht'))).toBe(true);
    }
  });

  it('ranks the theme about a word above passing mentions', async () => {
    const r = await titles('kindermishandeling');
    expect(r[0]).toBe('Kindermishandeling');
    const k = await titles('kansrijke start');
    expect(k[0]).toBe('Kansrijke Start');
  });

  it('searches sources as well as themes', async () => {
    const r = await run('richtlijn problematische gehechtheid');
    expect(r.state).toBe('results');
    if (r.state === 'results') expect(r.hits.some((h) => h.kind === 'source')).toBe(true);
  });

  it('understands websearch syntax: quoted phrases and exclusions', async () => {
    const all = await run('hechting');
    const without = await run('hechting -scheiding');
    if (all.state !== 'results' || without.state !== 'results') throw new Error('expected results');
    expect(without.total).toBeLessThan(all.total);
    expect(without.hits.map((h) => h.title)).not.toContain('Complexe (v)echtscheidingen');
    const phrase = await run('"eerste 1000 dagen"');
    expect(phrase.state === 'results' && phrase.hits[0]?.title).toBe('Kansrijke Start');
  });

  it('pages through results', async () => {
    for (let i = 1; i <= 23; i++) {
      await upsertSearchDocument(t.deps.database.db, {
        kind: 'test',
        ref: String(i),
        title: `Testdocument ${i} over peuterspeelzalen`,
        url: `/test/${i}`,
        summary: 'Een document om het bladeren te testen.',
        body: 'peuterspeelzaal '.repeat(i),
      });
    }
    const first = await run('peuterspeelzaal');
    expect(first.state).toBe('results');
    if (first.state !== 'results') return;
    expect(first.total).toBe(23);
    expect(first.pages).toBe(3);
    expect(first.hits).toHaveLength(10);
    const second = await run('peuterspeelzaal', '2');
    if (second.state !== 'results') throw new Error('expected results');
    expect(second.page).toBe(2);
    const overlap = second.hits.filter((h) => first.hits.some((f) => f.url === h.url));
    expect(overlap).toEqual([]);
    const html = await (await t.app.request('/zoeken?q=peuterspeelzaal&p=2')).text();
    expect(html).toContain('pagina 2 van 3');
    expect(html).toContain('href="/zoeken?q=peuterspeelzaal&amp;p=3" rel="next"');
    expect(html).toContain('href="/zoeken?q=peuterspeelzaal&amp;p=1" rel="prev"');
  });

  it('counts and ranks at most 1000 matches, says there are more, and keeps the best of those first', async () => {
    const db = t.deps.database.db;
    const { sql } = await import('drizzle-orm');
    // 1005 documents with one word: the query touches 1001 of them, however many there are.
    await db.execute(
      sql`insert into search_documents (kind, ref, title, url, summary, body)
          select 'test', 'veel-' || i, 'Document ' || i, '/test/veel/' || i, 'Over de wipkip.', 'wipkip ' || repeat('tekst ', i % 7)
          from generate_series(1, 1005) i`,
    );
    const r = await run('wipkip');
    if (r.state !== 'results') throw new Error('expected results');
    expect(r).toMatchObject({ total: 1000, more: true, pages: 100, page: 1 });
    expect(r.hits).toHaveLength(10);
    const last = await run('wipkip', '100');
    expect(last.state === 'results' && last.page).toBe(100);
    const html = await (await t.app.request('/zoeken?q=wipkip')).text();
    expect(html).toContain('Meer dan 1000 resultaten voor “wipkip”, pagina 1 van 100. We tonen er 1000.');
    // Under the cap, the count is exact and nothing is said about more.
    const few = await run('peuterspeelzaal');
    expect(few.state === 'results' && few.more).toBe(false);
  });

  it('among the pages named by the query, the organisation of that type and the page that says most about it come before titles that only hold the word (migration 0021)', async () => {
    const db = t.deps.database.db;
    // Six themes whose short titles start with the word, their bodies silent about it.
    for (let i = 1; i <= 6; i++)
      await upsertSearchDocument(db, {
        kind: 'theme',
        ref: `kiezel-${i}`,
        title: `Kiezelpad ${i}`,
        url: `/test/kiezel-${i}`,
        summary: 'Een korte tekst.',
        body: 'Over iets anders.',
      });
    // An organisation whose type is the word, its title without it; a theme that says it again and again.
    await upsertSearchDocument(db, {
      kind: 'organisation',
      ref: 'kiezel-praktijk',
      title: 'Praktijk De Steen',
      url: '/test/kiezel-praktijk',
      summary: 'Een praktijk in de buurt.',
      body: 'Open op werkdagen.',
      type: 'Kiezelpad',
    });
    await upsertSearchDocument(db, {
      kind: 'theme',
      ref: 'kiezel-veel',
      title: 'Wandelen over kiezelpaden',
      url: '/test/kiezel-veel',
      summary: 'Waar je loopt.',
      body: Array.from({ length: 9 }, (_, i) => `Het ${i + 1}e kiezelpad loopt langs het water.`).join(' '),
    });
    try {
      const [first, second, ...rest] = await titles('kiezelpad');
      expect([first, second].sort()).toEqual(['Praktijk De Steen', 'Wandelen over kiezelpaden']);
      expect(rest.sort()).toEqual(['Kiezelpad 1', 'Kiezelpad 2', 'Kiezelpad 3', 'Kiezelpad 4', 'Kiezelpad 5', 'Kiezelpad 6']);
      // What the body says once is not kept as a repeated word: the six themes weigh nothing for it.
      const kept = await rows<{ ref: string; terms: string }>(
        db,
        sql`select ref, body_terms::text as terms from search_documents where ref in ('kiezel-1', 'kiezel-veel') order by ref`,
      );
      expect(kept.find((k) => k.ref === 'kiezel-1')?.terms).toBe('');
      expect(kept.find((k) => k.ref === 'kiezel-veel')?.terms).toMatch(/^'kiezelpad':\d+A(,\d+A){8} /);
    } finally {
      await db.execute(sql`delete from search_documents where ref like 'kiezel-%'`);
    }
  });

  it('reads the query once per search, also once the plan is kept (migration 0022): not once per passage or hit', async () => {
    // One connection (a transaction): its function calls are counted in pg_stat_xact_user_functions.
    // From the sixth call on plpgsql runs the statement with its kept (generic) plan, where the
    // query's expressions would be evaluated for every row that refers to them.
    const calls = await t.deps.database.db.transaction(async (tx) => {
      await tx.execute(sql`set local track_functions = 'pl'`);
      const counted = async () =>
        (
          await rows<{ calls: number }>(
            tx,
            sql`select coalesce(sum(calls), 0)::int as calls from pg_stat_xact_user_functions where funcname = 'search_tsquery'`,
          )
        )[0]?.calls ?? 0;
      const searchOnce = async () =>
        rows<{ ref: string }>(tx, sql`select ref from search_ranked(array['hechting'], 'hechting', array['hechting'], 10, 0, 1001)`);
      const perSearch: number[] = [];
      for (let i = 0; i < 8; i++) {
        const before = await counted();
        expect((await searchOnce()).length).toBe(10);
        perSearch.push((await counted()) - before);
      }
      return perSearch;
    });
    expect(calls).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('runs no SQL function that PostgreSQL plans anew at every call (migration 0025): a search, a correction and partial results', async () => {
    // An SQL function that cannot be inlined is parsed and planned again by every statement that calls
    // it (PostgreSQL before 18); an inlined one is never counted as called. With track_functions 'all'
    // the first kind shows in pg_stat_xact_user_functions.
    const called = await t.deps.database.db.transaction(async (tx) => {
      await tx.execute(sql`set local track_functions = 'all'`);
      for (const q of ['hechting', 'hechtng', 'hechting zandloperkiezel', 'de meldcode']) {
        const outcome = await search(tx, { q, p: 1 }, t.deps.synonyms);
        expect(outcome.state === 'results' && outcome.hits.length, q).toBeGreaterThan(0);
      }
      return rows<{ name: string; language: string }>(
        tx,
        sql`select p.proname as name, l.lanname as language from pg_stat_xact_user_functions f
          join pg_proc p on p.oid = f.funcid join pg_language l on l.oid = p.prolang order by 1`,
      );
    });
    // The plpgsql functions were called (the count works); none in SQL.
    expect(called.map((c) => c.name)).toEqual(expect.arrayContaining(['search_corrections', 'search_lookups', 'search_partial', 'search_ranked']));
    expect(called.filter((c) => c.language === 'sql')).toEqual([]);
  });

  it("keeps one plan of the spelling correction's look-ups per connection (migration 0027): its statement is planned generically", async () => {
    // As a prepared statement of the app it was planned anew at every correction (its custom plans
    // always seemed cheaper); inside search_lookups the generic plan is forced and kept.
    const [fn] = await rows<{ config: string[] | null }>(t.deps.database.db, sql`select proconfig as config from pg_proc where proname = 'search_lookups'`);
    expect(fn?.config).toContain('plan_cache_mode=force_generic_plan');
  });

  // A long document: word i of the body is "tekst" and i in letters (tekstaaa … tekstbml), with three
  // marker words placed far apart. (Words of three letters or fewer would not be shown as context.)
  const filler = (i: number) => `tekst${[676, 26, 1].map((d) => String.fromCharCode(97 + (Math.floor(i / d) % 26))).join('')}`;
  const longBody = Array.from({ length: 1000 }, (_, i) =>
    i === 37 ? 'zeepbelletjes' : i === 512 ? 'knikkerbaan' : i === 913 ? 'vliegervrij' : filler(i),
  ).join(' ');
  const putLong = (ref: string, title: string, summary: string, body: string) =>
    upsertSearchDocument(t.deps.database.db, { kind: 'test-lang', ref, title, url: `/test/lang-${ref}`, summary, body });
  const passagesOf = (ref: string) =>
    rows<{ n: number; text: string }>(t.deps.database.db, sql`select n, text from search_passages where kind = 'test-lang' and ref = ${ref} order by n`);

  it('keeps each document as short overlapping passages: the summary, then 40-word windows 30 words apart, covering every word', async () => {
    await putLong('a', 'Een lang document', 'Samenvatting van het lange stuk.', longBody);
    const passages = await passagesOf('a');
    expect(passages[0]).toEqual({ n: 0, text: 'Samenvatting van het lange stuk.' });
    const windows = passages.slice(1).map((p) => p.text.split(' '));
    expect(windows.every((w) => w.length <= 40)).toBe(true);
    // Each window starts 30 words after the previous one; together they hold the body, in order.
    expect(windows.map((w) => w[0])).toEqual(windows.map((_, i) => filler(i * 30)));
    expect(windows.length).toBe(33); // starts 0, 30, …, 960: the last window reaches word 999
    expect(windows.at(-1)?.at(-1)).toBe(filler(999));
    const covered = new Set(windows.flat());
    expect(longBody.split(' ').every((word) => covered.has(word))).toBe(true);

    // A changed body replaces the passages; a deleted document takes them along.
    await putLong('a', 'Een lang document', '', 'Nu kort.');
    expect(await passagesOf('a')).toEqual([{ n: 1, text: 'Nu kort.' }]);
    await t.deps.database.db.execute(sql`delete from search_documents where kind = 'test-lang' and ref = 'a'`);
    expect(await passagesOf('a')).toEqual([]);
  });

  it('makes the snippet from the passage that holds the words, wherever it is in a long text', async () => {
    await putLong('b', 'Nog een lang document', 'Over iets anders.', longBody);
    const snippet = async (q: string) => {
      const r = await run(q);
      if (r.state !== 'results') throw new Error(`no results for ${q}`);
      const hit = r.hits.find((h) => h.url === '/test/lang-b');
      if (!hit) throw new Error(`document not found for ${q}`);
      return hit.snippet;
    };
    for (const [word, i] of [
      ['knikkerbaan', 512],
      ['vliegervrij', 913],
      ['zeepbelletjes', 37],
    ] as const) {
      const parts = await snippet(word);
      expect(parts.filter((_, k) => k % 2 === 1)).toContain(word);
      expect(parts.join('')).toContain(` ${filler(i + 1)}`); // with its context
    }
    // Words in different passages: no passage holds both, one of them is shown marked.
    const spread = await snippet('knikkerbaan vliegervrij');
    expect(spread.filter((_, k) => k % 2 === 1).some((w) => w === 'knikkerbaan' || w === 'vliegervrij')).toBe(true);
    // A word found in the title only: the snippet is the summary.
    expect((await snippet('"nog een lang document"')).join('')).toBe('Over iets anders.');
    await t.deps.database.db.execute(sql`delete from search_documents where kind = 'test-lang'`);
  });

  it('during a rolling upgrade an instance of the previous release still searches: search_page outlives migration 0010', async () => {
    const found = await rows<{ title: string; headline: string }>(
      t.deps.database.db,
      sql`select title, headline from search_page('scheidingen', 'scheidingen', 10, 0, 1001, 'StartSel=<, StopSel=>')`,
    );
    expect(found.map((r) => r.title)).toContain('Complexe (v)echtscheidingen');
    expect(found.some((r) => /<[Ss]cheiding/.test(r.headline))).toBe(true);
  });

  it('the results page highlights matches and escapes them', async () => {
    const html = await (await t.app.request('/zoeken?q=scheidingen')).text();
    expect(html).toMatch(/<mark>[Ss]cheiding/);
    expect(html).toMatch(/\d+ resultaten voor “scheidingen”/);
  });

  it('no results: says so and suggests what to do', async () => {
    const res = await t.app.request('/zoeken?q=xyzzyplugh');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Geen resultaten voor “xyzzyplugh”');
    expect(html).toContain('Controleer de spelling');
    expect(html).toContain('href="/themas/hechting"');
  });

  it('before a search the page asks for words and offers the themes, without tips for a search that found nothing', async () => {
    const html = await (await t.app.request('/zoeken')).text();
    expect(html).toContain('Typ een of meer woorden en kies Zoeken.');
    expect(html).toContain('Begin bij een thema');
    expect(html).toContain('href="/themas/hechting"');
    expect(html).not.toContain('Controleer de spelling');
    expect(html).not.toContain('Gebruik minder woorden');
  });

  it('a query of words nearly every page holds ("de") says the search does not look for them, rather than "no results"', async () => {
    for (const q of ['de', 'het', 'een', 'De', 'het een', '"de"', 'de of het']) {
      expect((await run(q)).state, q).toBe('only-common-words');
      const res = await t.app.request(`/zoeken?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html, q).toContain(`Op “${q.replace(/"/g, '&quot;')}” zoeken we niet: woorden als “de”, “het” en “een” staan op bijna elke pagina.`);
      expect(html, q).not.toContain('Geen resultaten');
      expect(html, q).not.toContain('Controleer de spelling');
      // The query stays in the field, and the themes are offered.
      expect(html, q).toContain(`value="${q.replace(/"/g, '&quot;')}"`);
      expect(html).toContain('href="/themas/hechting"');
    }
    // One word besides that is searched for: an ordinary search, which finds it.
    expect((await run('de meldcode')).state).toBe('results');
    // A word no page holds is still "no results", with the spelling tips.
    expect(await (await t.app.request('/zoeken?q=de+xyzzyplugh')).text()).toContain('Controleer de spelling');
  });

  it('a query without any word (only signs) asks for a word, and says nothing about words left out', async () => {
    for (const q of ['"', '""', '-', '- -', '?!', '()']) {
      expect((await run(q)).state, q).toBe('no-words');
      const html = await (await t.app.request(`/zoeken?q=${encodeURIComponent(q)}`)).text();
      expect(html, q).toContain('staat geen woord om op te zoeken. Typ een of meer woorden');
      expect(html, q).not.toContain('minteken');
      expect(html).toContain('href="/themas/hechting"');
    }
  });

  it('a query that only leaves words out asks for a word to search for, rather than listing every other page', async () => {
    // "de" and "het" are stop words: the search leaves them out, so only the word left out remains.
    for (const q of ['-x', '-hechting', '-"veilig thuis" -baby', 'de -baby', 'het -hechting']) {
      expect((await run(q)).state, q).toBe('only-left-out');
      const res = await t.app.request(`/zoeken?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html, q).toContain('blijft er geen woord over om op te zoeken');
      expect(html, q).toContain('Typ ook een woord waarop we zoeken');
      expect(html, q).not.toMatch(/\d+ resultaten?\b/);
      // The query stays in the field, and the themes are offered.
      expect(html).toContain('href="/themas/hechting"');
    }
    // A word to look for besides: an ordinary search.
    expect((await run('hechting -baby')).state).toBe('results');
    expect((await run('de hechting -baby')).state).toBe('results');
    // A word searched for as an alternative of one left out is still searched for.
    expect((await run('-baby or hechting')).state).toBe('results');
  });

  it('a source hit shows its description where its publisher alone would be the snippet, and says who published it and where it leads', async () => {
    // "hechting" is in the title of NJi's dossier, not in its description: the search brings the publisher as its passage.
    const r = await run('hechting');
    if (r.state !== 'results') throw new Error('results expected');
    const source = r.hits.find((h) => h.kind === 'source' && h.url.startsWith('https://www.nji.nl/hechting-en-hechtingsproblemen'));
    expect(source?.snippet, JSON.stringify(r.hits.map((h) => h.url))).toEqual(['NJi']);
    const html = await (await t.app.request('/zoeken?q=hechting')).text();
    const at = html.indexOf(`href="${source?.url}"`);
    const block = html.slice(at, html.indexOf('</li>', at));
    expect(block).toContain('<p>Dossier van het Nederlands Jeugdinstituut over ');
    expect(block).toContain('<p class="hw-result-meta">Uitgever: NJi · Website: nji.nl</p>');
    // Where the words are in its description, that passage stays, marked.
    const own = await (await t.app.request('/zoeken?q=oorzaken+gevolgen')).text();
    expect(own).toMatch(/<mark>oorzaken<\/mark>, <mark>gevolgen<\/mark>/);
  });

  it('the title names what the results are for, and which page', async () => {
    const title = async (path: string) => /<title>([^<]*)<\/title>/.exec(await (await t.app.request(path)).text())?.[1];
    expect(await title('/zoeken?q=hechting')).toMatch(/^Zoeken: hechting \|/);
    expect(await title('/zoeken?q=hechting&p=2')).toMatch(/^Zoeken: hechting, pagina 2 \|/);
    // A corrected search: the title says what the results are for.
    expect(await title('/zoeken?q=hechtng')).toMatch(/^Zoeken: hechting \|/);
  });

  it('empty input gets the form and tips, not an error', async () => {
    for (const q of ['', '   ', '%20%20']) {
      const res = await t.app.request(`/zoeken?q=${q}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Typ een of meer woorden');
    }
  });

  it('very long input gets a calm message and keeps the input', async () => {
    const long = 'hechting '.repeat(30).trim();
    const res = await t.app.request(`/zoeken?q=${encodeURIComponent(long)}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`is ${long.length} tekens lang. Gebruik er hoogstens 200.`);
    expect(html).toContain(`value="${long}"`);
    expect(html).toContain('aria-invalid="true"');
  });

  it.each([
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    'hechting & | ! ( ) : * <->',
    '%00null%00byte',
    '\u0000\u0001\u0002',
    '%E0%A4%A',
    '"""',
    '-',
    '!!!',
    'a:*',
    '😀 hechting',
  ])('odd input %j never breaks the page and is escaped', async (q) => {
    const res = await t.app.request(`/zoeken?q=${q.startsWith('%') ? q : encodeURIComponent(q)}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('onerror=alert(1)>');
  });

  it('while every search slot is taken past the wait limit: a Dutch 503 with Retry-After, the query kept; then searching works again', async () => {
    const original = t.deps.searchGate;
    t.deps.searchGate = new Gate(1, 50);
    let release = () => {};
    const held = t.deps.searchGate.run(() => new Promise<void>((r) => (release = r)));
    try {
      const res = await t.app.request('/zoeken?q=hechting%20%3Cb%3E');
      expect(res.status).toBe(503);
      expect(res.headers.get('Retry-After')).toBe('2');
      expect(res.headers.get('Cache-Control')).toContain('no-store');
      const html = await res.text();
      expect(html).toContain('Zoeken is even druk');
      expect(html).toContain('value="hechting &lt;b&gt;"');
    } finally {
      release();
      await held;
      t.deps.searchGate = original;
    }
    const again = await t.app.request('/zoeken?q=hechting%20%3Cb%3E');
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('Hechting');
  });

  it('a bad page number falls back to the first page; one past the end (an old link, a typed number) shows the last page and says so', async () => {
    const first = await run('hechting');
    if (first.state !== 'results') throw new Error('results expected');
    expect(first.pages).toBeGreaterThan(1);
    const last = await run('hechting', String(first.pages));
    // Leading zeros are no larger number: "0000000000" is 0.
    expect(await run('hechting', '00000002')).toEqual(await run('hechting', '2'));
    for (const p of ['0', '-1', 'abc', '1.5', '0000000000']) {
      expect(await run('hechting', p), p).toEqual(first);
      const res = await t.app.request(`/zoeken?q=hechting&p=${p}`);
      expect(res.status).toBe(200);
      expect(await res.text(), p).not.toContain('is er niet');
    }
    for (const [p, said] of [
      [String(first.pages + 1), first.pages + 1],
      ['99999', 99999],
      ['1e9', 1_000_000],
      // Too large to be an exact number: still past the end, not the first page.
      ['99999999999999999999', 1_000_000],
      ['1e30', 1_000_000],
    ] as const) {
      const past = await run('hechting', p);
      expect(past, p).toEqual({ ...last, pastEnd: said });
      const html = await (await t.app.request(`/zoeken?q=hechting&p=${p}`)).text();
      expect(html, p).toContain(`pagina ${first.pages} van ${first.pages}. Een pagina ${said} is er niet: dit is de laatste.`);
    }
    // One page of results in all: the only one.
    const one = await run('LSVG');
    if (one.state !== 'results') throw new Error('results expected');
    expect(one.total).toBeGreaterThan(0);
    expect(one.pages).toBe(1);
    const html = await (await t.app.request('/zoeken?q=LSVG&p=4')).text();
    expect(html).toContain('Een pagina 4 is er niet: dit is de enige.');
  });

  it('has no GIN index that keeps a list of pending entries, which every search would read (migration 0026)', async () => {
    const db = t.deps.database.db;
    const gin = await rows<{ name: string; options: string[] | null }>(
      db,
      sql`select c.relname as name, c.reloptions as options from pg_class c join pg_am a on a.oid = c.relam
          join pg_namespace n on n.oid = c.relnamespace where a.amname = 'gin' and n.nspname = current_schema() order by 1`,
    );
    // The search's own five, and every GIN index added later.
    expect(gin.map((g) => g.name)).toEqual(expect.arrayContaining(['search_documents_tsv_idx', 'search_words_trgm_idx']));
    expect(gin.length).toBeGreaterThanOrEqual(5);
    expect(gin.filter((g) => !g.options?.some((o) => /^fastupdate=(false|off)$/.test(o))).map((g) => g.name)).toEqual([]);
    // A document written now is found through the index itself, at once.
    await upsertSearchDocument(db, { kind: 'test-gin', ref: 'a', title: 'Over de kwelderroute', url: '/test/gin/a', summary: '', body: 'De kwelderroute.' });
    try {
      expect(await titles('kwelderroute')).toEqual(['Over de kwelderroute']);
    } finally {
      await db.execute(sql`delete from search_documents where kind = 'test-gin'`);
    }
  });

  it('writing a document as it already is leaves its row, its index entries and its passages alone; a change is written', async () => {
    const db = t.deps.database.db;
    const doc = { kind: 'test-same', ref: 'a', title: 'Over de duinroute', url: '/test/same/a', summary: 'Kort.', body: 'De duinroute loopt langs zee.' };
    const version = async () =>
      (
        await rows<{ row: string; passages: string }>(
          db,
          sql`select d.xmin::text as row, (select string_agg(p.xmin::text || ':' || p.text, '|' order by p.n) from search_passages p where p.kind = d.kind and p.ref = d.ref) as passages
              from search_documents d where d.kind = 'test-same' and d.ref = 'a'`,
        )
      )[0];
    await upsertSearchDocument(db, doc);
    try {
      const first = await version();
      expect(first?.passages).toContain('duinroute');
      await upsertSearchDocument(db, { ...doc });
      expect(await version()).toEqual(first);
      await upsertSearchDocument(db, { ...doc, body: 'De duinroute loopt door het bos.' });
      const changed = await version();
      expect(changed?.row).not.toBe(first?.row);
      expect(changed?.passages).toContain('bos');
      expect(await titles('duinroute')).toEqual(['Over de duinroute']);
    } finally {
      await db.execute(sql`delete from search_documents where kind = 'test-same'`);
    }
  });
});

describe('search gate', () => {
  const tick = () => new Promise((r) => setTimeout(r, 5));
  function task(log: string[], name: string) {
    let done = () => {};
    const promise = new Promise<string>((r) => {
      done = () => {
        log.push(`end ${name}`);
        r(name);
      };
    });
    return {
      run: () => {
        log.push(`start ${name}`);
        return promise;
      },
      done: () => done(),
    };
  }

  it('runs at most its limit at once, the rest in order of arrival, each slot passed on', async () => {
    const gate = new Gate(2, 1000);
    const log: string[] = [];
    const tasks = ['a', 'b', 'c', 'd', 'e'].map((n) => task(log, n));
    const results = tasks.map((x) => gate.run(x.run));
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    expect(gate.queued).toBe(3);
    tasks[1]?.done();
    await tick();
    expect(log).toEqual(['start a', 'start b', 'end b', 'start c']);
    tasks[0]?.done();
    tasks[2]?.done();
    await tick();
    expect(log.slice(4)).toEqual(['end a', 'end c', 'start d', 'start e']);
    tasks[3]?.done();
    tasks[4]?.done();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(gate.queued).toBe(0);
    // All slots free again: two start at once.
    const more = [task(log, 'f'), task(log, 'g')];
    const after = more.map((x) => gate.run(x.run));
    await tick();
    expect(log.slice(-2)).toEqual(['start f', 'start g']);
    for (const x of more) x.done();
    await Promise.all(after);
  });

  it('a failing search frees its slot; one that waited too long gets BusyError and leaves the line', async () => {
    const gate = new Gate(1, 30);
    await expect(gate.run(() => Promise.reject(new Error('kapot')))).rejects.toThrow('kapot');
    const log: string[] = [];
    const first = task(log, 'a');
    const running = gate.run(first.run);
    const late = gate.run(async () => 'nooit');
    await expect(late).rejects.toBeInstanceOf(BusyError);
    expect(gate.queued).toBe(0);
    first.done();
    await running;
    expect(await gate.run(async () => 'weer')).toBe('weer');
  });
});
