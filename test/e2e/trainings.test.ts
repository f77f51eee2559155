import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.ts';
import { mailAsSent } from '../../src/mail/outbox.ts';
import { browserEnabled, expectNoAxeViolations, useBrowserAndServer } from './harness.ts';

describe.skipIf(!browserEnabled)('trainingen in Chromium', () => {
  const env = useBrowserAndServer();

  it('register → mail link → confirm → cancel, keyboard-usable, zero axe violations on every page', async () => {
    const context = await env.browser.newContext({ viewport: { width: 375, height: 812 } });
    const page = await context.newPage();
    await page.goto(`${env.server.base}/trainingen`);
    await expectNoAxeViolations(page, 'trainingen');
    await page.getByRole('link', { name: 'Hechting voor professionals' }).first().click();
    await expectNoAxeViolations(page, 'training');
    await page.locator('.hw-session a').first().click();
    await expectNoAxeViolations(page, 'session');
    // Submit empty first: errors, then fill in with the keyboard.
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.locator('.hw-error-summary').waitFor();
    await expectNoAxeViolations(page, 'session with errors');
    await page.fill('#name', 'Fatima Bakker');
    await page.fill('#email', 'fatima@example.org');
    await page.fill('#organisation', 'Kinderopvang Zonnestraal');
    await page.fill('#role', 'Pedagogisch medewerker');
    await page.focus('#consent');
    await page.keyboard.press('Space');
    // Past the privacy link in the consent label, to the submit button.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Aanmelden');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Kijk in je mail' }).waitFor();
    await expectNoAxeViolations(page, 'registered');

    const [stored] = await env.server.deps.database.db.select().from(outbox).where(eq(outbox.to, 'fatima@example.org'));
    // The stored mail holds placeholders; its links are made as it is sent.
    const mail = await mailAsSent(env.server.deps.database.db, stored?.id as number);
    const confirmUrl = /(\/trainingen\/bevestigen\/[\w-]+)/.exec(mail.text)?.[1];
    await page.goto(env.server.base + confirmUrl);
    await expectNoAxeViolations(page, 'confirm');
    await page.getByRole('button', { name: 'Bevestig mijn aanmelding' }).click();
    await page.getByRole('heading', { name: 'Je aanmelding is bevestigd' }).waitFor();
    await expectNoAxeViolations(page, 'confirmed');
    await page.getByRole('link', { name: 'Bekijk je aanmelding' }).click();
    await page.getByText('Bevestigd').first().waitFor();
    await expectNoAxeViolations(page, 'manage');
    await page.getByRole('button', { name: 'Afmelden' }).click();
    await page.getByText('Je bent afgemeld. Je plek is vrijgegeven.').waitFor();
    await expectNoAxeViolations(page, 'cancelled');
    await context.close();
  });

  it('beheer screens for trainings have zero axe violations', async () => {
    const { loginAs } = await import('../helpers.ts');
    const b = await loginAs(env.server.app, env.server.deps.database, 'redacteur');
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([{ name: 'hw_session', value: b.cookies.get('hw_session') as string, url: env.server.base }]);
    const page = await context.newPage();
    for (const path of [
      '/beheer/trainingen',
      '/beheer/trainingen/nieuw',
      '/beheer/trainingen/1',
      '/beheer/trainingen/1/sessies/nieuw',
      '/beheer/trainingen/sessies/1',
      '/beheer/trainingen/sessies/1/presentielijst',
    ]) {
      const res = await page.goto(env.server.base + path);
      expect(res?.status(), path).toBe(200);
      await expectNoAxeViolations(page, path);
    }
    await context.close();
  });
});
