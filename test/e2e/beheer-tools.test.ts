import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/bundle/export.ts';
import { loginAs } from '../helpers.ts';
import { browserEnabled, expectFocusOn, expectNoAxeViolations, useBrowserAndServer, VIEWPORTS } from './harness.ts';

/** Screenshots for looking at the screens by eye; not compared by the test. */
const SHOTS = join(process.cwd(), 'scratch');

describe.skipIf(!browserEnabled)('beheer: logboek, export and import in Chromium', () => {
  const env = useBrowserAndServer();

  async function adminContext(viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
    const b = await loginAs(env.server.app, env.server.deps.database, 'beheerder');
    const context = await env.browser.newContext({ viewport, acceptDownloads: true });
    await context.addCookies([{ name: 'hw_session', value: b.cookies.get('hw_session') as string, url: env.server.base }]);
    return { context, page: await context.newPage() };
  }

  const noSidewaysScroll = async (page: Page, label: string) => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${label} scrolls sideways`).toBeLessThanOrEqual(0);
  };

  it('zero axe violations and no sideways scrolling on the logboek, export and import screens, also with errors', async () => {
    mkdirSync(SHOTS, { recursive: true });
    for (const viewport of VIEWPORTS) {
      const { context, page } = await adminContext(viewport);
      for (const [name, path, status] of [
        ['logboek', '/beheer/audit', 200],
        ['logboek-filter', '/beheer/audit?actie=login&onderwerp=hechtwerk', 200],
        ['logboek-fout', '/beheer/audit?actie=bestaat-niet&van=2026-02-30', 400],
        ['export', '/beheer/export', 200],
        ['import', '/beheer/import', 200],
      ] as const) {
        const res = await page.goto(env.server.base + path);
        expect(res?.status(), path).toBe(status);
        await expectNoAxeViolations(page, `${path} at ${viewport.width}px`);
        await noSidewaysScroll(page, `${path} at ${viewport.width}px`);
        await page.screenshot({ path: join(SHOTS, `beheer-${name}-${viewport.name}.png`), fullPage: true });
      }
      await context.close();
    }
  });

  it('the filter form works without JavaScript and keeps its values', async () => {
    const b = await loginAs(env.server.app, env.server.deps.database, 'beheerder');
    const context = await env.browser.newContext({ viewport: { width: 375, height: 812 }, javaScriptEnabled: false });
    await context.addCookies([{ name: 'hw_session', value: b.cookies.get('hw_session') as string, url: env.server.base }]);
    const page = await context.newPage();
    await page.goto(`${env.server.base}/beheer/audit`);
    await page.selectOption('#actie', 'login');
    await page.fill('#onderwerp', 'beheerder-');
    await page.getByRole('button', { name: 'Filter toepassen' }).click();
    await page.waitForURL(/actie=login&onderwerp=beheerder-/);
    expect(await page.locator('#actie').inputValue()).toBe('login');
    expect(await page.locator('#onderwerp').inputValue()).toBe('beheerder-');
    const rows = page.locator('table.hw-audit tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    for (const text of await rows.allTextContents()) expect(text).toContain('Ingelogd');
    await page.getByRole('link', { name: 'Wis filters' }).click();
    await page.waitForURL(/\/beheer\/audit$/);
    await context.close();
  });

  it('downloads the bundle, checks it first, imports a changed copy and sees the result; a broken one shows every problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hw-bundel-'));
    try {
      for (const viewport of VIEWPORTS) {
        const { context, page } = await adminContext(viewport);
        await page.goto(`${env.server.base}/beheer/export`);
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Bundel downloaden (JSON)' }).click()]);
        expect(download.suggestedFilename()).toMatch(/^hechtwerk-bundel-\d{4}-\d{2}-\d{2}\.json$/);
        const bundle = JSON.parse(readFileSync((await download.path()) as string, 'utf8')) as Bundle;
        expect(bundle.format).toBe('hechtwerk-bundel');

        // Check first: nothing to change.
        const same = join(dir, `zelfde-${viewport.name}.json`);
        writeFileSync(same, JSON.stringify(bundle));
        await page.goto(`${env.server.base}/beheer/import`);
        await page.setInputFiles('#bundel', same);
        await page.getByRole('button', { name: 'Controleer eerst' }).click();
        await page.getByRole('heading', { level: 1, name: 'Controle: de bundel is in orde' }).waitFor();
        await page.getByText('importeren zou niets veranderen').waitFor();
        await expectNoAxeViolations(page, `dry run at ${viewport.width}px`);

        // A changed copy: check, then import it.
        const title = `Kansrijke Start (${viewport.name})`;
        const theme = bundle.themes.find((t) => t.file === 'themas/kansrijke-start.md');
        if (!theme) throw new Error('no kansrijke-start in the bundle');
        theme.markdown = theme.markdown.replace(/^title: .*$/m, `title: ${title}`);
        const changed = join(dir, `gewijzigd-${viewport.name}.json`);
        writeFileSync(changed, JSON.stringify(bundle));
        await page.goto(`${env.server.base}/beheer/import`);
        await page.setInputFiles('#bundel', changed);
        await page.getByRole('button', { name: 'Controleer eerst' }).click();
        await page.getByText(`Gewijzigd: ${title}`).waitFor();
        await page.screenshot({ path: join(SHOTS, `beheer-import-controle-${viewport.name}.png`), fullPage: true });
        await page.setInputFiles('#bundel', changed);
        await page.getByRole('button', { name: 'Importeren' }).click();
        await page.getByRole('heading', { level: 1, name: 'De bundel is geïmporteerd' }).waitFor();
        await page.getByText(`Gewijzigd: ${title}`).waitFor();
        const row = page.locator('table.hw-bundle-result tbody tr').first();
        expect((await row.locator('td').allTextContents()).slice(0, 2)).toEqual(['0', '1']);
        await expectNoAxeViolations(page, `import result at ${viewport.width}px`);
        await noSidewaysScroll(page, `import result at ${viewport.width}px`);
        await page.screenshot({ path: join(SHOTS, `beheer-import-resultaat-${viewport.name}.png`), fullPage: true });
        await page.goto(`${env.server.base}/themas/kansrijke-start`);
        await page.getByRole('heading', { level: 1, name: title }).waitFor();

        // A broken bundle: the summary takes focus and lists the problems; nothing changes.
        const broken = join(dir, `kapot-${viewport.name}.json`);
        theme.markdown = theme.markdown.replace(/^summary: .*$/m, 'summary: kort');
        (bundle.organisations[0] as { email: string }).email = 'geen-mail';
        writeFileSync(broken, JSON.stringify(bundle));
        await page.goto(`${env.server.base}/beheer/import`);
        await page.setInputFiles('#bundel', broken);
        await page.getByRole('button', { name: 'Importeren' }).click();
        await page.locator('.hw-error-summary').waitFor();
        await expectFocusOn(page, 'foutmeldingen');
        await page.getByText('themas/kansrijke-start.md: veld "summary": is verplicht (min. 10 tekens)').waitFor();
        await page.getByText(/organisatie nummer 1 .*veld "email"/).waitFor();
        await expectNoAxeViolations(page, `import errors at ${viewport.width}px`);
        await noSidewaysScroll(page, `import errors at ${viewport.width}px`);
        await page.screenshot({ path: join(SHOTS, `beheer-import-fouten-${viewport.name}.png`), fullPage: true });
        await page.getByRole('link', { name: 'kies het bestand opnieuw' }).click();
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('bundel');
        await page.goto(`${env.server.base}/themas/kansrijke-start`);
        await page.getByRole('heading', { level: 1, name: title }).waitFor();
        await context.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
