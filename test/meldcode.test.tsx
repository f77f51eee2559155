import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide, nextScreen, postedStateSchema } from '../src/meldcode/service.ts';
import { type Answer, OUTCOMES, type OutcomeId, QUESTIONS, STEPS } from '../src/meldcode/steps.ts';
import { createTestApp, tableCounts } from './helpers.ts';

/**
 * The afwegingskader written out by hand, independent of the code: for every combination of
 * answers to the five questions (j = ja, n = nee), how many questions are asked before the advice,
 * and which advice. Answers after the advice are never asked.
 */
const TABLE: [string, number, OutcomeId][] = [
  ['jjjjj', 2, 'melden-onveilig'],
  ['jjjjn', 2, 'melden-onveilig'],
  ['jjjnj', 2, 'melden-onveilig'],
  ['jjjnn', 2, 'melden-onveilig'],
  ['jjnjj', 2, 'melden-onveilig'],
  ['jjnjn', 2, 'melden-onveilig'],
  ['jjnnj', 2, 'melden-onveilig'],
  ['jjnnn', 2, 'melden-onveilig'],
  ['jnjjj', 5, 'hulp-en-volgen'],
  ['jnjjn', 5, 'melden-onvoldoende-resultaat'],
  ['jnjnj', 4, 'melden-geen-medewerking'],
  ['jnjnn', 4, 'melden-geen-medewerking'],
  ['jnnjj', 3, 'melden-geen-passende-hulp'],
  ['jnnjn', 3, 'melden-geen-passende-hulp'],
  ['jnnnj', 3, 'melden-geen-passende-hulp'],
  ['jnnnn', 3, 'melden-geen-passende-hulp'],
  ['njjjj', 1, 'geen-vermoeden'],
  ['njjjn', 1, 'geen-vermoeden'],
  ['njjnj', 1, 'geen-vermoeden'],
  ['njjnn', 1, 'geen-vermoeden'],
  ['njnjj', 1, 'geen-vermoeden'],
  ['njnjn', 1, 'geen-vermoeden'],
  ['njnnj', 1, 'geen-vermoeden'],
  ['njnnn', 1, 'geen-vermoeden'],
  ['nnjjj', 1, 'geen-vermoeden'],
  ['nnjjn', 1, 'geen-vermoeden'],
  ['nnjnj', 1, 'geen-vermoeden'],
  ['nnjnn', 1, 'geen-vermoeden'],
  ['nnnjj', 1, 'geen-vermoeden'],
  ['nnnjn', 1, 'geen-vermoeden'],
  ['nnnnj', 1, 'geen-vermoeden'],
  ['nnnnn', 1, 'geen-vermoeden'],
];

const toAnswers = (code: string): Answer[] => [...code].map((ch) => (ch === 'j' ? 'ja' : 'nee'));

describe('afwegingskader decision rules', () => {
  it('the table covers all 2^5 answer combinations once', () => {
    expect(new Set(TABLE.map(([code]) => code)).size).toBe(32);
  });

  it.each(TABLE)('%s: asks %i question(s), then advises %s', (code, asked, outcome) => {
    const answers = toAnswers(code);
    // Before the advice: the questions in order, one by one.
    for (let k = 0; k < asked; k++) {
      const d = decide(answers.slice(0, k));
      expect(d?.kind).toBe('question');
      expect(d?.kind === 'question' ? d.question.id : undefined).toBe(QUESTIONS[k]?.id);
    }
    const end = decide(answers.slice(0, asked));
    expect(end?.kind).toBe('advice');
    expect(end?.kind === 'advice' ? end.outcome.id : undefined).toBe(outcome);
    // An answer past the advice is not a state the afwegingskader can be in.
    if (asked < 5) expect(decide(answers.slice(0, asked + 1))).toBeUndefined();
  });

  it('every "nee" after the first question leads to a report, and at the safety question "ja" does', () => {
    for (let q = 2; q <= 5; q++) {
      const reach = toAnswers(`jn${'j'.repeat(Math.max(0, q - 3))}`).slice(0, q - 1);
      const reportAnswer: Answer = q === 2 ? 'ja' : 'nee';
      const d = decide([...reach, reportAnswer]);
      expect(d?.kind === 'advice' ? OUTCOMES[d.outcome.id].kind : 'question', `question ${q}`).toBe('melden');
    }
  });

  it('the posted-state schema refuses unknown fields, other values, gaps and answers past an end', () => {
    expect(postedStateSchema.safeParse({ vermoeden: 'ja', antwoord: 'nee' }).data).toEqual({ answers: ['ja'], current: 'nee', action: 'volgende' });
    expect(postedStateSchema.safeParse({}).data).toEqual({ answers: [], current: undefined, action: 'volgende' });
    for (const bad of [
      { naam: 'Jan' },
      { antwoord: 'misschien' },
      { vermoeden: 'Ja' },
      { vermoeden: ['ja', 'nee'] },
      { vermoeden: 'ja', hulp: 'ja' },
      { vermoeden: 'nee', veiligheid: 'nee' },
      { actie: 'springen' },
    ]) {
      expect(postedStateSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(nextScreen({ vermoeden: 'nee', antwoord: 'ja' })).toEqual({ kind: 'invalid' });
  });
});

const TODAY = '2026-11-28';
const GUIDE = '/meldcode/afwegingskader';

const mainOf = (html: string) => html.slice(html.indexOf('<main'), html.indexOf('</main>'));
const hiddenFields = (html: string): [string, string][] =>
  [...mainOf(html).matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [m[1] as string, m[2] as string]);
const legend = (html: string) => /<legend><h2 class="utrecht-heading-2">([^<]+)<\/h2><\/legend>/.exec(html)?.[1];
const checkedAnswer = (html: string) => /name="antwoord" value="(ja|nee)" checked/.exec(html)?.[1];

describe('Meldcode guide over HTTP', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp('pglite');
    t.clock.set(new Date(`${TODAY}T12:00:00Z`));
  });
  afterAll(() => t.close());

  const post = (fields: [string, string][], init: { body?: BodyInit; type?: string } = {}) =>
    t.app.request(GUIDE, {
      method: 'POST',
      body: init.body ?? new URLSearchParams(fields),
      headers: { 'Content-Type': init.type ?? 'application/x-www-form-urlencoded' },
    });

  /** Every screen of the guide: not stored anywhere, and the emergency numbers in the page itself. */
  async function expectGuideScreen(res: Response, status = 200): Promise<string> {
    expect(res.status).toBe(status);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    expect(res.headers.get('Set-Cookie')).toBeNull();
    expect(res.headers.get('ETag')).toBeNull();
    const html = await res.text();
    const main = mainOf(html);
    expect(main).toContain('<a href="tel:08002000">0800-2000</a>');
    expect(main).toContain('<a href="tel:112">112</a>');
    expect(main).toContain('dag en nacht');
    return html;
  }

  /** Follows the guide as a browser would: the hidden fields of each screen plus the chosen answer. */
  async function walk(path: Answer[]): Promise<{ screens: string[]; end: string }> {
    let html = await expectGuideScreen(await t.app.request(GUIDE));
    const screens = [html];
    for (const [i, a] of path.entries()) {
      expect(legend(html), `question ${i + 1}`).toBe(QUESTIONS[i]?.text);
      expect(hiddenFields(html)).toEqual(path.slice(0, i).map((p, j) => [QUESTIONS[j]?.id, p]));
      html = await expectGuideScreen(await post([...hiddenFields(html), ['antwoord', a], ['actie', 'volgende']]));
      screens.push(html);
    }
    return { screens, end: html };
  }

  it('the overview: five steps with what to do and record, links per step, sector versions, emergency numbers', async () => {
    const res = await t.app.request('/meldcode');
    expect(res.status).toBe(200);
    expect(res.headers.get('Set-Cookie')).toBeNull();
    const html = await res.text();
    expect(html).toContain('<h1 class="utrecht-heading-1">Meldcode huiselijk geweld en kindermishandeling</h1>');
    expect(html.match(/class="hw-card hw-step"/g)).toHaveLength(5);
    const start = (n: number) => html.indexOf(`id="stap-${n}"`);
    const step = (n: number) => html.slice(start(n), n < 5 ? start(n + 1) : html.indexOf('</ol>', start(n)));
    for (const s of STEPS) {
      expect(step(s.number)).toContain(`Stap ${s.number}</span> ${s.title}`);
      expect(step(s.number)).toContain('Wat doe je?');
      expect(step(s.number)).toContain('Wat leg je vast?');
    }
    expect(step(1)).toContain('href="/signalenlijst"');
    expect(step(2)).toContain('href="/netwerk"');
    expect(step(2)).toContain('href="tel:08002000"');
    expect(step(2)).toContain('letselduiding');
    expect(step(4)).toContain('href="/meldcode/afwegingskader"');
    expect(html).toContain('Start het afwegingskader');
    for (const sector of ['kinderopvang', 'onderwijs', 'jeugdgezondheidszorg (JGZ)', 'huisartsen']) expect(html).toContain(sector);
    expect(html).toContain('meldcode van je eigen sector');
    expect(html).toMatch(/Sinds 2019 is het <strong>afwegingskader verplicht<\/strong>/);
    const main = mainOf(html);
    expect(main).toContain('0800-2000');
    expect(main).toContain('href="tel:112"');
    expect(html).toMatch(/<a href="\/meldcode" aria-current="page">Meldcode<\/a>/);
    expect(html).not.toContain('wordt nu gebouwd');
  });

  it('the first question: a form posting to itself, a fieldset with the question as legend, Ja and Nee, no way back yet', async () => {
    const html = await expectGuideScreen(await t.app.request(GUIDE));
    const main = mainOf(html);
    expect(main).toContain(`<form method="post" action="${GUIDE}"`);
    expect(legend(html)).toBe(QUESTIONS[0]?.text);
    expect(main).toMatch(/<label class="hw-choice" for="antwoord-ja"><input type="radio" id="antwoord-ja" name="antwoord" value="ja"\/>Ja<\/label>/);
    expect(main).toMatch(/<label class="hw-choice" for="antwoord-nee"><input type="radio" id="antwoord-nee" name="antwoord" value="nee"\/>Nee<\/label>/);
    expect(main).toContain('name="actie" value="volgende"');
    expect(main).not.toContain('value="terug"');
    expect(hiddenFields(html)).toEqual([]);
    expect(html).toContain('aria-label="Kruimelpad"');
    expect(html).toMatch(/<span aria-current="page">Afwegingskader<\/span>/);
  });

  const PATHS: [string, Answer[], OutcomeId, string][] = [
    ['no suspicion', ['nee'], 'geen-vermoeden', 'Geen vermoeden: je sluit de meldcode af'],
    ['report at question 2 (unsafety)', ['ja', 'ja'], 'melden-onveilig', 'Meld bij Veilig Thuis'],
    ['report at question 3 (no adequate help)', ['ja', 'nee', 'nee'], 'melden-geen-passende-hulp', 'Meld bij Veilig Thuis'],
    ['report at question 4 (help not accepted)', ['ja', 'nee', 'ja', 'nee'], 'melden-geen-medewerking', 'Meld bij Veilig Thuis'],
    ['report at question 5 (not safe in time)', ['ja', 'nee', 'ja', 'ja', 'nee'], 'melden-onvoldoende-resultaat', 'Meld bij Veilig Thuis'],
    ['help and monitor', ['ja', 'nee', 'ja', 'ja', 'ja'], 'hulp-en-volgen', 'Bied of organiseer hulp en volg de effecten'],
  ];

  it.each(PATHS)('path "%s": step by step to the advice, with a dated, printable summary', async (_name, path, outcomeId, title) => {
    const before = await tableCounts(t.deps.database);
    t.logs.length = 0;
    const { end } = await walk(path);
    const main = mainOf(end);
    const outcome = OUTCOMES[outcomeId];
    expect(main).toContain(`data-outcome="${outcomeId}"`);
    expect(main).toContain(`Advies: ${title}`);
    expect(main).toContain(outcome.reason);
    expect(main).not.toContain('<fieldset');
    // The summary: today's date in Dutch, every question asked with its answer, the next steps.
    expect(main).toContain(`<time datetime="${TODAY}">28 november 2026</time>`);
    const rows = [...main.matchAll(/<tr><td>(\d)\. ([^<]+)<\/td><td><strong>(Ja|Nee)<\/strong><\/td><\/tr>/g)].map((m) => [Number(m[1]), m[2], m[3]]);
    expect(rows).toEqual(path.map((a, i) => [i + 1, QUESTIONS[i]?.text, a === 'ja' ? 'Ja' : 'Nee']));
    for (const s of outcome.nextSteps) expect(main).toContain(s.replace(/'/g, '&#39;'));
    if (outcome.kind === 'melden') expect(main).toContain('Bespreek de melding vooraf');
    if (outcomeId === 'melden-onveilig') expect(main).toContain('Is er acuut gevaar? Bel eerst 112.');
    if (outcomeId === 'geen-vermoeden') expect(main).toContain('Je hoeft niet te melden');
    if (outcomeId === 'hulp-en-volgen') {
      expect(main).toContain('Je hoeft nu niet te melden');
      expect(main).toContain('Doorloop het afwegingskader opnieuw');
    }
    // The buttons are not printed; "Vorige vraag" carries the answers, "Opnieuw beginnen" starts empty.
    expect(main).toMatch(/<div class="hw-actions hw-no-print"><form method="post" action="\/meldcode\/afwegingskader">/);
    expect(main).toContain('name="actie" value="terug"');
    expect(main).toContain(`<a class="utrecht-link" href="${GUIDE}">Opnieuw beginnen</a>`);
    expect(hiddenFields(end)).toEqual(path.map((a, i) => [QUESTIONS[i]?.id, a]));
    // Nothing stored, nothing of the answers in the log.
    expect(await tableCounts(t.deps.database)).toEqual(before);
    const logged = t.logs.join('\n');
    expect(logged).toContain(`"path":"${GUIDE}"`);
    for (const word of ['nee', 'antwoord', 'vermoeden', 'veiligheid', 'medewerking', 'resultaat', 'melden', 'actie']) expect(logged).not.toContain(word);
  });

  it('the date on the summary is today in Amsterdam, also just before midnight UTC', async () => {
    t.clock.set(new Date('2026-12-31T23:30:00Z'));
    try {
      const html = await expectGuideScreen(await post([['antwoord', 'nee']]));
      expect(mainOf(html)).toContain('<time datetime="2027-01-01">1 januari 2027</time>');
    } finally {
      t.clock.set(new Date(`${TODAY}T12:00:00Z`));
    }
  });

  it('"Vorige vraag" goes back one question, keeps the earlier answers and shows the answer given there', async () => {
    const { screens } = await walk(['ja', 'nee']);
    const atThree = screens[2] as string;
    expect(legend(atThree)).toBe(QUESTIONS[2]?.text);
    expect(mainOf(atThree)).toContain('Je antwoorden tot nu toe');
    // Back from question 3, with an answer already chosen there (it is not kept).
    const back = await expectGuideScreen(await post([...hiddenFields(atThree), ['antwoord', 'ja'], ['actie', 'terug']]));
    expect(legend(back)).toBe(QUESTIONS[1]?.text);
    expect(hiddenFields(back)).toEqual([['vermoeden', 'ja']]);
    expect(checkedAnswer(back)).toBe('nee');
    // Change the answer: now question 2 leads to a report.
    const changed = await expectGuideScreen(await post([...hiddenFields(back), ['antwoord', 'ja']]));
    expect(mainOf(changed)).toContain('data-outcome="melden-onveilig"');
    // Back from the end screen: to the last question, the earlier answers kept.
    const fromEnd = await expectGuideScreen(await post([...hiddenFields(changed), ['actie', 'terug']]));
    expect(legend(fromEnd)).toBe(QUESTIONS[1]?.text);
    expect(hiddenFields(fromEnd)).toEqual([['vermoeden', 'ja']]);
    expect(checkedAnswer(fromEnd)).toBe('ja');
    // Back twice reaches the first question, with nothing carried.
    const first = await expectGuideScreen(await post([...hiddenFields(fromEnd), ['actie', 'terug']]));
    expect(legend(first)).toBe(QUESTIONS[0]?.text);
    expect(hiddenFields(first)).toEqual([]);
    expect(checkedAnswer(first)).toBe('ja');
  });

  it('"Volgende" without a choice: the same question again with an error summary linking to the first option', async () => {
    const html = await expectGuideScreen(
      await post([
        ['vermoeden', 'ja'],
        ['actie', 'volgende'],
      ]),
      400,
    );
    const main = mainOf(html);
    expect(main).toContain('Er is een probleem');
    expect(main).toContain('<a href="#antwoord-ja">Kies ja of nee.</a>');
    expect(main).toContain('id="antwoord-ja"');
    expect(main).toContain('<p class="hw-field-error" id="antwoord-error">Kies ja of nee.</p>');
    expect(legend(html)).toBe(QUESTIONS[1]?.text);
    expect(hiddenFields(html)).toEqual([['vermoeden', 'ja']]);
    expect(html).toContain('<title>Fout: Afwegingskader, vraag 2 | Hechtwerk</title>');
  });

  it('posting an end screen again shows the same advice', async () => {
    const html = await expectGuideScreen(await post([['vermoeden', 'nee']]));
    expect(mainOf(html)).toContain('data-outcome="geen-vermoeden"');
  });

  it.each([
    ['an unknown field', [['naam', 'Jan de Vries']]],
    [
      'an unknown field next to valid answers',
      [
        ['vermoeden', 'ja'],
        ['antwoord', 'ja'],
        ['__proto__', 'ja'],
      ],
    ],
    ['the value "misschien" as the answer', [['antwoord', 'misschien']]],
    [
      'the value "misschien" in an earlier answer',
      [
        ['vermoeden', 'misschien'],
        ['antwoord', 'ja'],
      ],
    ],
    [
      'a question skipped',
      [
        ['vermoeden', 'ja'],
        ['hulp', 'ja'],
        ['antwoord', 'ja'],
      ],
    ],
    ['only a later question answered', [['resultaat', 'ja']]],
    [
      'an answer past the end',
      [
        ['vermoeden', 'nee'],
        ['antwoord', 'ja'],
      ],
    ],
    [
      'earlier answers past the end',
      [
        ['vermoeden', 'ja'],
        ['veiligheid', 'ja'],
        ['hulp', 'nee'],
      ],
    ],
    [
      'the same question twice',
      [
        ['vermoeden', 'ja'],
        ['vermoeden', 'nee'],
        ['antwoord', 'ja'],
      ],
    ],
    [
      'an unknown action',
      [
        ['antwoord', 'ja'],
        ['actie', 'springen'],
      ],
    ],
  ] as [string, [string, string][]][])('tampered state (%s): a calm Dutch 400 with a way to start again', async (_name, fields) => {
    t.logs.length = 0;
    const html = await expectGuideScreen(await post(fields), 400);
    const main = mainOf(html);
    expect(main).toContain('Begin het afwegingskader opnieuw');
    expect(main).toContain('De antwoorden in het formulier passen niet bij de vragen van het afwegingskader.');
    expect(main).toContain(`href="${GUIDE}"`);
    expect(main).not.toContain('<fieldset');
    expect(html).not.toContain('Er ging iets mis aan onze kant');
    expect(t.logs.join('\n')).not.toContain('misschien');
    expect(t.logs.some((l) => l.includes('"level":50'))).toBe(false);
  });

  it('a body that is not a form is refused as a bad request, not an error of ours', async () => {
    const html = await expectGuideScreen(await post([], { body: '--x\r\nkapot', type: 'multipart/form-data; boundary=x' }), 400);
    expect(mainOf(html)).toContain('Begin het afwegingskader opnieuw');
  });

  it('no guide page has inline script or style, and no question control is without a label', async () => {
    for (const path of [['ja'], ['ja', 'nee', 'ja']] as Answer[][]) {
      const { screens } = await walk(path);
      for (const html of screens) {
        expect(html).not.toMatch(/<script/);
        expect(html).not.toMatch(/\sstyle="/);
        for (const m of mainOf(html).matchAll(/<input type="radio" id="([^"]+)"/g)) expect(html).toContain(`<label class="hw-choice" for="${m[1]}">`);
      }
    }
  });
});
