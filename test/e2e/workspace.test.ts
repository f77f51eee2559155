import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organisations, outbox, registrations, revisions, sources, themes, trainingSessions, users } from '../../src/db/schema.ts';
import { register } from '../../src/trainings/service.ts';
import { settingsFrom } from '../../src/trainings/settings.ts';
import { createOpenSession, loginAs } from '../helpers.ts';
import { ROUTES } from '../routes.ts';
import { axeViolations, browserEnabled, useBrowserAndServer, VIEWPORTS } from './harness.ts';

/** Screenshots for looking at the screens by eye; not compared by the test. */
const SHOTS = join(process.cwd(), 'scratch');

/** Pages that are not screens: files, and the public login-link pages (tested in e2e/admin). */
const NOT_SCREENS = /\.(csv|json)$|^\/beheer\/(inloggen|welkom|wachtwoord-vergeten|nieuw-wachtwoord)/;

/** Every /beheer screen, as a route pattern (the ids are filled in once the rows exist). */
const SCREENS = ROUTES.map((r) => r.route)
  .filter((r) => r.startsWith('GET /beheer'))
  .map((r) => r.slice(4))
  .filter((p) => !NOT_SCREENS.test(p));

/** The screens looked at by eye (screenshots in scratch/). */
const SHOT = (path: string, sessionId: number) =>
  ['/beheer', '/beheer/gebruikers', `/beheer/trainingen/sessies/${sessionId}`, '/beheer/mail', '/beheer/trainingen/nieuw'].includes(path);

// One test per screen and width, not one test for all of them: each is a few seconds, so the
// ceiling that stops a hang (vitest.e2e.config.ts) holds on a busy machine too, where the sweep as
// one test took more than its 240 s; and a failure names its screen.
describe.skipIf(!browserEnabled)('the coordinator’s workspace in Chromium: every /beheer screen at 375 and 1280 px', () => {
  const env = useBrowserAndServer();
  const fixture = {} as { fill: (pattern: string) => string; sessionId: number; cookie: string };

  beforeAll(async () => {
    const { deps } = env.server;
    const db = deps.database.db;
    const s = await createOpenSession(db, new Date(), { slug: 'werkplek', title: 'Werkplek', summary: 'Een training voor de werkplek.', capacity: 3 });
    await register(db, s.sessionId, { name: 'Kim de Wit', email: 'kim@example.org', organisation: 'JGZ', role: 'Arts' }, settingsFrom(deps), new Date());
    // An editor's account, for the screens about someone else's account.
    await loginAs(env.server.app, deps.database, 'redacteur');
    const admin = await loginAs(env.server.app, deps.database, 'beheerder');
    const first = async <T>(rows: Promise<T[]>) => {
      const [row] = await rows;
      if (!row) throw new Error('no row to fill a path with');
      return row;
    };
    const [reg] = await db.select().from(registrations).where(eq(registrations.sessionId, s.sessionId));
    const editorUser = await first(db.select().from(users).where(eq(users.role, 'redacteur')));
    const session = await first(db.select().from(trainingSessions).where(eq(trainingSessions.id, s.sessionId)));
    const params: Record<string, string> = {
      sid: String(s.sessionId),
      rid: String(reg?.id),
      // The route parameter :id means a different table on each screen; filled per prefix below.
    };
    const ids: [RegExp, string][] = [
      [/^\/beheer\/trainingen\//, String(session.trainingId)],
      [/^\/beheer\/netwerk\//, String((await first(db.select().from(organisations).orderBy(asc(organisations.id)))).id)],
      [/^\/beheer\/themas\//, String((await first(db.select().from(themes).orderBy(asc(themes.id)))).id)],
      [/^\/beheer\/bronnen\//, String((await first(db.select().from(sources).orderBy(asc(sources.id)))).id)],
      [/^\/beheer\/gebruikers\//, String(editorUser.id)],
      [/^\/beheer\/mail\//, String((await first(db.select().from(outbox).orderBy(asc(outbox.id)))).id)],
    ];
    // A comparison needs two revisions of the item; one compared with itself is a full screen.
    const revision = async (kind: string, ref: string) =>
      (
        await first(
          db
            .select()
            .from(revisions)
            .where(and(eq(revisions.kind, kind), eq(revisions.ref, Number(ref)))),
        )
      ).id;
    const queries: Record<string, string> = {};
    for (const [kind, prefix] of [
      ['theme', '/beheer/themas/'],
      ['organisation', '/beheer/netwerk/'],
    ] as const) {
      const id = ids.find(([re]) => re.test(prefix))?.[1] as string;
      const rev = await revision(kind, id);
      queries[`${prefix}${id}/vergelijk`] = `?van=${rev}&naar=${rev}`;
    }
    fixture.fill = (pattern) => {
      const path = pattern
        .replace(/:(sid|rid)\{\[0-9\]\+\}/g, (_, k: string) => params[k] as string)
        .replace(/:id(\{\[0-9\]\+\})?/, () => ids.find(([re]) => re.test(pattern))?.[1] ?? 'geen-id');
      return path + (queries[path] ?? '');
    };
    fixture.sessionId = s.sessionId;
    fixture.cookie = admin.cookies.get('hw_session') as string;
    mkdirSync(SHOTS, { recursive: true });
  });

  it('covers every screen', () => {
    expect(SCREENS.length).toBeGreaterThan(30);
  });

  for (const viewport of VIEWPORTS) {
    describe(`at ${viewport.width} px`, () => {
      let context: BrowserContext;
      let page: Page;
      beforeAll(async () => {
        context = await env.browser.newContext({ viewport });
        await context.addCookies([{ name: 'hw_session', value: fixture.cookie, url: env.server.base }]);
        page = await context.newPage();
      });
      afterAll(async () => {
        await context?.close();
      });

      it.each(SCREENS)('%s: zero axe violations, no sideways scrolling, tables stack on a phone', async (pattern) => {
        const path = fixture.fill(pattern);
        const problems: string[] = [];
        const res = await page.goto(env.server.base + path);
        if (res?.status() !== 200) problems.push(`${path}: status ${res?.status()}`);
        const axe = await axeViolations(page);
        if (axe.length) problems.push(`${path} at ${viewport.width} px: axe ${axe.join('; ')}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (overflow > 0) problems.push(`${path} scrolls sideways by ${overflow} px at ${viewport.width} px`);
        // On a phone every admin table is a list of small cards (rows as blocks, each value labelled).
        const tables = await page.$$eval('main table.hw-table:not(.hw-presence)', (ts) =>
          ts.map((t) => ({ stack: t.classList.contains('hw-stack'), row: getComputedStyle(t.querySelector('tbody tr') ?? t).display })),
        );
        for (const table of tables) {
          if (!table.stack) problems.push(`${path}: a table that does not stack`);
          else if (table.row !== (viewport.width < 700 ? 'block' : 'table-row')) problems.push(`${path}: rows are ${table.row} at ${viewport.width} px`);
        }
        if (SHOT(path, fixture.sessionId))
          await page.screenshot({ path: join(SHOTS, `werkplek${path.replaceAll('/', '-')}-${viewport.name}.png`), fullPage: true });
        expect(problems).toEqual([]);
      });
    });
  }
});
