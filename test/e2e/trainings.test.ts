import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { outbox, trainingSessions } from '../../src/db/schema.ts';
import { mailAsSent } from '../../src/mail/outbox.ts';
import { register } from '../../src/trainings/service.ts';
import { settingsFrom } from '../../src/trainings/settings.ts';
import { browserEnabled, expectNoAxeViolations, useBrowserAndServer, VIEWPORTS } from './harness.ts';

/** Screenshots for looking at the screens by eye; not compared by the test. */
const SHOTS = join(process.cwd(), 'scratch');

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
    // Asked first; the seat is kept until the registrant confirms.
    await page.getByRole('heading', { name: 'Afmelden?' }).waitFor();
    await expectNoAxeViolations(page, 'cancel: asked');
    await page.getByRole('button', { name: 'Ja, meld me af' }).click();
    await page.getByText('Je bent afgemeld. Je plek is vrijgegeven.').waitFor();
    await expectNoAxeViolations(page, 'cancelled');
    // The way back in: the session's registration form.
    await page.getByRole('link', { name: 'Meld je weer aan' }).click();
    await page.getByRole('button', { name: 'Aanmelden' }).waitFor();
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
      '/beheer/trainingen/sessies/1/annuleren',
      '/beheer/trainingen/sessies/1/certificaten',
    ]) {
      const res = await page.goto(env.server.base + path);
      expect(res?.status(), path).toBe(200);
      await expectNoAxeViolations(page, path);
    }
    await context.close();
  });

  it('a coordinator cancels a session through the confirmation page, by keyboard, at 375 and 1280 px', async () => {
    const { createOpenSession, loginAs } = await import('../helpers.ts');
    const db = env.server.deps.database.db;
    mkdirSync(SHOTS, { recursive: true });
    for (const viewport of VIEWPORTS) {
      const s = await createOpenSession(db, new Date(), {
        slug: `annuleren-${viewport.name}`,
        title: `Gaat niet door (${viewport.name})`,
        summary: 'Een training die wordt geannuleerd.',
        capacity: 5,
      });
      for (const name of ['Ilse', 'Joris'])
        await register(
          db,
          s.sessionId,
          { name, email: `${name.toLowerCase()}-${viewport.name}@example.org`, organisation: 'JGZ', role: 'Verpleegkundige' },
          settingsFrom(env.server.deps),
          new Date(),
        );
      const b = await loginAs(env.server.app, env.server.deps.database, 'redacteur');
      const context = await env.browser.newContext({ viewport });
      await context.addCookies([{ name: 'hw_session', value: b.cookies.get('hw_session') as string, url: env.server.base }]);
      const page = await context.newPage();
      const sessionUrl = `${env.server.base}/beheer/trainingen/sessies/${s.sessionId}`;
      await page.goto(sessionUrl);
      // Keyboard only: focus the link and press Enter, as one does after tabbing to it.
      await page.getByRole('link', { name: 'Bijeenkomst annuleren…' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Bijeenkomst annuleren?' }).waitFor();
      await page.getByText('2 mensen krijgen een mail met een agenda-afspraak die de afspraak weghaalt.').waitFor();
      expect(await page.locator('.hw-confirm__people li').allTextContents()).toEqual([expect.stringContaining('Ilse'), expect.stringContaining('Joris')]);
      await expectNoAxeViolations(page, `cancel confirmation ${viewport.name}`);
      await page.screenshot({ path: join(SHOTS, `annuleren-bevestigen-${viewport.name}.png`), fullPage: true });
      // Back changes nothing; the session is still planned.
      await page.goBack();
      await page.getByRole('link', { name: 'Bijeenkomst annuleren…' }).waitFor();
      expect((await db.select().from(trainingSessions).where(eq(trainingSessions.id, s.sessionId)))[0]?.status).toBe('gepland');
      await page.goForward();
      await page.getByRole('heading', { name: 'Bijeenkomst annuleren?' }).waitFor();
      // The confirm button comes before the way back, and Enter on it cancels.
      await page.getByRole('button', { name: 'Ja, annuleer de bijeenkomst' }).focus();
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Nee, terug naar de bijeenkomst');
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Enter');
      await page.getByText('De bijeenkomst is geannuleerd. 2 mensen krijgen bericht.').waitFor();
      // A success looks like one: the ok alert, not a warning.
      expect(await page.locator('.utrecht-alert--ok').count()).toBe(1);
      await expectNoAxeViolations(page, `cancelled ${viewport.name}`);
      await page.screenshot({ path: join(SHOTS, `annuleren-klaar-${viewport.name}.png`), fullPage: true });
      expect((await db.select().from(trainingSessions).where(eq(trainingSessions.id, s.sessionId)))[0]?.status).toBe('geannuleerd');
      const cancelMails = (await db.select().from(outbox)).filter(
        (m) => m.to.endsWith(`-${viewport.name}@example.org`) && m.subject.startsWith('Gaat niet door'),
      );
      expect(cancelMails).toHaveLength(2);
      await context.close();
    }
  });
});
