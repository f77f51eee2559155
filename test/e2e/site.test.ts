import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { bumpContentVersion } from '../../src/db/content-version.ts';
import { PUBLIC_PAGES } from '../pages.ts';
import { axeViolations, browserEnabled, expectNoAxeViolations, trackForeignRequests, useBrowserAndServer, VIEWPORTS } from './harness.ts';

const PAGES = [...PUBLIC_PAGES, '/bestaat-niet'];

describe.skipIf(!browserEnabled)('public pages in Chromium', () => {
  const env = useBrowserAndServer();

  for (const vp of VIEWPORTS) {
    it(`every public page at ${vp.width}×${vp.height}: zero axe violations, no horizontal scroll, no foreign requests`, async () => {
      const context = await env.browser.newContext({ viewport: { width: vp.width, height: vp.height } });
      const page = await context.newPage();
      const foreign = trackForeignRequests(page, env.server.base);
      const errors: string[] = [];
      let current = '';
      page.on('console', (m) => {
        // The deliberate 404 page logs its own status; anything else (a CSP violation, a missing asset) is an error.
        if (m.type() === 'error' && current !== '/bestaat-niet') errors.push(`${current}: ${m.text()}`);
      });
      for (const path of PAGES) {
        current = path;
        await page.goto(env.server.base + path);
        await expectNoAxeViolations(page, `${path} at ${vp.name}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${path} scrolls sideways at ${vp.width}px`).toBeLessThanOrEqual(0);
      }
      expect(foreign).toEqual([]);
      // CSP violations show up as console errors.
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('the axe check itself finds violations, in the page and in a same-origin frame (so a clean sweep means something)', async () => {
    const page = await env.browser.newPage({ viewport: { width: 375, height: 812 } });
    try {
      // A real page of ours made faulty: an image without alt text, grey on white, and a frame (same origin) holding a nameless button.
      await page.goto(`${env.server.base}/over`);
      await page.evaluate(() => {
        const main = document.querySelector('main') as HTMLElement;
        main.insertAdjacentHTML('beforeend', '<img src="/favicon.ico"><p id="grijs">licht grijs</p>');
        // Through the CSSOM: the CSP refuses a style attribute written as markup.
        Object.assign((document.getElementById('grijs') as HTMLElement).style, { color: '#bbb', background: '#fff' });
        const frame = document.createElement('iframe');
        frame.title = 'proef';
        frame.srcdoc = '<!doctype html><html lang="nl"><title>proef</title><button></button></html>';
        main.append(frame);
        return new Promise((resolve) => frame.addEventListener('load', resolve));
      });
      const found = (await axeViolations(page)).map((v) => v.split(' ')[0]);
      expect(found).toEqual(expect.arrayContaining(['image-alt', 'color-contrast', 'button-name']));
    } finally {
      await page.close();
    }
  });

  it('at 320 px every menu item is visible and reachable without JavaScript, behind one Menu button', async () => {
    const context = await env.browser.newContext({ viewport: { width: 320, height: 640 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${env.server.base}/`);
    const links = page.locator('nav[aria-label="Hoofdmenu"] a');
    expect(await links.count()).toBe(6);
    // Closed, the menu is one button; the links are not shown.
    expect(await links.first().isVisible()).toBe(false);
    await page.getByText('Menu', { exact: true }).click();
    await links.first().waitFor();
    for (let i = 0; i < 6; i++) {
      const box = await links.nth(i).boundingBox();
      expect(box).not.toBeNull();
      expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= 320).toBe(true);
      expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
    }
    for (const path of PAGES) {
      await page.goto(env.server.base + path);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${path} scrolls sideways at 320px`).toBeLessThanOrEqual(0);
    }
    await page.goto(`${env.server.base}/`);
    await page.getByText('Menu', { exact: true }).click();
    await page.locator('nav[aria-label="Hoofdmenu"] a', { hasText: 'Zoeken' }).click();
    expect(new URL(page.url()).pathname).toBe('/zoeken');
    await page.fill('#q', 'scheidingen');
    await page.press('#q', 'Enter');
    await page.waitForURL(/q=scheidingen/);
    expect(await page.locator('mark').count()).toBeGreaterThan(0);
    await context.close();
  });

  it('at 375 px the header is one row (wordmark, region and "Zorgen? 0800-2000") and the closed menu one more', async () => {
    const context = await env.browser.newContext({ viewport: { width: 375, height: 812 } });
    const page = await context.newPage();
    await page.goto(`${env.server.base}/`);
    const logo = await page.locator('.hw-logo').boundingBox();
    const help = page.locator('.hw-help');
    const helpBox = await help.boundingBox();
    expect(logo && helpBox).toBeTruthy();
    // Side by side: the two overlap vertically, and the help link is right of the wordmark.
    expect((helpBox?.y ?? 0) < (logo?.y ?? 0) + (logo?.height ?? 0) && (logo?.y ?? 0) < (helpBox?.y ?? 0) + (helpBox?.height ?? 0)).toBe(true);
    expect(helpBox?.x ?? 0).toBeGreaterThan((logo?.x ?? 0) + (logo?.width ?? 0));
    // What a phone shows: the words for a wide screen are there for screen readers only.
    const shown = () =>
      help.evaluate((a) =>
        [...a.childNodes]
          .filter((n) => !(n instanceof HTMLElement && n.classList.contains('hw-wide') && n.getBoundingClientRect().width <= 1))
          .map((n) => n.textContent)
          .join(''),
      );
    expect(await shown()).toBe('Zorgen? 0800-2000');
    expect(await help.getAttribute('href')).toBe('tel:08002000');
    expect((await page.locator('header .hw-header__bar').boundingBox())?.height ?? 99).toBeLessThanOrEqual(64);
    expect((await page.locator('nav[aria-label="Hoofdmenu"]').boundingBox())?.height ?? 99).toBeLessThanOrEqual(56);
    await page.locator('.hw-menu__button').click();
    await page.locator('nav[aria-label="Hoofdmenu"] a').first().waitFor();
    await expectNoAxeViolations(page, 'the open menu at 375 px');
    await context.close();
  });

  it('at 1280 px the menu is a plain row of links, without the Menu button', async () => {
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${env.server.base}/`);
    expect(await page.locator('.hw-menu__button').isVisible()).toBe(false);
    const links = page.locator('nav[aria-label="Hoofdmenu"] a');
    const tops = new Set<number>();
    for (let i = 0; i < 6; i++) {
      expect(await links.nth(i).isVisible()).toBe(true);
      tops.add(Math.round((await links.nth(i).boundingBox())?.y ?? -1));
    }
    expect(tops.size).toBe(1);
    expect(await page.locator('.hw-help').textContent()).toBe('Zorgen om een kind? Veilig Thuis: 0800-2000');
    await page.close();
  });

  it('keyboard only: the skip link is first, becomes visible, and moves focus to the main content', async () => {
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${env.server.base}/themas/hechting`);
    const skip = page.locator('a.utrecht-skip-link');
    expect((await skip.boundingBox())?.width ?? 0).toBeLessThanOrEqual(1);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Naar de inhoud');
    expect((await skip.boundingBox())?.width ?? 0).toBeGreaterThan(50);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('inhoud');
    // The next Tab goes to content inside main, not back to the header.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('main'))).toBe(true);
    await page.close();
  });

  it('keyboard only at 375 px: Tab reaches the Menu button, Enter opens it, Tab goes through the items, Enter follows one', async () => {
    const page = await env.browser.newPage({ viewport: { width: 375, height: 812 } });
    await page.goto(`${env.server.base}/`);
    const focused = () => page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.textContent?.trim()}`);
    const seen: string[] = [];
    for (let i = 0; i < 6 && !seen.includes('SUMMARY Menu'); i++) {
      await page.keyboard.press('Tab');
      seen.push(await focused());
    }
    expect(seen).toEqual(['A Naar de inhoud', expect.stringMatching(/^A Hechtwerk/), 'A Zorgen om een kind? Veilig Thuis: 0800-2000', 'SUMMARY Menu']);
    // Focus is visible: an outline on the focused control.
    expect(await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle)).toBe('solid');
    await page.keyboard.press('Enter');
    await page.locator('nav[aria-label="Hoofdmenu"] a').first().waitFor();
    const items: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      items.push(await focused());
    }
    expect(items).toEqual(['A Thema’s', 'A Signalenlijst', 'A Meldcode', 'A Trainingen', 'A Netwerk', 'A Zoeken']);
    expect(await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle)).toBe('solid');
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('A Netwerk');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/netwerk$/);
    await page.close();
  });

  it('the table of contents jumps to its section', async () => {
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${env.server.base}/themas/kindermishandeling`);
    const first = page.locator('.hw-toc a').first();
    const target = (await first.getAttribute('href')) as string;
    await first.click();
    expect(new URL(page.url()).hash).toBe(target);
    const top = await page.locator(target).evaluate((el) => el.getBoundingClientRect().top);
    expect(Math.abs(top)).toBeLessThan(50);
    await page.close();
  });
  it('the feed and the sitemap parse as XML in the browser, and the page head announces the feed', async () => {
    const page = await env.browser.newPage();
    await page.goto(`${env.server.base}/`);
    expect(await page.locator('link[rel="alternate"][type="application/atom+xml"]').getAttribute('href')).toBe('/feed.xml');
    const parsed = await page.evaluate(async () => {
      const parse = async (path: string) => {
        const doc = new DOMParser().parseFromString(await (await fetch(path)).text(), 'application/xml');
        return {
          errors: doc.getElementsByTagName('parsererror').length,
          root: `${doc.documentElement.namespaceURI} ${doc.documentElement.localName}`,
          entries: [...doc.getElementsByTagNameNS('http://www.w3.org/2005/Atom', 'entry')].map((e) => ({
            title: e.getElementsByTagNameNS('http://www.w3.org/2005/Atom', 'title')[0]?.textContent,
            href: e.getElementsByTagNameNS('http://www.w3.org/2005/Atom', 'link')[0]?.getAttribute('href'),
          })),
          locs: [...doc.getElementsByTagNameNS('http://www.sitemaps.org/schemas/sitemap/0.9', 'loc')].map((l) => l.textContent),
        };
      };
      return { feed: await parse('/feed.xml'), sitemap: await parse('/sitemap.xml') };
    });
    expect(parsed.feed.errors).toBe(0);
    expect(parsed.feed.root).toBe('http://www.w3.org/2005/Atom feed');
    expect(parsed.feed.entries).toHaveLength(5);
    for (const e of parsed.feed.entries) expect(e.href).toMatch(/^http:\/\/localhost:3000\/themas\/[a-z-]+$/);
    expect(parsed.sitemap.errors).toBe(0);
    expect(parsed.sitemap.root).toBe('http://www.sitemaps.org/schemas/sitemap/0.9 urlset');
    expect(parsed.sitemap.locs).toContain('http://localhost:3000/themas/hechting');
    await page.close();
  });

  it('a theme title with </script> in it stays text: in the feed, and in the page’s JSON-LD as the browser parses it', async () => {
    const nasty = 'Hechting <&> </script><script>document.title="x"</script>';
    const db = env.server.deps.database.db;
    const retitle = async (title: string) => {
      await db.transaction(async (tx) => {
        await tx.execute(sql`update themes set title = ${title} where slug = 'hechting'`);
        await bumpContentVersion(tx);
      });
      env.server.deps.contentVersion.invalidate();
    };
    await retitle(nasty);
    const page = await env.browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    try {
      await page.goto(`${env.server.base}/themas/hechting`);
      const found = await page.evaluate(() => ({
        scripts: [...document.scripts].map((s) => ({ type: s.type, text: s.textContent ?? '' })),
        title: document.title,
      }));
      expect(found.scripts).toHaveLength(1);
      expect(found.scripts[0]?.type).toBe('application/ld+json');
      expect(JSON.parse(found.scripts[0]?.text ?? '').headline).toBe(nasty);
      expect(found.title).toBe(`${nasty} | Hechtwerk`);
      const feedTitle = await page.evaluate(async () => {
        const doc = new DOMParser().parseFromString(await (await fetch('/feed.xml')).text(), 'application/xml');
        return [...doc.getElementsByTagName('entry')].map((e) => e.getElementsByTagName('title')[0]?.textContent);
      });
      expect(feedTitle).toContain(nasty);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await retitle('Hechting');
    }
  });
});
