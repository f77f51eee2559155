import { and, eq, sql } from 'drizzle-orm';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends, createTestApp, pdfText, startSmtp, tableCounts } from '../../test/helpers.ts';
import { auditLog, evaluationInvites, loginTokens, outbox, registrations, registrationTokens, searchDocuments, trainings } from '../db/schema.ts';
import { mailAsSent } from '../mail/outbox.ts';
import { search } from '../search/service.ts';
import { formatCsvMoment, formatMoment } from './format.ts';
import { nextSessions, publishedTrainings, recentNextSessions, sessionRegistrations, sessionsOf, waitlistPosition } from './queries.ts';
import { LIST_COUNTS_MS } from './seat-cache.ts';
import {
  anonymiseOld,
  cancelSession,
  confirm,
  createSession,
  createTraining,
  expireDue,
  lockSession,
  messageAll,
  moveRegistration,
  refreshTrainingPlaces,
  register,
  registrationsCsv,
  sendCertificates,
  sendReminders,
  setAttendance,
  updateSession,
} from './service.ts';
import { settingsFrom } from './settings.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;

type T = Awaited<ReturnType<typeof createTestApp>>;

let seq = 0;
async function makeSession(t: T, opts: { capacity: number; inDays?: number; cancelUntilDays?: number }) {
  const db = t.deps.database.db;
  const now = t.clock.now();
  const slug = `test-training-${++seq}`;
  const trainingId = await createTraining(db, null, {
    slug,
    title: `Testtraining ${seq}`,
    summary: 'Een training om mee te testen.',
    descriptionMd: 'Uitleg.',
    audience: ['JGZ'],
    themes: ['hechting'],
    durationHours: 3,
    accreditation: '',
    published: true,
  });
  // Calendar files carry whole minutes.
  const startsAt = new Date(Math.floor((now.getTime() + (opts.inDays ?? 30) * DAY) / 60_000) * 60_000);
  const sessionId = await createSession(db, null, trainingId, {
    startsAt,
    endsAt: new Date(startsAt.getTime() + 3 * HOUR),
    location: 'Zaal 1, Voorbeeldstad',
    online: false,
    capacity: opts.capacity,
    registrationOpensAt: new Date(now.getTime() - DAY),
    registrationClosesAt: new Date(startsAt.getTime() - HOUR),
    cancelUntil: new Date(startsAt.getTime() - (opts.cancelUntilDays ?? 2) * DAY),
    contact: 'trainingen@hechtwerk.example',
  });
  return { slug, sessionId, trainingId, path: `/trainingen/${slug}/${sessionId}`, startsAt };
}

const person = (n: number | string) => ({
  name: `Deelnemer ${n}`,
  email: `deelnemer${n}@example.org`,
  organisation: 'GGD Voorbeeld',
  role: 'Jeugdverpleegkundige',
  consent: 'ja',
});

function form(fields: Record<string, string>) {
  return { method: 'POST', body: new URLSearchParams(fields), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
}

/** The mails to `to` as received: links are made when a mail is sent, so the stored text has placeholders. */
async function mailsTo(t: T, to: string) {
  const rows = await t.deps.database.db.select().from(outbox).where(eq(outbox.to, to)).orderBy(outbox.id);
  return Promise.all(rows.map(async (row) => ({ ...row, ...(await mailAsSent(t.deps.database.db, row.id)) })));
}
const linkIn = (text: string, kind: 'bevestigen' | 'aanmelding') => {
  const m = new RegExp(`http://localhost:3000(/trainingen/${kind}/[\\w-]+)`).exec(text);
  if (!m?.[1]) throw new Error(`no ${kind} link in: ${text}`);
  return m[1];
};
const statusOf = async (t: T, email: string, sessionId: number) =>
  (
    await t.deps.database.db
      .select()
      .from(registrations)
      .where(and(eq(registrations.email, email), eq(registrations.sessionId, sessionId)))
  )[0]?.status;

function parseIcs(ics: string) {
  const comp = new ICAL.Component(ICAL.parse(ics));
  const ev = comp.getFirstSubcomponent('vevent') as ICAL.Component;
  return {
    uid: ev.getFirstPropertyValue('uid'),
    sequence: Number(ev.getFirstPropertyValue('sequence')),
    status: ev.getFirstPropertyValue('status'),
    start: (ev.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate(),
    summary: ev.getFirstPropertyValue('summary'),
  };
}

describe.each(backends())('trainings on %s', (kind: Backend) => {
  let t: T;
  beforeAll(async () => {
    // Every request here comes from one client address; the per-client limit has its own test.
    t = await createTestApp(kind, { env: { REGISTRATION_LIMIT: '1000' } });
  });
  afterAll(() => t.close());
  const settings = () => settingsFrom(t.deps);

  it('lists trainings and sessions with live availability; the session page has the registration form', async () => {
    const s = await makeSession(t, { capacity: 3 });
    const list = await (await t.app.request('/trainingen')).text();
    expect(list).toContain(`href="${s.path}"`);
    expect(list).toContain('nog 3 plekken');
    const html = await (await t.app.request(s.path)).text();
    expect(html).toContain('nog 3 van de 3 plekken vrij');
    expect(html).toContain(`action="${s.path}/aanmelden"`);
    expect(html).toContain('name="website"');
    expect(html).toContain('Voor de presentielijst en je certificaat.');
    expect((await t.app.request(`/trainingen/${s.slug}/999999`)).status).toBe(404);
    expect((await t.app.request(`/trainingen/ander-slug/${s.sessionId}`)).status).toBe(404);
  });

  it('register → mail with links → confirm (twice) → confirmation mail with a calendar file → cancel frees the seat', async () => {
    const s = await makeSession(t, { capacity: 2 });
    const res = await t.app.request(`${s.path}/aanmelden`, form(person('a1')));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Kijk in je mail');
    expect(await statusOf(t, 'deelnemera1@example.org', s.sessionId)).toBe('held');
    const [first] = await mailsTo(t, 'deelnemera1@example.org');
    expect(first?.subject).toContain('Bevestig je aanmelding');
    expect(first?.html).toContain('<a href="http://localhost:3000/trainingen/bevestigen/');
    const confirmPath = linkIn(first?.text ?? '', 'bevestigen');
    // Opening the link shows a button; it does not confirm by itself.
    expect(await (await t.app.request(confirmPath)).text()).toContain('Bevestig mijn aanmelding');
    expect(await statusOf(t, 'deelnemera1@example.org', s.sessionId)).toBe('held');
    const done = await t.app.request(confirmPath, { method: 'POST' });
    expect(await done.text()).toContain('Je aanmelding is bevestigd');
    const twice = await t.app.request(confirmPath, { method: 'POST' });
    expect(await twice.text()).toContain('Je aanmelding was al bevestigd');
    const mails = await mailsTo(t, 'deelnemera1@example.org');
    const confirmations = mails.filter((m) => m.subject.startsWith('Aanmelding bevestigd'));
    expect(confirmations).toHaveLength(1);
    const ics = confirmations[0]?.attachments[0];
    expect(ics?.filename).toBe('training.ics');
    const ev = parseIcs(ics?.content ?? '');
    expect(ev.uid).toBe(`sessie-${s.sessionId}@localhost`);
    expect(ev.sequence).toBe(0);
    expect(ev.status).toBe('CONFIRMED');
    expect(ev.start.getTime()).toBe(s.startsAt.getTime());

    const managePath = linkIn(confirmations[0]?.text ?? '', 'aanmelding');
    const page = await (await t.app.request(managePath)).text();
    expect(page).toContain('Bevestigd');
    expect(page).toContain('Agenda-afspraak downloaden');
    const agenda = await t.app.request(`${managePath}/agenda.ics`);
    expect(parseIcs(await agenda.text()).uid).toBe(`sessie-${s.sessionId}@localhost`);
    const cancel = await t.app.request(managePath, form({ actie: 'cancel', bevestig: 'ja' }));
    expect(await cancel.text()).toContain('Je bent afgemeld');
    expect(await statusOf(t, 'deelnemera1@example.org', s.sessionId)).toBe('cancelled');
    expect(await (await t.app.request(s.path)).text()).toContain('nog 2 van de 2 plekken vrij');
  });

  it('bad input: Dutch messages, input kept, nothing written', async () => {
    const s = await makeSession(t, { capacity: 2 });
    const before = await tableCounts(t.deps.database);
    const res = await t.app.request(`${s.path}/aanmelden`, form({ name: 'Piet', email: 'geen-mail', organisation: 'GGD', role: 'Arts' }));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Vul een geldig e-mailadres in');
    expect(html).toContain('Ga akkoord met de privacyverklaring');
    expect(html).toContain('value="geen-mail"');
    expect(html).toContain('value="Piet"');
    expect(html).toContain('href="#consent"');
    const after = await tableCounts(t.deps.database);
    expect(after.registrations).toBe(before.registrations);
    expect(after.outbox).toBe(before.outbox);
  });

  it('a filled honeypot looks like success but stores and sends nothing', async () => {
    const s = await makeSession(t, { capacity: 2 });
    const before = await tableCounts(t.deps.database);
    const res = await t.app.request(`${s.path}/aanmelden`, form({ ...person('bot'), website: 'http://spam.example' }));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Kijk in je mail');
    const after = await tableCounts(t.deps.database);
    expect(after.registrations).toBe(before.registrations);
    expect(after.outbox).toBe(before.outbox);
  });

  it('registering twice makes no duplicate: the same answer as the first time, and the link goes again at most once a day', async () => {
    const s = await makeSession(t, { capacity: 2 });
    const answer = async (email: string) => {
      const html = await (await t.app.request(`${s.path}/aanmelden`, form({ ...person('dup'), email }))).text();
      return /<main[\s\S]*<\/main>/.exec(html)?.[0].replace(/name="_csrf" value="[^"]*"/g, '');
    };
    const first = await answer('deelnemerdup@example.org');
    expect(first).toContain('We hebben je aanmelding ontvangen.');
    // Probing the address again (in any spelling) tells nothing new and mails nothing new today.
    for (const email of ['DeelnemerDUP@Example.org', 'deelnemerdup@example.org', 'DEELNEMERDUP@EXAMPLE.ORG'])
      expect((await answer(email))?.replace(/DeelnemerDUP@Example\.org|DEELNEMERDUP@EXAMPLE\.ORG/g, 'deelnemerdup@example.org')).toBe(first);
    const rows = await t.deps.database.db.select().from(registrations).where(eq(registrations.sessionId, s.sessionId));
    expect(rows).toHaveLength(1);
    expect((await mailsTo(t, 'deelnemerdup@example.org')).map((m) => m.subject)).toEqual([expect.stringContaining('Bevestig je aanmelding')]);
    // A day later the links go again, once.
    t.clock.advance(DAY + 60_000);
    await answer('deelnemerdup@example.org');
    await answer('deelnemerdup@example.org');
    const mails = await mailsTo(t, 'deelnemerdup@example.org');
    expect(mails.map((m) => m.subject)).toEqual([expect.stringContaining('Bevestig je aanmelding'), expect.stringContaining('Je aanmelding')]);
    expect(mails[1]?.text).toContain('/trainingen/bevestigen/');
  });

  it('full: the waiting list with a visible position; a freed seat gets exactly one offer; accept and decline', async () => {
    const s = await makeSession(t, { capacity: 1 });
    await t.app.request(`${s.path}/aanmelden`, form(person('w0')));
    await t.app.request(`${s.path}/aanmelden`, form(person('w1')));
    expect((await mailsTo(t, 'deelnemerw1@example.org'))[0]?.text).toContain('op plaats 1');
    await t.app.request(`${s.path}/aanmelden`, form(person('w2')));
    expect((await mailsTo(t, 'deelnemerw2@example.org'))[0]?.text).toContain('op plaats 2');
    expect(await (await t.app.request(s.path)).text()).toContain('Vol: aanmelden voor de wachtlijst');
    // The holder cancels: w1 (first) gets the offer, w2 nothing yet.
    const manage0 = linkIn((await mailsTo(t, 'deelnemerw0@example.org'))[0]?.text ?? '', 'aanmelding');
    await t.app.request(manage0, form({ actie: 'cancel', bevestig: 'ja' }));
    expect(await statusOf(t, 'deelnemerw1@example.org', s.sessionId)).toBe('offered');
    expect(await statusOf(t, 'deelnemerw2@example.org', s.sessionId)).toBe('waitlisted');
    const offer = (await mailsTo(t, 'deelnemerw1@example.org')).find((m) => m.subject.startsWith('Er is een plek vrij'));
    expect(offer).toBeDefined();
    // Running the expiry job (as another instance would) changes nothing: one seat, one offer.
    await expireDue(t.deps.database.db, settings(), t.clock.now());
    expect(
      await t.deps.database.db
        .select()
        .from(registrations)
        .where(and(eq(registrations.sessionId, s.sessionId), eq(registrations.status, 'offered'))),
    ).toHaveLength(1);
    // w1 declines: the offer moves to w2, who accepts.
    const manage1 = linkIn(offer?.text ?? '', 'aanmelding');
    expect(await (await t.app.request(manage1, form({ actie: 'decline' }))).text()).toContain('Je hebt het aanbod afgeslagen');
    expect(await statusOf(t, 'deelnemerw2@example.org', s.sessionId)).toBe('offered');
    const offer2 = (await mailsTo(t, 'deelnemerw2@example.org')).find((m) => m.subject.startsWith('Er is een plek vrij'));
    const manage2 = linkIn(offer2?.text ?? '', 'aanmelding');
    expect(await (await t.app.request(manage2)).text()).toContain('Plek aannemen');
    expect(await (await t.app.request(manage2, form({ actie: 'accept' }))).text()).toContain('Je hebt de plek aangenomen');
    expect(await statusOf(t, 'deelnemerw2@example.org', s.sessionId)).toBe('confirmed');
  });

  it('an expired hold frees the seat for the waiting list; confirming late then puts you on the list and says so', async () => {
    const s = await makeSession(t, { capacity: 1 });
    await t.app.request(`${s.path}/aanmelden`, form(person('h0')));
    await t.app.request(`${s.path}/aanmelden`, form(person('h1')));
    t.clock.advance(settings().holdMinutes * 60_000 + 1000);
    // Other tests' holds lapse too; this session's is one of them.
    expect(await expireDue(t.deps.database.db, settings(), t.clock.now())).toBeGreaterThanOrEqual(1);
    expect(await statusOf(t, 'deelnemerh0@example.org', s.sessionId)).toBe('expired');
    expect(await statusOf(t, 'deelnemerh1@example.org', s.sessionId)).toBe('offered');
    const late = await t.app.request(linkIn((await mailsTo(t, 'deelnemerh0@example.org'))[0]?.text ?? '', 'bevestigen'), { method: 'POST' });
    const html = await late.text();
    expect(html).toContain('Je staat op de wachtlijst');
    expect(html).toContain('op plaats 1');
    expect(await statusOf(t, 'deelnemerh0@example.org', s.sessionId)).toBe('waitlisted');
    expect((await mailsTo(t, 'deelnemerh0@example.org')).some((m) => m.subject.startsWith('Wachtlijst'))).toBe(true);
    // The offer expires too: it moves on to h0, now first on the list.
    t.clock.advance(settings().offerHours * HOUR + 1000);
    await expireDue(t.deps.database.db, settings(), t.clock.now());
    expect(await statusOf(t, 'deelnemerh1@example.org', s.sessionId)).toBe('expired');
    expect(await statusOf(t, 'deelnemerh0@example.org', s.sessionId)).toBe('offered');
  });

  it('an expired hold still confirms when a seat is free', async () => {
    const s = await makeSession(t, { capacity: 2 });
    await t.app.request(`${s.path}/aanmelden`, form(person('late')));
    t.clock.advance(settings().holdMinutes * 60_000 + 1000);
    const res = await t.app.request(linkIn((await mailsTo(t, 'deelnemerlate@example.org'))[0]?.text ?? '', 'bevestigen'), { method: 'POST' });
    expect(await res.text()).toContain('Je aanmelding is bevestigd');
  });

  it('a hold that lapsed before the schedule ran: a new registration offers that seat to the waiting list first, then waits behind', async () => {
    const s = await makeSession(t, { capacity: 1 });
    await t.app.request(`${s.path}/aanmelden`, form(person('lap0')));
    await t.app.request(`${s.path}/aanmelden`, form(person('lap1')));
    expect((await mailsTo(t, 'deelnemerlap1@example.org'))[0]?.text).toContain('op plaats 1');
    t.clock.advance(settings().holdMinutes * 60_000 + 1000);
    // No expireDue here: the seat is free, but lap1 was waiting for it.
    await t.app.request(`${s.path}/aanmelden`, form(person('lap2')));
    expect(await statusOf(t, 'deelnemerlap1@example.org', s.sessionId)).toBe('offered');
    expect((await mailsTo(t, 'deelnemerlap1@example.org')).filter((m) => m.subject.startsWith('Er is een plek vrij'))).toHaveLength(1);
    expect(await statusOf(t, 'deelnemerlap2@example.org', s.sessionId)).toBe('waitlisted');
    const lap2 = await mailsTo(t, 'deelnemerlap2@example.org');
    expect(lap2.map((m) => m.subject.slice(0, 9))).toEqual(['Wachtlijs']);
    expect(lap2[0]?.text).toContain('plaats 1');
    // Its manage link works: the token was stored in the same statement as the registration.
    expect(await (await t.app.request(linkIn(lap2[0]?.text ?? '', 'aanmelding'))).text()).toContain('wachtlijst');
    // A seat that frees later goes to lap2, not to a newcomer.
    const manage1 = linkIn((await mailsTo(t, 'deelnemerlap1@example.org')).at(-1)?.text ?? '', 'aanmelding');
    await t.app.request(manage1, form({ actie: 'decline' }));
    expect(await statusOf(t, 'deelnemerlap2@example.org', s.sessionId)).toBe('offered');
  });

  it('after the cancellation deadline the page explains whom to contact', async () => {
    const s = await makeSession(t, { capacity: 2, inDays: 3, cancelUntilDays: 2 });
    // The session page says it before anyone registers, and where to read how registering works.
    const session = await (await t.app.request(s.path)).text();
    expect(session).toContain(`<dt>Afmelden via de site kan tot</dt><dd>${formatMoment(new Date(s.startsAt.getTime() - 2 * DAY))}</dd>`);
    expect(session).toContain('href="/aanmelden"');
    expect(await (await t.app.request('/trainingen')).text()).toContain('href="/aanmelden"');
    const how = await t.app.request('/aanmelden');
    expect(how.status).toBe(200);
    const text = await how.text();
    expect(text).toContain('Wil je daarna nog annuleren, neem dan contact op met de organisatie');
    // It belongs to the trainings: the breadcrumbs and the navigation say so.
    expect(text).toContain('<a href="/trainingen" aria-current="page">Trainingen</a>');
    expect(text).toMatch(
      /utrecht-breadcrumb-nav__link utrecht-link" href="\/trainingen">Trainingen<\/a><\/li><li[^>]*><span aria-current="page">Aanmelden voor een training<\/span>/,
    );
    await t.app.request(`${s.path}/aanmelden`, form(person('dl')));
    await t.app.request(linkIn((await mailsTo(t, 'deelnemerdl@example.org'))[0]?.text ?? '', 'bevestigen'), { method: 'POST' });
    const manage = linkIn((await mailsTo(t, 'deelnemerdl@example.org'))[1]?.text ?? '', 'aanmelding');
    t.clock.advance(1.5 * DAY);
    const page = await (await t.app.request(manage)).text();
    expect(page).toContain('Afmelden via de site kan niet meer');
    expect(page).toContain('trainingen@hechtwerk.example');
    const res = await t.app.request(manage, form({ actie: 'cancel', bevestig: 'ja' }));
    expect(res.status).toBe(409);
    expect(await statusOf(t, 'deelnemerdl@example.org', s.sessionId)).toBe('confirmed');
    t.clock.advance(-1.5 * DAY);
  });

  it('reminders 7 days and 1 day before go out once each, however often the job runs', async () => {
    const s = await makeSession(t, { capacity: 5, inDays: 10 });
    await t.app.request(`${s.path}/aanmelden`, form(person('rem')));
    await t.app.request(linkIn((await mailsTo(t, 'deelnemerrem@example.org'))[0]?.text ?? '', 'bevestigen'), { method: 'POST' });
    const count = async () => (await mailsTo(t, 'deelnemerrem@example.org')).filter((m) => m.subject.startsWith('Herinnering')).map((m) => m.subject);
    const db = t.deps.database.db;
    await sendReminders(db, settings(), t.clock.now());
    expect(await count()).toEqual([]);
    t.clock.advance(3.5 * DAY);
    await Promise.all([sendReminders(db, settings(), t.clock.now()), sendReminders(db, settings(), t.clock.now())]);
    await sendReminders(db, settings(), t.clock.now());
    expect(await count()).toEqual([expect.stringContaining('over 7 dagen')]);
    t.clock.advance(5.6 * DAY);
    await Promise.all([sendReminders(db, settings(), t.clock.now()), sendReminders(db, settings(), t.clock.now())]);
    expect(await count()).toEqual([expect.stringContaining('over 7 dagen'), expect.stringContaining('morgen')]);
    t.clock.advance(-9.1 * DAY);
  });

  it('moving a session mails an updated calendar file (SEQUENCE raised); cancelling mails STATUS:CANCELLED', async () => {
    const s = await makeSession(t, { capacity: 3 });
    await t.app.request(`${s.path}/aanmelden`, form(person('mv')));
    await t.app.request(linkIn((await mailsTo(t, 'deelnemermv@example.org'))[0]?.text ?? '', 'bevestigen'), { method: 'POST' });
    const newStart = new Date(s.startsAt.getTime() + DAY);
    const input = {
      startsAt: newStart,
      endsAt: new Date(newStart.getTime() + 3 * HOUR),
      location: 'Zaal 2',
      online: false,
      capacity: 3,
      registrationOpensAt: new Date(t.clock.now().getTime() - DAY),
      registrationClosesAt: new Date(newStart.getTime() - HOUR),
      cancelUntil: new Date(newStart.getTime() - 2 * DAY),
      contact: 'x@hechtwerk.example',
    };
    expect((await updateSession(t.deps.database.db, null, s.sessionId, input, settings(), t.clock.now())).mailed).toBe(1);
    const changed = (await mailsTo(t, 'deelnemermv@example.org')).find((m) => m.subject.startsWith('Gewijzigd'));
    const ev = parseIcs(changed?.attachments[0]?.content ?? '');
    expect(ev.sequence).toBe(1);
    expect(ev.start.getTime()).toBe(newStart.getTime());
    expect(ev.uid).toBe(`sessie-${s.sessionId}@localhost`);
    await cancelSession(t.deps.database.db, null, s.sessionId, settings(), t.clock.now());
    const cancelled = (await mailsTo(t, 'deelnemermv@example.org')).find((m) => m.subject.startsWith('Gaat niet door'));
    const ev2 = parseIcs(cancelled?.attachments[0]?.content ?? '');
    expect(ev2.status).toBe('CANCELLED');
    expect(ev2.sequence).toBe(2);
    expect(await (await t.app.request(s.path)).text()).toContain('Geannuleerd');
    const closed = await t.app.request(`${s.path}/aanmelden`, form(person('toolate')));
    expect(closed.status).toBe(409);
    expect(await closed.text()).toContain('Deze bijeenkomst is geannuleerd.');
  });

  it('raising capacity offers the new seats to the waiting list at once', async () => {
    const s = await makeSession(t, { capacity: 1 });
    for (const n of ['c0', 'c1', 'c2', 'c3']) await t.app.request(`${s.path}/aanmelden`, form(person(n)));
    const [row] = await t.deps.database.db
      .execute(sql`select * from training_sessions where id = ${s.sessionId}`)
      .then((r) => (r as unknown as { rows: Record<string, unknown>[] }).rows);
    await updateSession(
      t.deps.database.db,
      null,
      s.sessionId,
      {
        startsAt: s.startsAt,
        endsAt: new Date(row?.ends_at as string),
        location: 'Zaal 1, Voorbeeldstad',
        online: false,
        capacity: 3,
        registrationOpensAt: new Date(row?.registration_opens_at as string),
        registrationClosesAt: new Date(row?.registration_closes_at as string),
        cancelUntil: new Date(row?.cancel_until as string),
        contact: 'trainingen@hechtwerk.example',
      },
      settings(),
      t.clock.now(),
    );
    expect(await statusOf(t, 'deelnemerc1@example.org', s.sessionId)).toBe('offered');
    expect(await statusOf(t, 'deelnemerc2@example.org', s.sessionId)).toBe('offered');
    expect(await statusOf(t, 'deelnemerc3@example.org', s.sessionId)).toBe('waitlisted');
  });

  it("a session's lock lets a row that only refers to the session be written (an evaluation invite, a proof): no deadlock with a check-in", async () => {
    const db = t.deps.database.db;
    const s = await makeSession(t, { capacity: 5 });
    await t.app.request(`${s.path}/aanmelden`, form(person('sleutel')));
    const [reg] = await db.select().from(registrations).where(eq(registrations.email, 'deelnemersleutel@example.org'));
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    let locked = () => {};
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = db.transaction(async (tx) => {
      await lockSession(tx, s.sessionId);
      locked();
      await held;
    });
    await isLocked;
    let done = false;
    const refer = db
      .insert(evaluationInvites)
      .values({ registrationId: reg?.id as number, sessionId: s.sessionId, expiresAt: new Date(Date.now() + DAY) })
      .then(() => {
        done = true;
      });
    const waiting = async () =>
      (
        (await db.execute(sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)) as unknown as {
          rows: { n: number }[];
        }
      ).rows[0]?.n ?? 0;
    // Until the insert is done or seen waiting for the session's lock.
    while (!done && (await waiting()) === 0) await new Promise((r) => setTimeout(r, 10));
    const withoutWaiting = done;
    release();
    await holder;
    await refer;
    await db.delete(evaluationInvites).where(eq(evaluationInvites.registrationId, reg?.id as number));
    expect(withoutWaiting).toBe(true);
  });

  it('a session write waits for a change to its training: a training taken off the site meanwhile stays out of the index', async () => {
    const db = t.deps.database.db;
    const s = await makeSession(t, { capacity: 5 });
    const indexed = async () =>
      (
        await db
          .select()
          .from(searchDocuments)
          .where(and(eq(searchDocuments.kind, 'training'), eq(searchDocuments.ref, s.slug)))
      ).length;
    expect(await indexed()).toBe(1);
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    let taken = () => {};
    const isTaken = new Promise<void>((r) => (taken = r));
    // An editor takes the training off the site (as updateTraining does) and has not committed yet.
    const editor = db.transaction(async (tx) => {
      await tx.update(trainings).set({ published: false }).where(eq(trainings.id, s.trainingId));
      await tx.delete(searchDocuments).where(and(eq(searchDocuments.kind, 'training'), eq(searchDocuments.ref, s.slug)));
      taken();
      await held;
    });
    await isTaken;
    const cancelled = cancelSession(db, null, s.sessionId, settings(), t.clock.now());
    // The cancellation waits for the editor's transaction (a lock), then goes on.
    const waiting = async () =>
      (
        (await db.execute(sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)) as unknown as {
          rows: { n: number }[];
        }
      ).rows[0]?.n ?? 0;
    while ((await waiting()) === 0) await new Promise((r) => setTimeout(r, 10));
    release();
    await editor;
    await cancelled;
    expect(await indexed()).toBe(0);
  });

  it('a placeholder typed into a name is never filled: no link to another registration or to a staff login, and later mails still go', async () => {
    const db = t.deps.database.db;
    const s = await makeSession(t, { capacity: 5 });
    await t.app.request(`${s.path}/aanmelden`, form(person('slachtoffer')));
    const [victim] = await db.select().from(registrations).where(eq(registrations.email, 'deelnemerslachtoffer@example.org'));
    const [staff] = await db
      .insert(loginTokens)
      .values({ tokenHash: 'x'.repeat(64), purpose: 'invite', email: 'nieuw@example.org', role: 'redacteur', expiresAt: new Date(Date.now() + DAY) })
      .returning();
    const tokensOf = async (id: number) => (await db.select().from(registrationTokens).where(eq(registrationTokens.registrationId, id))).length;
    const before = await tokensOf(victim?.id as number);
    const name = `{link:manage:${victim?.id}:4102444800000} {link:invite:${staff?.id}:0}`;
    await t.app.request(`${s.path}/aanmelden`, form({ ...person('aanvaller'), name }));
    const [mail] = await mailsTo(t, 'deelnemeraanvaller@example.org');
    // The name stands in the mail as typed, made inert; the mail's own links work.
    expect(mail?.text).toContain(`Hallo { link:manage:${victim?.id}:4102444800000} { link:invite:${staff?.id}:0},`);
    expect(mail?.text).toMatch(/\/trainingen\/bevestigen\/[\w-]{16,}/);
    expect(await tokensOf(victim?.id as number)).toBe(before);
    const [invite] = await db
      .select()
      .from(loginTokens)
      .where(eq(loginTokens.id, staff?.id as number));
    expect(invite?.tokenHash).toBe('x'.repeat(64));
    // A later mail to the same registration (an editor's message to everyone) is stored, not refused.
    expect(await messageAll(db, null, s.sessionId, 'Lokaal', 'We zitten in zaal 3.')).toBe(2);
  });

  it('a training is found by where its coming sessions are held ("online", a town), not by what stands between brackets, and no longer once they are cancelled or over', async () => {
    const db = t.deps.database.db;
    const s = await makeSession(t, { capacity: 5, inDays: 3 });
    const url = `/trainingen/${s.slug}`;
    const hits = async (q: string) => {
      const o = await search(db, { q, p: 1 }, t.deps.synonyms);
      return o.state === 'results' && !o.partial ? o.hits : [];
    };
    const found = async (q: string) => (await hits(q)).map((h) => h.url);
    const at = (days: number) => new Date(Math.floor((t.clock.now().getTime() + days * DAY) / 60_000) * 60_000);
    const session = (days: number, location: string, online: boolean) => ({
      startsAt: at(days),
      endsAt: new Date(at(days).getTime() + 3 * HOUR),
      location,
      online,
      capacity: 10,
      registrationOpensAt: at(-1),
      registrationClosesAt: at(days - 1),
      cancelUntil: at(days - 2),
      contact: 'trainingen@hechtwerk.example',
    });
    expect(await found('online')).not.toContain(url);
    const town = await createSession(db, null, s.trainingId, session(10, 'Buurthuis De Klimop, Zonnedorp', false), { now: t.clock.now() });
    await createSession(db, null, s.trainingId, session(20, 'Microsoft Teams (de link volgt na bevestiging)', true), { now: t.clock.now() });
    expect(await found('zonnedorp')).toEqual([url]);
    expect(await found('online')).toContain(url);
    expect(await found('teams')).toContain(url);
    // Where a session is held is found, never shown: the snippet is the training's own text.
    expect((await hits('zonnedorp'))[0]?.snippet.join('')).not.toMatch(/Zonnedorp|Klimop/);
    expect(await found('bevestiging')).not.toContain(url);
    await cancelSession(db, null, town, settings(), t.clock.now());
    expect(await found('zonnedorp')).toEqual([]);
    // Sessions end without a write: the scheduler's refresh takes the online session's place away once it is over.
    t.clock.advance(21 * DAY);
    try {
      await refreshTrainingPlaces(db, t.clock.now());
      expect(await found('online')).not.toContain(url);
      expect(await found('teams')).not.toContain(url);
      // The refresh goes over drafts too: a training off the site has no document left behind.
      await db.update(trainings).set({ published: false }).where(eq(trainings.id, s.trainingId));
      await refreshTrainingPlaces(db, t.clock.now());
      expect(await found(`Testtraining ${s.slug.split('-').at(-1)}`)).not.toContain(url);
    } finally {
      t.clock.advance(-21 * DAY);
    }
  });

  it('attendance → certificates by mail (PDF with the name) and on the registrant’s page; once only', async () => {
    const s = await makeSession(t, { capacity: 3, inDays: 1 });
    for (const n of ['p1', 'p2']) {
      await t.app.request(`${s.path}/aanmelden`, form(person(n)));
      await t.app.request(linkIn((await mailsTo(t, `deelnemer${n}@example.org`))[0]?.text ?? '', 'bevestigen'), { method: 'POST' });
    }
    const regs = await sessionRegistrations(t.deps.database.db, s.sessionId);
    const p1 = regs.find((r) => r.email === 'deelnemerp1@example.org');
    await setAttendance(t.deps.database.db, null, s.sessionId, [p1?.id as number], settings(), t.clock.now());
    await expect(sendCertificates(t.deps.database.db, null, s.sessionId, settings(), t.clock.now())).rejects.toThrow('pas na afloop');
    t.clock.advance(2 * DAY);
    expect(await sendCertificates(t.deps.database.db, null, s.sessionId, settings(), t.clock.now())).toBe(1);
    await expect(sendCertificates(t.deps.database.db, null, s.sessionId, settings(), t.clock.now())).rejects.toThrow('al verstuurd');
    const cert = (await mailsTo(t, 'deelnemerp1@example.org')).find((m) => m.subject.startsWith('Certificaat'));
    expect((await mailsTo(t, 'deelnemerp2@example.org')).some((m) => m.subject.startsWith('Certificaat'))).toBe(false);
    const pdf = Buffer.from(cert?.attachments[0]?.content ?? '', 'base64');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfText(pdf)).toContain('Deelnemer p1');
    const manage = linkIn(cert?.text ?? '', 'aanmelding');
    const download = await t.app.request(`${manage}/certificaat.pdf`);
    expect(download.headers.get('Content-Type')).toBe('application/pdf');
    expect(pdfText(Buffer.from(await download.arrayBuffer()))).toContain('Deelnemer p1');
    // The registrant's own copy of the data holds the proof, with the code the certificate carries.
    const data = await (await t.app.request(`${manage}/gegevens.json`)).json();
    expect(data.aanmelding.aanwezigheid).toBe('aanwezig');
    // The presence list's tick is the registration's own event, as a single mark is.
    expect(data.gebeurtenissen.map((e: { wat: string }) => e.wat)).toContain('Aanwezigheid van een deelnemer vastgelegd');
    const p2 = regs.find((r) => r.email === 'deelnemerp2@example.org');
    const logged = await t.deps.database.db
      .select({ details: auditLog.details })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'registration.attendance'), eq(auditLog.subjectKind, 'registration'), eq(auditLog.subjectId, p2?.id as number)));
    expect(logged.map((l) => l.details)).toEqual([{ sessionId: s.sessionId, attendance: 'afwezig' }]);
    expect(data.bewijsVanDeelname).toMatchObject({ naam: 'Deelnemer p1', training: `Testtraining ${seq}`, uren: 3 });
    expect(pdfText(pdf)).toContain(data.bewijsVanDeelname.controlecode);
    t.clock.advance(-2 * DAY);
  });

  it('a registrant sees everything stored about the registration and downloads it, mails included, personal links left out', async () => {
    const s = await makeSession(t, { capacity: 3 });
    await t.app.request(`${s.path}/aanmelden`, form(person('inzage')));
    await t.app.request(linkIn((await mailsTo(t, 'deelnemerinzage@example.org'))[0]?.text ?? '', 'bevestigen'), { method: 'POST' });
    const manage = linkIn((await mailsTo(t, 'deelnemerinzage@example.org'))[1]?.text ?? '', 'aanmelding');
    const shown = await (await t.app.request(manage)).text();
    for (const value of ['Deelnemer inzage', 'deelnemerinzage@example.org', 'GGD Voorbeeld', 'Jeugdverpleegkundige'])
      expect(shown).toContain(`<dd>${value}</dd>`);
    expect(shown).toContain(`href="${manage}/gegevens.json"`);
    const res = await t.app.request(`${manage}/gegevens.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('Content-Disposition')).toBe('attachment; filename="hechtwerk-aanmelding.json"');
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    const text = await res.text();
    const data = JSON.parse(text);
    expect(data.aanmelding).toMatchObject({
      naam: 'Deelnemer inzage',
      eMailadres: 'deelnemerinzage@example.org',
      organisatie: 'GGD Voorbeeld',
      functie: 'Jeugdverpleegkundige',
      status: 'Bevestigd',
      register: null,
    });
    expect(Date.parse(data.aanmelding.bevestigdOp)).toBe(t.clock.now().getTime());
    expect(data.bijeenkomst).toMatchObject({ training: `Testtraining ${seq}`, begin: s.startsAt.toISOString(), waar: 'Zaal 1, Voorbeeldstad' });
    // The two mails as stored: the registration's and the confirmation's, without a working link.
    const stored = await t.deps.database.db.select().from(outbox).where(eq(outbox.to, 'deelnemerinzage@example.org')).orderBy(outbox.id);
    expect(data.berichten.map((m: { onderwerp: string }) => m.onderwerp)).toEqual(stored.map((m) => m.subject));
    expect(data.berichten).toHaveLength(2);
    expect(data.berichten[0].tekst).toContain('Deelnemer inzage');
    expect(data.berichten[0].tekst).toContain('[persoonlijke link]');
    expect(text).not.toMatch(/\/trainingen\/(aanmelding|bevestigen)\/[\w-]{20}/);
    expect(text).not.toContain('{link:');
    expect(data.bewijsVanDeelname).toBeNull();
    expect(data.bijeenkomst.geannuleerd).toBe(false);
    // Deleted, the link no longer gives anything.
    await t.app.request(manage, form({ actie: 'delete', bevestig: 'ja' }));
    expect((await t.app.request(`${manage}/gegevens.json`)).status).toBe(410);
  });

  it('the download holds the mails that carry no link (an editor’s message, a cancelled session) and only this registration’s; deleting deletes them', async () => {
    const db = t.deps.database.db;
    const a = await makeSession(t, { capacity: 1 });
    const b = await makeSession(t, { capacity: 1 });
    // The same address in two sessions: confirmed in the first, on the waiting list of the second (full).
    await t.app.request(`${a.path}/aanmelden`, form(person('twee')));
    await t.app.request(linkIn((await mailsTo(t, 'deelnemertwee@example.org'))[0]?.text ?? '', 'bevestigen'), { method: 'POST' });
    await t.app.request(`${b.path}/aanmelden`, form(person('bezet')));
    await t.app.request(`${b.path}/aanmelden`, form(person('twee')));
    await messageAll(db, null, a.sessionId, 'Zaal gewijzigd', 'We zitten in zaal 2.');
    await cancelSession(db, null, b.sessionId, settings(), t.clock.now());
    const mails = await mailsTo(t, 'deelnemertwee@example.org');
    const manageA = linkIn(mails.find((m) => m.subject.startsWith('Aanmelding bevestigd'))?.text ?? '', 'aanmelding');
    const manageB = linkIn(mails.find((m) => m.subject.startsWith('Wachtlijst'))?.text ?? '', 'aanmelding');
    const first = await (await t.app.request(`${manageA}/gegevens.json`)).json();
    const second = await (await t.app.request(`${manageB}/gegevens.json`)).json();
    const subjects = (d: { berichten: { onderwerp: string }[] }) => d.berichten.map((m) => m.onderwerp);
    expect(subjects(first).some((x) => x.startsWith('Zaal gewijzigd'))).toBe(true);
    expect(subjects(first).some((x) => x.startsWith('Wachtlijst'))).toBe(false);
    expect(second.aanmelding.status).toBe('Op de wachtlijst');
    expect(second.aanmelding.opDeWachtlijstSinds).not.toBeNull();
    expect(second.bijeenkomst.geannuleerd).toBe(true);
    expect(subjects(second).map((x) => x.split(':')[0])).toEqual(['Wachtlijst', 'Gaat niet door']);
    // Deleting the first registration deletes its mails, the editor's message among them; the second keeps its own.
    await t.app.request(manageA, form({ actie: 'delete', bevestig: 'ja' }));
    const left = (await db.select().from(outbox).where(eq(outbox.to, 'deelnemertwee@example.org'))).map((m) => m.subject.split(':')[0]);
    expect(left.sort()).toEqual(['Gaat niet door', 'Wachtlijst']);
  });

  it('personal data is anonymised after the retention period, and a registrant can delete it at once', async () => {
    const s = await makeSession(t, { capacity: 3, inDays: 1 });
    await t.app.request(`${s.path}/aanmelden`, form(person('del')));
    await t.app.request(`${s.path}/aanmelden`, form(person('old')));
    const manage = linkIn((await mailsTo(t, 'deelnemerdel@example.org'))[0]?.text ?? '', 'aanmelding');
    // Deleting asks first; only the confirmation deletes.
    const asked = await t.app.request(manage, form({ actie: 'delete' }));
    expect(await asked.text()).toContain('Je gegevens verwijderen?');
    expect((await t.app.request(manage)).status).toBe(200);
    const res = await t.app.request(manage, form({ actie: 'delete', bevestig: 'ja' }));
    expect(await res.text()).toContain('Je gegevens zijn verwijderd');
    expect((await t.app.request(manage)).status).toBe(410);
    const rows = await t.deps.database.db.select().from(registrations).where(eq(registrations.sessionId, s.sessionId));
    const deleted = rows.find((r) => r.anonymisedAt);
    expect(deleted).toMatchObject({ name: null, email: null, organisation: null, role: null, status: 'cancelled' });
    t.clock.advance(13 * 31 * DAY);
    expect(await anonymiseOld(t.deps.database.db, settings(), t.clock.now())).toBeGreaterThanOrEqual(1);
    const after = await t.deps.database.db.select().from(registrations).where(eq(registrations.sessionId, s.sessionId));
    expect(after.every((r) => r.name === null && r.email === null)).toBe(true);
    t.clock.advance(-13 * 31 * DAY);
  });

  it('closed, not yet open and past sessions refuse registration with a clear answer and write nothing', async () => {
    const s = await makeSession(t, { capacity: 5, inDays: 2 });
    const db = t.deps.database.db;
    const { trainingSessions } = await import('../db/schema.ts');
    const before = await tableCounts(t.deps.database);
    await db
      .update(trainingSessions)
      .set({ registrationClosesAt: new Date(t.clock.now().getTime() - HOUR) })
      .where(eq(trainingSessions.id, s.sessionId));
    const closed = await t.app.request(`${s.path}/aanmelden`, form(person('closed')));
    expect(closed.status).toBe(409);
    expect(await closed.text()).toContain('Aanmelden voor deze bijeenkomst is gesloten.');
    await db
      .update(trainingSessions)
      .set({ registrationOpensAt: new Date(t.clock.now().getTime() + HOUR), registrationClosesAt: new Date(t.clock.now().getTime() + DAY) })
      .where(eq(trainingSessions.id, s.sessionId));
    const early = await t.app.request(`${s.path}/aanmelden`, form(person('early')));
    expect(await early.text()).toContain('Aanmelden voor deze bijeenkomst kan nog niet.');
    t.clock.advance(3 * DAY);
    const past = await t.app.request(`${s.path}/aanmelden`, form(person('past')));
    expect(past.status).toBe(409);
    expect(await past.text()).toContain('Deze bijeenkomst is al geweest.');
    t.clock.advance(-3 * DAY);
    const after = await tableCounts(t.deps.database);
    expect(after.registrations).toBe(before.registrations);
    expect(after.outbox).toBe(before.outbox);
  });

  it('tampered or unknown links get a clear answer', async () => {
    for (const path of [
      '/trainingen/aanmelding/abc',
      '/trainingen/aanmelding/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      '/trainingen/aanmelding/%3Cscript%3E',
    ]) {
      const res = await t.app.request(path);
      expect(res.status).toBe(410);
      expect(await res.text()).toContain('Deze link werkt niet');
    }
    const res = await t.app.request('/trainingen/bevestigen/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', { method: 'POST' });
    expect(res.status).toBe(410);
  });

  it('rate limit per client address', async () => {
    const limited = await createTestApp(kind, { env: { REGISTRATION_LIMIT: '3' }, testDb: t.testDb });
    // A fresh window: the other tests' requests came from the same (unknown) client address.
    limited.clock.set(new Date(t.clock.now().getTime() + 10 * DAY));
    const s = await makeSession(t, { capacity: 50 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await limited.app.request(`${s.path}/aanmelden`, form(person(`cl${i}`)))).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('rate limit per e-mail address', async () => {
    const s = await makeSession(t, { capacity: 50 });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await t.app.request(`${s.path}/aanmelden`, form(person('rl')))).status);
    expect(statuses.slice(0, 5).every((x) => x === 200)).toBe(true);
    expect(statuses[5]).toBe(429);
  });

  /** Where each of these addresses stands on a session's waiting list, as its page and the offer order see it. */
  const waitingPlaces = async (sessionId: number, emails: string[]) => {
    const db = t.deps.database.db;
    const stored = await db
      .select()
      .from(registrations)
      .where(and(eq(registrations.sessionId, sessionId), eq(registrations.status, 'waitlisted')));
    return Promise.all(emails.map((email) => waitlistPosition(db, stored.find((r) => r.email === email) as (typeof stored)[0])));
  };

  it('a request that read the clock earlier but got the lock later waits behind: nobody is told the same place', async () => {
    const s = await makeSession(t, { capacity: 1 });
    const db = t.deps.database.db;
    const at = (ms: number) => new Date(t.clock.now().getTime() + ms);
    const who = (n: string) => ({ name: `Volgorde ${n}`, email: `volgorde-${n}@example.org`, organisation: 'X', role: 'Y' });
    expect((await register(db, s.sessionId, who('0'), settings(), at(0))).kind).toBe('held');
    // b reached the lock first with a later time; a, whose time was read earlier, comes after.
    expect(await register(db, s.sessionId, who('b'), settings(), at(2000))).toEqual({ kind: 'waitlisted', position: 1 });
    expect(await register(db, s.sessionId, who('a'), settings(), at(1000))).toEqual({ kind: 'waitlisted', position: 2 });
    // The place told is the place kept: the registrant's page and the offer order agree.
    expect(await waitingPlaces(s.sessionId, [who('b').email, who('a').email])).toEqual([1, 2]);
  });

  it('a hold confirmed after it lapsed, with the session full, waits behind everyone waiting, even one whose clock read later', async () => {
    const s = await makeSession(t, { capacity: 1 });
    const db = t.deps.database.db;
    const start = t.clock.now().getTime();
    const at = (ms: number) => new Date(start + ms);
    const hold = settings().holdMinutes * 60_000;
    const who = (n: string) => ({ name: `Laat ${n}`, email: `laat-${n}@example.org`, organisation: 'X', role: 'Y' });
    expect((await register(db, s.sessionId, who('0'), settings(), at(0))).kind).toBe('held');
    // 0's hold lapsed unconfirmed: the free seat goes to x; b waits.
    expect((await register(db, s.sessionId, who('x'), settings(), at(hold + 1000))).kind).toBe('held');
    expect(await register(db, s.sessionId, who('b'), settings(), at(hold + 3000))).toEqual({ kind: 'waitlisted', position: 1 });
    const token = linkIn((await mailsTo(t, 'laat-0@example.org'))[0]?.text ?? '', 'bevestigen')
      .split('/')
      .at(-1) as string;
    // 0 read the clock before b did, but reached the lock after b: place 2, not a second place 1.
    expect(await confirm(db, token, settings(), at(hold + 2000))).toMatchObject({ outcome: 'waitlisted', position: 2 });
    expect(await waitingPlaces(s.sessionId, [who('b').email, who('0').email])).toEqual([1, 2]);
  });

  it('concurrent registrations never overbook (database row lock)', async () => {
    const s = await makeSession(t, { capacity: 5 });
    const db2 = kind === 'postgres' ? (await t.testDb.open()).db : t.deps.database.db;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        register(
          i % 2 ? db2 : t.deps.database.db,
          s.sessionId,
          { name: `P ${i}`, email: `conc${i}@example.org`, organisation: 'X', role: 'Y' },
          settings(),
          t.clock.now(),
        ),
      ),
    );
    expect(results.filter((r) => r.kind === 'held')).toHaveLength(5);
    expect(results.filter((r) => r.kind === 'waitlisted')).toHaveLength(35);
    const positions = results.flatMap((r) => (r.kind === 'waitlisted' ? [r.position] : [])).sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: 35 }, (_, i) => i + 1));
  });

  it('moving a registration to another session of the same training; CSV export for Dutch Excel', async () => {
    const a = await makeSession(t, { capacity: 1 });
    const b = await createSession(t.deps.database.db, null, a.trainingId, {
      startsAt: new Date(a.startsAt.getTime() + 7 * DAY),
      endsAt: new Date(a.startsAt.getTime() + 7 * DAY + 3 * HOUR),
      location: 'Elders',
      online: false,
      capacity: 2,
      registrationOpensAt: new Date(t.clock.now().getTime() - DAY),
      registrationClosesAt: new Date(a.startsAt.getTime() + 6 * DAY),
      cancelUntil: new Date(a.startsAt.getTime() + 5 * DAY),
      contact: '',
    });
    await t.app.request(`${a.path}/aanmelden`, form(person('mover')));
    await t.app.request(`${a.path}/aanmelden`, form({ ...person('next'), name: '=HYPERLINK("x")' }));
    const [mover] = await t.deps.database.db.select().from(registrations).where(eq(registrations.email, 'deelnemermover@example.org'));
    await moveRegistration(t.deps.database.db, null, mover?.id as number, b, settings(), t.clock.now());
    expect(await statusOf(t, 'deelnemermover@example.org', b)).toBe('confirmed');
    expect(await statusOf(t, 'deelnemernext@example.org', a.sessionId)).toBe('offered');
    // The registrant's download says it was moved, and when; not by whom.
    const moved = (await mailsTo(t, 'deelnemermover@example.org')).at(-1);
    const data = await (await t.app.request(`${linkIn(moved?.text ?? '', 'aanmelding')}/gegevens.json`)).json();
    expect(data.gebeurtenissen).toEqual([{ wat: 'Aanmelding verplaatst', op: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }]);
    expect(data.bijeenkomst.waar).toBe('Elders');
    const csv = registrationsCsv(await sessionRegistrations(t.deps.database.db, a.sessionId));
    expect(csv.startsWith('\uFEFFnr;naam;e-mail;organisatie;functie;status;aanwezig;aangemeld op;register;registratienummer\r\n')).toBe(true);
    // Numbered per session in the order people registered; the time in Dutch local time.
    const [next] = await t.deps.database.db.select().from(registrations).where(eq(registrations.email, 'deelnemernext@example.org'));
    expect(csv.split('\r\n')[1]).toBe(
      `1;"'=HYPERLINK(""x"")";deelnemernext@example.org;GGD Voorbeeld;Jeugdverpleegkundige;plek aangeboden;nee;${formatCsvMoment(next?.createdAt as Date)};;`,
    );
    expect(formatCsvMoment(next?.createdAt as Date)).toMatch(/^\d{1,2}-\d{1,2}-\d{4} \d{2}:\d{2}$/);
  });

  it('mails reach a real SMTP server with the calendar file attached', async () => {
    const { simpleParser } = await import('mailparser');
    const nodemailer = (await import('nodemailer')).default;
    const { sendDueMails } = await import('../mail/outbox.ts');
    const smtp = await startSmtp();
    try {
      const { port } = smtp;
      const s = await makeSession(t, { capacity: 2 });
      await t.app.request(`${s.path}/aanmelden`, form(person('smtp')));
      await t.app.request(linkIn((await mailsTo(t, 'deelnemersmtp@example.org'))[0]?.text ?? '', 'bevestigen'), { method: 'POST' });
      const transport = nodemailer.createTransport(`smtp://127.0.0.1:${port}`);
      // Rows are stamped with the database's own clock; the app's test clock is frozen.
      const later = new Date(Date.now() + 1000);
      while ((await sendDueMails(t.deps.database.db, transport, 'Hechtwerk <noreply@hechtwerk.example>', () => later, 50)) > 0);
      const parsed = await Promise.all(smtp.received.map((r) => simpleParser(r.raw)));
      const confirmed = parsed.find((m) => m.subject?.startsWith('Aanmelding bevestigd') && m.text?.includes('Deelnemer smtp'));
      expect(confirmed).toBeDefined();
      expect(confirmed?.html).toContain('<p>');
      const ics = confirmed?.attachments.find((a) => a.filename === 'training.ics');
      const ev = parseIcs(ics?.content.toString('utf8') ?? '');
      expect(ev.uid).toBe(`sessie-${s.sessionId}@localhost`);
      expect(ev.start.getTime()).toBe(s.startsAt.getTime());
    } finally {
      await smtp.close();
    }
  });

  it('the list page counts seats in one query exactly as each session page counts them', async () => {
    const db = t.deps.database.db;
    // Next to what earlier tests left: a hidden training with a session, a published one without.
    const hidden = await makeSession(t, { capacity: 4 });
    await db.update(trainings).set({ published: false }).where(eq(trainings.slug, hidden.slug));
    const bare = await createTraining(db, null, {
      slug: 'zonder-bijeenkomsten',
      title: 'Zonder bijeenkomsten',
      summary: 'Nog niet gepland.',
      descriptionMd: 'Uitleg.',
      audience: [],
      themes: [],
      durationHours: 2,
      accreditation: '',
      published: true,
    });
    // A second past any list read so far: counted now, not reused.
    const now = new Date(t.clock.now().getTime() + LIST_COUNTS_MS);
    const list = await publishedTrainings(db, now);
    // The same trainings, in the same order, as a plain query for the published ones.
    const expected = await db.select({ id: trainings.id }).from(trainings).where(eq(trainings.published, true)).orderBy(trainings.title, trainings.id);
    expect(list.map((l) => l.training.id)).toEqual(expected.map((e) => e.id));
    expect(list.find((l) => l.training.id === bare)?.sessions).toEqual([]);
    const views = list.flatMap((l) => l.sessions);
    // Earlier tests left holds, confirmations, offers and waiting lists behind: a real comparison.
    expect(views.some((v) => v.seatsLeft < v.session.capacity)).toBe(true);
    expect(views.some((v) => v.waiting > 0)).toBe(true);
    for (const { training, sessions } of list) expect(sessions).toEqual(await sessionsOf(t.deps.database.db, training.id, now));
  });

  it('the list may show seat counts up to a second old; the session page and registering always count anew', async () => {
    const s = await makeSession(t, { capacity: 5 });
    const db = t.deps.database.db;
    const t0 = t.clock.now().getTime() + LIST_COUNTS_MS;
    const seatsOnList = async (ms: number) =>
      (await publishedTrainings(db, new Date(t0 + ms))).flatMap((l) => l.sessions).find((v) => v.session.id === s.sessionId)?.seatsLeft;
    expect(await seatsOnList(0)).toBe(5);
    // Someone registers (through this instance or another one).
    expect((await register(db, s.sessionId, { name: 'Eerst', email: 'eerst@example.org', organisation: 'X', role: 'Y' }, settings(), new Date(t0))).kind).toBe(
      'held',
    );
    expect(await seatsOnList(500)).toBe(5);
    // The session page counts anew every time.
    expect((await sessionsOf(db, s.trainingId, new Date(t0 + 500)))[0]?.seatsLeft).toBe(4);
    // A second later the list has counted again.
    expect(await seatsOnList(LIST_COUNTS_MS)).toBe(4);
  });

  it("search results show a training's next session from one read of all trainings, at most a second old; one that has started since is not shown", async () => {
    const a = await makeSession(t, { capacity: 5, inDays: 10 });
    const b = await makeSession(t, { capacity: 7, inDays: 10 });
    const db = t.deps.database.db;
    // Ten seconds past any read so far.
    const t0 = t.clock.now().getTime() + 10 * LIST_COUNTS_MS;
    const at = (ms: number) => new Date(t0 + ms);
    const next = async (slug: string, ms: number) => (await recentNextSessions(db, [slug], at(ms))).get(slug);
    expect((await next(a.slug, 0))?.seatsLeft).toBe(5);
    for (const s of [a, b])
      expect(
        (await register(db, s.sessionId, { name: 'Zoeker', email: `zoeker-${s.slug}@example.org`, organisation: 'X', role: 'Y' }, settings(), at(0))).kind,
      ).toBe('held');
    // Within the second the read at 0 answers, also for a training not asked for then.
    expect((await next(a.slug, 500))?.seatsLeft).toBe(5);
    expect((await next(b.slug, 500))?.seatsLeft).toBe(7);
    expect((await nextSessions(db, [b.slug], at(500))).get(b.slug)?.seatsLeft).toBe(6);
    // A second after that read: read anew.
    expect((await next(a.slug, LIST_COUNTS_MS))?.seatsLeft).toBe(4);
    expect((await next(b.slug, LIST_COUNTS_MS))?.seatsLeft).toBe(6);
    // A clock set back reads anew too.
    await register(db, a.sessionId, { name: 'Later', email: `later-${a.slug}@example.org`, organisation: 'X', role: 'Y' }, settings(), at(LIST_COUNTS_MS));
    expect((await next(a.slug, LIST_COUNTS_MS - 1))?.seatsLeft).toBe(3);

    // A session that starts 300 ms after a read is the next one until it starts, and then no longer.
    const startsAt = at(5 * LIST_COUNTS_MS + 300);
    const soon = await createSession(db, null, a.trainingId, {
      startsAt,
      endsAt: new Date(startsAt.getTime() + HOUR),
      location: 'Zaal 2, Voorbeeldstad',
      online: false,
      capacity: 3,
      registrationOpensAt: at(-DAY),
      registrationClosesAt: at(5 * LIST_COUNTS_MS),
      cancelUntil: at(5 * LIST_COUNTS_MS),
      contact: 'trainingen@hechtwerk.example',
    });
    expect((await next(a.slug, 5 * LIST_COUNTS_MS))?.session.id).toBe(soon);
    expect((await next(a.slug, 5 * LIST_COUNTS_MS + 300))?.session.id).toBe(a.sessionId);
    expect(await recentNextSessions(db, [], at(0))).toEqual(new Map());
  });

  it('the iCalendar feed lists public sessions', async () => {
    const res = await t.app.request('/trainingen.ics');
    expect(res.headers.get('Content-Type')).toContain('text/calendar');
    const comp = new ICAL.Component(ICAL.parse(await res.text()));
    expect(comp.getAllSubcomponents('vevent').length).toBeGreaterThan(3);
  });
});
