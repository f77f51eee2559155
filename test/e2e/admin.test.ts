import { describe, expect, it } from 'vitest';
import { createFirstAdminToken } from '../../src/beheer/accounts.ts';
import { browserEnabled, expectNoAxeViolations, useBrowserAndServer } from './harness.ts';

describe.skipIf(!browserEnabled)('beheer in Chromium', () => {
  const env = useBrowserAndServer();

  it('first administrator, login with an error first, invite, outbox: keyboard-usable and zero axe violations', async () => {
    const token = await createFirstAdminToken(env.server.deps.database.db, env.server.clock.now());
    const context = await env.browser.newContext({ viewport: { width: 375, height: 812 } });
    const page = await context.newPage();
    await page.goto(`${env.server.base}/beheer/welkom/${token}`);
    await expectNoAxeViolations(page, 'welkom');
    // Submit empty: error summary, focusable links to fields.
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('.hw-error-summary').count()).toBe(1);
    await expectNoAxeViolations(page, 'welkom with errors');
    await page.locator('.hw-error-summary a[href="#password"]').click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');

    await page.fill('#name', 'Anna Beheer');
    await page.fill('#email', 'anna@hechtwerk.example');
    await page.fill('#password', 'een lange zin als wachtwoord');
    await page.fill('#password2', 'een lange zin als wachtwoord');
    await page.click('button[type=submit]');
    await page.getByText('Je account is aangemaakt').waitFor();

    await page.goto(`${env.server.base}/beheer/inloggen`);
    await expectNoAxeViolations(page, 'inloggen');
    await page.fill('#email', 'anna@hechtwerk.example');
    await page.fill('#password', 'fout wachtwoord');
    await page.keyboard.press('Enter');
    await page.getByText('Het e-mailadres of het wachtwoord klopt niet.').first().waitFor();
    expect(await page.inputValue('#email')).toBe('anna@hechtwerk.example');
    await expectNoAxeViolations(page, 'inloggen with error');
    await page.fill('#password', 'een lange zin als wachtwoord');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/beheer$/);
    await expectNoAxeViolations(page, 'beheer');

    await page.goto(`${env.server.base}/beheer/gebruikers`);
    await expectNoAxeViolations(page, 'gebruikers');
    await page.fill('#email', 'rik@hechtwerk.example');
    await page.selectOption('#role', 'redacteur');
    await page.click('form[action="/beheer/gebruikers/uitnodigen"] button');
    await page.getByText('Uitnodiging aangemaakt voor rik@hechtwerk.example').waitFor();
    await page.goto(`${env.server.base}/beheer/mail`);
    await expectNoAxeViolations(page, 'mail');
    await page.getByRole('link', { name: 'Uitnodiging voor Hechtwerk' }).click();
    await expectNoAxeViolations(page, 'mail detail');
    // The invitation's link is made when the mail is sent: the outbox shows where it goes, not the link.
    const text = await page.locator('pre').textContent();
    expect(text).toContain('[persoonlijke link]');
    expect(text).not.toContain('/beheer/welkom/');

    await page.getByRole('button', { name: /Uitloggen/ }).click();
    await page.waitForURL(/\/beheer\/inloggen$/);
    await context.close();
  });
});
