import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUIDES } from '../../src/meldcode/service.ts';
import { QUESTIONS } from '../../src/meldcode/steps.ts';
import { browserEnabled, expectFocusOn, expectNoAxeViolations, launch, useBrowserAndServer } from './harness.ts';

const GUIDE = GUIDES.afwegingskader.path;
const EVALUATION = GUIDES.evaluatie.path;

/** What has keyboard focus, in terms a test can compare. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLInputElement | HTMLButtonElement | HTMLAnchorElement | null;
    return {
      tag: el?.tagName.toLowerCase() ?? '',
      type: el?.getAttribute('type') ?? '',
      name: el?.getAttribute('name') ?? '',
      value: el?.getAttribute('value') ?? '',
      text: el?.textContent?.trim() ?? '',
      id: el?.id ?? '',
      outline: el ? getComputedStyle(el).outlineStyle : '',
    };
  });
type Focused = Awaited<ReturnType<typeof focused>>;

/** Presses Tab until the focused element matches; fails if it takes more than `max` presses. */
async function tabTo(page: Page, matches: (f: Focused) => boolean, what: string, max = 40): Promise<Focused> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (matches(f)) return f;
  }
  throw new Error(`Tab never reached ${what}`);
}

const isRadio = (f: Focused) => f.type === 'radio' && f.name === 'antwoord';
const isButton = (value: string) => (f: Focused) => f.tag === 'button' && f.value === value;
const legendText = (page: Page) => page.locator('main fieldset legend').textContent();
const checkedAnswer = (page: Page) => page.evaluate(() => document.querySelector('input[name="antwoord"]:checked')?.getAttribute('value') ?? null);
const radioValues = (page: Page) => page.locator('input[name="antwoord"]').evaluateAll((els) => els.map((e) => e.getAttribute('value') as string));

/** Answer the question on screen with the keyboard only: Tab into the group, Space, arrows, type a reasoning, Tab to "Volgende", Enter. */
async function answerByKeyboard(page: Page, answer: 'ja' | 'nee' | 'twijfel', note?: string) {
  const radio = await tabTo(page, isRadio, 'the answer');
  expect(radio.outline, 'focus is visible on the radio').toBe('solid');
  if (!(await checkedAnswer(page))) {
    // Tabbing into a group with nothing chosen focuses its first option, "Ja"; Space chooses it.
    expect(radio.value).toBe('ja');
    await page.keyboard.press('Space');
  }
  const values = await radioValues(page);
  for (let i = 0; i < 3 && (await checkedAnswer(page)) !== answer; i++) {
    const delta = values.indexOf(answer) - values.indexOf((await checkedAnswer(page)) as string);
    await page.keyboard.press(delta > 0 ? 'ArrowRight' : 'ArrowLeft');
  }
  expect(await checkedAnswer(page)).toBe(answer);
  await page.keyboard.press('Tab');
  expect((await focused(page)).id).toBe('afweging');
  if (note) await page.keyboard.type(note);
  await tabTo(page, isButton('volgende'), 'Volgende', 2);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
}

/** The screen shown, in words a test compares: a question's legend or an advice's heading. */
const screenOf = async (page: Page) => {
  const legend = page.locator('main fieldset legend');
  const error = (await page.locator('#foutmeldingen').count()) ? ' (met foutmelding)' : '';
  if (await legend.count()) return `vraag: ${await legend.textContent()}${error}`;
  if (await page.locator('main #advies').count()) return `advies: ${await page.locator('main #advies').textContent()}`;
  return `pagina: ${await page.locator('h1').textContent()}`;
};

describe.skipIf(!browserEnabled)('Meldcode guide in Chromium', () => {
  const env = useBrowserAndServer();

  async function open(path: string, opts: { width?: number; javaScriptEnabled?: boolean; browser?: Browser } = {}) {
    const context = await (opts.browser ?? env.browser).newContext({
      viewport: { width: opts.width ?? 1280, height: 800 },
      locale: 'nl-NL',
      javaScriptEnabled: opts.javaScriptEnabled ?? true,
    });
    const page = await context.newPage();
    await page.goto(env.server.base + path);
    return { context, page };
  }

  it('keyboard only, without JavaScript: a reporting path from the overview to the advice', async () => {
    const { context, page } = await open('/meldcode', { javaScriptEnabled: false });
    await tabTo(page, (f) => f.tag === 'a' && f.text === 'Start het afwegingskader', 'the start link', 150);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(new URL(page.url()).pathname).toBe(GUIDE);
    expect(await legendText(page)).toBe(QUESTIONS[0]?.text);
    await answerByKeyboard(page, 'ja', 'Blauwe plekken op de bovenarm.');
    expect(await legendText(page)).toBe(QUESTIONS[1]?.text);
    await answerByKeyboard(page, 'ja', 'Het kind vertelde het zelf.');
    expect(await page.getByRole('heading', { name: 'Advies: Meld bij Veilig Thuis' }).isVisible()).toBe(true);
    const main = (await page.textContent('main')) ?? '';
    expect(main).toContain('Vraag 3, 4 en 5 van het afwegingskader loop je daarna samen met Veilig Thuis door');
    expect(main).toContain('Mijn afweging: Het kind vertelde het zelf.');
    expect(main).toContain('0800-2000');
    await context.close();
  });

  it('keyboard only, without JavaScript, on a phone: a missing answer, "Vorige vraag", doubt, then the help path', async () => {
    const { context, page } = await open(GUIDE, { javaScriptEnabled: false, width: 375 });
    // "Volgende" without a choice: the error summary takes focus and leads to the first option.
    await tabTo(page, isButton('volgende'), 'Volgende');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await expectFocusOn(page, 'foutmeldingen');
    const link = await tabTo(page, (f) => f.tag === 'a', 'the error link', 1);
    expect(link.text).toBe('Kies ja, nee of ik twijfel.');
    await page.keyboard.press('Enter');
    expect((await focused(page)).id).toBe('antwoord-ja');
    // Doubt: the advice to consult first, and back to question 1 with "Ik twijfel" still chosen.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await checkedAnswer(page)).toBe('twijfel');
    await tabTo(page, isButton('volgende'), 'Volgende', 3);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await page.getByRole('heading', { name: 'Advies: Je twijfelt: overleg eerst' }).isVisible()).toBe(true);
    await tabTo(page, isButton('terug'), 'Terug naar vraag 1', 80);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await legendText(page)).toBe(QUESTIONS[0]?.text);
    expect(await checkedAnswer(page)).toBe('twijfel');

    await answerByKeyboard(page, 'ja');
    await answerByKeyboard(page, 'nee', 'Geen direct gevaar.');
    expect(await legendText(page)).toBe(QUESTIONS[2]?.text);
    // Back one question: question 2 again, with "Nee" and its reasoning still there.
    await tabTo(page, isButton('terug'), 'Vorige vraag');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await legendText(page)).toBe(QUESTIONS[1]?.text);
    expect(await checkedAnswer(page)).toBe('nee');
    expect(await page.inputValue('#afweging')).toBe('Geen direct gevaar.');
    await answerByKeyboard(page, 'nee');
    await answerByKeyboard(page, 'ja', 'Samen met het wijkteam.');
    await answerByKeyboard(page, 'ja');
    expect(await page.getByRole('heading', { name: 'Advies: Hulp bieden of organiseren' }).isVisible()).toBe(true);
    expect(await page.locator('main .hw-answers strong').allTextContents()).toEqual(['Ja', 'Nee', 'Ja', 'Ja']);
    // The evaluation moment is typed into the page itself, with the keyboard.
    await tabTo(page, (f) => f.id === 'evaluatiemoment', 'the evaluation date', 60);
    // The order of day and month in the field follows the browser's own language, so only check that typing fills it.
    await page.keyboard.type('03152027');
    expect(await page.inputValue('#evaluatiemoment')).toMatch(/^2027-\d{2}-\d{2}$/);
    await tabTo(page, (f) => f.tag === 'a' && f.text === 'Opnieuw beginnen', 'Opnieuw beginnen');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await legendText(page)).toBe(QUESTIONS[0]?.text);
    expect(await page.locator('main input[type=hidden]').count()).toBe(0);
    await context.close();
  });

  describe('Back at every screen never lands on a "resubmit form" or error page', () => {
    let noBfcache: Browser;
    beforeAll(async () => {
      noBfcache = await launch(['--disable-back-forward-cache']);
    });
    afterAll(() => noBfcache?.close());

    it.each([
      ['with the back/forward cache, with JavaScript', false, true],
      ['without the back/forward cache (its copy evicted, as on a phone short of memory), without JavaScript', true, false],
    ])('%s', async (_name, withoutBfcache, javaScriptEnabled) => {
      const { context, page } = await open('/meldcode', { javaScriptEnabled, width: 375, browser: withoutBfcache ? noBfcache : undefined });
      await Promise.all([page.waitForNavigation(), page.click('text=Start het afwegingskader')]);
      const seen: string[] = [await screenOf(page)];
      const steps: ['ja' | 'nee', string][] = [
        ['ja', 'Eerste afweging'],
        ['nee', 'Tweede afweging'],
        ['ja', 'Derde afweging'],
        ['ja', 'Vierde afweging'],
      ];
      for (const [answer, note] of steps) {
        await page.check(`input[name="antwoord"][value="${answer}"]`);
        await page.fill('#afweging', note);
        await Promise.all([page.waitForNavigation(), page.click('button[value="volgende"]')]);
        seen.push(await screenOf(page));
        // Back: the screen before, as it was (answer and reasoning), never a browser error page.
        await page.goBack();
        expect(page.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
        expect(await screenOf(page)).toBe(seen.at(-2));
        expect(await checkedAnswer(page)).toBe(answer);
        expect(await page.inputValue('#afweging')).toBe(note);
        // And forward again, to where we were.
        await page.goForward();
        expect(await screenOf(page)).toBe(seen.at(-1));
      }
      expect(seen.at(-1)).toBe('advies: Advies: Hulp bieden of organiseren');
      // From the advice to the evaluation entry and back.
      await Promise.all([page.waitForNavigation(), page.click(`a[href="${EVALUATION}"]`)]);
      expect(await legendText(page)).toBe(QUESTIONS[4]?.text);
      await page.goBack();
      expect(await screenOf(page)).toBe('advies: Advies: Hulp bieden of organiseren');
      expect(await page.locator('main .hw-answers__note').allTextContents()).toEqual(steps.map(([, note]) => `Mijn afweging: ${note}`));
      // Back through the whole guide to the overview: every screen is the one it was.
      for (let i = seen.length - 2; i >= 0; i--) {
        await page.goBack();
        expect(await screenOf(page)).toBe(seen[i]);
      }
      await page.goBack();
      expect(new URL(page.url()).pathname).toBe('/meldcode');
      expect(await page.locator('h1').textContent()).toBe('Meldcode huiselijk geweld en kindermishandeling');
      await context.close();
    });
  });

  describe('Back and Forward at the error screen, doubt, "Vorige vraag", the special forms, a report and the evaluation', () => {
    let noBfcache: Browser;
    beforeAll(async () => {
      noBfcache = await launch(['--disable-back-forward-cache']);
    });
    afterAll(() => noBfcache?.close());

    it.each([
      ['with the back/forward cache, with JavaScript', false, true],
      ['without the back/forward cache, without JavaScript', true, false],
    ])('%s', async (_name, withoutBfcache, javaScriptEnabled) => {
      const { context, page } = await open(GUIDE, { javaScriptEnabled, width: 375, browser: withoutBfcache ? noBfcache : undefined });
      const seen: string[] = [await screenOf(page)];
      /** One action that loads a screen; then Back shows the screen before, and Forward this one again. */
      const act = async (what: () => Promise<unknown>, expected: string) => {
        await Promise.all([page.waitForNavigation(), what()]);
        seen.push(await screenOf(page));
        expect(seen.at(-1)).toContain(expected);
        await page.goBack();
        expect(await screenOf(page)).toBe(seen.at(-2));
        await page.goForward();
        expect(await screenOf(page)).toBe(seen.at(-1));
      };
      await act(() => page.click('button[value=volgende]'), '(met foutmelding)');
      await page.check('#antwoord-twijfel');
      await act(() => page.click('button[value=volgende]'), 'Je twijfelt: overleg eerst');
      await act(() => page.click('button[value=terug]'), QUESTIONS[0]?.text as string);
      await page.check('#antwoord-ja');
      await act(() => page.click('button[value=volgende]'), QUESTIONS[1]?.text as string);
      await act(() => page.click('button[value=bijzondere-vorm]'), 'Neem direct contact op met Veilig Thuis');
      await act(() => page.click('button[value=verder]'), QUESTIONS[1]?.text as string);
      await page.check('#antwoord-ja');
      await act(() => page.click('button[value=volgende]'), 'Meld bij Veilig Thuis');
      await act(() => page.click('button[value=terug]'), QUESTIONS[1]?.text as string);
      await act(() => page.click('nav[aria-label="Kruimelpad"] a[href="/meldcode"]'), 'Meldcode huiselijk geweld');
      await act(() => page.click(`a[href="${EVALUATION}"]`), QUESTIONS[4]?.text as string);
      await page.check('#antwoord-nee');
      await act(() => page.click('button[value=volgende]'), 'Meld (opnieuw) bij Veilig Thuis');
      await context.close();
    });
  });

  it('a reasoning of several lines travels through every screen to the summary unchanged', async () => {
    const { context, page } = await open(GUIDE);
    const note = 'Eerste regel: <b>geen</b> "html" & zo.\nTweede regel.';
    await page.check('#antwoord-ja');
    await page.fill('#afweging', note);
    await page.click('button[value=volgende]');
    for (const a of ['nee', 'ja', 'nee']) {
      await page.check(`#antwoord-${a}`);
      await page.click('button[value=volgende]');
    }
    await page.getByRole('heading', { name: 'Advies: Meld bij Veilig Thuis' }).waitFor();
    expect(await page.locator('main .hw-answers__note').first().textContent()).toBe(`Mijn afweging: ${note}`);
    await context.close();
  });

  it('zero axe violations on the overview, a question, a question with an error, the definitions, every kind of end screen and a tampered state', async () => {
    const { context, page } = await open('/meldcode');
    await expectNoAxeViolations(page, 'meldcode overview');
    await page.goto(env.server.base + GUIDE);
    await expectNoAxeViolations(page, 'question 1');
    await page.check('#antwoord-ja');
    await page.click('button[value=volgende]');
    await expectNoAxeViolations(page, 'question 2 with definitions');
    await page.click('button[value=volgende]');
    expect(await page.locator('#foutmeldingen').isVisible()).toBe(true);
    await expectNoAxeViolations(page, 'question 2 with an error');
    await page.check('#antwoord-nee');
    await page.click('button[value=volgende]');
    await page.check('#antwoord-ja');
    await page.click('button[value=volgende]');
    await page.check('#antwoord-ja');
    await page.click('button[value=volgende]');
    await page.getByRole('heading', { name: 'Advies: Hulp bieden of organiseren' }).waitFor();
    await expectNoAxeViolations(page, 'help advice with the evaluation moment');
    await page.goto(env.server.base + EVALUATION);
    await expectNoAxeViolations(page, 'evaluation entry');
    await page.goto(env.server.base + GUIDE);
    await page.click('button[value=bijzondere-vorm]');
    await page.getByRole('heading', { name: 'Advies: Neem direct contact op met Veilig Thuis' }).waitFor();
    await expectNoAxeViolations(page, 'special forms advice');
    // A tampered form: change a hidden answer in the page before sending it back.
    await page.goto(env.server.base + GUIDE);
    await page.check('#antwoord-ja');
    await page.click('button[value=volgende]');
    await page.locator('form.hw-guide input[type=hidden][name=vermoeden]').evaluate((el) => el.setAttribute('value', 'misschien'));
    await page.click('button[value=volgende]');
    await page.getByRole('heading', { name: 'Begin het afwegingskader opnieuw' }).waitFor();
    await expectNoAxeViolations(page, 'tampered state');
    await context.close();
  });

  it('print: the summary keeps the date, answers, reasoning, advice, evaluation moment and Veilig Thuis, without navigation or buttons', async () => {
    const { context, page } = await open(GUIDE, { width: 375 });
    for (const [a, note] of [
      ['ja', 'Vermoeden na overleg met de aandachtsfunctionaris.'],
      ['nee', ''],
      ['ja', ''],
      ['ja', 'Ouders stemmen in met opvoedondersteuning.'],
    ]) {
      await page.check(`#antwoord-${a}`);
      if (note) await page.fill('#afweging', note as string);
      await page.click('button[value=volgende]');
    }
    await page.getByRole('heading', { name: 'Advies: Hulp bieden of organiseren' }).waitFor();
    await page.fill('#evaluatiemoment', '2027-03-15');
    await expectNoAxeViolations(page, 'end screen on a phone');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.emulateMedia({ media: 'print' });
    for (const hidden of ['nav[aria-label="Hoofdmenu"]', 'nav[aria-label="Kruimelpad"]', 'header', 'footer', '.hw-actions', 'button[value=terug]']) {
      expect(await page.locator(hidden).first().isVisible(), `${hidden} in print`).toBe(false);
    }
    for (const shown of ['h1', '.hw-meta time', '.hw-advice', 'main .hw-answers', '#evaluatiemoment']) {
      expect(await page.locator(shown).first().isVisible(), `${shown} in print`).toBe(true);
    }
    expect(await page.inputValue('#evaluatiemoment')).toBe('2027-03-15');
    expect(await page.locator('main .hw-answers').textContent()).toContain('Mijn afweging: Ouders stemmen in met opvoedondersteuning.');
    expect(await page.locator('main').textContent()).toContain('0800-2000');
    await page.screenshot({ path: join(tmpdir(), 'meldcode-print.png'), fullPage: true });
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await context.close();
  });

  it.each([
    [GUIDE, ['nee'], 'Geen vermoeden: leg het vast en sluit af'],
    [GUIDE, ['twijfel'], 'Je twijfelt: overleg eerst'],
    [GUIDE, ['ja', 'ja'], 'Meld bij Veilig Thuis'],
    [GUIDE, ['ja', 'nee', 'nee'], 'Meld bij Veilig Thuis'],
    [GUIDE, ['ja', 'nee', 'ja', 'nee'], 'Meld bij Veilig Thuis'],
    [GUIDE, ['ja', 'nee', 'ja', 'ja'], 'Hulp bieden of organiseren'],
    [GUIDE, ['ja', 'bijzondere-vorm'], 'Neem direct contact op met Veilig Thuis'],
    [EVALUATION, ['nee'], 'Meld (opnieuw) bij Veilig Thuis'],
    [EVALUATION, ['ja'], 'Sluit de hulp af: maak afspraken over het volgen van de veiligheid'],
  ] as const)('the main paths in the browser: %s %j leads to “%s”', async (path, answers, advice) => {
    const { context, page } = await open(path, { width: 375 });
    for (const a of answers) {
      if (a === 'bijzondere-vorm') await Promise.all([page.waitForNavigation(), page.click('button[value="bijzondere-vorm"]')]);
      else {
        await page.check(`input[name="antwoord"][value="${a}"]`);
        await Promise.all([page.waitForNavigation(), page.click('button[value="volgende"]')]);
      }
    }
    expect(await page.getByRole('heading', { name: `Advies: ${advice}` }).isVisible()).toBe(true);
    expect(await page.locator('main').textContent()).not.toMatch(/hoeft (nu )?niet te melden/);
    await context.close();
  });
});
