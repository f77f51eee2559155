import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, type Browser, backends, confirmForm, createOpenSession, createTestApp, csrfFrom, loginAs, tableCounts } from '../../test/helpers.ts';
import { loadSecret } from '../crypto.ts';
import { auditLog, outbox, registrations, trainingSessions, trainings } from '../db/schema.ts';
import { checkinCode } from './accreditation.ts';
import { utcToAmsterdamLocal } from './format.ts';
import { register } from './service.ts';
import { settingsFrom } from './settings.ts';

const DAY = 86_400_000;

describe.each(backends())('trainings in beheer on %s', (kind: Backend) => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let editor: Browser;
  beforeAll(async () => {
    t = await createTestApp(kind);
    editor = await loginAs(t.app, t.deps.database, 'redacteur');
  });
  afterAll(() => t.close());
  const db = () => t.deps.database.db;

  it('anonymous visitors are sent to login; a POST without a CSRF token is refused', async () => {
    for (const path of [
      '/beheer/trainingen',
      '/beheer/trainingen/nieuw',
      '/beheer/trainingen/1',
      '/beheer/trainingen/sessies/1',
      '/beheer/trainingen/sessies/1/export.csv',
    ]) {
      expect((await t.app.request(path)).status).toBe(303);
    }
    expect((await editor.post('/beheer/trainingen/nieuw', { title: 'X' })).status).toBe(403);
  });

  it('an editor creates a training (bad input first), adds a session, and it appears on the site', async () => {
    const form = await (await editor.get('/beheer/trainingen/nieuw')).text();
    const csrf = csrfFrom(form);
    const before = await tableCounts(t.deps.database);
    const bad = await editor.post('/beheer/trainingen/nieuw', {
      _csrf: csrf,
      title: 'Veilig opgroeien',
      slug: 'Niet Goed',
      summary: 'kort',
      durationHours: 'drie',
    });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain('Gebruik alleen kleine letters');
    expect(badHtml).toContain('minstens 10 tekens');
    expect(badHtml).toContain('Vul de duur in hele uren in.');
    expect(badHtml).toContain('value="Veilig opgroeien"');
    expect((await tableCounts(t.deps.database)).trainings).toBe(before.trainings);

    const ok = await editor.post('/beheer/trainingen/nieuw', {
      _csrf: csrf,
      title: 'Veilig opgroeien',
      slug: 'veilig-opgroeien',
      summary: 'Een training over veilig opgroeien voor professionals.',
      descriptionMd: '## Inhoud\n\nWe oefenen met casussen.',
      audience: 'JGZ, kinderopvang',
      themes: 'hechting',
      durationHours: '2',
      accreditation: '',
      published: 'ja',
    });
    expect(ok.status).toBe(303);
    const trainingUrl = ok.headers.get('Location') as string;
    const [training] = await db().select().from(trainings).where(eq(trainings.slug, 'veilig-opgroeien'));
    expect(training?.audience).toEqual(['JGZ', 'kinderopvang']);

    const start = new Date(t.clock.now().getTime() + 20 * DAY);
    const fields = {
      _csrf: csrf,
      startsAt: utcToAmsterdamLocal(start),
      endsAt: utcToAmsterdamLocal(new Date(start.getTime() - 3_600_000)),
      location: 'Zaal 3',
      capacity: '1',
      registrationOpensAt: utcToAmsterdamLocal(new Date(t.clock.now().getTime() - DAY)),
      registrationClosesAt: utcToAmsterdamLocal(new Date(start.getTime() - DAY)),
      cancelUntil: utcToAmsterdamLocal(new Date(start.getTime() - 2 * DAY)),
      contact: 'trainingen@hechtwerk.example',
    };
    const badSession = await editor.post(`${trainingUrl}/sessies/nieuw`, fields);
    expect(badSession.status).toBe(400);
    expect(await badSession.text()).toContain('Het einde moet na het begin liggen.');
    const created = await editor.post(`${trainingUrl}/sessies/nieuw`, { ...fields, endsAt: utcToAmsterdamLocal(new Date(start.getTime() + 3 * 3_600_000)) });
    expect(created.status).toBe(303);
    const [session] = await db()
      .select()
      .from(trainingSessions)
      .where(eq(trainingSessions.trainingId, training?.id as number));
    // Amsterdam wall-clock time in the form is the same instant in the database (minutes).
    expect(Math.floor(session?.startsAt.getTime() as number) / 60_000).toBe(Math.floor(start.getTime() / 60_000));
    expect(await (await t.app.request('/trainingen')).text()).toContain('Veilig opgroeien');
    const actions = (await db().select().from(auditLog)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['training.created', 'session.created']));
  });

  /** Every public place a session can show up, as text (or the status where the place is its own page). */
  async function publicFaces(sid: number) {
    const text = async (path: string) => {
      const res = await t.app.request(path);
      expect(res.status, path).toBe(200);
      return res.text();
    };
    const [session] = await db().select().from(trainingSessions).where(eq(trainingSessions.id, sid));
    const code = checkinCode(await loadSecret(db()), sid, new Date((session?.startsAt.getTime() as number) - 10 * 60_000));
    const path = `/trainingen/veilig-opgroeien/${sid}`;
    return {
      page: (await t.app.request(path)).status,
      ics: (await t.app.request(`/trainingen/sessie/${sid}.ics`)).status,
      checkin: (await t.app.request(`/trainingen/inchecken/${sid}/${code}`)).status,
      onTrainingPage: (await text('/trainingen/veilig-opgroeien')).includes(path),
      onTrainingList: (await text('/trainingen')).includes(path),
      inApi: (await text('/api/v1/trainings/veilig-opgroeien')).includes(path) || (await text('/api/v1/trainings?limit=100')).includes(path),
      inCalendar: (await text('/trainingen.ics')).includes(path),
      inSitemap: (await text('/sitemap.xml')).includes(path),
      inFeed: (await text('/feed.xml')).includes(path),
      inSearch: (await text('/zoeken?q=veilig+opgroeien')).includes(path),
    };
  }

  it('a session made in beheer is a draft: on no public page until an editor publishes it; the dashboard lists it', async () => {
    const [training] = await db().select().from(trainings).where(eq(trainings.slug, 'veilig-opgroeien'));
    const [session] = await db()
      .select()
      .from(trainingSessions)
      .where(eq(trainingSessions.trainingId, training?.id as number));
    const sid = session?.id as number;
    expect(session?.published).toBe(false);
    const hidden = {
      page: 404,
      ics: 404,
      checkin: 404,
      onTrainingPage: false,
      onTrainingList: false,
      inApi: false,
      inCalendar: false,
      inSitemap: false,
      inFeed: false,
      inSearch: false,
    };
    expect(await publicFaces(sid)).toEqual(hidden);
    // Nobody can register: not with the form, not through the service; nothing is stored.
    const form = await t.app.request(`/trainingen/veilig-opgroeien/${sid}/aanmelden`, {
      method: 'POST',
      body: new URLSearchParams({ name: 'Dirk', email: 'dirk@example.org', organisation: 'Opvang De Boom', role: 'Leidster', consent: 'ja' }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(404);
    await expect(
      register(db(), sid, { name: 'Eva', email: 'eva@example.org', organisation: 'X', role: 'Y' }, settingsFrom(t.deps), t.clock.now()),
    ).rejects.toThrow('Deze bijeenkomst bestaat niet.');
    expect(await db().select().from(registrations).where(eq(registrations.sessionId, sid))).toEqual([]);

    // In beheer it says so, in the training's list of sessions and on the dashboard.
    const admin = await (await editor.get(`/beheer/trainingen/sessies/${sid}`)).text();
    expect(admin).toContain('Deze bijeenkomst is een concept: hij staat niet op de site en niemand kan zich aanmelden.');
    expect(admin).toContain(`action="/beheer/trainingen/sessies/${sid}/publiceren"`);
    expect(await (await editor.get(`/beheer/trainingen/${training?.id}`)).text()).toContain('Concept, niet op de site');
    const dashboard = await (await editor.get('/beheer')).text();
    expect(dashboard).toMatch(
      new RegExp(`href="/beheer/trainingen/sessies/${sid}">Veilig opgroeien,[^<]*</a><span class="hw-muted">: concept, nog niet op de site</span>`),
    );

    // Published: everywhere.
    const published = await editor.post(`/beheer/trainingen/sessies/${sid}/publiceren`, { _csrf: csrfFrom(admin) });
    expect(published.status).toBe(200);
    const after = await published.text();
    expect(after).toContain('De bijeenkomst is gepubliceerd.');
    expect(after).toContain(`action="/beheer/trainingen/sessies/${sid}/terugtrekken"`);
    expect(await publicFaces(sid)).toEqual({
      page: 200,
      ics: 200,
      // The check-in page answers that its window is not open yet; registering is the next test.
      checkin: 409,
      onTrainingPage: true,
      onTrainingList: true,
      inApi: true,
      inCalendar: true,
      inSitemap: true,
      // The feed lists themes, search finds the training: neither names sessions.
      inFeed: false,
      inSearch: false,
    });
    expect(await (await editor.get('/beheer')).text()).not.toContain('concept, nog niet op de site');
    // Publishing again changes nothing and writes nothing.
    const again = await editor.post(`/beheer/trainingen/sessies/${sid}/publiceren`, { _csrf: csrfFrom(admin) });
    expect(await again.text()).toContain('De bijeenkomst was al gepubliceerd.');
    // Nobody registered yet: it can go off the site again, and back on.
    const off = await editor.post(`/beheer/trainingen/sessies/${sid}/terugtrekken`, { _csrf: csrfFrom(admin) });
    expect(await off.text()).toContain('De bijeenkomst staat niet meer op de site.');
    expect(await publicFaces(sid)).toEqual(hidden);
    await editor.post(`/beheer/trainingen/sessies/${sid}/publiceren`, { _csrf: csrfFrom(admin) });
    expect((await t.app.request(`/trainingen/veilig-opgroeien/${sid}`)).status).toBe(200);
    const logged = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectKind, 'session'), eq(auditLog.subjectId, sid)));
    expect(logged.map((a) => [a.action, a.details])).toEqual([
      ['session.created', { trainingId: training?.id, published: false }],
      ['session.published', {}],
      ['session.unpublished', {}],
      ['session.published', {}],
    ]);
  });

  it('registrations and waiting list per session; move, cancel, message, CSV, presence list, certificates, cancel the session', async () => {
    const [training] = await db().select().from(trainings).where(eq(trainings.slug, 'veilig-opgroeien'));
    const [session] = await db()
      .select()
      .from(trainingSessions)
      .where(eq(trainingSessions.trainingId, training?.id as number));
    const sid = session?.id as number;
    const path = `/trainingen/veilig-opgroeien/${sid}`;
    for (const n of ['Anna', 'Bram', 'Cas']) {
      const res = await t.app.request(`${path}/aanmelden`, {
        method: 'POST',
        body: new URLSearchParams({
          name: n,
          email: `${n.toLowerCase()}@example.org`,
          organisation: 'Opvang De Boom',
          role: 'Pedagogisch medewerker',
          consent: 'ja',
        }),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      expect(res.status).toBe(200);
    }
    const page = await (await editor.get(`/beheer/trainingen/sessies/${sid}`)).text();
    expect(page).toMatch(/Anna[\s\S]*Nog niet bevestigd/);
    expect(page).toMatch(/Bram[\s\S]*Wachtlijst[\s\S]*Cas[\s\S]*Wachtlijst/);
    const csrf = csrfFrom(page);
    // With people registered it stays on the site: cancelling is what tells them.
    const off = await editor.post(`/beheer/trainingen/sessies/${sid}/terugtrekken`, { _csrf: csrf });
    expect(off.status).toBe(409);
    expect(await off.text()).toContain('Er zijn al 3 mensen aangemeld of op de wachtlijst. Gaat de bijeenkomst niet door? Annuleer hem dan');
    expect((await t.app.request(path)).status).toBe(200);

    const csv = await editor.get(`/beheer/trainingen/sessies/${sid}/export.csv`);
    expect(csv.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain('Anna;anna@example.org;Opvang De Boom;Pedagogisch medewerker;nog niet bevestigd;nee;');

    // Mailing everyone is checked first: the page shows the message, the count and the names.
    const parkeren = () => db().select().from(outbox).where(eq(outbox.subject, 'Parkeren (Veilig opgroeien)'));
    const check = await (
      await editor.post(`/beheer/trainingen/sessies/${sid}/bericht`, { _csrf: csrf, subject: 'Parkeren', body: 'Parkeer bij de "achteringang" & <let op>.' })
    ).text();
    expect(check).toContain('Bericht versturen?');
    expect(check).toContain('3 mensen krijgen een mail.');
    expect(check).toMatch(/Anna[\s\S]*Bram[\s\S]*Cas/);
    expect(await parkeren()).toHaveLength(0);
    const sendIt = confirmForm(check);
    expect(sendIt.fields).toMatchObject({ subject: 'Parkeren', body: 'Parkeer bij de "achteringang" & <let op>.', aantal: '3', bevestig: 'ja' });
    const msg = await editor.post(sendIt.action, sendIt.fields);
    expect(await msg.text()).toContain('Het bericht staat klaar voor 3 mensen.');
    expect(await parkeren()).toHaveLength(3);

    const [anna] = await db().select().from(registrations).where(eq(registrations.email, 'anna@example.org'));
    // The row's "Afmelden" is a link to a page that asks; a bare POST (an old form) asks too.
    expect(page).toContain(`href="/beheer/trainingen/aanmeldingen/${anna?.id}/afmelden"`);
    const ask = await (await editor.get(`/beheer/trainingen/aanmeldingen/${anna?.id}/afmelden`)).text();
    expect(ask).toContain('Anna afmelden?');
    expect(ask).toContain('1 persoon krijgt een mail: Anna (anna@example.org).');
    expect(await (await editor.post(`/beheer/trainingen/aanmeldingen/${anna?.id}/afmelden`, { _csrf: csrf })).text()).toContain('Anna afmelden?');
    expect((await db().select().from(registrations).where(eq(registrations.email, 'anna@example.org')))[0]?.status).toBe('held');
    const unregister = confirmForm(ask);
    const cancel = await editor.post(unregister.action, unregister.fields);
    expect(await cancel.text()).toContain('Anna is afgemeld');
    const [bram] = await db().select().from(registrations).where(eq(registrations.email, 'bram@example.org'));
    expect(bram?.status).toBe('offered');

    // Presence list: Bram accepts first, then is marked present.
    await db()
      .update(registrations)
      .set({ status: 'confirmed' })
      .where(eq(registrations.id, bram?.id as number));
    const list = await (await editor.get(`/beheer/trainingen/sessies/${sid}/presentielijst`)).text();
    expect(list).toContain('Bram');
    expect(list).not.toContain('>Cas<');
    await editor.post(`/beheer/trainingen/sessies/${sid}/presentielijst`, { _csrf: csrf, aanwezig: String(bram?.id) });
    expect(
      (
        await db()
          .select()
          .from(registrations)
          .where(eq(registrations.id, bram?.id as number))
      )[0]?.attended,
    ).toBe(true);
    const early = await editor.get(`/beheer/trainingen/sessies/${sid}/certificaten`);
    expect(early.status).toBe(200);
    expect(await early.text()).toContain('pas na afloop');
    const earlyPost = await editor.post(`/beheer/trainingen/sessies/${sid}/certificaten`, { _csrf: csrf, bevestig: 'ja', aantal: '1' });
    expect(earlyPost.status).toBe(409);
    expect(await earlyPost.text()).toContain('pas na afloop');

    // Cancelling: a page that counts who gets a mail; nothing happens until it is confirmed.
    const sure = await (await editor.get(`/beheer/trainingen/sessies/${sid}/annuleren`)).text();
    expect(sure).toContain('Bijeenkomst annuleren?');
    expect(sure).toContain('2 mensen krijgen een mail met een agenda-afspraak die de afspraak weghaalt.');
    expect(await (await editor.post(`/beheer/trainingen/sessies/${sid}/annuleren`, { _csrf: csrf })).text()).toContain('Bijeenkomst annuleren?');
    expect((await db().select().from(trainingSessions).where(eq(trainingSessions.id, sid)))[0]?.status).toBe('gepland');
    const cancelIt = confirmForm(sure);
    const cancelled = await editor.post(cancelIt.action, cancelIt.fields);
    expect(await cancelled.text()).toContain('De bijeenkomst is geannuleerd. 2 mensen krijgen bericht.');
    // Confirming again (Back, then the button once more) mails no one twice.
    const twice = await editor.post(cancelIt.action, cancelIt.fields);
    expect(twice.status).toBe(409);
    expect(await twice.text()).toContain('al geannuleerd');
    expect((await db().select().from(outbox).where(eq(outbox.to, 'bram@example.org'))).some((m) => m.subject.startsWith('Gaat niet door'))).toBe(true);
    const logged = await db().select().from(auditLog);
    expect(logged.map((a) => a.action)).toEqual(
      expect.arrayContaining(['registrations.exported', 'session.message', 'registration.cancelled-by-editor', 'session.attendance', 'session.cancelled']),
    );
    // Sessions by training and day; a registration by its number, never the person's name or address.
    const cancelledRow = logged.find((a) => a.action === 'session.cancelled');
    expect(cancelledRow).toMatchObject({ subjectKind: 'session', subject: expect.stringMatching(/^‘.+’ op \d{1,2}-\d{1,2}-\d{4}$/) });
    const about = logged.filter((a) => a.subjectKind === 'registration');
    expect(about.length).toBeGreaterThan(0);
    for (const a of about) expect(a.subject).toBe(`aanmelding ${a.subjectId}`);
    expect(logged.filter((a) => a.subject.includes('@example.org'))).toEqual([]);
  });

  it('a confirmed count that changed meanwhile does nothing and asks again; the message is kept', async () => {
    const s = await createOpenSession(db(), t.clock.now(), { slug: 'telt-mee', title: 'Telt mee', summary: 'Een training die telt.', capacity: 10 });
    const settings = settingsFrom(t.deps);
    const person = (n: string) => ({ name: n, email: `${n.toLowerCase()}@example.org`, organisation: 'JGZ', role: 'Arts' });
    await register(db(), s.sessionId, person('Daan'), settings, t.clock.now());
    const mails = async () => (await db().select().from(outbox)).length;

    const ask = await (
      await editor.post(`/beheer/trainingen/sessies/${s.sessionId}/bericht`, {
        _csrf: csrfFrom(await (await editor.get(`/beheer/trainingen/sessies/${s.sessionId}`)).text()),
        subject: 'Lunch',
        body: 'Er is lunch.',
      })
    ).text();
    expect(ask).toContain('1 persoon krijgt een mail.');
    const cancelAsk = await (await editor.get(`/beheer/trainingen/sessies/${s.sessionId}/annuleren`)).text();
    // Someone registers while the editor reads the pages.
    await register(db(), s.sessionId, person('Eva'), settings, t.clock.now());
    const before = await mails();

    const sendIt = confirmForm(ask);
    const stale = await editor.post(sendIt.action, sendIt.fields);
    expect(stale.status).toBe(409);
    const staleHtml = await stale.text();
    expect(staleHtml).toContain('Het aantal is veranderd sinds je keek: het zijn er nu 2');
    expect(staleHtml).toContain('2 mensen krijgen een mail.');
    expect(confirmForm(staleHtml).fields).toMatchObject({ subject: 'Lunch', body: 'Er is lunch.', aantal: '2' });
    expect(await mails()).toBe(before);

    const cancelIt = confirmForm(cancelAsk);
    const staleCancel = await editor.post(cancelIt.action, cancelIt.fields);
    expect(staleCancel.status).toBe(409);
    expect(await staleCancel.text()).toContain('2 mensen krijgen een mail met een agenda-afspraak');
    expect((await db().select().from(trainingSessions).where(eq(trainingSessions.id, s.sessionId)))[0]?.status).toBe('gepland');
    expect(await mails()).toBe(before);

    // Asked again with the true count, it is done.
    const again = confirmForm(staleHtml);
    expect(await (await editor.post(again.action, again.fields)).text()).toContain('Het bericht staat klaar voor 2 mensen.');
    expect(await mails()).toBe(before + 2);
  });

  it('forms help: a blank slug comes from the title (numbered when taken), themes only from the list, new trainings unpublished, no session in the past', async () => {
    const empty = await (await editor.get('/beheer/trainingen/nieuw')).text();
    const csrf = csrfFrom(empty);
    // New: not published until the editor says so; themes are boxes to tick, not slugs to type.
    expect(empty).toMatch(/<input type="checkbox" id="published" name="published" value="ja"\/>/);
    expect(empty).toMatch(/<input type="checkbox" id="thema-hechting" name="themes" value="hechting"\/>/);
    expect(empty).not.toContain('Slugs van thema');
    const fields = {
      _csrf: csrf,
      title: 'Signalen herkennen: één dag',
      slug: '',
      summary: 'Een dag over signalen bij jonge kinderen.',
      descriptionMd: '',
      audience: 'JGZ',
      durationHours: '6',
      accreditation: '',
    };
    const body = (themes: string[]) => {
      const form = new URLSearchParams(fields);
      for (const t of themes) form.append('themes', t);
      return form;
    };
    const post = (themes: string[]) =>
      t.app.request('/beheer/trainingen/nieuw', {
        method: 'POST',
        body: body(themes),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: [...editor.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
    const before = await tableCounts(t.deps.database);
    const unknown = await post(['hechting', 'bestaat-niet']);
    expect(unknown.status).toBe(400);
    const unknownHtml = await unknown.text();
    expect(unknownHtml).toContain('Dit thema bestaat niet (meer): bestaat-niet. Kies thema’s uit de lijst.');
    expect(unknownHtml).toContain('value="Signalen herkennen: één dag"');
    expect(unknownHtml).toMatch(/id="thema-hechting" name="themes" value="hechting" checked=""/);
    expect((await tableCounts(t.deps.database)).trainings).toBe(before.trainings);

    for (const expected of ['signalen-herkennen-een-dag', 'signalen-herkennen-een-dag-2']) {
      const created = await post(['hechting', 'kansrijke-start']);
      expect(created.status).toBe(303);
      const [row] = await db().select().from(trainings).where(eq(trainings.slug, expected));
      expect(row?.themes).toEqual(['hechting', 'kansrijke-start']);
      expect(row?.published).toBe(false);
    }

    // A session: sensible defaults, and never one that starts in the past.
    const [training] = await db().select().from(trainings).where(eq(trainings.slug, 'signalen-herkennen-een-dag'));
    const form = await (await editor.get(`/beheer/trainingen/${training?.id}/sessies/nieuw`)).text();
    const inTwoWeeks = utcToAmsterdamLocal(new Date(t.clock.now().getTime() + 14 * DAY)).slice(0, 10);
    expect(form).toContain(`name="startsAt" value="${inTwoWeeks}T09:30"`);
    expect(form).toContain(`name="endsAt" value="${inTwoWeeks}T12:30"`);
    expect(form).toContain('name="capacity" value="20"');
    const yesterday = new Date(t.clock.now().getTime() - DAY);
    const past = await editor.post(`/beheer/trainingen/${training?.id}/sessies/nieuw`, {
      _csrf: csrf,
      startsAt: utcToAmsterdamLocal(yesterday),
      endsAt: utcToAmsterdamLocal(new Date(yesterday.getTime() + 3 * 3_600_000)),
      location: 'Zaal 2',
      capacity: '10',
      registrationOpensAt: utcToAmsterdamLocal(new Date(yesterday.getTime() - 3 * DAY)),
      registrationClosesAt: utcToAmsterdamLocal(new Date(yesterday.getTime() - DAY)),
      cancelUntil: utcToAmsterdamLocal(new Date(yesterday.getTime() - DAY)),
      contact: '',
    });
    expect(past.status).toBe(400);
    const pastHtml = await past.text();
    expect(pastHtml).toContain('Het begin ligt in het verleden. Kies een moment dat nog moet komen.');
    expect(pastHtml).toContain('value="Zaal 2"');
    expect(
      (
        await db()
          .select()
          .from(trainingSessions)
          .where(eq(trainingSessions.trainingId, training?.id as number))
      ).length,
    ).toBe(0);
  });
});
