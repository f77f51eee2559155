// Generated Dutch documents and queries for bench:search, the same every run (a seeded generator).
let seed = 0x5eed;
const rand = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)] as T;
// The domain's words first (more frequent), then everyday Dutch.
const VOCABULARY = (
  'kind ouder hechting signaal zorg veiligheid gedrag baby peuter jeugd gezin moeder vader ontwikkeling professional ' +
  'meldcode kindermishandeling verwaarlozing huiselijk geweld scheiding echtscheiding conflict stress trauma angst ' +
  'observatie gesprek verpleegkundige kraamzorg verloskundige huisarts consultatiebureau kinderopvang school leerkracht ' +
  'wijkteam jeugdarts jeugdzorg training cursus bijeenkomst richtlijn onderzoek bron hechtingsstoornis gehechtheid ' +
  'sensitiviteit responsiviteit opvoeding opvoeder pleegzorg adoptie armoede schulden verslaving psychiatrie depressie ' +
  'zwangerschap geboorte eerste duizend dagen kansrijke start preventie ondersteuning hulpverlening samenwerking netwerk ' +
  'regio gemeente aandachtsfunctionaris afwegingskader melding advies veilig thuis risico bescherming welzijn emotie ' +
  'troost huilen slapen voeding spelen taal motoriek contact afstand nabijheid vertrouwen grens regels structuur ' +
  'rust ritme aandacht steun luisteren praten vragen zorgen twijfel vermoeden handelen stappen plan evaluatie ' +
  'dossier privacy toestemming informatie delen overleg casus voorbeeld ervaring praktijk kennis vaardigheid ' +
  'huis buurt familie grootouder broer zus vriend leeftijd maand jaar week dag ochtend avond moment situatie ' +
  'verandering verhuizing ziekte ziekenhuis opname verlies rouw overlijden migratie taalbarrière cultuur religie ' +
  'werk baan inkomen woning wachtlijst verwijzing behandeling therapie begeleiding coaching groep ouderschap ' +
  'communicatie omgangsregeling rechter mediation loyaliteit spanning ruzie verdriet boosheid schaamte schuld ' +
  'weerbaarheid veerkracht zelfbeeld zelfstandigheid nieuwsgierigheid exploratie veilige basis gedragsprobleem ' +
  'agressie terugtrekken vermijden aanklampen overmatig weinig vaak soms altijd nooit opvallend zichtbaar signalenlijst'
)
  .split(' ')
  .filter(Boolean);
// Function words: the Dutch configuration drops them, as it does in real text.
const FILLER = 'de het een en van in op met voor is zijn wordt worden dat die niet ook bij als naar om te aan door over kan kunnen'.split(' ');
const KINDS = ['theme', 'source', 'training', 'organisation'];

// Real text has a long tail: a few thousand rarer words (here Dutch-looking compounds of the
// domain words) after the common ones. Word frequency follows Zipf's law (s = 1) over that ranking,
// so "kind" is in nearly every document and most words are in a few dozen.
const COMPOUNDS = (() => {
  const out = new Set<string>();
  while (out.size < 6000) out.add(`${pick(VOCABULARY)}${pick(['', 's', 'en'])}${pick(VOCABULARY)}`);
  return [...out];
})();
const RANKED = [...VOCABULARY, ...COMPOUNDS];
const CDF = (() => {
  const weights = RANKED.map((_, r) => 1 / (r + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  let sum = 0;
  return weights.map((w) => (sum += w / total));
})();
function zipf(): string {
  const u = rand();
  let lo = 0;
  let hi = CDF.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((CDF[mid] as number) < u) lo = mid + 1;
    else hi = mid;
  }
  return RANKED[lo] as string;
}

const sentence = (words: number) => Array.from({ length: words }, () => (rand() < 0.45 ? pick(FILLER) : zipf())).join(' ');

export function documents(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const kind = pick(KINDS);
    const title = sentence(3 + Math.floor(rand() * 4)).replace(/^./, (c) => c.toUpperCase());
    return {
      kind,
      ref: `bench-${i}`,
      title,
      url: `/bench/${kind}/${i}`,
      summary: `${sentence(15 + Math.floor(rand() * 15))}.`,
      body: Array.from({ length: 4 + Math.floor(rand() * 8) }, () => `${sentence(12 + Math.floor(rand() * 14))}.`).join(' '),
    };
  });
}

/** What people type: mostly the domain's own words, sometimes a rarer one. */
const SEARCHED_COMPOUNDS = COMPOUNDS.slice(0, 2000);
const searchWord = () => (rand() < 0.7 ? pick(VOCABULARY) : pick(SEARCHED_COMPOUNDS));

/** Distinct queries in a realistic mix: one word (most), two words, a phrase, a word left out, page 2. */
export function queries(count: number, avoid = new Set<string>()): string[] {
  const out = new Set<string>();
  let guard = 0;
  while (out.size < count && guard++ < count * 50) {
    const r = rand();
    let q: string;
    if (r < 0.35) q = searchWord();
    else if (r < 0.8) q = `${searchWord()} ${searchWord()}`;
    else if (r < 0.88) q = `"${searchWord()} ${searchWord()}"`;
    else if (r < 0.94) q = `${searchWord()} -${searchWord()}`;
    else q = `${searchWord()} ${searchWord()} ${searchWord()}`;
    const page = rand() < 0.1 ? 2 : 1;
    const path = `/zoeken?q=${encodeURIComponent(q)}${page > 1 ? `&p=${page}` : ''}`;
    if (!avoid.has(path)) out.add(path);
  }
  return [...out];
}
