import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { QUESTIONS } from '../../src/meldcode/steps.ts';
import { browserEnabled, expectFocusOn, expectNoAxeViolations, useBrowserAndServer } from './harness.ts';

const GUIDE = '/meldcode/afwegingskader';

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

/** Answer the question on screen with the keyboard only: Tab into the group, Space, arrows, Tab to "Volgende", Enter. */
async function answerByKeyboard(page: Page, answer: 'ja' | 'nee') {
  const radio = await tabTo(page, isRadio, 'the answer');
  expect(radio.outline, 'focus is visible on the radio').toBe('solid');
  if (!(await checkedAnswer(page))) {
    // Tabbing into a group with nothing chosen focuses its first option, "Ja"; Space chooses it.
    expect(radio.value).toBe('ja');
    await page.keyboard.press('Space');
  }
  if ((await checkedAnswer(page)) !== answer) await page.keyboard.press(answer === 'nee' ? 'ArrowRight' : 'ArrowLeft');
  expect(await checkedAnswer(page)).toBe(answer);
  await tabTo(page, isButton('volgende'), 'Volgende', 3);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
}

describe.skipIf(!browserEnabled)('Meldcode guide in Chromium', () => {
  const env = useBrowserAndServer();

  async function open(path: string, opts: { width?: number; javaScriptEnabled?: boolean } = {}) {
    const context = await env.browser.newContext({
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
    // From the overview to the guide: Tab to the start link, Enter.
    await tabTo(page, (f) => f.tag === 'a' && f.text === 'Start het afwegingskader', 'the start link', 80);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(new URL(page.url()).pathname).toBe(GUIDE);
    expect(await legendText(page)).toBe(QUESTIONS[0]?.text);
    await answerByKeyboard(page, 'ja');
    expect(await legendText(page)).toBe(QUESTIONS[1]?.text);
    await answerByKeyboard(page, 'ja');
    const advice = page.getByRole('heading', { name: 'Advies: Meld bij Veilig Thuis' });
    expect(await advice.isVisible()).toBe(true);
    const main = (await page.textContent('main')) ?? '';
    expect(main).toContain('Er is sprake van acute of structurele onveiligheid.');
    expect(main).toContain('Is er acuut gevaar? Bel eerst 112.');
    expect(main).toContain('0800-2000');
    await context.close();
  });

  it('keyboard only, without JavaScript: the help path, with "Vorige vraag" and a missing answer on the way', async () => {
    const { context, page } = await open(GUIDE, { javaScriptEnabled: false, width: 375 });
    // "Volgende" without a choice: the error summary takes focus and leads to the first option.
    await tabTo(page, isButton('volgende'), 'Volgende');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await expectFocusOn(page, 'foutmeldingen');
    const link = await tabTo(page, (f) => f.tag === 'a', 'the error link', 1);
    expect(link.text).toBe('Kies ja of nee.');
    await page.keyboard.press('Enter');
    expect((await focused(page)).id).toBe('antwoord-ja');
    await page.keyboard.press('Space');
    await tabTo(page, isButton('volgende'), 'Volgende', 3);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);

    await answerByKeyboard(page, 'nee');
    expect(await legendText(page)).toBe(QUESTIONS[2]?.text);
    // Back one question: question 2 again, with "Nee" still chosen.
    await tabTo(page, isButton('terug'), 'Vorige vraag');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await legendText(page)).toBe(QUESTIONS[1]?.text);
    expect(await checkedAnswer(page)).toBe('nee');
    expect(await page.locator('input[type=hidden][name=vermoeden]').getAttribute('value')).toBe('ja');
    await answerByKeyboard(page, 'nee');
    await answerByKeyboard(page, 'ja');
    await answerByKeyboard(page, 'ja');
    await answerByKeyboard(page, 'ja');
    expect(await page.getByRole('heading', { name: 'Advies: Bied of organiseer hulp en volg de effecten' }).isVisible()).toBe(true);
    expect(await page.locator('main table tbody td:last-child').allTextContents()).toEqual(['Ja', 'Nee', 'Ja', 'Ja', 'Ja']);
    // "Opnieuw beginnen" is reached and followed with the keyboard too.
    await tabTo(page, (f) => f.tag === 'a' && f.text === 'Opnieuw beginnen', 'Opnieuw beginnen');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await legendText(page)).toBe(QUESTIONS[0]?.text);
    expect(await page.locator('input[type=hidden]').count()).toBe(0);
    await context.close();
  });

  it('zero axe violations on the overview, a question, a question with an error, an end screen and a tampered state', async () => {
    const { context, page } = await open('/meldcode');
    await expectNoAxeViolations(page, 'meldcode overview');
    await page.goto(env.server.base + GUIDE);
    await expectNoAxeViolations(page, 'question 1');
    await page.check('#antwoord-ja');
    await page.click('button[value=volgende]');
    await page.click('button[value=volgende]');
    expect(await page.locator('#foutmeldingen').isVisible()).toBe(true);
    await expectNoAxeViolations(page, 'question 2 with an error');
    await page.check('#antwoord-nee');
    await page.click('button[value=volgende]');
    await page.check('#antwoord-nee');
    await page.click('button[value=volgende]');
    await page.getByRole('heading', { name: 'Uitkomst van het afwegingskader' }).waitFor();
    await expectNoAxeViolations(page, 'end screen');
    // A tampered form: change a hidden answer in the page before sending it back.
    await page.locator('input[type=hidden][name=veiligheid]').evaluate((el) => el.setAttribute('value', 'misschien'));
    await page.click('button[value=terug]');
    await page.getByRole('heading', { name: 'Begin het afwegingskader opnieuw' }).waitFor();
    await expectNoAxeViolations(page, 'tampered state');
    await context.close();
  });

  it('print: the summary keeps the date, answers, advice and Veilig Thuis, without navigation or buttons', async () => {
    const { context, page } = await open(GUIDE, { width: 375 });
    for (const a of ['ja', 'nee', 'ja', 'nee']) {
      await page.check(`#antwoord-${a}`);
      await page.click('button[value=volgende]');
    }
    await page.getByRole('heading', { name: 'Advies: Meld bij Veilig Thuis' }).waitFor();
    await expectNoAxeViolations(page, 'end screen on a phone');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.locator('.hw-actions').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'print' });
    for (const hidden of ['nav[aria-label="Hoofdmenu"]', 'nav[aria-label="Kruimelpad"]', 'header', 'footer', '.hw-actions', 'button[value=terug]']) {
      expect(await page.locator(hidden).first().isVisible(), `${hidden} in print`).toBe(false);
    }
    for (const shown of ['h1', '.hw-meta time', '.hw-advice', 'main table', 'main .hw-notice']) {
      expect(await page.locator(shown).first().isVisible(), `${shown} in print`).toBe(true);
    }
    expect(await page.locator('.hw-advice').textContent()).toContain('De betrokkenen aanvaarden de hulp niet of werken er niet aan mee.');
    expect(await page.locator('main .hw-notice').textContent()).toContain('0800-2000');
    await page.screenshot({ path: join(tmpdir(), 'meldcode-print.png'), fullPage: true });
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await context.close();
  });

  it.each([
    [['nee'], 'Geen vermoeden: je sluit de meldcode af'],
    [['ja', 'ja'], 'Meld bij Veilig Thuis'],
    [['ja', 'nee', 'nee'], 'Meld bij Veilig Thuis'],
    [['ja', 'nee', 'ja', 'nee'], 'Meld bij Veilig Thuis'],
    [['ja', 'nee', 'ja', 'ja', 'nee'], 'Meld bij Veilig Thuis'],
    [['ja', 'nee', 'ja', 'ja', 'ja'], 'Bied of organiseer hulp en volg de effecten'],
  ] as const)('every path in the browser: %j leads to “%s”', async (answers, advice) => {
    const { context, page } = await open(GUIDE, { width: 375 });
    for (const [i, a] of answers.entries()) {
      expect(await legendText(page)).toBe(QUESTIONS[i]?.text);
      await page.check(`input[name="antwoord"][value="${a}"]`);
      await Promise.all([page.waitForNavigation(), page.click('button[value="volgende"]')]);
    }
    expect(await page.getByRole('heading', { name: `Advies: ${advice}` }).isVisible()).toBe(true);
    expect(await page.locator('main').textContent()).toContain('0800-2000');
    await context.close();
  });
});
