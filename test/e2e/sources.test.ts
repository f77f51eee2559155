import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/crypto.ts';
import { sources, themeSources, users } from '../../src/db/schema.ts';
import { browserEnabled, expectFocusOn, expectNoAxeViolations, useBrowserAndServer } from './harness.ts';

describe.skipIf(!browserEnabled)('bronnen in Chromium', () => {
  const env = useBrowserAndServer();
  const db = () => env.server.deps.database.db;

  it('an editor logs in, adds a source (errors first), finds it in the list, is stopped on a duplicate, and deletes it; zero axe violations on every screen', async () => {
    await db()
      .insert(users)
      .values({ email: 'bram@hechtwerk.example', name: 'Bram Redactie', role: 'redacteur', passwordHash: await hashPassword('een lange zin als wachtwoord') });
    // Some link states, so every kind of status label is on the list.
    const seeded = await db().select().from(sources).orderBy(asc(sources.id));
    await db()
      .update(sources)
      .set({ checkedAt: new Date(), checkResult: 'ok', checkStatus: 200 })
      .where(eq(sources.id, seeded[0]?.id as number));
    await db()
      .update(sources)
      .set({ checkedAt: new Date(), checkResult: 'broken', checkStatus: 404 })
      .where(eq(sources.id, seeded[1]?.id as number));
    await db()
      .update(sources)
      .set({
        checkedAt: new Date(),
        checkResult: 'redirect',
        checkStatus: 301,
        redirectTo: 'https://www.voorbeeld.nl/een/heel/lang/nieuw/adres/dat/niet/past/',
      })
      .where(eq(sources.id, seeded[2]?.id as number));
    await db()
      .update(sources)
      .set({ checkedAt: new Date(), checkResult: 'unreachable', checkError: 'De servernaam is niet gevonden.' })
      .where(eq(sources.id, seeded[3]?.id as number));

    const context = await env.browser.newContext({ viewport: { width: 375, height: 812 } });
    const page = await context.newPage();
    const noSideways = async (label: string) => {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${label} scrolls sideways`).toBeLessThanOrEqual(0);
    };
    await page.goto(`${env.server.base}/beheer/bronnen`);
    await page.waitForURL(/\/beheer\/inloggen\?terug=%2Fbeheer%2Fbronnen$/);
    await page.fill('#email', 'bram@hechtwerk.example');
    await page.fill('#password', 'een lange zin als wachtwoord');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/beheer\/bronnen$/);
    await page.getByRole('heading', { level: 1, name: 'Bronnen beheren' }).waitFor();
    await page.getByText('2 kapotte links, 1 doorverwijzing').waitFor();
    await expectNoAxeViolations(page, 'list');
    await noSideways('list');

    await page.getByRole('link', { name: 'Nieuwe bron' }).click();
    await page.waitForURL(/\/beheer\/bronnen\/nieuw$/);
    await expectNoAxeViolations(page, 'new');
    await page.getByRole('button', { name: 'Bron opslaan' }).click();
    await page.locator('.hw-error-summary').waitFor();
    await expectFocusOn(page, 'foutmeldingen');
    await expectNoAxeViolations(page, 'new with errors');
    await page.getByRole('link', { name: 'Webadres (URL) is verplicht.' }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('url');

    await page.fill('#title', 'Handreiking gehechtheid in de kinderopvang');
    await page.fill('#organisation', 'BOinK');
    await page.fill('#url', 'www.voorbeeld.nl/handreiking-gehechtheid?utm_source=mail');
    await page.fill('#description', 'Praktische tips voor pedagogisch medewerkers.');
    await page.getByLabel('Hechting', { exact: true }).check();
    await page.getByRole('button', { name: 'Bron opslaan' }).click();
    await page.getByText('De bron is aangemaakt.').waitFor();
    await expectNoAxeViolations(page, 'edit');
    await noSideways('edit');
    const [row] = await db().select().from(sources).where(eq(sources.url, 'https://www.voorbeeld.nl/handreiking-gehechtheid/'));
    expect(row?.title).toBe('Handreiking gehechtheid in de kinderopvang');
    expect(
      (
        await db()
          .select()
          .from(themeSources)
          .where(eq(themeSources.sourceId, row?.id as number))
      ).length,
    ).toBe(1);

    // The list shows it; the text filter finds it.
    await page.getByRole('link', { name: 'Bronnen', exact: true }).first().click();
    await page.waitForURL(/\/beheer\/bronnen$/);
    await page.fill('#q', 'kinderopvang');
    await page.getByRole('button', { name: 'Filter toepassen' }).click();
    await page.waitForURL(/status=alle&q=kinderopvang/);
    await page.getByRole('link', { name: 'Handreiking gehechtheid in de kinderopvang', exact: true }).waitFor();
    await expectNoAxeViolations(page, 'filtered list');

    // The same address again: refused, with a link to the source that exists.
    await page.goto(`${env.server.base}/beheer/bronnen/nieuw`);
    await page.fill('#title', 'Dubbel');
    await page.fill('#organisation', 'BOinK');
    await page.fill('#url', 'https://www.voorbeeld.nl/handreiking-gehechtheid/#top');
    await page.getByRole('button', { name: 'Bron opslaan' }).click();
    await page.locator('.hw-error-summary').getByText('Deze bron bestaat al:').waitFor();
    expect(await page.inputValue('#title')).toBe('Dubbel');
    await expectNoAxeViolations(page, 'duplicate');
    await page.locator('.hw-error-summary').getByRole('link', { name: 'Handreiking gehechtheid in de kinderopvang' }).click();
    await page.waitForURL(new RegExp(`/beheer/bronnen/${row?.id}$`));

    // A redirect found by the checker: the button to take over the new address is there.
    await page.goto(`${env.server.base}/beheer/bronnen/${seeded[2]?.id}`);
    await page.getByRole('button', { name: 'Gebruik het nieuwe adres' }).waitFor();
    await expectNoAxeViolations(page, 'redirected source');
    await noSideways('redirected source');

    // Delete: the theme that uses it is named; without the tick nothing happens.
    await page.goto(`${env.server.base}/beheer/bronnen/${row?.id}`);
    await page.getByRole('link', { name: 'Handreiking gehechtheid in de kinderopvang verwijderen' }).click();
    await page.getByRole('heading', { level: 1, name: 'Handreiking gehechtheid in de kinderopvang verwijderen?' }).waitFor();
    await page.getByRole('link', { name: 'Hechting', exact: true }).waitFor();
    await expectNoAxeViolations(page, 'delete confirmation');
    await page.getByRole('button', { name: /^Ja, verwijder/ }).click();
    await page.locator('.hw-error-summary').waitFor();
    await expectNoAxeViolations(page, 'delete confirmation with error');
    await page.getByLabel('Ja, haal de bron ook weg bij dit thema').check();
    await page.getByRole('button', { name: /^Ja, verwijder/ }).click();
    await page.waitForURL(/\/beheer\/bronnen\?melding=verwijderd$/);
    await page.getByText('De bron is verwijderd.').waitFor();
    expect(
      (
        await db()
          .select()
          .from(sources)
          .where(eq(sources.id, row?.id as number))
      ).length,
    ).toBe(0);
    await context.close();
  });

  it('the filter works without JavaScript, and the list has no axe violations on a desktop either', async () => {
    const { loginAs } = await import('../helpers.ts');
    const b = await loginAs(env.server.app, env.server.deps.database, 'beheerder');
    const noJs = await env.browser.newContext({ viewport: { width: 1280, height: 800 }, javaScriptEnabled: false });
    await noJs.addCookies([{ name: 'hw_session', value: b.cookies.get('hw_session') as string, url: env.server.base }]);
    const page = await noJs.newPage();
    await page.goto(`${env.server.base}/beheer/bronnen`);
    await page.selectOption('#status', 'kapot');
    await page.getByRole('button', { name: 'Filter toepassen' }).click();
    await page.waitForURL(/status=kapot/);
    const broken = await db().select().from(sources).where(eq(sources.checkResult, 'broken'));
    const unreachable = await db().select().from(sources).where(eq(sources.checkResult, 'unreachable'));
    expect(await page.locator('li.hw-source').count()).toBe(broken.length + unreachable.length);
    expect(await page.locator('#status').inputValue()).toBe('kapot');
    await noJs.close();

    const desktop = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
    await desktop.addCookies([{ name: 'hw_session', value: b.cookies.get('hw_session') as string, url: env.server.base }]);
    const p2 = await desktop.newPage();
    for (const path of ['/beheer/bronnen', '/beheer/bronnen?status=stuk', '/beheer/bronnen/nieuw']) {
      await p2.goto(env.server.base + path);
      await expectNoAxeViolations(p2, `${path} on a desktop`);
    }
    await desktop.close();
  });
});
