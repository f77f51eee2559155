import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { attendanceProofs, outbox, registrations } from '../../src/db/schema.ts';
import { mailAsSent } from '../../src/mail/outbox.ts';
import { sendEvaluationInvites } from '../../src/trainings/evaluation.ts';
import { createSession, createTraining } from '../../src/trainings/service.ts';
import { settingsFrom } from '../../src/trainings/settings.ts';
import { loginAs } from '../helpers.ts';
import { browserEnabled, expectNoAxeViolations, useBrowserAndServer, VIEWPORTS } from './harness.ts';

/** Screenshots for looking at the screens by eye; not compared by the test. */
const SHOTS = join(process.cwd(), 'scratch');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe.skipIf(!browserEnabled)('trainingen: registers, attendance, check-in, evaluation and certificates in Chromium', () => {
  const env = useBrowserAndServer();
  const state = {} as { sessionId: number; path: string; startsAt: Date; endsAt: Date };
  const db = () => env.server.deps.database.db;

  /** A logged-in editor's context (logged in anew: a login does not outlast the test clock's jumps). */
  async function editorContext(viewport: { width: number; height: number }, javaScriptEnabled = true): Promise<{ context: BrowserContext; page: Page }> {
    const b = await loginAs(env.server.app, env.server.deps.database, 'redacteur');
    const context = await env.browser.newContext({ viewport, javaScriptEnabled });
    await context.addCookies([{ name: 'hw_session', value: b.cookies.get('hw_session') as string, url: env.server.base }]);
    return { context, page: await context.newPage() };
  }
  const noSidewaysScroll = async (page: Page, label: string) => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${label} scrolls sideways`).toBeLessThanOrEqual(0);
  };
  const shoot = (page: Page, name: string, viewport: { name: string }) =>
    page.screenshot({ path: join(SHOTS, `${name}-${viewport.name}.png`), fullPage: true });

  it('registering with a register and number: errors first, then the right number', async () => {
    mkdirSync(SHOTS, { recursive: true });
    const now = env.server.clock.now();
    const trainingId = await createTraining(db(), null, {
      slug: 'hechting-met-punten',
      title: 'Hechting met punten',
      summary: 'Een geaccrediteerde training over hechting.',
      descriptionMd: 'Uitleg.',
      audience: ['JGZ'],
      themes: ['hechting'],
      durationHours: 3,
      accreditation: '',
      published: true,
      registers: [
        { register: 'vvn', points: 3, accreditationId: 'VVN-2026-001' },
        { register: 'big', points: 3, accreditationId: 'GAIA-445566' },
      ],
    });
    state.startsAt = new Date(Math.floor((now.getTime() + 2 * DAY) / MINUTE) * MINUTE);
    state.endsAt = new Date(state.startsAt.getTime() + 3 * HOUR);
    state.sessionId = await createSession(db(), null, trainingId, {
      startsAt: state.startsAt,
      endsAt: state.endsAt,
      location: 'Zaal 4, Voorbeeldstad',
      online: false,
      capacity: 20,
      registrationOpensAt: new Date(now.getTime() - DAY),
      registrationClosesAt: new Date(state.startsAt.getTime() - HOUR),
      cancelUntil: new Date(state.startsAt.getTime() - DAY),
      contact: 'trainingen@hechtwerk.example',
    });
    state.path = `/trainingen/hechting-met-punten/${state.sessionId}`;

    for (const viewport of VIEWPORTS) {
      const context = await env.browser.newContext({ viewport });
      const page = await context.newPage();
      await page.goto(env.server.base + state.path);
      await shoot(page, 'aanmelden-register', viewport);
      await expectNoAxeViolations(page, `registration form at ${viewport.width}px`);
      await noSidewaysScroll(page, `registration form at ${viewport.width}px`);
      await context.close();
    }

    const context = await env.browser.newContext({ viewport: { width: 375, height: 812 } });
    const page = await context.newPage();
    await page.goto(env.server.base + state.path);
    await page.fill('#name', 'Anna de Vries');
    await page.fill('#email', 'anna@example.org');
    await page.fill('#organisation', 'GGD Voorbeeld');
    await page.fill('#role', 'Arts JGZ');
    await page.selectOption('#register', 'big');
    await page.fill('#registerNumber', '1901234560');
    await page.check('#consent');
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.locator('.hw-error-summary').waitFor();
    expect(await page.locator('#registerNumber-error').textContent()).toBe('Een BIG-nummer bestaat uit 11 cijfers, zoals 19012345601.');
    // What was typed is kept, the choice too.
    expect(await page.inputValue('#name')).toBe('Anna de Vries');
    expect(await page.inputValue('#register')).toBe('big');
    await expectNoAxeViolations(page, 'registration form with a wrong BIG number');
    await shoot(page, 'aanmelden-register-fout', { name: 'phone' });
    // The summary links to the field.
    await page.locator('.hw-error-summary a[href="#registerNumber"]').click();
    expect(await page.evaluate(() => location.hash)).toBe('#registerNumber');
    await page.fill('#registerNumber', '19012345601');
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.getByRole('heading', { name: 'Kijk in je mail' }).waitFor();
    await context.close();
    const [anna] = await db().select().from(registrations).where(eq(registrations.email, 'anna@example.org'));
    expect(anna).toMatchObject({ register: 'big', registerNumber: '19012345601' });

    // The others register over HTTP; everyone confirms with the link in the mail.
    for (const n of ['Bram', 'Cas', 'Dewi']) {
      await env.server.app.request(`${state.path}/aanmelden`, {
        method: 'POST',
        body: new URLSearchParams({
          name: `${n} Jansen`,
          email: `${n.toLowerCase()}@example.org`,
          organisation: 'Kinderopvang Zon',
          role: 'Pedagogisch medewerker',
          consent: 'ja',
        }),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
    }
    for (const n of ['anna', 'bram', 'cas', 'dewi']) {
      const [first] = await db()
        .select()
        .from(outbox)
        .where(eq(outbox.to, `${n}@example.org`))
        .orderBy(outbox.id);
      const mail = await mailAsSent(db(), first?.id as number);
      const confirm = /(\/trainingen\/bevestigen\/[\w-]+)/.exec(mail.text)?.[1];
      expect((await env.server.app.request(confirm as string, { method: 'POST' })).status).toBe(200);
    }
  });

  it('the attendance list works without JavaScript and saves a tap without reloading with it', async () => {
    env.server.clock.set(new Date(state.startsAt.getTime() - 10 * MINUTE));
    const list = `${env.server.base}/beheer/trainingen/sessies/${state.sessionId}/aanwezigheid`;

    // Without JavaScript: the button posts its form; the page comes back saying what was saved.
    {
      const { context, page } = await editorContext({ width: 375, height: 812 }, false);
      await page.goto(list);
      await page.getByRole('button', { name: 'Aanwezig Anna de Vries' }).click();
      await page.getByText('Anna de Vries: aanwezig opgeslagen.').waitFor();
      expect(await page.getByRole('button', { name: 'Aanwezig Anna de Vries' }).getAttribute('aria-pressed')).toBe('true');
      // Search by name, also without JavaScript.
      await page.fill('#q', 'bram');
      await page.getByRole('button', { name: 'Zoeken' }).click();
      await page.getByRole('button', { name: 'Deels Bram Jansen' }).waitFor();
      expect(await page.getByRole('button', { name: /Cas Jansen/ }).count()).toBe(0);
      await context.close();
    }
    // With JavaScript: no navigation, the pressed state and the status line change in place.
    for (const viewport of VIEWPORTS) {
      const { context, page } = await editorContext(viewport);
      await page.goto(list);
      await page.evaluate(() => {
        (window as unknown as { marker: number }).marker = 1;
      });
      const button = page.getByRole('button', { name: 'Deels Bram Jansen' });
      await button.click();
      await page.getByText('Bram Jansen: deels opgeslagen.').waitFor();
      expect(await button.getAttribute('aria-pressed')).toBe('true');
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
      // Touch targets of at least 44 by 44 px.
      const box = await button.boundingBox();
      expect(box?.height).toBeGreaterThanOrEqual(44);
      expect(box?.width).toBeGreaterThanOrEqual(44);
      await shoot(page, 'aanwezigheid', viewport);
      await expectNoAxeViolations(page, `attendance list at ${viewport.width}px`);
      await noSidewaysScroll(page, `attendance list at ${viewport.width}px`);
      await context.close();
    }
    const [bram] = await db().select().from(registrations).where(eq(registrations.email, 'bram@example.org'));
    expect(bram?.attendance).toBe('deels');
  });

  it('QR check-in: the room shows a code, the registrant types their address', async () => {
    const { context, page } = await editorContext({ width: 1280, height: 900 });
    await page.goto(`${env.server.base}/beheer/trainingen/sessies/${state.sessionId}/inchecken`);
    await page.locator('[data-checkin-qr] svg').waitFor();
    await expectNoAxeViolations(page, 'check-in code page');
    await shoot(page, 'inchecken-qr', { name: 'desktop' });
    const url = (await page.locator('.hw-break').textContent())?.trim() as string;
    await context.close();

    const phone = await env.browser.newContext({ viewport: { width: 375, height: 812 } });
    const p = await phone.newPage();
    await p.goto(url.replace('http://localhost:3000', env.server.base));
    await expectNoAxeViolations(p, 'check-in form');
    await p.fill('#email', 'cas@example.org');
    await p.getByRole('button', { name: 'Ik ben er' }).click();
    await p.getByRole('heading', { name: 'Je bent ingecheckt' }).waitFor();
    await expectNoAxeViolations(p, 'checked in');
    await phone.close();
    const [cas] = await db().select().from(registrations).where(eq(registrations.email, 'cas@example.org'));
    expect(cas?.attendance).toBe('aanwezig');
  });

  it('the evaluation form from the mail, and the certificate check page', async () => {
    env.server.clock.set(new Date(state.endsAt.getTime() + HOUR));
    expect(await sendEvaluationInvites(db(), settingsFrom(env.server.deps), env.server.clock.now())).toBe(3);
    const links: string[] = [];
    for (const row of await db().select().from(outbox).where(sql`${outbox.subject} like 'Hoe was de training?%'`)) {
      links.push(/(\/trainingen\/evaluatie\/[\w-]+)/.exec((await mailAsSent(db(), row.id)).text)?.[1] as string);
    }
    for (const [i, viewport] of VIEWPORTS.entries()) {
      const context = await env.browser.newContext({ viewport });
      const page = await context.newPage();
      await page.goto(env.server.base + links[i]);
      await shoot(page, 'evaluatie', viewport);
      await expectNoAxeViolations(page, `evaluation form at ${viewport.width}px`);
      await noSidewaysScroll(page, `evaluation form at ${viewport.width}px`);
      if (i === 0) {
        // Sent incomplete: the summary names each statement left open.
        await page.getByLabel('Helemaal eens').first().check();
        await page.getByRole('button', { name: 'Evaluatie versturen' }).click();
        await page.locator('.hw-error-summary').waitFor();
        await expectNoAxeViolations(page, 'evaluation form with errors');
        expect(await page.getByLabel('Helemaal eens').first().isChecked()).toBe(true);
      }
      for (const q of ['v1', 'v2', 'v3', 'v4', 'v5']) await page.check(`#${q}-4`);
      await page.fill('#opmerking', 'Heldere voorbeelden.');
      await page.getByRole('button', { name: 'Evaluatie versturen' }).click();
      await page.getByRole('heading', { name: 'Bedankt voor je evaluatie' }).waitFor();
      await context.close();
    }

    const [proof] = await db().select().from(attendanceProofs).where(eq(attendanceProofs.name, 'Anna de Vries'));
    for (const viewport of VIEWPORTS) {
      const context = await env.browser.newContext({ viewport });
      const page = await context.newPage();
      const res = await page.goto(`${env.server.base}/certificaat/${proof?.code}`);
      expect(res?.status()).toBe(200);
      await page.getByText('3 punten in KNMG/GAIA (BIG)').waitFor();
      await shoot(page, 'certificaat', viewport);
      await expectNoAxeViolations(page, `certificate at ${viewport.width}px`);
      await noSidewaysScroll(page, `certificate at ${viewport.width}px`);
      await context.close();
    }
  });
});
