import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserEnabled, expectNoAxeViolations, trackForeignRequests, useBrowserAndServer, VIEWPORTS } from './harness.ts';

// Screenshots of the open list, to look at: scratch/ (ignored by git) unless HW_SHOTS_DIR says otherwise.
const SHOTS = process.env.HW_SHOTS_DIR ?? join(process.cwd(), 'scratch');

describe.skipIf(!browserEnabled)('search suggestions in Chromium', () => {
  const env = useBrowserAndServer();
  beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

  /** A page on /zoeken that records script errors and the suggestion requests it makes. */
  async function open(contextOptions: BrowserContextOptions = {}) {
    const context = await env.browser.newContext(contextOptions);
    const page = await context.newPage();
    const errors: string[] = [];
    const asked: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname === '/zoeken/suggesties') asked.push(url.searchParams.get('q') ?? '');
    });
    const foreign = trackForeignRequests(page, env.server.base);
    await page.goto(`${env.server.base}/zoeken`);
    return { context, page, errors, asked, foreign };
  }

  // Through a locator, not page.evaluate(): that also works with JavaScript disabled.
  const focused = async (page: Page) => (await page.locator('#q:focus').count()) === 1;
  /** Tabs from the top of the page to the search field, as a keyboard user does. */
  async function tabToField(page: Page) {
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      if (await focused(page)) return;
    }
    throw new Error('the search field was not reached with Tab');
  }

  const field = (page: Page) => page.locator('#q');
  const options = (page: Page) => page.locator('#suggesties [role="option"]');
  const listShown = (page: Page) => page.locator('#suggesties[role="listbox"]:not([hidden])').waitFor();
  const listHidden = (page: Page) => page.locator('#suggesties[role="listbox"]').waitFor({ state: 'hidden' });

  it('keyboard only: type, choose with the arrow keys, Escape closes and clears, Enter opens the page', async () => {
    const { context, page, errors, asked, foreign } = await open({ viewport: { width: 1280, height: 800 } });
    const q = field(page);
    // The script makes the field a combobox (the page as served is a plain form; see suggest.test.ts).
    expect(await q.getAttribute('role')).toBe('combobox');
    expect(await q.getAttribute('aria-autocomplete')).toBe('list');
    expect(await q.getAttribute('aria-controls')).toBe('suggesties');
    expect(await q.getAttribute('aria-expanded')).toBe('false');
    await tabToField(page);

    // Below 3 characters nothing is asked and nothing shown.
    await page.keyboard.type('he');
    await page.keyboard.press('ArrowDown');
    expect(await q.getAttribute('aria-expanded')).toBe('false');
    await page.keyboard.type('ch');
    await listShown(page);
    expect(asked.every((v) => v.length >= 3)).toBe(true);
    expect(await q.getAttribute('aria-expanded')).toBe('true');
    const n = await options(page).count();
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(5);
    await page.locator('#suggesties + [role="status"]', { hasText: `${n} suggestie` }).waitFor();
    expect(await options(page).first().textContent()).toMatch(/^Hechting Thema$/);
    // Nothing chosen yet: Enter would search.
    expect(await q.getAttribute('aria-activedescendant')).toBeNull();

    await page.keyboard.press('ArrowDown');
    const first = await options(page).nth(0).getAttribute('id');
    expect(await q.getAttribute('aria-activedescendant')).toBe(first);
    expect(await options(page).nth(0).getAttribute('aria-selected')).toBe('true');
    if (n > 1) {
      await page.keyboard.press('ArrowDown');
      expect(await q.getAttribute('aria-activedescendant')).toBe(await options(page).nth(1).getAttribute('id'));
      expect(await options(page).nth(0).getAttribute('aria-selected')).toBe('false');
      await page.keyboard.press('ArrowUp');
    }
    expect(await q.getAttribute('aria-activedescendant')).toBe(first);
    // The focus stays in the field all along (aria-activedescendant, not moving focus).
    expect(await focused(page)).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'zoeksuggesties-1280.png') });

    // Escape closes and keeps the text; a second Escape clears it.
    await page.keyboard.press('Escape');
    await listHidden(page);
    expect(await q.getAttribute('aria-expanded')).toBe('false');
    expect(await q.getAttribute('aria-activedescendant')).toBeNull();
    expect(await q.inputValue()).toBe('hech');
    await page.keyboard.press('Escape');
    expect(await q.inputValue()).toBe('');

    // Nothing found: said, and no list.
    await page.keyboard.type('xqzw');
    await page.locator('#suggesties + [role="status"]', { hasText: 'geen suggesties' }).waitFor();
    expect(await q.getAttribute('aria-expanded')).toBe('false');
    await page.keyboard.press('Escape');
    expect(await q.inputValue()).toBe('');

    // Tab closes the list and moves on.
    await page.keyboard.type('hech');
    await listShown(page);
    await page.keyboard.press('Tab');
    await listHidden(page);
    expect(await focused(page)).toBe(false);
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe(true);

    // ArrowDown opens the list again; Enter on the chosen option opens its page.
    await page.keyboard.press('ArrowDown');
    await listShown(page);
    const url = await options(page).nth(0).getAttribute('data-url');
    expect(url).toBe('/themas/hechting');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${env.server.base}${url}`);
    expect(await page.locator('h1').textContent()).toBe('Hechting');
    // Back: the search page with what was typed in the field, the list closed; reloaded, the same.
    await page.goBack();
    await page.waitForURL(`${env.server.base}/zoeken`);
    expect(await field(page).inputValue()).toBe('hech');
    expect(await q.getAttribute('aria-expanded')).toBe('false');
    await page.reload();
    expect(await field(page).inputValue()).toBe('hech');
    // What was typed last comes back, not what was typed before it: a new text (kept once typing
    // pauses), left by another link.
    const kept = (text: string) => page.waitForFunction((t) => history.state?.typed === t, text);
    await q.fill('iets anders');
    await kept('iets anders');
    await page.getByRole('link', { name: 'Meldcode', exact: true }).first().click();
    await page.waitForURL(`${env.server.base}/meldcode`);
    await page.goBack();
    await page.waitForURL(`${env.server.base}/zoeken`);
    expect(await field(page).inputValue()).toBe('iets anders');
    // Cleared, then reloaded: empty.
    await q.fill('');
    await kept('');
    await page.reload();
    expect(await field(page).inputValue()).toBe('');
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    await context.close();
  });

  it('Enter without a chosen option searches as before', async () => {
    const { context, page, asked } = await open({ viewport: { width: 1280, height: 800 } });
    await tabToField(page);
    await page.keyboard.type('hechting');
    await listShown(page);
    // Typed in one go: a request after the pause, not one per key.
    expect(asked.length).toBeLessThan(6);
    expect(asked.at(-1)).toBe('hechting');
    for (const text of await options(page).allTextContents()) expect(text.toLowerCase()).toContain('hechting');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/zoeken\?q=hechting$/);
    expect(await page.locator('.hw-results li').count()).toBeGreaterThan(0);
    await context.close();
  });

  it('Back after Enter pressed at once, before typing paused, gives the field as it was sent', async () => {
    const { context, page } = await open({ viewport: { width: 375, height: 800 } });
    // The page's clock stands still: however slowly the keys arrive, the pause after typing (when
    // what was typed is kept for Back) never comes before Enter.
    await page.clock.install();
    await page.clock.pauseAt(Date.now() + 1000);
    await tabToField(page);
    await page.keyboard.type('veilig thuis');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/zoeken\?q=veilig\+thuis$/);
    await page.goBack();
    await page.waitForURL(`${env.server.base}/zoeken`);
    expect(await field(page).inputValue()).toBe('veilig thuis');
    await page.reload();
    expect(await field(page).inputValue()).toBe('veilig thuis');
    await context.close();
  });

  it('an answer that comes after a newer one is never shown', async () => {
    const { context, page } = await open({ viewport: { width: 1280, height: 800 } });
    // The answer for "hech" is held back until the one for "hechting" is on screen.
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    let answered = () => {};
    const oldAnswered = new Promise<void>((r) => {
      answered = r;
    });
    await page.route('**/zoeken/suggesties?*', async (route) => {
      if (new URL(route.request().url()).searchParams.get('q') !== 'hech') return route.continue();
      await held;
      await route.fulfill({ json: [{ title: 'Een oud antwoord', url: '/oud', kind: 'theme' }] }).catch(() => {});
      answered();
    });
    await tabToField(page);
    const oldAsked = page.waitForRequest((r) => new URL(r.url()).searchParams.get('q') === 'hech');
    await page.keyboard.type('hech');
    await oldAsked;
    await page.keyboard.type('ting');
    await listShown(page);
    await page
      .locator('#suggesties [role="option"]', { hasText: /hechting/i })
      .first()
      .waitFor();
    release();
    await oldAnswered;
    // Two frames later the page has handled whatever reached it.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(await options(page).allTextContents()).not.toContainEqual(expect.stringContaining('oud antwoord'));
    expect(await field(page).getAttribute('aria-expanded')).toBe('true');
    await context.close();
  });

  it('typing on after choosing an option leaves it unchosen: Enter searches what the field says', async () => {
    const { context, page } = await open({ viewport: { width: 1280, height: 800 } });
    // The new text's suggestions are held back, as on a slow connection: the old list is what is on screen.
    await page.route('**/zoeken/suggesties?*', async (route) => {
      if (new URL(route.request().url()).searchParams.get('q') === 'hech') return route.continue();
      await new Promise(() => {});
    });
    await tabToField(page);
    await page.keyboard.type('hech');
    await listShown(page);
    await page.keyboard.press('ArrowDown');
    expect(await field(page).getAttribute('aria-activedescendant')).not.toBeNull();
    await page.keyboard.type('ting signalen');
    expect(await field(page).getAttribute('aria-activedescendant')).toBeNull();
    expect(await options(page).evaluateAll((os) => os.filter((o) => o.getAttribute('aria-selected') === 'true').length)).toBe(0);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/zoeken\?q=hechting\+signalen$/);
    await context.close();
  });

  it('an option chosen with the arrows below the fold (zoomed in, a short window) is scrolled into view', async () => {
    // 1280 × 800 at 200 %: 640 × 400 CSS pixels.
    const { context, page } = await open({ viewport: { width: 640, height: 400 } });
    await tabToField(page);
    await page.keyboard.type('hech');
    await listShown(page);
    const n = await options(page).count();
    expect(n).toBeGreaterThan(2);
    for (let i = 0; i < n; i++) {
      await page.keyboard.press('ArrowDown');
      const box = await options(page).nth(i).boundingBox();
      expect(box, `option ${i + 1}`).not.toBeNull();
      // Within a pixel: boxes have fractional positions.
      expect((box?.y ?? -1) >= -1 && (box?.y ?? 0) + (box?.height ?? 0) <= 401, `option ${i + 1} in view`).toBe(true);
    }
    await context.close();
  });

  it('a click on a suggestion opens it', async () => {
    const { context, page } = await open({ viewport: { width: 1280, height: 800 } });
    await field(page).click();
    await page.keyboard.type('kindermis');
    await listShown(page);
    const option = options(page).first();
    const url = await option.getAttribute('data-url');
    await option.click();
    await page.waitForURL(`${env.server.base}${url}`);
    await context.close();
  });

  for (const vp of VIEWPORTS) {
    it(`the open list at ${vp.width} px: zero axe violations, no sideways scrolling`, async () => {
      const { context, page, errors } = await open({ viewport: { width: vp.width, height: vp.height } });
      await tabToField(page);
      await page.keyboard.type('hech');
      await listShown(page);
      await page.keyboard.press('ArrowDown');
      await expectNoAxeViolations(page, `/zoeken with suggestions at ${vp.name}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      // The list lies within the viewport, under the field.
      const list = await page.locator('#suggesties').boundingBox();
      const input = await field(page).boundingBox();
      expect(list && input).toBeTruthy();
      expect((list?.x ?? -1) >= 0 && (list?.x ?? 0) + (list?.width ?? 0) <= vp.width).toBe(true);
      expect(list?.y ?? 0).toBeGreaterThanOrEqual((input?.y ?? 0) + (input?.height ?? 0));
      // Each option is a comfortable target.
      for (const box of await Promise.all((await options(page).all()).map((o) => o.boundingBox()))) expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
      await page.screenshot({ path: join(SHOTS, `zoeksuggesties-${vp.width}.png`) });
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('without JavaScript the form is a plain form that submits to /zoeken', async () => {
    const { context, page } = await open({ viewport: { width: 375, height: 812 }, javaScriptEnabled: false });
    const q = field(page);
    expect(await q.getAttribute('role')).toBeNull();
    expect(await q.getAttribute('aria-expanded')).toBeNull();
    expect(await page.locator('#suggesties').count()).toBe(0);
    await tabToField(page);
    await page.keyboard.type('hechting');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/zoeken\?q=hechting$/);
    expect(await page.locator('.hw-results li').count()).toBeGreaterThan(0);
    await context.close();
  });
});
