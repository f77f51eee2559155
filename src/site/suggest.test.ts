import { readFileSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends, createTestApp } from '../../test/helpers.ts';
import { likeLiteral } from '../db/client.ts';
import { bumpContentVersion } from '../db/content-version.ts';
import { organisationInput } from '../network/form.ts';
import { createOrganisation } from '../network/service.ts';
import { Gate } from '../search/gate.ts';
import { KIND_LABEL, upsertSearchDocument } from '../search/service.ts';
import { createTheme } from '../themes/service.ts';
import { createTraining } from '../trainings/service.ts';
import { suggestScript } from '../ui/assets.ts';
import { SUGGEST_LIMIT, SUGGEST_MAX, type Suggestion } from './suggest.ts';

describe.each(backends())('search suggestions on %s', (kind: Backend) => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  const doc = (ref: string, title: string, url = `/test/${ref}`) =>
    upsertSearchDocument(t.deps.database.db, { kind: 'test', ref, title, url, summary: '', body: '' });

  beforeAll(async () => {
    t = await createTestApp(kind);
    const db = t.deps.database.db;
    // Ranking: whole title first, then a word, then anywhere; shorter first within each.
    await doc('mid', 'Zwerfkippluimvee in de wijk');
    await doc('word-long', 'Over pluimveehouders, hun kinderen en de buurt');
    await doc('word', 'Gezond pluimvee');
    await doc('start', 'Pluimveebedrijven en gezinnen');
    await doc('bracket-mid', 'Kinderoppas');
    await doc('bracket', 'Zoeken naar (oppas)diensten');
    // Characters that mean something in LIKE patterns and regular expressions.
    await doc('pct', '100% veilig_thuis? (echt) [zeker] \\ "quotes" en \'apostrof\'');
    // Many matches, more than one answer holds.
    for (let i = 0; i < 8; i++) await doc(`veel-${i}`, `Zandbakregels ${i}`);
    // Not public: none of these may ever be suggested.
    await createTheme(db, null, {
      slug: 'geheim-thema',
      title: 'Verborgenwoord thema',
      summary: 'Een thema dat nog niet gepubliceerd is.',
      bodyMd: '## Inleiding\n\nDit is de tekst van een thema, lang genoeg om als thema te gelden.',
      reviewed: '2026-01-01',
      published: false,
      keyFacts: ['Een kernfeit.'],
      training: null,
      related: [],
      sourceIds: [],
    });
    await createOrganisation(
      db,
      null,
      organisationInput.parse({
        name: 'Verborgenwoord organisatie',
        slug: 'geheime-organisatie',
        type: 'JGZ',
        description: 'Een organisatie die nog niet gepubliceerd is, met genoeg tekst.',
        phone: '088-1234567',
        email: 'info@geheim.example',
        website: 'https://www.geheim.example',
        address: 'Straat 1, Voorbeeldstad',
        municipalities: ['Voorbeeldstad'],
        themes: ['hechting'],
        published: false,
        demo: false,
      }),
    );
    await createTraining(db, null, {
      slug: 'geheime-training',
      title: 'Verborgenwoord training',
      summary: 'Een training die nog niet gepubliceerd is.',
      descriptionMd: 'Uitleg.',
      audience: ['JGZ'],
      themes: ['hechting'],
      durationHours: 3,
      accreditation: '',
      published: false,
    });
    await createTraining(db, null, {
      slug: 'open-training',
      title: 'Zichtbaarwoord training',
      summary: 'Een gepubliceerde training.',
      descriptionMd: 'Uitleg.',
      audience: ['JGZ'],
      themes: ['hechting'],
      durationHours: 3,
      accreditation: '',
      published: true,
    });
    t.deps.contentVersion.invalidate();
  });
  afterAll(() => t.close());

  const get = (q: string, headers: Record<string, string> = {}) => t.app.request(`/zoeken/suggesties?q=${encodeURIComponent(q)}`, { headers });
  const suggest = async (q: string): Promise<Suggestion[]> => {
    const res = await get(q);
    expect(res.status, q).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/);
    return res.json();
  };
  const titles = async (q: string) => (await suggest(q)).map((s) => s.title);

  it('answers { title, url, kind, label } for published content, the best title first', async () => {
    const found = await suggest('hech');
    expect(found[0]).toEqual({ title: 'Hechting', url: '/themas/hechting', kind: 'theme', label: 'Thema' });
    for (const s of found) expect(Object.keys(s).sort()).toEqual(['kind', 'label', 'title', 'url']);
    expect(found.every((s) => s.title.toLowerCase().includes('hech'))).toBe(true);
  });

  it('names each kind as the results page does, a guide too, and tells two alike suggestions apart by their website', async () => {
    const meld = await suggest('meldcode');
    expect(meld.find((s) => s.kind === 'guide')?.label).toBe('Hulpmiddel');
    for (const s of meld) expect(s.label, s.kind).toBe(KIND_LABEL[s.kind]);
    const start = await suggest('kansrijke start');
    const alike = start.filter((s) => s.label === 'Bron' && s.title === start.find((o) => o !== s && o.label === 'Bron' && o.title === s.title)?.title);
    expect(alike.map((s) => s.site).sort(), JSON.stringify(start)).toEqual(['pharos.nl', 'rijksoverheid.nl']);
    // One of a kind needs no website.
    for (const s of start.filter((x) => !alike.includes(x))) expect(s.site, JSON.stringify(s)).toBeUndefined();
  });

  it('compressed, each query gets its own answer: the ETag (the content version) is the same for all, the body is not', async () => {
    // Long enough to be compressed (at least 512 bytes), then a query with another answer under the same ETag.
    for (const [encoding, unpack] of [
      ['br', brotliDecompressSync],
      ['gzip', gunzipSync],
    ] as const) {
      const plain = JSON.stringify(await suggest('hech'));
      expect(plain.length).toBeGreaterThan(512);
      const first = await get('hech', { 'Accept-Encoding': encoding });
      expect(first.headers.get('Content-Encoding')).toBe(encoding);
      expect(unpack(Buffer.from(await first.arrayBuffer())).toString()).toBe(plain);
      for (const q of ['xqzw', 'kansrijke start']) {
        const res = await get(q, { 'Accept-Encoding': encoding });
        expect(res.headers.get('ETag')).toBe(first.headers.get('ETag'));
        const body = res.headers.get('Content-Encoding') ? unpack(Buffer.from(await res.arrayBuffer())).toString() : await res.text();
        expect(body, `${encoding} ${q}`).toBe(JSON.stringify(await suggest(q)));
      }
    }
  });

  it('forgives as the search does: an abbreviation finds what it stands for, a typing error the titles most like it', async () => {
    // JGZ stands for jeugdgezondheidszorg (content/synoniemen.yaml); no title says JGZ.
    expect(
      (await titles('jgz')).some((t) => /jeugdgezondheidszorg/i.test(t)),
      JSON.stringify(await titles('jgz')),
    ).toBe(true);
    expect(await titles('amk')).toContain('Veilig Thuis');
    // A two-letter abbreviation is not looked for inside titles: AF is in "afwegingskader".
    expect(await titles('aandachtsfunctionaris')).not.toContain('Het afwegingskader in de meldcode');
    for (const [typed, meant] of <const>[
      ['hechtng', 'Hechting'],
      ['kindermishandling', 'Kindermishandeling'],
      ['meldkode', 'Meldcode huiselijk geweld en kindermishandeling'],
      ['veilig tuis', 'Veilig Thuis'],
    ])
      expect(await titles(typed), typed).toContain(meant);
    // What is typed right still comes first, and nothing like a typed nonsense word is made up.
    expect((await titles('hechting'))[0]).toBe('Hechting');
    expect(await titles('xqzwv')).toEqual([]);
  });

  it('answers nothing below 3 characters, without a query', async () => {
    for (const q of ['', 'h', 'he', '  he  ', '\t\nhe']) expect(await suggest(q), JSON.stringify(q)).toEqual([]);
    const res = await t.app.request('/zoeken/suggesties');
    expect(await res.json()).toEqual([]);
  });

  it(`suggests at most ${SUGGEST_LIMIT}`, async () => {
    expect(await titles('zandbakregels')).toHaveLength(SUGGEST_LIMIT);
  });

  it('puts titles that start with the text first, then a word that does, then the rest, shorter first', async () => {
    expect(await titles('pluimvee')).toEqual([
      'Pluimveebedrijven en gezinnen',
      'Gezond pluimvee',
      'Over pluimveehouders, hun kinderen en de buurt',
      'Zwerfkippluimvee in de wijk',
    ]);
    // Case and extra spaces do not matter.
    expect(await titles('  PLUIMVEE ')).toEqual(await titles('pluimvee'));
    // A word after a bracket starts a word too.
    expect(await titles('oppas')).toEqual(['Zoeken naar (oppas)diensten', 'Kinderoppas']);
  });

  it('never suggests what is not published (themes, organisations, trainings)', async () => {
    expect(await suggest('verborgenwoord')).toEqual([]);
    // The published training next to it is, so the query itself works for trainings.
    expect(await suggest('zichtbaarwoord')).toEqual([
      { title: 'Zichtbaarwoord training', url: '/trainingen/open-training', kind: 'training', label: 'Training' },
    ]);
  });

  it('takes %, _, quotes, backslashes and brackets literally', async () => {
    const pct = '100% veilig_thuis? (echt) [zeker] \\ "quotes" en \'apostrof\'';
    for (const q of ['%%%', '___', '%_%', '\\\\\\', '.*.', '[a-z]+', '(((', "'''", '"""', "'; drop table search_documents; --", '$1$'])
      expect(await suggest(q), q).toEqual([]);
    // The one title that holds the characters as typed comes first (titles merely like it may follow).
    for (const q of ['100%', 'g_th', 'lig_', 'thuis?', '(echt)', '[zeker]', '] \\ "', '"quotes"', "'apostrof'"]) expect((await titles(q))[0], q).toBe(pct);
    expect(likeLiteral('a%b_c\\d')).toBe('a\\%b\\_c\\\\d');
  });

  it('refuses a very long text with a 400, and takes odd characters without failing', async () => {
    const long = await get('hechting '.repeat(2000));
    expect(long.status).toBe(400);
    expect(long.headers.get('Cache-Control')).toBe('no-store');
    expect((await get('h'.repeat(SUGGEST_MAX + 1))).status).toBe(400);
    expect((await get('h'.repeat(SUGGEST_MAX))).status).toBe(200);
    for (const q of ['😀😀😀', 'ü\u0301ber', '\u202Ehech', 'hech\u0007ting', '<script>alert(1)</script>']) expect((await get(q)).status, q).toBe(200);
    // An address that is not UTF-8, and the same parameter twice.
    expect((await t.app.request('/zoeken/suggesties?q=%FF%FEhech')).status).toBeLessThan(500);
    expect((await t.app.request('/zoeken/suggesties?q=hech&q=x')).status).toBe(200);
  });

  it('is cached a minute, and answers 304 for its ETag until content changes', async () => {
    const first = await get('hech');
    expect(first.headers.get('Cache-Control')).toBe('public, max-age=60');
    const etag = first.headers.get('ETag');
    expect(etag).toMatch(/^"zs-.+-\d+"$/);
    const again = await get('hech', { 'If-None-Match': etag as string });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('ETag')).toBe(etag);
    expect(again.headers.get('Cache-Control')).toBe('public, max-age=60');
    // A weak validator and a list of them match too; another does not.
    expect((await get('hech', { 'If-None-Match': `"x", W/${etag}` })).status).toBe(304);
    expect((await get('hech', { 'If-None-Match': '"zs-other"' })).status).toBe(200);
    // New content: a new version, a new ETag, the new title suggested.
    await doc('nieuw', 'Hechtingsnieuws');
    await t.deps.database.db.transaction((tx) => bumpContentVersion(tx));
    t.deps.contentVersion.invalidate();
    const changed = await get('hech', { 'If-None-Match': etag as string });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('ETag')).not.toBe(etag);
    expect((await changed.json()).map((s: Suggestion) => s.title)).toContain('Hechtingsnieuws');
  });

  it('shares the search gate: when searches queue too long, a 503 that no one caches', async () => {
    const gate = t.deps.searchGate;
    // A gate that lets nothing through and gives up at once.
    t.deps.searchGate = new Gate(0, 1);
    try {
      const res = await get('hechtingsbusy');
      expect(res.status).toBe(503);
      expect(res.headers.get('Retry-After')).toBe('2');
      expect(res.headers.get('Cache-Control')).toBe('no-store');
      expect(await res.json()).toEqual([]);
    } finally {
      t.deps.searchGate = gate;
    }
  });

  it('leaves the server-rendered form a plain form, with the script beside it', async () => {
    const html = await (await t.app.request('/zoeken')).text();
    expect(html).not.toContain('role="combobox"');
    expect(html).toContain('<form class="hw-search" method="get" action="/zoeken" data-suggest="/zoeken/suggesties">');
    expect(html).toContain(`<script type="module" src="${suggestScript.path}"></script>`);
    const script = await t.app.request(suggestScript.path);
    expect(script.status).toBe(200);
    expect(script.headers.get('Content-Type')).toMatch(/^text\/javascript/);
    // A small script: under 3.5 KB as written, without minifying (3 KB until it kept what was typed for Back).
    const size = readFileSync(new URL('./suggest.client.js', import.meta.url)).byteLength;
    expect(size).toBeLessThan(3.5 * 1024);
    expect(await script.text()).not.toMatch(/\bimport\b/);
  });
});
