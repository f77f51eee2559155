import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, tableCounts } from '../../test/helpers.ts';
import { decide, GUIDES, type GuideId, NOTE_MAX, nextScreen, postedStateSchema } from './service.ts';
import { type Answer, OUTCOMES, type OutcomeId, QUESTIONS, STEPS } from './steps.ts';

/**
 * The afwegingskader (NJi, "Het afwegingskader in de meldcode"; ../shared/meldcode.md) written out by
 * hand, independent of the code: for every combination of answers to questions 1–4 (j = ja,
 * n = nee, t = ik twijfel, only at question 1), how many questions are asked before the advice, and
 * which advice. Question 5 is never asked right after question 4: it is the evaluation, later.
 */
const TABLE: [string, number, OutcomeId][] = [
  ['jjjj', 2, 'melden-onveilig'],
  ['jjjn', 2, 'melden-onveilig'],
  ['jjnj', 2, 'melden-onveilig'],
  ['jjnn', 2, 'melden-onveilig'],
  ['jnjj', 4, 'hulp-bieden'],
  ['jnjn', 4, 'melden-geen-medewerking'],
  ['jnnj', 3, 'melden-geen-passende-hulp'],
  ['jnnn', 3, 'melden-geen-passende-hulp'],
  ['njjj', 1, 'geen-vermoeden'],
  ['njjn', 1, 'geen-vermoeden'],
  ['njnj', 1, 'geen-vermoeden'],
  ['njnn', 1, 'geen-vermoeden'],
  ['nnjj', 1, 'geen-vermoeden'],
  ['nnjn', 1, 'geen-vermoeden'],
  ['nnnj', 1, 'geen-vermoeden'],
  ['nnnn', 1, 'geen-vermoeden'],
  ['tjjj', 1, 'twijfel'],
  ['tjjn', 1, 'twijfel'],
  ['tjnj', 1, 'twijfel'],
  ['tjnn', 1, 'twijfel'],
  ['tnjj', 1, 'twijfel'],
  ['tnjn', 1, 'twijfel'],
  ['tnnj', 1, 'twijfel'],
  ['tnnn', 1, 'twijfel'],
];

/** Question 5, the evaluation entry. */
const EVALUATION_TABLE: [string, OutcomeId][] = [
  ['j', 'hulp-afsluiten'],
  ['n', 'melden-onvoldoende-resultaat'],
];

/** Every way of saying "no need to report" that must never appear in an advice. */
const NO_REPORT_NEEDED = /hoeft\s+(nu\s+)?niet|niet\s+(te\s+)?melden|geen\s+melding|melden\s+is\s+niet/i;

const ANSWER_OF: Record<string, Answer> = { j: 'ja', n: 'nee', t: 'twijfel' };
const toAnswers = (code: string): Answer[] => [...code].map((ch) => ANSWER_OF[ch] as Answer);

/** What each advice must and must never say, written from the model, not from the code. */
const OUTCOME_KIND: Record<OutcomeId, 'melden' | 'overleggen' | 'hulp' | 'afsluiten'> = {
  'geen-vermoeden': 'afsluiten',
  twijfel: 'overleggen',
  'melden-onveilig': 'melden',
  'melden-geen-passende-hulp': 'melden',
  'melden-geen-medewerking': 'melden',
  'hulp-bieden': 'hulp',
  'melden-onvoldoende-resultaat': 'melden',
  'hulp-afsluiten': 'afsluiten',
  'bijzondere-vorm': 'overleggen',
};

describe('afwegingskader decision rules', () => {
  const main = GUIDES.afwegingskader;
  const evaluation = GUIDES.evaluatie;

  it('the table covers every combination of answers once', () => {
    expect(new Set(TABLE.map(([code]) => code)).size).toBe(3 * 2 * 2 * 2);
    expect(new Set(Object.keys(OUTCOMES))).toEqual(new Set(Object.keys(OUTCOME_KIND)));
  });

  it.each(TABLE)('%s: asks %i question(s), then advises %s', (code, asked, outcome) => {
    const answers = toAnswers(code);
    for (let k = 0; k < asked; k++) {
      const d = decide(main, answers.slice(0, k));
      expect(d?.kind === 'question' ? d.question.number : undefined).toBe(k + 1);
    }
    const end = decide(main, answers.slice(0, asked));
    expect(end?.kind === 'advice' ? end.outcome.id : undefined).toBe(outcome);
    // An answer past the advice is not a state the afwegingskader can be in.
    if (asked < 4) expect(decide(main, answers.slice(0, asked + 1))).toBeUndefined();
  });

  it.each(EVALUATION_TABLE)('evaluation %s: advises %s', (code, outcome) => {
    const first = decide(evaluation, []);
    expect(first?.kind === 'question' ? first.question.number : undefined).toBe(5);
    const end = decide(evaluation, toAnswers(code));
    expect(end?.kind === 'advice' ? end.outcome.id : undefined).toBe(outcome);
  });

  it('"ik twijfel" is an answer to question 1 only', () => {
    expect(decide(main, ['ja', 'twijfel'])).toBeUndefined();
    expect(decide(evaluation, ['twijfel'])).toBeUndefined();
    expect(QUESTIONS.map((q) => q.answers.includes('twijfel'))).toEqual([true, false, false, false, false]);
  });

  it('no advice ever tells a professional that there is no need to report', () => {
    for (const outcome of Object.values(OUTCOMES)) {
      const text = [outcome.title, outcome.reason, ...outcome.advice, ...outcome.nextSteps].join(' ').toLowerCase();
      expect(text, outcome.id).not.toMatch(NO_REPORT_NEEDED);
      expect(outcome.kind, outcome.id).toBe(OUTCOME_KIND[outcome.id]);
    }
  });

  it('the posted-state schema refuses unknown fields, other values, gaps and answers past an end', () => {
    const schema = postedStateSchema(main);
    expect(schema.safeParse({ vermoeden: 'ja', antwoord: 'nee' }).data).toMatchObject({ current: 'nee', currentNote: '', action: 'volgende' });
    for (const bad of [
      { naam: 'Jan' },
      { antwoord: 'misschien' },
      { vermoeden: 'Ja' },
      { vermoeden: ['ja', 'nee'] },
      { vermoeden: 'ja', hulp: 'ja' },
      { vermoeden: 'nee', veiligheid: 'nee' },
      { vermoeden: 'ja', veiligheid: 'twijfel' },
      { resultaat: 'ja' },
      { 'afweging-vermoeden': 'zonder antwoord' },
      { vermoeden: 'ja', 'afweging-vermoeden': 'x'.repeat(NOTE_MAX + 1) },
      { actie: 'springen' },
    ]) {
      expect(schema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(nextScreen(main, { vermoeden: 'nee', antwoord: 'ja' })).toEqual({ kind: 'invalid', guide: main });
    expect(nextScreen(main, { vermoeden: 'ja', antwoord: 'twijfel' })).toEqual({ kind: 'invalid', guide: main });
    expect(nextScreen(evaluation, { actie: 'bijzondere-vorm' })).toEqual({ kind: 'invalid', guide: evaluation });
  });

  it('a line break counts as one character, as the browser counts it for maxlength; one character more is refused', () => {
    // NOTE_MAX characters once CR LF is one: accepted, with the line break kept.
    const fits = `${'a'.repeat(NOTE_MAX - 2)}\r\nb`;
    const screen = nextScreen(main, { antwoord: 'ja', afweging: fits });
    expect(screen.kind).toBe('question');
    if (screen.kind === 'question') expect(screen.answers[0]?.note).toBe(`${'a'.repeat(NOTE_MAX - 2)}\nb`);
    // One more character: the same question again, with the message and the text kept.
    const over = `${fits}c`;
    const refused = nextScreen(main, { antwoord: 'ja', afweging: over });
    expect(refused.kind === 'question' ? [refused.question.number, refused.errors?.afweging, refused.note] : refused.kind).toEqual([
      1,
      expect.stringContaining('te lang'),
      `${'a'.repeat(NOTE_MAX - 2)}\nbc`,
    ]);
  });
});

const TODAY = '2026-11-28';
const GUIDE = GUIDES.afwegingskader.path;
const EVALUATION = GUIDES.evaluatie.path;

const mainOf = (html: string) => html.slice(html.indexOf('<main'), html.indexOf('</main>'));
const decodeAttr = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
/** The hidden state of the screen's own form (not of the special-forms exit, which carries the same answers). */
const hiddenFields = (html: string): [string, string][] =>
  [
    ...(/<form method="post"(?![^>]*class="hw-special")[^>]*>([\s\S]*?)<\/form>/.exec(mainOf(html))?.[1] ?? '').matchAll(
      /<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g,
    ),
  ].map((m) => [m[1] as string, decodeAttr(m[2] as string)]);
/** The fields the special-forms exit sends: its hidden state and its button. */
const specialFormFields = (html: string): [string, string][] => {
  const form = /<form method="post"[^>]*class="hw-special">([\s\S]*?)<\/form>/.exec(mainOf(html))?.[1] ?? '';
  const hidden = [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map(
    (m) => [m[1] as string, decodeAttr(m[2] as string)] as [string, string],
  );
  const button = /<button type="submit" name="actie" value="([^"]+)"/.exec(form)?.[1];
  return button ? [...hidden, ['actie', button]] : hidden;
};
const legend = (html: string) => /<legend><h2 class="utrecht-heading-2">([^<]+)<\/h2><\/legend>/.exec(html)?.[1];
const checkedAnswer = (html: string) => /name="antwoord" value="(ja|nee|twijfel)" checked/.exec(html)?.[1];
const textareaOf = (html: string) => decodeAttr(/<textarea[^>]*name="afweging"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)?.[1] ?? '');
const count = (html: string, needle: string) => html.split(needle).length - 1;

/**
 * Every path through the guide, as a professional walks it: each step is an answer (with a
 * reasoning typed beside it) or the early exit for the special forms. Expected outcomes come from
 * the model, not from the code.
 */
const PATHS: [string, GuideId, string[], OutcomeId][] = [
  ['no suspicion', 'afwegingskader', ['nee'], 'geen-vermoeden'],
  ['doubt at question 1', 'afwegingskader', ['twijfel'], 'twijfel'],
  ['acute or structural unsafety', 'afwegingskader', ['ja', 'ja'], 'melden-onveilig'],
  ['no effective help possible', 'afwegingskader', ['ja', 'nee', 'nee'], 'melden-geen-passende-hulp'],
  ['help not accepted', 'afwegingskader', ['ja', 'nee', 'ja', 'nee'], 'melden-geen-medewerking'],
  ['help accepted: offer help, evaluate later', 'afwegingskader', ['ja', 'nee', 'ja', 'ja'], 'hulp-bieden'],
  ['evaluation: help did not lead to safety', 'evaluatie', ['nee'], 'melden-onvoldoende-resultaat'],
  ['evaluation: help led to safety', 'evaluatie', ['ja'], 'hulp-afsluiten'],
  ['special form, at question 1', 'afwegingskader', ['bijzondere-vorm'], 'bijzondere-vorm'],
  ['special form, found at question 3', 'afwegingskader', ['ja', 'nee', 'bijzondere-vorm'], 'bijzondere-vorm'],
];

/** What a professional must never read on an outcome. */
const MUST_NOT_SAY: Partial<Record<OutcomeId, string[]>> = {
  // The special forms: never the parents first, and no report "discussed beforehand".
  'bijzondere-vorm': ['Bespreek de melding vooraf', 'Bespreek je zorgen met de ouders'],
  // Offering help does not close the meldcode: question 5 is still to come.
  'hulp-bieden': ['sluit de meldcode af', 'Sluit de hulp af'],
};

/** What a professional must read on each outcome (independent phrases from the model). */
const MUST_SAY: Record<OutcomeId, string[]> = {
  'geen-vermoeden': ['Leg in het dossier vast', 'Twijfel je toch? Bel dan Veilig Thuis'],
  twijfel: ['Overleg met Veilig Thuis of met de aandachtsfunctionaris', 'kan anoniem', 'Beantwoord vraag 1 daarna opnieuw', 'Terug naar vraag 1'],
  'melden-onveilig': ['Meld bij Veilig Thuis', 'Vraag 3, 4 en 5 van het afwegingskader loop je daarna samen met Veilig Thuis door', 'Bel eerst 112'],
  'melden-geen-passende-hulp': ['Meld bij Veilig Thuis', 'woonplaats van het kind', 'bij eergerelateerd geweld, huwelijksdwang'],
  'melden-geen-medewerking': ['Meld bij Veilig Thuis', 'woonplaats van het kind'],
  'hulp-bieden': ['Hulp bieden of organiseren', 'evaluatiemoment', 'type="date" id="evaluatiemoment"', `href="${EVALUATION}"`, 'Meld dan alsnog'],
  'melden-onvoldoende-resultaat': ['Meld (opnieuw) bij Veilig Thuis'],
  'hulp-afsluiten': ['Sluit de hulp af', 'afspraken', 'nieuwe onveiligheid'],
  'bijzondere-vorm': ['Neem direct contact op met Veilig Thuis', 'niet eerst met de ouders'],
};

describe('Meldcode guide over HTTP', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp('embedded');
    t.clock.set(new Date(`${TODAY}T12:00:00Z`));
  });
  afterAll(() => t.close());

  const post = (path: string, fields: [string, string][], init: { body?: BodyInit; type?: string } = {}) =>
    t.app.request(path, {
      method: 'POST',
      body: init.body ?? new URLSearchParams(fields),
      headers: { 'Content-Type': init.type ?? 'application/x-www-form-urlencoded' },
    });

  /** Every screen of the guide: private to the browser, no cookie, no shared cache. */
  async function expectGuideScreen(res: Response, status = 200): Promise<string> {
    expect(res.status).toBe(status);
    expect(res.headers.get('Cache-Control')).toBe('private, no-cache');
    expect(res.headers.get('Set-Cookie')).toBeNull();
    return res.text();
  }

  const noteFor = (step: number) => `Stap ${step}: "zorg" <b>& twijfel</b>\nTweede regel ${step}.`;

  /** Follows a path as a browser would: the hidden fields of each screen, plus the chosen answer and a reasoning. */
  async function walk(guide: GuideId, path: string[]): Promise<{ screens: string[]; end: string }> {
    const url = GUIDES[guide].path;
    let html = await expectGuideScreen(await t.app.request(url));
    const screens = [html];
    for (const [i, step] of path.entries()) {
      const q = GUIDES[guide].questions[i];
      if (step === 'bijzondere-vorm') {
        // The exit is a form of its own, carrying the same answers as the question's form.
        const exit = specialFormFields(html);
        expect(exit).toEqual([...hiddenFields(html), ['actie', 'bijzondere-vorm']]);
        html = await expectGuideScreen(await post(url, exit));
      } else {
        expect(legend(html), `question ${i + 1}`).toBe(QUESTIONS.find((x) => x.id === q)?.text);
        html = await expectGuideScreen(await post(url, [...hiddenFields(html), ['antwoord', step], ['afweging', noteFor(i + 1)], ['actie', 'volgende']]));
      }
      screens.push(html);
    }
    return { screens, end: html };
  }

  /** The acute routes' tel: targets and how each number is shown, on /meldcode and /netwerk alike. */
  const ACUTE_TELS = [
    ['08002000', '0800-2000'],
    ['112', '112'],
    ['08000188', '0800-0188'],
    ['08000432', '0800-0432'],
    ['09004445444', '0900-44 45 444'],
    ['09001113111', '0900-111 3 111'],
  ] as const;

  it('the network page lists the same acute routes, each with a tel: link and what it is for, and links to them from its top', async () => {
    const res = await t.app.request('/netwerk');
    expect(res.status).toBe(200);
    const main = mainOf(await res.text());
    const section = main.slice(main.indexOf('<section class="hw-notice hw-acute" id="direct-hulp"'));
    expect(section).toContain('Direct hulp of advies');
    for (const [tel, shown] of ACUTE_TELS) {
      expect(section).toContain(`<a href="tel:${tel}">${shown}</a>`);
    }
    expect(section).toContain('noem de woonplaats van het kind');
    expect(section).toContain('eerste 7 dagen');
    expect(section).toContain('Voor artsen');
    expect(main.indexOf('href="#direct-hulp"')).toBeGreaterThan(-1);
    expect(main.indexOf('href="#direct-hulp"')).toBeLessThan(main.indexOf('id="direct-hulp"'));
    expect(count(main, '0800-2000')).toBe(1);
  });

  it('the overview: acute routes, who is bound, five steps with their titles, Kindcheck, LECK and the special forms', async () => {
    const res = await t.app.request('/meldcode');
    expect(res.status).toBe(200);
    expect(res.headers.get('Set-Cookie')).toBeNull();
    const html = await res.text();
    const main = mainOf(html);
    expect(main).toContain('<h1 class="utrecht-heading-1">Meldcode huiselijk geweld en kindermishandeling</h1>');
    // The acute routes, each with a tel: link and what it is for.
    for (const [tel, shown] of ACUTE_TELS) {
      expect(main).toContain(`<a href="tel:${tel}">${shown}</a>`);
    }
    expect(main).toContain('noem de woonplaats van het kind');
    expect(main).toContain('eerste 7 dagen');
    expect(main).toContain('Voor artsen');
    expect(main).toContain('medewerker in het onderwijs of de kinderopvang');
    // Veilig Thuis's number once in the page's own content.
    expect(count(main, '0800-2000')).toBe(1);
    // Who is bound, and the 2019 norm.
    expect(main).toContain('<strong>organisaties en zelfstandige professionals</strong>');
    expect(main).toContain('gezondheidszorg, onderwijs, kinderopvang, maatschappelijke ondersteuning, jeugdhulp en justitie');
    expect(main).toContain('<strong>acute of structurele onveiligheid meld je altijd</strong>');
    // The steps.
    expect(html.match(/class="hw-card hw-step"/g)).toHaveLength(5);
    const start = (n: number) => html.indexOf(`id="stap-${n}"`);
    const step = (n: number) => html.slice(start(n), n < 5 ? start(n + 1) : html.indexOf('</ol>', start(n)));
    for (const s of STEPS) {
      expect(step(s.number)).toContain(`Stap ${s.number}</span> ${s.title}`);
      expect(step(s.number)).toContain('Wat doe je?');
      expect(step(s.number)).toContain('Wat leg je vast?');
    }
    expect(step(1)).toContain('Kindcheck');
    expect(step(1)).toContain('href="/signalenlijst"');
    expect(step(2)).toContain('letselduiding');
    expect(step(2)).toContain('LECK');
    expect(step(2)).toContain('0900-44 45 444');
    expect(step(2)).toContain('forensisch arts van de GGD');
    for (const n of [2, 3]) {
      expect(step(n)).toContain('eergerelateerd geweld, huwelijksdwang, vrouwelijke genitale verminking (meisjesbesnijdenis) of mensenhandel');
      expect(step(n)).toContain('bespreek je zorgen niet eerst met de ouders');
    }
    expect(step(4)).toContain('vraag 1 en 2');
    expect(step(4)).toContain(`href="${GUIDE}"`);
    expect(step(5)).toContain('is melden noodzakelijk, en is zelf hulp bieden of organiseren (ook) mogelijk?');
    expect(step(5)).toContain(`href="${EVALUATION}"`);
    expect(main).toContain('Direct naar het afwegingskader (stap 4 en 5)');
    expect(main).toContain('Start het afwegingskader');
    expect(main).toContain(`<a class="utrecht-link" href="${EVALUATION}">Evalueer de hulp met vraag 5</a>`);
    expect(main).not.toMatch(/stap 4<\/|\(stap 4\)/);
  });

  it('the first question: ja, nee and ik twijfel, a reasoning field, the special-forms exit, and no Veilig Thuis notice', async () => {
    const html = await expectGuideScreen(await t.app.request(GUIDE));
    const main = mainOf(html);
    expect(main).toContain(`<form method="post" action="${GUIDE}"`);
    expect(legend(html)).toBe(QUESTIONS[0]?.text);
    for (const [value, label] of [
      ['ja', 'Ja'],
      ['nee', 'Nee'],
      ['twijfel', 'Ik twijfel'],
    ]) {
      expect(main).toContain(
        `<label class="hw-choice" for="antwoord-${value}"><input type="radio" id="antwoord-${value}" name="antwoord" value="${value}"/>${label}</label>`,
      );
    }
    expect(main).toMatch(/<label class="utrecht-form-label" for="afweging">Mijn afweging \(niet verplicht\)<\/label>/);
    expect(main).toContain(`maxlength="${NOTE_MAX}"`);
    expect(main).toContain('name="actie" value="bijzondere-vorm"');
    expect(main).toContain('hoort bij stap 4 van de meldcode: wegen');
    expect(main).not.toContain('value="terug"');
    expect(hiddenFields(html)).toEqual([]);
    expect(main).not.toContain('0800-2000');
    expect(html).toMatch(/<span aria-current="page">Afwegingskader<\/span>/);
  });

  it('question 2 names the official definitions, including disclosure; questions 3 and 4 belong to step 5', async () => {
    const { screens } = await walk('afwegingskader', ['ja', 'nee', 'ja']);
    const q2 = mainOf(screens[1] as string);
    expect(legend(screens[1] as string)).toContain('Vermoed je, of weet je');
    for (const phrase of [
      'Acute onveiligheid',
      'direct fysiek gevaar',
      'seksueel geweld',
      'meest basale zorg',
      'acute crisis',
      'disclosure',
      'Structurele onveiligheid',
      'ook als er al hulp was',
    ]) {
      expect(q2).toContain(phrase);
    }
    expect(q2).toContain('aria-describedby="vraag-uitleg vraag-begrippen"');
    expect(mainOf(screens[2] as string)).toContain('hoort bij stap 5 van de meldcode: beslissen');
    expect(mainOf(screens[3] as string)).toContain('hoort bij stap 5 van de meldcode: beslissen');
    for (const s of screens) expect(mainOf(s)).not.toContain('0800-2000');
  });

  it.each(PATHS)('path "%s" (%s): step by step to the advice, with a dated, printable summary and every reasoning', async (_name, guide, path, outcomeId) => {
    const before = await tableCounts(t.deps.database);
    t.logs.length = 0;
    const { end } = await walk(guide, path);
    const main = mainOf(end);
    const outcome = OUTCOMES[outcomeId];
    expect(main).toContain(`data-outcome="${outcomeId}"`);
    expect(main).toContain(`Advies: ${outcome.title.replace(/&/g, '&amp;')}`);
    for (const phrase of MUST_SAY[outcomeId]) expect(main, phrase).toContain(phrase);
    for (const phrase of MUST_NOT_SAY[outcomeId] ?? []) expect(main, phrase).not.toContain(phrase);
    expect(main).not.toMatch(NO_REPORT_NEEDED);
    if (outcome.kind === 'melden') expect(main).toContain('Volgens de meldnorm van het afwegingskader meld je in deze situatie.');
    expect(main).not.toContain('<fieldset');
    expect(main).toContain(`<time datetime="${TODAY}">28 november 2026</time>`);
    expect(main).toContain(
      guide === 'evaluatie'
        ? 'stap 5: vraag 5 (evaluatie van de hulp)'
        : outcomeId === 'bijzondere-vorm'
          ? 'bijzondere vormen van geweld (stap 2 en 3)'
          : 'afwegingskader (stap 4 en 5)',
    );
    // Every answered question on the summary, with its reasoning, escaped and whole.
    const answered = path.filter((s) => s !== 'bijzondere-vorm');
    const items = [...main.matchAll(/<li value="(\d)"><p class="hw-answers__question">([^<]+)<\/p><p>Antwoord: <strong data-answer="(\w+)">/g)].map((m) => [
      Number(m[1]),
      m[3],
    ]);
    const first = guide === 'evaluatie' ? 5 : 1;
    expect(items).toEqual(answered.map((a, i) => [first + i, a]));
    for (let i = 0; i < answered.length; i++)
      expect(main).toContain(
        `Mijn afweging: ${noteFor(i + 1)
          .replace(/&/g, '&amp;')
          .replace(/</g, '&lt;')
          .replace(/>/g, '&gt;')
          .replace(/"/g, '&quot;')}`,
      );
    // Veilig Thuis once in the page's own content, in the notice; never on a bare question.
    expect(count(main, '0800-2000')).toBe(1);
    // The buttons are not printed, and carry the whole state.
    expect(main).toContain(`<div class="hw-actions hw-no-print"><form method="post" action="${GUIDES[guide].path}">`);
    expect(hiddenFields(end)).toEqual(
      answered.flatMap((a, i) => [
        [GUIDES[guide].questions[i], a],
        [`afweging-${GUIDES[guide].questions[i]}`, noteFor(i + 1)],
      ]),
    );
    // Nothing stored, nothing of the answers or the reasoning in the log.
    expect(await tableCounts(t.deps.database)).toEqual(before);
    const logged = t.logs.join('\n');
    expect(logged).toContain(`"path":"${GUIDES[guide].path}"`);
    for (const word of ['zorg', 'Tweede regel', 'antwoord', 'vermoeden', 'veiligheid', 'medewerking', 'resultaat', 'twijfel', 'actie']) {
      expect(logged).not.toContain(word);
    }
  });

  it('the date on the summary is today in Amsterdam, also just before midnight UTC', async () => {
    t.clock.set(new Date('2026-12-31T23:30:00Z'));
    try {
      const html = await expectGuideScreen(await post(GUIDE, [['antwoord', 'nee']]));
      expect(mainOf(html)).toContain('<time datetime="2027-01-01">1 januari 2027</time>');
    } finally {
      t.clock.set(new Date(`${TODAY}T12:00:00Z`));
    }
  });

  it('"Vorige vraag" goes back one question with the answer and reasoning given there; doubt goes back to question 1', async () => {
    const { screens } = await walk('afwegingskader', ['ja', 'nee']);
    const atThree = screens[2] as string;
    expect(legend(atThree)).toBe(QUESTIONS[2]?.text);
    expect(mainOf(atThree)).toContain('Je antwoorden tot nu toe');
    const back = await expectGuideScreen(await post(GUIDE, [...hiddenFields(atThree), ['antwoord', 'ja'], ['actie', 'terug']]));
    expect(legend(back)).toBe(QUESTIONS[1]?.text);
    expect(hiddenFields(back)).toEqual([
      ['vermoeden', 'ja'],
      ['afweging-vermoeden', noteFor(1)],
    ]);
    expect(checkedAnswer(back)).toBe('nee');
    expect(textareaOf(back)).toBe(noteFor(2));
    const changed = await expectGuideScreen(await post(GUIDE, [...hiddenFields(back), ['antwoord', 'ja'], ['afweging', 'Toch acuut.']]));
    expect(mainOf(changed)).toContain('data-outcome="melden-onveilig"');
    expect(mainOf(changed)).toContain('Mijn afweging: Toch acuut.');
    // From the doubt advice back to question 1, "Ik twijfel" still chosen.
    const doubt = await expectGuideScreen(
      await post(GUIDE, [
        ['antwoord', 'twijfel'],
        ['afweging', 'Ik weet het niet.'],
      ]),
    );
    const again = await expectGuideScreen(await post(GUIDE, [...hiddenFields(doubt), ['actie', 'terug']]));
    expect(legend(again)).toBe(QUESTIONS[0]?.text);
    expect(checkedAnswer(again)).toBe('twijfel');
    expect(textareaOf(again)).toBe('Ik weet het niet.');
    // From the special-forms advice back to the question where it was chosen.
    const special = await expectGuideScreen(await post(GUIDE, [...hiddenFields(atThree), ['actie', 'bijzondere-vorm']]));
    expect(mainOf(special)).toContain('data-outcome="bijzondere-vorm"');
    const resumed = await expectGuideScreen(await post(GUIDE, [...hiddenFields(special), ['actie', 'verder']]));
    expect(legend(resumed)).toBe(QUESTIONS[2]?.text);
  });

  it('"Volgende" without a choice: the same question again, the reasoning kept, an error summary linking to the first option', async () => {
    const html = await expectGuideScreen(
      await post(GUIDE, [
        ['vermoeden', 'ja'],
        ['afweging', 'Half getypt'],
        ['actie', 'volgende'],
      ]),
      400,
    );
    const main = mainOf(html);
    expect(main).toContain('Er is een probleem');
    expect(main).toContain('<a href="#antwoord-ja">Kies ja of nee.</a>');
    expect(main).toContain('<p class="hw-field-error" id="antwoord-error">Kies ja of nee.</p>');
    expect(legend(html)).toBe(QUESTIONS[1]?.text);
    expect(textareaOf(html)).toBe('Half getypt');
    expect(html).toContain('<title>Fout: Afwegingskader, vraag 2 | Hechtwerk</title>');
    const first = await expectGuideScreen(await post(GUIDE, [['actie', 'volgende']]), 400);
    expect(mainOf(first)).toContain('Kies ja, nee of ik twijfel.');
  });

  it('a reasoning over the limit: a Dutch message, the answer and the text kept, nothing lost', async () => {
    const long = 'x'.repeat(NOTE_MAX + 5);
    const html = await expectGuideScreen(
      await post(GUIDE, [
        ['vermoeden', 'ja'],
        ['antwoord', 'nee'],
        ['afweging', long],
      ]),
      400,
    );
    const main = mainOf(html);
    expect(main).toContain('<a href="#afweging">Je afweging is te lang: maximaal 2.000 tekens, en het zijn er nu 2.005. Maak hem korter.</a>');
    expect(main).toContain('aria-invalid="true"');
    expect(checkedAnswer(html)).toBe('nee');
    expect(textareaOf(html)).toBe(long);
    expect(legend(html)).toBe(QUESTIONS[1]?.text);
  });

  it('the evaluation entry stands on its own, reached from the overview and from the help advice', async () => {
    const html = await expectGuideScreen(await t.app.request(EVALUATION));
    const main = mainOf(html);
    expect(main).toContain('Evaluatie van de hulp: vraag 5 van het afwegingskader');
    expect(legend(html)).toBe(QUESTIONS[4]?.text);
    expect(main).not.toContain('value="twijfel"');
    expect(main).not.toContain('bijzondere-vorm');
    expect(html).toMatch(/<span aria-current="page">Evaluatie<\/span>/);
  });

  it.each([
    ['an unknown field', GUIDE, [['naam', 'Jan de Vries']]],
    [
      'an unknown field next to valid answers',
      GUIDE,
      [
        ['vermoeden', 'ja'],
        ['antwoord', 'ja'],
        ['__proto__', 'ja'],
      ],
    ],
    ['the value "misschien" as the answer', GUIDE, [['antwoord', 'misschien']]],
    [
      '"twijfel" at question 2',
      GUIDE,
      [
        ['vermoeden', 'ja'],
        ['antwoord', 'twijfel'],
      ],
    ],
    ['"twijfel" at question 5', EVALUATION, [['antwoord', 'twijfel']]],
    [
      'a question skipped',
      GUIDE,
      [
        ['vermoeden', 'ja'],
        ['hulp', 'ja'],
        ['antwoord', 'ja'],
      ],
    ],
    ['question 5 in the main guide', GUIDE, [['resultaat', 'ja']]],
    [
      'a reasoning without its answer',
      GUIDE,
      [
        ['afweging-veiligheid', 'misschien'],
        ['antwoord', 'ja'],
      ],
    ],
    [
      'an answer past the end',
      GUIDE,
      [
        ['vermoeden', 'nee'],
        ['antwoord', 'ja'],
      ],
    ],
    [
      'the same question twice',
      GUIDE,
      [
        ['vermoeden', 'ja'],
        ['vermoeden', 'nee'],
        ['antwoord', 'ja'],
      ],
    ],
    [
      'an unknown action',
      GUIDE,
      [
        ['antwoord', 'ja'],
        ['actie', 'springen'],
      ],
    ],
    ['the special forms exit in the evaluation', EVALUATION, [['actie', 'bijzondere-vorm']]],
  ] as [string, string, [string, string][]][])('tampered state (%s): a calm Dutch 400 with a way to start again', async (_name, path, fields) => {
    t.logs.length = 0;
    const html = await expectGuideScreen(await post(path, fields), 400);
    const main = mainOf(html);
    expect(main).toContain('Begin het afwegingskader opnieuw');
    expect(main).toContain(`href="${path}"`);
    expect(main).not.toContain('<fieldset');
    expect(html).not.toContain('Er ging iets mis aan onze kant');
    expect(t.logs.join('\n')).not.toContain('misschien');
    expect(t.logs.some((l) => l.includes('"level":50'))).toBe(false);
  });

  it('a body that is not a form is refused as a bad request, not an error of ours', async () => {
    const html = await expectGuideScreen(await post(GUIDE, [], { body: '--x\r\nkapot', type: 'multipart/form-data; boundary=x' }), 400);
    expect(mainOf(html)).toContain('Begin het afwegingskader opnieuw');
  });

  it('no guide page has inline script or style, and no control is without a label', async () => {
    for (const [guide, path] of [
      ['afwegingskader', ['ja', 'nee', 'ja', 'ja']],
      ['evaluatie', ['nee']],
    ] as [GuideId, string[]][]) {
      const { screens } = await walk(guide, path);
      for (const html of screens) {
        expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
        expect(html).not.toMatch(/\sstyle="/);
        for (const m of mainOf(html).matchAll(/<(?:input|textarea)[^>]*\bid="([^"]+)"/g)) expect(html).toContain(`for="${m[1]}"`);
      }
    }
  });
});
