import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserEnabled, expectFocusOn, expectNoAxeViolations, launch, useBrowserAndServer } from './harness.ts';

const KEY = 'hechtwerk.signalenlijst';
const SHOTS = process.env.HW_SHOTS_DIR ?? join(tmpdir(), 'signals-shots');
const V1_STORE = readFileSync('test/fixtures/signalenlijst-store-2026.2.json', 'utf8');

describe.skipIf(!browserEnabled)('signalenlijst in Chromium', () => {
  const env = useBrowserAndServer();
  beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

  async function open(width = 1280, options: { javaScriptEnabled?: boolean; browser?: Browser } = {}) {
    const context = await (options.browser ?? env.browser).newContext({
      viewport: { width, height: 900 },
      acceptDownloads: true,
      locale: 'nl-NL',
      javaScriptEnabled: options.javaScriptEnabled ?? true,
    });
    const page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${env.server.base}/signalenlijst`);
    if (options.javaScriptEnabled !== false) await page.locator('#hw-tools').waitFor({ state: 'visible' });
    return { context, page };
  }
  const checked = (page: Page, name: string) =>
    page.evaluate((n) => document.querySelector<HTMLInputElement>(`input[name="${n}"]:checked`)?.value ?? null, name);
  const stored = async (page: Page) => JSON.parse((await page.evaluate((k) => localStorage.getItem(k), KEY)) ?? 'null');
  const momentLabels = (page: Page) => page.locator('#hw-moment option').allTextContents();
  const newMoment = async (page: Page, choice: 'same' | { other: string }) => {
    await page.click('[data-action=new]');
    if (choice === 'same') await page.check('#hw-new-same');
    else {
      await page.check('#hw-new-other');
      await page.fill('#hw-new-label', choice.other);
    }
    await page.click('[data-action=new-start]');
    await expect.poll(() => page.textContent('#hw-message')).toContain('nieuw, leeg observatiemoment');
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, name), fullPage: true });

  it('nothing is pre-selected; answers autosave per child and survive a reload; the note counter stops at the server limit; axe is clean', async () => {
    const { context, page } = await open(375);
    await expectNoAxeViolations(page, 'signalenlijst form');
    expect(await page.locator('form#signalenlijst input[type=radio]:checked').count()).toBe(0);
    expect(await page.inputValue('#datum')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await page.fill('#label', 'AB');
    await page.check('#s-affectie-weinig-vaak');
    await page.check('#s-hulp-niet-onbekend');
    await page.check('#c-affectie-thuis');
    await page.fill('#n-affectie', 'Kijkt weg bij het brengen.');
    expect(await page.textContent('#n-affectie-count')).toBe('Nog 974 van de 1000 tekens over.');
    await expect.poll(() => page.textContent('#hw-overview')).toBe('Kind AB: signalen op 1 van de 7 gebieden, 5 gebieden nog niet ingevuld.');
    // Typing past the limit: the textarea stops at 1000, the same limit as the server's.
    await page.locator('#n-troost').focus();
    await page.keyboard.insertText('x'.repeat(1200));
    expect((await page.inputValue('#n-troost')).length).toBe(1000);
    expect(await page.textContent('#n-troost-count')).toBe('Je hebt het maximum van 1000 tekens bereikt.');
    await expect.poll(() => page.textContent('#hw-count-live')).toBe('Je hebt het maximum van 1000 tekens bereikt.');
    await page.reload();
    await page.locator('#hw-tools').waitFor({ state: 'visible' });
    expect(await checked(page, 's-affectie-weinig')).toBe('vaak');
    expect(await checked(page, 's-hulp-niet')).toBe('onbekend');
    expect(await checked(page, 's-troost-niet')).toBeNull();
    expect(await page.isChecked('#c-affectie-thuis')).toBe(true);
    expect(await page.inputValue('#n-affectie')).toBe('Kijkt weg bij het brengen.');
    expect(await page.inputValue('#label')).toBe('AB');
    expect(await page.textContent('#hw-message')).toContain('teruggezet');
    expect(await page.textContent('#hw-storage-note')).toContain('Ze verlopen niet vanzelf');
    const data = await stored(page);
    expect(data.storeVersion).toBe(2);
    expect(data.moments).toHaveLength(1);
    expect(data.moments[0].child).toBe('AB');
    expect(data.moments[0].answers['s-troost-niet']).toBeUndefined();
    await context.close();
  });

  it('the 1200-character note case: a store written by the 2026.2 client keeps every other observation; the long one is trimmed and its original can be downloaded', async () => {
    const { context, page } = await open();
    await page.evaluate(([k, v]) => localStorage.setItem(k as string, v as string), [KEY, V1_STORE]);
    await page.reload();
    await page.locator('#hw-tools').waitFor({ state: 'visible' });
    await expect.poll(() => page.textContent('#hw-message')).toContain('1 observatie kon niet (helemaal) worden gelezen; download haar als bestand');
    expect(await page.locator('#hw-moment optgroup').evaluateAll((gs) => gs.map((g) => (g as HTMLOptGroupElement).label))).toEqual([
      'Kind AB 18 mnd',
      'Kind CD',
    ]);
    expect(await momentLabels(page)).toEqual(['1 oktober 2026', '1 november 2026', '15 november 2026']);
    // The current moment (CD) as it was.
    expect(await page.inputValue('#label')).toBe('CD');
    expect(await checked(page, 's-hulp-niet')).toBe('soms');
    expect(await page.inputValue('#n-hulp')).toBe('Vraagt de juf niets.');
    // The first one: its real answer kept; domains that only had the pre-selected "niet gezien" are empty now.
    await page.selectOption('#hw-moment', { label: '1 oktober 2026' });
    expect(await checked(page, 's-troost-niet')).toBe('vaak');
    expect(await checked(page, 's-troost-wisselend')).toBe('niet');
    expect(await checked(page, 's-hulp-niet')).toBeNull();
    expect(await page.inputValue('#n-troost')).toBe('Huilt na een val en loopt weg van de ouder.');
    // The long one: trimmed to 1000, the rest of it kept.
    await page.selectOption('#hw-moment', { label: '1 november 2026' });
    expect(await page.inputValue('#n-affectie')).toBe('Z'.repeat(1000));
    expect(await checked(page, 's-affectie-onderscheid')).toBe('soms');
    // Its original, set aside, downloads in full.
    const aside = page.locator('#hw-set-aside');
    expect(await aside.isVisible()).toBe(true);
    expect(await aside.textContent()).toContain('een aantekening was 1200 tekens lang en is ingekort tot 1000');
    const [download] = await Promise.all([page.waitForEvent('download'), aside.getByRole('button', { name: 'Download als bestand' }).first().click()]);
    const file = join(tmpdir(), `apart-${Date.now()}.json`);
    await download.saveAs(file);
    expect(readFileSync(file, 'utf8')).toContain('Z'.repeat(1200));
    await expectNoAxeViolations(page, 'set-aside message');
    // A reload changes nothing more: everything is still there.
    await page.reload();
    await page.locator('#hw-tools').waitFor({ state: 'visible' });
    expect(await momentLabels(page)).toEqual(['1 oktober 2026', '1 november 2026', '15 november 2026']);
    expect((await stored(page)).setAside).toHaveLength(2);
    await context.close();
  });

  it('two children are compared separately: a new moment asks which child, never copies a label, and the comparison holds one child only', async () => {
    const { context, page } = await open();
    await page.fill('#datum', '2026-10-01');
    await page.fill('#label', 'CD');
    await page.check('#s-troost-niet-vaak');
    // Without a choice nothing happens.
    await page.click('[data-action=new]');
    await page.click('[data-action=new-start]');
    expect(await page.textContent('#hw-new-error')).toBe('Kies eerst: hetzelfde kind of een ander kind.');
    expect(await page.textContent('#hw-new-same-label')).toBe('Hetzelfde kind (CD)');
    await page.click('[data-action=new-cancel]');
    await newMoment(page, 'same');
    expect(await page.inputValue('#label')).toBe('CD');
    expect(await checked(page, 's-troost-niet')).toBeNull();
    await page.fill('#datum', '2026-11-01');
    await page.check('#s-troost-niet-soms');
    await page.check('#s-exploratie-wegdwalen-vaak');
    await newMoment(page, { other: 'EF' });
    expect(await page.inputValue('#label')).toBe('EF');
    await page.fill('#datum', '2026-11-02');
    await page.check('#s-controle-bazig-soms');
    await page.check('#veiligheid-nee');
    await page.click('[data-action=compare]');
    await expect.poll(() => page.locator('#hw-compare-title').textContent()).toBe('Vergelijking voor kind EF');
    expect(await page.locator('#hw-compare thead th').allTextContents()).toEqual(['Signaal', '2 november 2026']);
    // Back to CD: its two moments, and nothing of EF.
    await page.selectOption('#hw-moment', { label: '1 oktober 2026' });
    await page.click('[data-action=compare]');
    await expect.poll(() => page.locator('#hw-compare-title').textContent()).toBe('Vergelijking voor kind CD');
    const table = page.locator('#hw-compare table');
    expect(await table.locator('thead th').allTextContents()).toEqual(['Signaal', '1 oktober 2026', '1 november 2026']);
    const row = (text: string) => table.locator('tbody tr', { hasText: text }).locator('td').allTextContents();
    expect(await row('Zoekt geen troost bij de ouder')).toEqual(['Vaak', 'Soms']);
    expect(await row('Kijkt op een onbekende plek niet om')).toEqual(['Niet ingevuld', 'Vaak']);
    expect(await row('Commandeert de ouder')).toEqual(['Niet ingevuld', 'Niet ingevuld']);
    expect(await row('Twijfel over de veiligheid')).toEqual(['Niet ingevuld', 'Niet ingevuld']);
    expect(await page.locator('#hw-compare').textContent()).toContain('niet de LSVG');
    await expectNoAxeViolations(page, 'comparison');
    await shot(page, 'compare-1280.png');
    // On a phone the comparison stacks: every cell fits the screen and carries its date.
    await page.setViewportSize({ width: 375, height: 812 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
    const before = await page
      .locator('#hw-compare td')
      .first()
      .evaluate((td) => getComputedStyle(td, '::before').content);
    expect(before).toBe('"1 oktober 2026:\u00a0"');
    await expectNoAxeViolations(page, 'comparison on a phone');
    await page.locator('#hw-compare').screenshot({ path: join(SHOTS, 'compare-375.png') });
    await context.close();
  });

  it('"Vergelijking afdrukken" prints the comparison of one child on A4, with the basis, without the form', async () => {
    const { context, page } = await open();
    await page.fill('#datum', '2026-10-01');
    await page.fill('#label', 'GH');
    await page.check('#s-affectie-weinig-soms');
    await newMoment(page, 'same');
    await page.fill('#datum', '2026-11-01');
    await page.check('#s-affectie-weinig-vaak');
    await page.click('[data-action=compare]');
    await page.locator('#hw-compare table').waitFor();
    // The print button opens the browser's print dialog; what it prints is what print media shows.
    expect(await page.getByRole('button', { name: 'Vergelijking afdrukken' }).isVisible()).toBe(true);
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 794, height: 1123 });
    expect(await page.locator('#hw-compare table').isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Vergelijking voor kind GH' }).isVisible()).toBe(true);
    expect(await page.locator('form#signalenlijst').isVisible()).toBe(false);
    expect(await page.locator('#hw-tools').isVisible()).toBe(false);
    expect(await page.locator('header').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Vergelijking afdrukken' }).isVisible()).toBe(false);
    expect(await page.locator('#hw-compare').textContent()).toContain('Deze lijst is onze eigen bewerking');
    await shot(page, 'compare-print-a4.png');
    const pdf = await page.pdf({ format: 'A4', path: join(SHOTS, 'compare-print.pdf') });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // Seven domains and their signals on at most two A4 pages.
    expect((pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length).toBeLessThanOrEqual(2);
    // Closed again: printing gives the form as before.
    await page.emulateMedia({ media: 'screen' });
    await page.click('[data-action=compare-close]');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('form#signalenlijst').isVisible()).toBe(true);
    await context.close();
  });

  it('import asks "toevoegen" or "vervangen", shows what would be replaced, and changes nothing before that choice', async () => {
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
    expect(exported.storeVersion).toBe(2);

    // Another child here, then the file: the panel lists both sides; nothing changed yet.
    await newMoment(page, { other: 'KL' });
    await page.fill('#datum', '2026-11-20');
    await page.check('#s-hulp-niet-vaak');
    const before = await page.evaluate((k) => localStorage.getItem(k), KEY);
    await page.setInputFiles('#hw-import', file);
    const panel = page.locator('#hw-import-choice');
    await panel.waitFor({ state: 'visible' });
    expect(await panel.textContent()).toContain('In het bestand staan 1 observatie:');
    expect(await panel.textContent()).toContain('kind EF: 2 november 2026');
    expect(await page.locator('#hw-import-replaced').textContent()).toContain('kind KL: 20 november 2026');
    expect(await panel.textContent()).toContain('Toevoegen: alles wat hier staat blijft staan (0 nieuw, 1 stond er al)');
    await expectNoAxeViolations(page, 'import choice');
    expect(await page.evaluate((k) => localStorage.getItem(k), KEY)).toBe(before);
    await page.click('[data-action=import-apply]');
    expect(await page.locator('#hw-import-error').isVisible()).toBe(true);
    expect(await page.evaluate((k) => localStorage.getItem(k), KEY)).toBe(before);
    await page.click('[data-action=import-cancel]');
    expect(await page.evaluate((k) => localStorage.getItem(k), KEY)).toBe(before);

    // Replace, chosen: only the file's observation is left, exactly as exported.
    await page.setInputFiles('#hw-import', file);
    await panel.waitFor({ state: 'visible' });
    await page.check('#hw-import-replace');
    await page.click('[data-action=import-apply]');
    await expect.poll(() => page.textContent('#hw-message')).toContain('vervangen door de 1 observatie uit het bestand');
    expect(await momentLabels(page)).toEqual(['2 november 2026']);
    expect(await checked(page, 's-controle-bazig')).toBe('soms');
    expect(await page.isChecked('#c-controle-opvang-school')).toBe(true);
    expect(await page.inputValue('#n-controle')).toBe('Bepaalt het spel.');
    expect(await page.inputValue('#label')).toBe('EF');

    // Add: everything already here stays.
    const other = structuredClone(exported);
    other.moments[0].id = 'ander-kenmerk';
    other.moments[0].child = 'MN';
    const otherFile = join(tmpdir(), `other-${Date.now()}.json`);
    writeFileSync(otherFile, JSON.stringify(other));
    await page.setInputFiles('#hw-import', otherFile);
    await panel.waitFor({ state: 'visible' });
    await page.check('#hw-import-add');
    await page.click('[data-action=import-apply]');
    await expect.poll(() => page.textContent('#hw-message')).toContain('1 observatie toegevoegd. Alles wat er al stond, is bewaard.');
    expect((await stored(page)).moments.map((m: { child: string }) => m.child).sort()).toEqual(['EF', 'MN']);

    // Files that are not ours change nothing.
    const kept = await page.evaluate((k) => localStorage.getItem(k), KEY);
    for (const [content, reason] of [
      ['{ kapot', 'geen geldig JSON-bestand'],
      [JSON.stringify({ ...exported, format: 'iets-anders' }), 'geen bestand van de signalenlijst'],
    ] as const) {
      const bad = join(tmpdir(), `bad-${Date.now()}.json`);
      writeFileSync(bad, content);
      await page.setInputFiles('#hw-import', bad);
      await expect.poll(() => page.textContent('#hw-message')).toContain(reason);
      expect(await page.textContent('#hw-message')).toContain('Er is niets veranderd.');
    }
    expect(await page.evaluate((k) => localStorage.getItem(k), KEY)).toBe(kept);
    await context.close();
  });

  it('"niets bewaren op dit apparaat": answers live only in the open page', async () => {
    const { context, page } = await open();
    await page.fill('#label', 'PQ');
    await page.check('#s-troost-niet-soms');
    expect((await stored(page)).moments[0].child).toBe('PQ');
    await page.check('#hw-ephemeral');
    await expect.poll(() => page.textContent('#hw-message')).toContain('alleen in deze geopende pagina');
    expect(await stored(page)).toBeNull();
    await page.check('#s-hulp-niet-vaak');
    await page.fill('#n-hulp', 'Alleen op deze pagina.');
    expect(await stored(page)).toBeNull();
    await page.reload();
    await page.locator('#hw-tools').waitFor({ state: 'visible' });
    expect(await page.isChecked('#hw-ephemeral')).toBe(true);
    expect(await page.inputValue('#label')).toBe('');
    expect(await checked(page, 's-troost-niet')).toBeNull();
    expect(await stored(page)).toBeNull();
    await context.close();
  });

  it('keyboard only: an error in place, then fill in and see the overview; error state and overview pass axe; print hides navigation', async () => {
    const { context, page } = await open();
    await page.fill('#datum', '');
    // Submit with an empty date: the error summary appears in place, takes focus and links to the field.
    await page.focus('form#signalenlijst button[type=submit]');
    await page.keyboard.press('Enter');
    await expectFocusOn(page, 'foutmeldingen');
    expect(await page.textContent('#foutmeldingen')).toContain('Vul de datum van de observatie in.');
    await expectNoAxeViolations(page, 'signalenlijst errors');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLAnchorElement)?.hash)).toBe('#datum');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('datum');
    // The segment order of a date field follows the browser's locale; day = month keeps this test locale-proof.
    await page.keyboard.type('11112026');
    expect(await page.inputValue('#datum')).toBe('2026-11-11');
    // Into the first signal's radio group with Tab; arrows choose.
    await page.focus('#label');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('s-affectie-weinig-niet');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await checked(page, 's-affectie-weinig')).toBe('vaak');
    await page.focus('#c-affectie-thuis');
    await page.keyboard.press('Space');
    await page.focus('form#signalenlijst button[type=submit]');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Overzicht van je observatie' }).waitFor();
    await expectFocusOn(page, 'overzicht-titel');
    expect(await page.textContent('main')).toContain('Je zag signalen op 1 van de 7 gebieden: Genegenheid tonen (affectie).');
    expect(await page.textContent('main')).toContain('Niet ingevuld: Troost zoeken,');
    expect(await page.locator('#foutmeldingen').count()).toBe(0);
    await expectNoAxeViolations(page, 'signalenlijst overview');

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('nav[aria-label="Hoofdmenu"]').isVisible()).toBe(false);
    expect(await page.locator('header').isVisible()).toBe(false);
    expect(await page.locator('footer').isVisible()).toBe(false);
    expect(await page.locator('.hw-actions').isVisible()).toBe(false);
    expect(await page.locator('form#signalenlijst').isVisible()).toBe(false);
    expect(await page.getByRole('heading', { name: 'Overzicht van je observatie' }).isVisible()).toBe(true);
    expect(await page.locator('#overzicht').textContent()).toContain('niet de LSVG');
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await context.close();
  });

  it('screenshots of the form and the overview at 375 and 1280 px', async () => {
    for (const width of [375, 1280]) {
      const { context, page } = await open(width);
      await page.fill('#label', 'AB');
      await page.check('#s-affectie-weinig-soms');
      await page.check('#s-troost-niet-vaak');
      await page.check('#s-troost-wisselend-niet');
      await page.check('#s-hulp-niet-onbekend');
      await page.check('#c-troost-opvang-school');
      await page.fill('#n-troost', 'Valt bij het buitenspelen, huilt en loopt naar de hoek van de zandbak in plaats van naar de pedagogisch medewerker.');
      await page.check('#veiligheid-twijfel');
      await shot(page, `form-${width}.png`);
      await page.click('form#signalenlijst button[type=submit]');
      await page.getByRole('heading', { name: 'Overzicht van je observatie' }).waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBe(0);
      await shot(page, `overview-${width}.png`);
      await context.close();
    }
  });

  describe('Back from the overview never lands on an error page', () => {
    let noBfcache: Browser;
    beforeAll(async () => {
      noBfcache = await launch(['--disable-back-forward-cache']);
    });
    afterAll(async () => {
      await noBfcache?.close();
    });

    const fill = async (page: Page) => {
      await page.fill('#datum', '2026-11-03');
      await page.fill('#label', 'RS');
      await page.check('#s-troost-niet-soms');
      await page.fill('#n-troost', 'Zoekt geen troost na een val.');
    };

    it('with JavaScript: the overview is a history entry in the page; Back gives the filled-in form, Forward the overview, "Antwoorden aanpassen" the form', async () => {
      const { context, page } = await open(375, { browser: noBfcache });
      let loads = 0;
      page.on('load', () => {
        loads++;
      });
      await fill(page);
      await page.click('form#signalenlijst button[type=submit]');
      await page.getByRole('heading', { name: 'Overzicht van je observatie' }).waitFor();
      // No child data in the address: only a fixed fragment.
      expect(page.url()).toBe(`${env.server.base}/signalenlijst#overzicht`);
      await page.goBack();
      await page.locator('form#signalenlijst').waitFor({ state: 'visible' });
      expect(await page.locator('#hw-result-view').isVisible()).toBe(false);
      expect(await checked(page, 's-troost-niet')).toBe('soms');
      expect(await page.inputValue('#n-troost')).toBe('Zoekt geen troost na een val.');
      expect(page.url()).toBe(`${env.server.base}/signalenlijst`);
      await page.goForward();
      await page.getByRole('heading', { name: 'Overzicht van je observatie' }).waitFor();
      expect(await page.textContent('main')).toContain('Zoekt geen troost na een val.');
      await page.click('#hw-edit-answers button[type=submit]');
      await page.locator('form#signalenlijst').waitFor({ state: 'visible' });
      expect(await page.inputValue('#label')).toBe('RS');
      // No page load in all: Back and Forward stayed in the page.
      expect(loads).toBe(0);
      expect(await page.textContent('body')).not.toMatch(/ERR_|opnieuw verzenden|Confirm Form Resubmission/);
      await context.close();
    });

    it('without JavaScript and without the back/forward cache: Back from the overview gives the filled-in form, Forward the overview, never an error page', async () => {
      const { context, page } = await open(375, { javaScriptEnabled: false, browser: noBfcache });
      await fill(page);
      await Promise.all([page.waitForNavigation(), page.click('form#signalenlijst button[type=submit]')]);
      await page.getByRole('heading', { name: 'Overzicht van je observatie' }).waitFor();
      expect(page.url()).toBe(`${env.server.base}/signalenlijst/overzicht`);
      expect(await page.textContent('main')).toContain('knop Terug');
      await page.goBack();
      await page.locator('form#signalenlijst').waitFor();
      expect(await checked(page, 's-troost-niet')).toBe('soms');
      expect(await page.inputValue('#n-troost')).toBe('Zoekt geen troost na een val.');
      await page.goForward();
      await page.getByRole('heading', { name: 'Overzicht van je observatie' }).waitFor();
      // "Antwoorden aanpassen", then Back again: the overview from the browser's cache, not a resubmit page.
      await Promise.all([page.waitForNavigation(), page.click('#hw-edit-answers button[type=submit]')]);
      await page.locator('form#signalenlijst').waitFor();
      expect(await page.inputValue('#label')).toBe('RS');
      await page.goBack();
      await page.getByRole('heading', { name: 'Overzicht van je observatie' }).waitFor();
      expect(await page.textContent('body')).not.toMatch(/ERR_CACHE_MISS|Confirm Form Resubmission/);
      expect(await page.inputValue('#hw-edit-answers input[name="n-troost"]')).toBe('Zoekt geen troost na een val.');
      await context.close();
    });
  });

  it('the blank printable list passes axe and prints without navigation', async () => {
    const context: BrowserContext = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${env.server.base}/signalenlijst/blanco`);
    await expectNoAxeViolations(page, 'blank list');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('nav[aria-label="Hoofdmenu"]').isVisible()).toBe(false);
    await context.close();
  });
});
