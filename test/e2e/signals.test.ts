import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserEnabled, expectFocusOn, expectNoAxeViolations, useBrowserAndServer } from './harness.ts';

const KEY = 'hechtwerk.signalenlijst';

describe.skipIf(!browserEnabled)('signalenlijst in Chromium', () => {
  const env = useBrowserAndServer();

  async function open(width = 1280) {
    const context = await env.browser.newContext({ viewport: { width, height: 900 }, acceptDownloads: true, locale: 'nl-NL' });
    const page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${env.server.base}/signalenlijst`);
    await page.locator('#hw-tools').waitFor({ state: 'visible' });
    return { context, page };
  }
  const checked = (page: Page, name: string) => page.locator(`input[name="${name}"]:checked`).getAttribute('value');

  it('answers autosave in this browser and survive a reload; the overview counts domains; axe is clean', async () => {
    const { context, page } = await open(375);
    await expectNoAxeViolations(page, 'signalenlijst form');
    expect(await page.inputValue('#datum')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await page.fill('#label', 'AB 18 mnd');
    await page.check('#s-affectie-weinig-vaak');
    await page.check('#s-hulp-niet-soms');
    await page.check('#c-affectie-thuis');
    await page.fill('#n-affectie', 'Kijkt weg bij het brengen.');
    await expect.poll(() => page.textContent('#hw-overview')).toBe('Signalen in 2 van de 7 domeinen.');
    await page.reload();
    await page.locator('#hw-tools').waitFor({ state: 'visible' });
    expect(await checked(page, 's-affectie-weinig')).toBe('vaak');
    expect(await checked(page, 's-hulp-niet')).toBe('soms');
    expect(await page.isChecked('#c-affectie-thuis')).toBe(true);
    expect(await page.inputValue('#n-affectie')).toBe('Kijkt weg bij het brengen.');
    expect(await page.inputValue('#label')).toBe('AB 18 mnd');
    expect(await page.textContent('#hw-message')).toContain('teruggezet');
    // Only in this browser: nothing but the page itself was requested.
    const stored = JSON.parse((await page.evaluate((k) => localStorage.getItem(k), KEY)) as string);
    expect(stored.moments).toHaveLength(1);
    await context.close();
  });

  it('several observation moments of one child are kept and compared side by side', async () => {
    const { context, page } = await open();
    await page.fill('#datum', '2026-10-01');
    await page.fill('#label', 'CD');
    await page.check('#s-troost-niet-vaak');
    await page.click('[data-action=new]');
    expect(await page.inputValue('#label')).toBe('CD');
    expect(await checked(page, 's-troost-niet')).toBe('niet');
    await page.fill('#datum', '2026-11-01');
    await page.check('#s-troost-niet-soms');
    await page.check('#s-exploratie-wegdwalen-vaak');
    await page.click('[data-action=compare]');
    const table = page.locator('#hw-compare table');
    await table.waitFor();
    const headers = await table.locator('thead th').allTextContents();
    expect(headers).toEqual(['Domein', '2026-10-01 – CD', '2026-11-01 – CD']);
    const troost = await table.locator('tbody tr', { hasText: 'Troost zoeken' }).locator('td').allTextContents();
    expect(troost[0]).toMatch(/^Vaak: /);
    expect(troost[1]).toMatch(/^Soms: /);
    const exploratie = await table.locator('tbody tr', { hasText: 'Exploratiegedrag' }).locator('td').allTextContents();
    expect(exploratie[0]).toBe('–');
    expect(exploratie[1]).toMatch(/^Vaak: /);
    await expectNoAxeViolations(page, 'compare view');
    // Switching moments brings each one's answers back.
    await page.selectOption('#hw-moment', { label: '2026-10-01 – CD' });
    expect(await checked(page, 's-troost-niet')).toBe('vaak');
    expect(await checked(page, 's-exploratie-wegdwalen')).toBe('niet');
    await context.close();
  });

  it('export to a file and import it back gives the same answers; a tampered file changes nothing', async () => {
    const { context, page } = await open();
    await page.fill('#datum', '2026-11-02');
    await page.fill('#label', 'EF');
    await page.check('#s-controle-bazig-soms');
    await page.check('#c-controle-opvang-school');
    await page.fill('#n-controle', 'Bepaalt het spel.');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=export]')]);
    const file = join(tmpdir(), `export-${Date.now()}.json`);
    await download.saveAs(file);
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    expect(exported.format).toBe('hechtwerk-signalenlijst');
    expect(exported.version).toMatch(/^\d{4}\.\d+$/);

    await page.click('[data-action=clear]');
    await expect.poll(() => page.textContent('#hw-message')).toContain('gewist');
    expect(await checked(page, 's-controle-bazig')).toBe('niet');
    expect(await page.evaluate((k) => localStorage.getItem(k), KEY)).toBeNull();

    await page.setInputFiles('#hw-import', file);
    await expect.poll(() => page.textContent('#hw-message')).toContain('ingelezen');
    expect(await checked(page, 's-controle-bazig')).toBe('soms');
    expect(await page.isChecked('#c-controle-opvang-school')).toBe(true);
    expect(await page.inputValue('#n-controle')).toBe('Bepaalt het spel.');
    expect(await page.inputValue('#label')).toBe('EF');
    expect(await page.inputValue('#datum')).toBe('2026-11-02');

    const before = await page.evaluate((k) => localStorage.getItem(k), KEY);
    type Export = { format: string; moments: { answers: Record<string, unknown> }[] };
    for (const [mutate, reason] of [
      [(d: Export) => Object.assign(d.moments[0]?.answers ?? {}, { 's-controle-bazig': 'altijd' }), 'niet op de schaal'],
      [(d: Export) => Object.assign(d.moments[0]?.answers ?? {}, { 's-slapen': 'soms' }), 'staat niet in deze versie'],
      [(d: Export) => Object.assign(d, { format: 'iets-anders' }), 'geen bestand van de signalenlijst'],
    ] as const) {
      const data = structuredClone(exported) as Export;
      mutate(data);
      const bad = join(tmpdir(), `bad-${Date.now()}.json`);
      writeFileSync(bad, JSON.stringify(data));
      await page.setInputFiles('#hw-import', bad);
      await expect.poll(() => page.textContent('#hw-message')).toContain(reason);
      expect(await page.textContent('#hw-message')).toContain('Er is niets veranderd.');
    }
    const notJson = join(tmpdir(), `notjson-${Date.now()}.json`);
    writeFileSync(notJson, '{ kapot');
    await page.setInputFiles('#hw-import', notJson);
    await expect.poll(() => page.textContent('#hw-message')).toContain('geen geldig JSON-bestand');
    expect(await page.evaluate((k) => localStorage.getItem(k), KEY)).toBe(before);
    expect(await checked(page, 's-controle-bazig')).toBe('soms');
    await context.close();
  });

  it('keyboard only: fill in, submit, see the result; error state and result pass axe; print hides navigation', async () => {
    const { context, page } = await open();
    await page.fill('#datum', '');
    // Submit with an empty date: the error summary takes focus and links to the field.
    await page.focus('form#signalenlijst button[type=submit]');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/signalenlijst\/uitslag$/);
    await expectFocusOn(page, 'foutmeldingen');
    await expectNoAxeViolations(page, 'signalenlijst errors');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLAnchorElement)?.hash)).toBe('#datum');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('datum');
    // The segment order of a date field follows the browser's locale; day = month keeps this test locale-proof.
    await page.keyboard.type('11112026');
    expect(await page.inputValue('#datum')).toBe('2026-11-11');
    // Tab to the first signal's radio group and choose "Vaak" with the arrow keys.
    await page.focus('#s-affectie-weinig-niet');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await checked(page, 's-affectie-weinig')).toBe('vaak');
    await page.focus('#c-affectie-thuis');
    await page.keyboard.press('Space');
    await page.focus('form#signalenlijst button[type=submit]');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Uitslag van de observatie' }).waitFor();
    expect(await page.textContent('main')).toContain('Je zag signalen in 1 van de 7 domeinen: Tonen van affectie.');
    await expectNoAxeViolations(page, 'signalenlijst result');

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('nav[aria-label="Hoofdmenu"]').isVisible()).toBe(false);
    expect(await page.locator('header').isVisible()).toBe(false);
    expect(await page.locator('footer').isVisible()).toBe(false);
    expect(await page.locator('.hw-actions').isVisible()).toBe(false);
    expect(await page.getByRole('heading', { name: 'Uitslag van de observatie' }).isVisible()).toBe(true);
    await page.screenshot({ path: join(tmpdir(), 'signalenlijst-print.png'), fullPage: true });
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await context.close();
  });

  it('the blank printable list passes axe and prints without navigation', async () => {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${env.server.base}/signalenlijst/blanco`);
    await expectNoAxeViolations(page, 'blank list');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('nav[aria-label="Hoofdmenu"]').isVisible()).toBe(false);
    await context.close();
  });
});
