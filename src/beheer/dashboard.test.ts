import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createOpenSession, createTestApp, loginAs } from '../../test/helpers.ts';
import { outbox, themes, trainingSessions, trainings } from '../db/schema.ts';
import { createSession, register } from '../trainings/service.ts';
import { settingsFrom } from '../trainings/settings.ts';

const DAY = 86_400_000;

describe.each(backends())('the /beheer dashboard on %s', (kind) => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());

  it('lists what needs attention, each with a link: sessions soon with seats or a waiting list, failed mails, broken links, drafts', async () => {
    const db = t.deps.database.db;
    const person = (n: string) => ({ name: n, email: `${n}@example.org`, organisation: 'JGZ', role: 'Arts' });
    // Sessions start 30 days from the clock; move the clock so that two start within the coming two weeks.
    const soon = await createOpenSession(db, t.clock.now(), { slug: 'bijna', title: 'Bijna vol', summary: 'Een bijeenkomst met plek.', capacity: 3 });
    const full = await createOpenSession(db, t.clock.now(), { slug: 'vol', title: 'Helemaal vol', summary: 'Een volle bijeenkomst.', capacity: 1 });
    const later = await createOpenSession(db, new Date(t.clock.now().getTime() + 20 * DAY), {
      slug: 'later',
      title: 'Veel later',
      summary: 'Nog ver weg.',
      capacity: 5,
    });
    t.clock.set(new Date(t.clock.now().getTime() + 20 * DAY));
    const settings = settingsFrom(t.deps);
    await register(db, soon.sessionId, person('a'), settings, t.clock.now());
    await register(db, full.sessionId, person('b'), settings, t.clock.now());
    await register(db, full.sessionId, person('c'), settings, t.clock.now());

    const [mail] = await db.select().from(outbox).limit(1);
    await db
      .update(outbox)
      .set({ status: 'failed' })
      .where(eq(outbox.id, mail?.id as number));
    const [theme] = await db.select().from(themes).limit(1);
    await db
      .update(themes)
      .set({ published: false })
      .where(eq(themes.id, theme?.id as number));
    await db.update(trainings).set({ published: false }).where(eq(trainings.slug, 'later'));
    // A draft session soon, with all its seats free: listed as a draft, not by its seats.
    const [base] = await db.select().from(trainingSessions).where(eq(trainingSessions.id, soon.sessionId));
    if (!base) throw new Error('session missing');
    const { id: _id, trainingId, status: _s, icsSequence: _i, certificatesSentAt: _c, published: _p, updatedAt: _u, ...input } = base;
    const draft = await createSession(
      db,
      null,
      trainingId,
      { ...input, startsAt: new Date(base.startsAt.getTime() + DAY), endsAt: new Date(base.endsAt.getTime() + DAY) },
      { published: false },
    );

    const editor = await loginAs(t.app, t.deps.database, 'redacteur');
    const html = await (await editor.get('/beheer')).text();
    const section = html.slice(html.indexOf('Wat aandacht vraagt'), html.indexOf('<h2 class="utrecht-heading-2">Naar</h2>'));
    expect(section).toContain(`href="/beheer/trainingen/sessies/${soon.sessionId}">Bijna vol,`);
    expect(section).toMatch(/Bijna vol,[^<]*<\/a><span class="hw-muted">: 2 plekken vrij<\/span>/);
    expect(section).toMatch(/Helemaal vol,[^<]*<\/a><span class="hw-muted">: 1 op de wachtlijst<\/span>/);
    expect(section).not.toContain('Veel later');
    expect(section).toMatch(
      new RegExp(`href="/beheer/trainingen/sessies/${draft}">Bijna vol,[^<]*</a><span class="hw-muted">: concept, nog niet op de site</span>`),
    );
    expect(section.match(/Bijna vol/g)).toHaveLength(2);
    expect(section).toContain('href="/beheer/mail">1 mail kon niet worden verstuurd</a>');
    expect(section).toContain('href="/beheer/themas">1 thema is niet gepubliceerd</a>');
    expect(section).toContain('href="/beheer/trainingen">1 training is niet gepubliceerd</a>');
    expect(section).not.toContain('organisatie');
    // The sessions come first, soonest first.
    expect(section.indexOf('Bijna vol')).toBeLessThan(section.indexOf('mail kon niet'));
    void later;
  });
});
