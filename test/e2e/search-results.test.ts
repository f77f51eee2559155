import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserEnabled, expectNoAxeViolations, useBrowserAndServer, VIEWPORTS } from './harness.ts';

const SHOTS = join(process.cwd(), 'scratch');

// A misspelt query answered for the word meant, an abbreviation expanded, organisation and training hits with their labels,
// pages that hold only some of the words (each saying what it lacks).
const QUERIES = [
  ['hechtng', 'verbeterd'],
  ['VT', 'afkorting'],
  ['wijkteam', 'organisatie'],
  ['hechting voor professionals', 'training'],
  ['xqzwv', 'niets'],
  ['overleg zwangerschap', 'deels'],
] as const;

describe.skipIf(!browserEnabled)('search results in Chromium', () => {
  const env = useBrowserAndServer();

  it('corrections, expansions and result labels read well at 375 and 1280 px: zero axe violations, no sideways scrolling', async () => {
    mkdirSync(SHOTS, { recursive: true });
    for (const vp of VIEWPORTS) {
      const context = await env.browser.newContext({ viewport: { width: vp.width, height: vp.height } });
      const page = await context.newPage();
      for (const [q, name] of QUERIES) {
        await page.goto(`${env.server.base}/zoeken?q=${encodeURIComponent(q)}`);
        await expectNoAxeViolations(page, `${q} at ${vp.name}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${q} scrolls sideways at ${vp.width}px`).toBeLessThanOrEqual(0);
        await page.screenshot({ path: join(SHOTS, `zoeken-${name}-${vp.name}.png`), fullPage: true });
      }
      // The way back from a correction: one Tab-and-Enter to search for what was typed.
      await page.goto(`${env.server.base}/zoeken?q=hechtng`);
      await page.getByRole('link', { name: 'hechtng' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(/letterlijk=1/);
      await page.getByText('Geen resultaten voor “hechtng”').waitFor();
      await page.goBack();
      await page.locator('.hw-spelling').getByText('hechting').waitFor();
      // A partial result: every hit says which typed word it lacks, as text a screen reader reads with the hit.
      await page.goto(`${env.server.base}/zoeken?q=${encodeURIComponent('overleg zwangerschap')}`);
      const hits = page.locator('.hw-results > li');
      expect(await hits.count()).toBeGreaterThan(1);
      for (const hit of await hits.all()) expect(await hit.getByText(/^Ontbreekt: /).textContent()).toMatch(/^Ontbreekt: (overleg|zwangerschap)$/);
      await context.close();
    }
  });
});
