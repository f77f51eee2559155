import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { organisations, themes } from '../../src/db/schema.ts';
import { browserEnabled, expectFocusOn, expectNoAxeViolations, useBrowserAndServer } from './harness.ts';

describe.skipIf(!browserEnabled)('theme editor in Chromium', () => {
  const env = useBrowserAndServer();
  const db = () => env.server.deps.database.db;

  async function editorPage(javaScriptEnabled = true) {
    const { loginAs } = await import('../helpers.ts');
    const b = await loginAs(env.server.app, env.server.deps.database, 'redacteur');
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled });
    await context.addCookies([{ name: 'hw_session', value: b.cookies.get('hw_session') as string, url: env.server.base }]);
    return { context, page: await context.newPage() };
  }

  it('an editor edits a theme, previews it live and with the button, publishes, and the public page shows the change', async () => {
    const { context, page } = await editorPage();
    const [theme] = await db().select().from(themes).where(eq(themes.slug, 'kansrijke-start'));
    const id = theme?.id as number;
    // Seen by readers first (so a cached copy exists that must not be served after the change).
    await page.goto(`${env.server.base}/themas/kansrijke-start`);
    expect(await page.content()).not.toContain('Een zin die de redactie net heeft toegevoegd');

    await page.goto(`${env.server.base}/beheer/themas`);
    await page.getByRole('link', { name: theme?.title as string, exact: true }).click();
    await page.waitForURL(new RegExp(`/beheer/themas/${id}$`));

    // Take it off the site first, so publishing is part of the walk.
    await page.getByRole('button', { name: 'Niet meer publiceren' }).click();
    await page.getByText('Het thema staat niet meer op de site.').waitFor();
    expect((await page.request.get(`${env.server.base}/themas/kansrijke-start`)).status()).toBe(404);

    // Live preview (JS): typing renders the Markdown under the field.
    const live = page.locator('#live-voorbeeld');
    await live.waitFor({ state: 'visible' });
    const body = page.locator('#body');
    await body.fill(`${await body.inputValue()}\n\n## Nieuw in deze versie\n\nEen zin die de redactie net heeft toegevoegd.`);
    await live.getByRole('heading', { name: 'Nieuw in deze versie' }).waitFor();
    await expect.poll(() => live.locator('[role="status"]').textContent()).toBe('Voorbeeld bijgewerkt');

    // The "Voorbeeld bekijken" button: the whole page as readers will see it, nothing saved yet.
    await page.getByRole('button', { name: 'Voorbeeld bekijken' }).click();
    await page.getByRole('heading', { name: 'Voorbeeld – nog niet opgeslagen' }).waitFor();
    await page.locator('.hw-preview').getByText('Een zin die de redactie net heeft toegevoegd.').waitFor();
    const [stillOld] = await db().select().from(themes).where(eq(themes.id, id));
    expect(stillOld?.bodyMd).not.toContain('Een zin die de redactie net heeft toegevoegd');
    await expectNoAxeViolations(page, 'theme edit with preview');

    await page.getByRole('button', { name: 'Wijzigingen opslaan' }).click();
    await page.getByText('De wijzigingen zijn opgeslagen.').waitFor();
    await page.getByRole('button', { name: 'Publiceren' }).click();
    await page.getByText('Het thema staat nu op de site.').waitFor();

    await page.getByRole('link', { name: '/themas/kansrijke-start' }).click();
    await page.waitForURL(/\/themas\/kansrijke-start$/);
    await page.getByRole('heading', { level: 2, name: 'Nieuw in deze versie' }).waitFor();
    await page.getByText('Een zin die de redactie net heeft toegevoegd.').waitFor();
    await context.close();
  });

  it('works without JavaScript: the preview button renders on the server', async () => {
    const { context, page } = await editorPage(false);
    await page.goto(`${env.server.base}/beheer/themas/nieuw`);
    expect(await page.locator('#live-voorbeeld').isVisible()).toBe(false);
    await page.fill('#title', 'Slaap en onrust');
    await page.fill('#body', 'Een tekst over slapen, huilen en de rust die een jong kind bij een ouder vindt.\n\n## Wat helpt\n\n* Vaste ritmes');
    await page.getByRole('button', { name: 'Voorbeeld bekijken' }).click();
    await page.getByRole('heading', { name: 'Voorbeeld – nog niet opgeslagen' }).waitFor();
    await page.locator('.hw-preview').getByRole('heading', { name: 'Wat helpt' }).waitFor();
    // Saving without a summary: the error summary takes focus and links to the field; input kept.
    await page.getByRole('button', { name: 'Thema aanmaken' }).click();
    await page.locator('.hw-error-summary').waitFor();
    await expectFocusOn(page, 'foutmeldingen');
    expect(await page.inputValue('#title')).toBe('Slaap en onrust');
    // (axe needs JavaScript in the page; the same error page is checked with axe in the next test.)
    await context.close();
  });

  it('every theme and history screen has zero axe violations, also with a conflict, on phone and desktop', async () => {
    const { context, page } = await editorPage();
    const [theme] = await db().select().from(themes).where(eq(themes.slug, 'hechting'));
    const id = theme?.id as number;
    const [org] = await db().select().from(organisations).where(eq(organisations.slug, 'kraamzorg-voorbeeldstad'));
    // Two saves so the history has something to compare.
    await page.goto(`${env.server.base}/beheer/themas/${id}`);
    await page.fill('#summary', 'Hechting: de band tussen een jong kind en de mensen die voor het zorgen, en waarom die telt.');
    await page.getByRole('button', { name: 'Wijzigingen opslaan' }).click();
    await page.getByText('De wijzigingen zijn opgeslagen.').waitFor();

    for (const viewport of [
      { width: 375, height: 812 },
      { width: 1280, height: 900 },
    ]) {
      await page.setViewportSize(viewport);
      for (const path of [
        '/beheer',
        '/beheer/themas',
        '/beheer/themas/nieuw',
        `/beheer/themas/${id}`,
        `/beheer/themas/${id}/geschiedenis`,
        `/beheer/netwerk/${org?.id}/geschiedenis`,
      ]) {
        const res = await page.goto(env.server.base + path);
        expect(res?.status(), path).toBe(200);
        await expectNoAxeViolations(page, `${path} at ${viewport.width}px`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${path} scrolls sideways at ${viewport.width}px`).toBeLessThanOrEqual(0);
      }
    }
    await page.goto(`${env.server.base}/beheer/themas/${id}/geschiedenis`);
    await page.getByRole('button', { name: 'Vergelijken' }).click();
    await page.getByRole('heading', { level: 1, name: 'Versies vergelijken' }).waitFor();
    await page.locator('del.hw-diff__del').first().waitFor();
    await expectNoAxeViolations(page, 'compare');

    // A new theme submitted empty: the error summary takes focus; no violations.
    await page.goto(`${env.server.base}/beheer/themas/nieuw`);
    await page.getByRole('button', { name: 'Thema aanmaken' }).click();
    await page.locator('.hw-error-summary').waitFor();
    await expectFocusOn(page, 'foutmeldingen');
    await expectNoAxeViolations(page, 'new theme with errors');

    // Someone else saves while this editor has the form open: a 409 with both versions.
    await page.goto(`${env.server.base}/beheer/themas/${id}`);
    await db().update(themes).set({ title: 'Hechting (door een collega)', updatedAt: sql`now() + interval '1 second'` }).where(eq(themes.id, id));
    await page.fill('#title', 'Hechting bij jonge kinderen');
    await page.getByRole('button', { name: 'Wijzigingen opslaan' }).click();
    await page.getByRole('heading', { name: 'Iemand anders heeft dit thema intussen gewijzigd' }).waitFor();
    expect(await page.inputValue('#title')).toBe('Hechting bij jonge kinderen');
    await expectNoAxeViolations(page, 'theme conflict');
    await context.close();
  });

  it('two editors change different fields of one theme and both changes survive; the same field conflicts, side by side', async () => {
    const [theme] = await db().select().from(themes).where(eq(themes.slug, 'complexe-echtscheidingen'));
    const url = `${env.server.base}/beheer/themas/${theme?.id}`;
    const anna = await editorPage();
    const bram = await editorPage();
    await anna.page.goto(url);
    await bram.page.goto(url);
    // Both have the same form open; Anna saves the summary first, Bram the key facts after her.
    await anna.page.fill('#summary', 'Complexe scheidingen: wat een jong kind merkt van een strijd tussen ouders, en wat helpt.');
    await anna.page.getByRole('button', { name: 'Wijzigingen opslaan' }).click();
    await anna.page.getByText('De wijzigingen zijn opgeslagen.').waitFor();
    await bram.page.fill('#keyFacts', 'Een kind heeft er baat bij als ouders de strijd buiten het kind houden.');
    await bram.page.getByRole('button', { name: 'Wijzigingen opslaan' }).click();
    await bram.page.getByText('De wijzigingen zijn opgeslagen.').waitFor();
    const [both] = await db()
      .select()
      .from(themes)
      .where(eq(themes.id, theme?.id as number));
    expect(both?.summary).toBe('Complexe scheidingen: wat een jong kind merkt van een strijd tussen ouders, en wat helpt.');
    expect(both?.keyFacts).toEqual(['Een kind heeft er baat bij als ouders de strijd buiten het kind houden.']);

    // Now both change the title: the second one sees the two titles side by side, with the rest merged.
    await anna.page.goto(url);
    await bram.page.goto(url);
    await anna.page.fill('#title', 'Complexe scheidingen (Anna)');
    await anna.page.getByRole('button', { name: 'Wijzigingen opslaan' }).click();
    await anna.page.getByText('De wijzigingen zijn opgeslagen.').waitFor();
    await bram.page.fill('#title', 'Complexe scheidingen (Bram)');
    await bram.page.getByRole('button', { name: 'Wijzigingen opslaan' }).click();
    await bram.page.getByRole('heading', { name: 'Iemand anders heeft dit thema intussen gewijzigd' }).waitFor();
    await bram.page.getByText('Jullie wijzigden allebei: Titel.').waitFor();
    const conflict = bram.page.locator('.hw-conflict');
    expect(await conflict.locator('del').allTextContents()).toEqual([expect.stringContaining('Complexe scheidingen (Anna)')]);
    expect(await conflict.locator('ins').allTextContents()).toEqual([expect.stringContaining('Complexe scheidingen (Bram)')]);
    expect(await bram.page.inputValue('#title')).toBe('Complexe scheidingen (Bram)');
    await expectNoAxeViolations(bram.page, 'per-field conflict');
    expect(
      (
        await db()
          .select()
          .from(themes)
          .where(eq(themes.id, theme?.id as number))
      )[0]?.title,
    ).toBe('Complexe scheidingen (Anna)');
    // Bram takes Anna's title after all, and saves: nothing else of either is lost.
    await bram.page.fill('#title', 'Complexe scheidingen (Anna)');
    await bram.page.getByRole('button', { name: 'Wijzigingen opslaan' }).click();
    await bram.page.getByText('De wijzigingen zijn opgeslagen.').waitFor();
    const [after] = await db()
      .select()
      .from(themes)
      .where(eq(themes.id, theme?.id as number));
    expect([after?.title, after?.summary, after?.keyFacts]).toEqual([
      'Complexe scheidingen (Anna)',
      'Complexe scheidingen: wat een jong kind merkt van een strijd tussen ouders, en wat helpt.',
      ['Een kind heeft er baat bij als ouders de strijd buiten het kind houden.'],
    ]);
    await anna.context.close();
    await bram.context.close();
  });
});
