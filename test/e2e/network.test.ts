import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { organisations } from '../../src/db/schema.ts';
import { browserEnabled, expectFocusOn, expectNoAxeViolations, useBrowserAndServer } from './harness.ts';

describe.skipIf(!browserEnabled)('netwerk in Chromium', () => {
  const env = useBrowserAndServer();
  const db = () => env.server.deps.database.db;

  it('filters without JavaScript through the GET form: select, "Filter toepassen", "Wis filters"', async () => {
    const context = await env.browser.newContext({ viewport: { width: 375, height: 812 }, javaScriptEnabled: false });
    const page = await context.newPage();
    const cards = page.locator('li.hw-org');
    const status = page.getByRole('status');

    await page.goto(`${env.server.base}/netwerk`);
    const all = await db().select().from(organisations);
    expect(await cards.count()).toBe(all.length);
    expect(await status.textContent()).toBe(`${all.length} organisaties in het netwerk.`);
    await page.getByText('dit zijn grotendeels demo-gegevens').waitFor();

    await page.selectOption('#type', 'JGZ');
    await page.getByRole('button', { name: 'Filter toepassen' }).click();
    await page.waitForURL(/\/netwerk\?type=JGZ&gemeente=&thema=$/);
    expect(await cards.count()).toBe(1);
    expect(await status.textContent()).toBe('1 organisatie gevonden van het type Jeugdgezondheidszorg (JGZ).');
    // The form shows the filter that is on.
    expect(await page.locator('#type').inputValue()).toBe('JGZ');

    // Combined: the type off again, a municipality and a theme on.
    await page.selectOption('#type', '');
    await page.selectOption('#gemeente', 'Beekdal');
    await page.selectOption('#thema', 'kindermishandeling');
    await page.getByRole('button', { name: 'Filter toepassen' }).click();
    await page.waitForURL(/gemeente=Beekdal&thema=kindermishandeling/);
    const expected = all.filter((o) => o.municipalities.includes('Beekdal') && o.themes.includes('kindermishandeling'));
    expect(expected.length).toBeGreaterThan(0);
    expect(await cards.count()).toBe(expected.length);
    for (const o of expected) await page.getByRole('link', { name: o.name, exact: true }).waitFor();

    await page.getByRole('link', { name: 'Wis filters' }).click();
    await page.waitForURL(/\/netwerk$/);
    expect(await cards.count()).toBe(all.length);

    // A filter value we do not know: a calm message linked to its field, the list still there.
    const bad = await page.goto(`${env.server.base}/netwerk?type=tandarts`);
    expect(bad?.status()).toBe(400);
    await page.getByRole('link', { name: 'Het type “tandarts” kennen we niet. Kies een type uit de lijst.' }).waitFor();
    expect(await cards.count()).toBe(all.length);

    // Each card's link is named after the organisation and leads to its page.
    await page.goto(`${env.server.base}/netwerk`);
    await page.getByRole('link', { name: 'Jeugdgezondheidszorg Voorbeeldregio', exact: true }).click();
    await page.waitForURL(/\/netwerk\/jgz-voorbeeldregio$/);
    await page.getByRole('heading', { level: 1, name: 'Jeugdgezondheidszorg Voorbeeldregio' }).waitFor();
    expect(await page.getByRole('link', { name: '088-0000001' }).getAttribute('href')).toBe('tel:0880000001');
    await page.getByText('Demo-gegevens: fictieve organisatie').waitFor();
    await page.getByRole('link', { name: 'Hechting', exact: true }).click();
    await page.waitForURL(/\/themas\/hechting$/);
    await context.close();
  });

  it('zero axe violations on /netwerk, filtered and wrongly filtered lists and an organisation page, on a phone and a desktop', async () => {
    for (const viewport of [
      { width: 375, height: 812 },
      { width: 1280, height: 800 },
    ]) {
      const context = await env.browser.newContext({ viewport });
      const page = await context.newPage();
      for (const path of [
        '/netwerk',
        '/netwerk?type=JGZ',
        '/netwerk?type=politie&gemeente=Heuvelrijk',
        '/netwerk?type=tandarts',
        '/netwerk/jgz-voorbeeldregio',
        '/netwerk/veilig-thuis',
      ]) {
        await page.goto(env.server.base + path);
        await expectNoAxeViolations(page, `${path} at ${viewport.width}px`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${path} scrolls sideways at ${viewport.width}px`).toBeLessThanOrEqual(0);
      }
      await context.close();
    }
  });

  it('every /beheer/netwerk screen has zero axe violations, also with errors and a conflict', async () => {
    const { loginAs } = await import('../helpers.ts');
    const b = await loginAs(env.server.app, env.server.deps.database, 'redacteur');
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([{ name: 'hw_session', value: b.cookies.get('hw_session') as string, url: env.server.base }]);
    const page = await context.newPage();
    const [org] = await db().select().from(organisations).where(eq(organisations.slug, 'kraamzorg-voorbeeldstad'));
    const id = org?.id as number;
    for (const path of ['/beheer/netwerk', '/beheer/netwerk/nieuw', `/beheer/netwerk/${id}`, `/beheer/netwerk/${id}/verwijderen`]) {
      const res = await page.goto(env.server.base + path);
      expect(res?.status(), path).toBe(200);
      await expectNoAxeViolations(page, path);
    }

    // A new organisation, submitted empty: the error summary takes focus and links to the fields.
    await page.goto(`${env.server.base}/beheer/netwerk/nieuw`);
    await page.getByRole('button', { name: 'Organisatie opslaan' }).click();
    await page.locator('.hw-error-summary').waitFor();
    await expectFocusOn(page, 'foutmeldingen');
    await expectNoAxeViolations(page, '/beheer/netwerk/nieuw with errors');
    await page.fill('#name', 'Gezinscoach Heuvelrijk');
    await page.selectOption('#type', 'jeugdhulp');
    await page.fill('#description', 'Coaching aan huis voor gezinnen met jonge kinderen die even vastlopen.');
    await page.fill('#email', 'coach@voorbeeld.nl');
    await page.fill('#municipalities', 'Heuvelrijk');
    await page.check('#thema-hechting');
    await page.getByRole('button', { name: 'Organisatie opslaan' }).click();
    await page.getByText('De organisatie is aangemaakt.').waitFor();
    await expectNoAxeViolations(page, 'organisation created');

    // Someone else changes the same field while this editor has the form open: a 409 that shows it
    // (a different field would be merged without a conflict).
    await page.goto(`${env.server.base}/beheer/netwerk/${id}`);
    await db()
      .update(organisations)
      .set({ name: 'Kraamzorg Voorbeeldstad (collega)', updatedAt: sql`now() + interval '1 second'` })
      .where(eq(organisations.id, id));
    await page.fill('#name', 'Kraamzorg Voorbeeldstad en omstreken');
    await page.getByRole('button', { name: 'Wijzigingen opslaan' }).click();
    await page.getByText('Iemand anders heeft deze organisatie intussen gewijzigd').waitFor();
    expect(await page.locator('#name').inputValue()).toBe('Kraamzorg Voorbeeldstad en omstreken');
    await page.getByText('Kraamzorg Voorbeeldstad (collega)').first().waitFor();
    await expectNoAxeViolations(page, 'conflict');
    const [unchanged] = await db().select().from(organisations).where(eq(organisations.id, id));
    expect(unchanged?.name).toBe('Kraamzorg Voorbeeldstad (collega)');
    await context.close();
  });
});
