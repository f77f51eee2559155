import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, type Browser, backends, confirmForm, createTestApp, csrfFrom, loginAs, pdfText, startSmtp, tableCounts } from '../../test/helpers.ts';
import { attendanceProofs, evaluationInvites, evaluationResponses, outbox, registrations, trainings } from '../db/schema.ts';
import { mailAsSent, SECRET_LINK, sendDueMails } from '../mail/outbox.ts';
import { registersOf } from './accreditation.ts';
import { sendEvaluationInvites } from './evaluation.ts';
import { anonymiseOld, createSession } from './service.ts';
import { settingsFrom } from './settings.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
type T = Awaited<ReturnType<typeof createTestApp>>;

const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
  method: 'POST',
  body: new URLSearchParams(fields),
  headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
});

async function mailsTo(t: T, to: string) {
  const rows = await t.deps.database.db.select().from(outbox).where(eq(outbox.to, to)).orderBy(outbox.id);
  return Promise.all(rows.map(async (row) => ({ ...row, ...(await mailAsSent(t.deps.database.db, row.id)) })));
}
const pathIn = (text: string, kind: string) => {
  const m = new RegExp(`http://localhost:3000(/trainingen/${kind}/[\\w-]+)`).exec(text);
  if (!m?.[1]) throw new Error(`no ${kind} link in: ${text}`);
  return m[1];
};

describe.each(backends())('trainings from registration to accreditation on %s', (kind: Backend) => {
  let t: T;
  let editor: Browser;
  let csrf: string;
  let trainingId: number;
  let sessionId: number;
  let startsAt: Date;
  let endsAt: Date;
  let path: string;
  const slug = 'hechting-geaccrediteerd';
  /** The training form of an accredited training (two registers with points). */
  const accredited = {
    title: 'Hechting met punten',
    slug,
    summary: 'Een geaccrediteerde training over hechting voor professionals.',
    descriptionMd: 'Uitleg.',
    audience: 'JGZ, verloskunde',
    themes: 'hechting',
    durationHours: '3',
    accreditation: '',
    published: 'ja',
    'points-vvn': '3',
    'accreditationId-vvn': 'VVN-2026-001',
    'points-big': '3',
    'accreditationId-big': 'GAIA-445566',
  };
  const db = () => t.deps.database.db;
  const people = ['Anna', 'Bram', 'Cas', 'Dewi', 'Eva', 'Fenna'];
  const email = (n: string) => `${n.toLowerCase()}@example.org`;
  const regOf = async (n: string) =>
    (
      await db()
        .select()
        .from(registrations)
        .where(eq(registrations.email, email(n)))
    )[0];

  beforeAll(async () => {
    t = await createTestApp(kind, { env: { EVALUATION_MIN_RESPONSES: '3' } });
    editor = await loginAs(t.app, t.deps.database, 'redacteur');
    csrf = csrfFrom(await (await editor.get('/beheer/trainingen/nieuw')).text());
  });
  afterAll(() => t.close());
  /** Moves the clock; an editor's login does not last days, so they log in again. */
  const at = async (when: Date) => {
    t.clock.set(when);
    editor = await loginAs(t.app, t.deps.database, 'redacteur');
    csrf = csrfFrom(await (await editor.get('/beheer/trainingen/nieuw')).text());
  };

  it('an editor gives a training its registers and points; the site, the API and the calendar feed show them', async () => {
    const fields = { _csrf: csrf, ...accredited, 'points-skj': '', 'accreditationId-skj': 'SKJ-99', evaluationQuestions: '' };
    const bad = await editor.post('/beheer/trainingen/nieuw', { ...fields, 'points-vvn': 'drie' });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain('Vul voor V&amp;VN Kwaliteitsregister een heel aantal punten in, van 1 tot 100.');
    expect(badHtml).toContain('Vul het aantal punten in voor SKJ, of maak het accreditatienummer leeg.');
    expect(badHtml).toContain('value="GAIA-445566"');
    expect(await db().select().from(trainings).where(eq(trainings.slug, slug))).toEqual([]);

    const ok = await editor.post('/beheer/trainingen/nieuw', { ...fields, 'accreditationId-skj': '' });
    expect(ok.status).toBe(303);
    const [training] = await db().select().from(trainings).where(eq(trainings.slug, slug));
    trainingId = training?.id as number;
    expect(await registersOf(db(), trainingId)).toEqual([
      { register: 'vvn', points: 3, accreditationId: 'VVN-2026-001' },
      { register: 'big', points: 3, accreditationId: 'GAIA-445566' },
    ]);
    // The editor shows what was saved.
    const edit = await (await editor.get(`/beheer/trainingen/${trainingId}`)).text();
    expect(edit).toContain('value="VVN-2026-001"');

    const now = t.clock.now();
    startsAt = new Date(Math.floor((now.getTime() + 3 * DAY) / MINUTE) * MINUTE);
    endsAt = new Date(startsAt.getTime() + 3 * HOUR);
    sessionId = await createSession(db(), null, trainingId, {
      startsAt,
      endsAt,
      location: 'Zaal 4, Voorbeeldstad',
      online: false,
      capacity: 20,
      registrationOpensAt: new Date(now.getTime() - DAY),
      registrationClosesAt: new Date(startsAt.getTime() - HOUR),
      cancelUntil: new Date(startsAt.getTime() - DAY),
      contact: 'trainingen@hechtwerk.example',
    });
    path = `/trainingen/${slug}/${sessionId}`;

    expect(await (await t.app.request(`/trainingen/${slug}`)).text()).toContain('KNMG/GAIA (BIG): 3 punten (accreditatie GAIA-445566)');
    const api = (await (await t.app.request(`/api/v1/trainings/${slug}`)).json()) as { registers: unknown[] };
    expect(api.registers).toEqual([
      { register: 'vvn', registerName: 'V&VN Kwaliteitsregister', points: 3, accreditationId: 'VVN-2026-001' },
      { register: 'big', registerName: 'KNMG/GAIA (BIG)', points: 3, accreditationId: 'GAIA-445566' },
    ]);
    const ics = (await (await t.app.request('/trainingen.ics')).text()).replace(/\r\n[ \t]/g, '');
    expect(ics).toContain('V&VN Kwaliteitsregister: 3 punten (accreditatie VVN-2026-001)');
  });

  it('the registration form asks for a register and number, explains why, checks the number per register and keeps the input', async () => {
    const page = await (await t.app.request(path)).text();
    expect(page).toContain('Accreditatiepunten (niet verplicht)');
    expect(page).toContain('We gebruiken het nummer alleen om je punten');
    // Only the registers this training gives points in.
    expect(page).toContain('<option value="big">');
    expect(page).not.toContain('<option value="skj">');

    const base = { name: 'Anna de Vries', email: email('Anna'), organisation: 'GGD Voorbeeld', role: 'Arts JGZ', consent: 'ja' };
    const before = await tableCounts(t.deps.database);
    const cases: [Record<string, string>, string][] = [
      [{ register: 'big', registerNumber: '1901234560' }, 'Een BIG-nummer bestaat uit 11 cijfers, zoals 19012345601.'],
      [{ register: 'vvn', registerNumber: 'abc' }, 'met minstens één cijfer'],
      [{ register: '', registerNumber: '12345' }, 'Kies het register waar dit nummer bij hoort'],
      [{ register: 'skj', registerNumber: '12345' }, 'Kies een register uit de lijst.'],
      [{ register: 'big', registerNumber: '' }, 'Vul je BIG-nummer in'],
    ];
    for (const [extra, message] of cases) {
      const res = await t.app.request(`${path}/aanmelden`, form({ ...base, ...extra }));
      expect(res.status, message).toBe(400);
      const html = await res.text();
      expect(html).toContain(message);
      expect(html).toContain('Er is een probleem');
      expect(html).toContain('value="Anna de Vries"');
      if (extra.registerNumber) expect(html).toContain(`value="${extra.registerNumber}"`);
    }
    const after = await tableCounts(t.deps.database);
    expect(after.registrations).toBe(before.registrations);
    expect(after.outbox).toBe(before.outbox);

    // Valid: spaces as typed are dropped; the number is stored with its register.
    const ok = await t.app.request(`${path}/aanmelden`, form({ ...base, register: 'big', registerNumber: '190 1234 5601' }));
    expect(ok.status).toBe(200);
    expect(await regOf('Anna')).toMatchObject({ register: 'big', registerNumber: '19012345601' });
    for (const n of people.slice(1)) {
      const extra: Record<string, string> = n === 'Bram' ? { register: 'vvn', registerNumber: 'VVN-778899' } : {};
      expect((await t.app.request(`${path}/aanmelden`, form({ ...base, name: `${n} Jansen`, email: email(n), ...extra }))).status).toBe(200);
    }
    expect(await regOf('Bram')).toMatchObject({ register: 'vvn', registerNumber: 'VVN778899' });
    expect(await regOf('Cas')).toMatchObject({ register: null, registerNumber: null });
    for (const n of people) {
      const [first] = await mailsTo(t, email(n));
      expect((await t.app.request(pathIn(first?.text ?? '', 'bevestigen'), { method: 'POST' })).status).toBe(200);
    }
    expect((await regOf('Fenna'))?.status).toBe('confirmed');
    // The editor sees the register and number with each registration.
    expect(await (await editor.get(`/beheer/trainingen/sessies/${sessionId}`)).text()).toContain('KNMG/GAIA (BIG) 19012345601');
  });

  it('attendance: a form per registrant without JavaScript, JSON for the enhancement, search by name', async () => {
    const list = `/beheer/trainingen/sessies/${sessionId}/aanwezigheid`;
    const page = await (await editor.get(list)).text();
    for (const n of people) expect(page).toContain(`${n}`);
    expect(page).toContain('Nog niet gemarkeerd');
    const searched = await (await editor.get(`${list}?q=bra`)).text();
    expect(searched).toContain('Bram Jansen');
    expect(searched).not.toContain('Cas Jansen');

    const anna = await regOf('Anna');
    // Without JavaScript: the button posts the form, and the page comes back at the same row, saying what was saved.
    const noJs = await editor.post(`${list}/${anna?.id}`, { _csrf: csrf, aanwezigheid: 'aanwezig', q: 'anna' });
    expect(noJs.status).toBe(303);
    const location = noJs.headers.get('Location') as string;
    expect(location).toBe(`${list}?q=anna&opgeslagen=${anna?.id}#r-${anna?.id}`);
    const back = await (await editor.get(location.replace(/#.*/, ''))).text();
    expect(back).toContain('Anna de Vries: aanwezig opgeslagen.');
    expect(back).toMatch(/aria-pressed="true"[^>]*>\s*Aanwezig/);
    expect((await regOf('Anna'))?.attendance).toBe('aanwezig');

    // With JavaScript: the same post asks for JSON.
    const bram = await regOf('Bram');
    const js = await editor.post(`${list}/${bram?.id}`, { _csrf: csrf, aanwezigheid: 'deels', q: '' }, { Accept: 'application/json' });
    expect(js.status).toBe(200);
    expect(await js.json()).toEqual({ attendance: 'deels', label: 'Deels' });
    expect(await regOf('Bram')).toMatchObject({ attendance: 'deels', attended: false });

    for (const n of ['Cas', 'Dewi']) {
      const r = await regOf(n);
      expect((await editor.post(`${list}/${r?.id}`, { _csrf: csrf, aanwezigheid: 'aanwezig' }, { Accept: 'application/json' })).status).toBe(200);
    }
    const dewi = await regOf('Dewi');
    expect((await editor.post(`${list}/${dewi?.id}`, { _csrf: csrf, aanwezigheid: 'afwezig' }, { Accept: 'application/json' })).status).toBe(200);
    // A full attendance makes a proof; taking it back removes it.
    expect(
      await db()
        .select()
        .from(attendanceProofs)
        .where(eq(attendanceProofs.registrationId, dewi?.id as number)),
    ).toEqual([]);

    const wrong = await editor.post(`${list}/${anna?.id}`, { _csrf: csrf, aanwezigheid: 'misschien' }, { Accept: 'application/json' });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ error: 'Kies aanwezig, deels of afwezig.' });
    // A registration of another session is not on this list.
    expect(
      (await editor.post(`/beheer/trainingen/sessies/${sessionId + 1000}/aanwezigheid/${anna?.id}`, { _csrf: csrf, aanwezigheid: 'afwezig' })).status,
    ).toBe(404);
    // Without the CSRF token nothing is saved.
    expect((await editor.post(`${list}/${anna?.id}`, { aanwezigheid: 'afwezig' })).status).toBe(403);
    expect((await regOf('Anna'))?.attendance).toBe('aanwezig');
  });

  it('QR self check-in works only from half an hour before the start until the end, with the current or the previous code', async () => {
    const qrPage = `/beheer/trainingen/sessies/${sessionId}/inchecken`;
    // Days before: no code yet.
    const early = await (await editor.get(qrPage)).text();
    expect(early).toContain('Inchecken kan vanaf een half uur voor het begin');
    expect(early).not.toContain('<svg');

    await at(new Date(startsAt.getTime() - 20 * MINUTE));
    const room = await (await editor.get(qrPage)).text();
    expect(room).toMatch(/<svg[^>]*viewBox/);
    const checkin = /http:\/\/localhost:3000(\/trainingen\/inchecken\/\d+\/[\w-]+)/.exec(room)?.[1] as string;
    expect(checkin).toBeDefined();
    expect(await (await t.app.request(checkin)).text()).toContain('Ik ben er');
    // Typed from the screen in small letters, the code still works; a made-up one does not.
    expect((await t.app.request(checkin.replace(/[^/]+$/, (code) => code.toLowerCase()))).status).toBe(200);
    expect((await t.app.request(checkin.replace(/[^/]+$/, 'ABCDEFGH'))).status).toBe(410);

    const unknown = await t.app.request(checkin, form({ email: 'niemand@example.org' }));
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('We vinden geen bevestigde aanmelding met dit e-mailadres');
    const ok = await t.app.request(checkin, form({ email: ' EVA@example.org ' }));
    expect(await ok.text()).toContain('Je bent ingecheckt');
    expect(await regOf('Eva')).toMatchObject({ attendance: 'aanwezig', attended: true });
    expect((await regOf('Eva'))?.checkedInAt).not.toBeNull();

    // The code changes every quarter; the one before still works, the one before that not.
    await at(new Date(startsAt.getTime() - 5 * MINUTE));
    const newer = /http:\/\/localhost:3000(\/trainingen\/inchecken\/\d+\/[\w-]+)/.exec(await (await editor.get(qrPage)).text())?.[1];
    expect(newer).not.toBe(checkin);
    expect((await t.app.request(checkin)).status).toBe(200);
    await at(new Date(startsAt.getTime() + 25 * MINUTE));
    const stale = await t.app.request(checkin, form({ email: email('Fenna') }));
    expect(stale.status).toBe(410);
    expect(await stale.text()).toContain('Deze code is verlopen');
    expect((await regOf('Fenna'))?.attendance).toBeNull();

    // After the end, no code works.
    await at(new Date(endsAt.getTime() + MINUTE));
    const late = await t.app.request(`/trainingen/inchecken/${sessionId}/${(newer as string).split('/').pop()}`, form({ email: email('Fenna') }));
    expect(late.status).toBe(409);
    expect(await late.text()).toContain('De bijeenkomst is afgelopen');
    expect((await regOf('Fenna'))?.attendance).toBeNull();
    expect(await (await editor.get(qrPage)).text()).toContain('Inchecken kan niet meer');
  });

  it('certificates only for full attendance, naming register, points and accreditation id; anyone can check the code', async () => {
    await at(new Date(endsAt.getTime() + HOUR));
    // Anna (BIG), Cas and Eva were there in full; Bram partly; Dewi was absent; Fenna unmarked.
    // Through the confirmation page, which counts and names who gets one.
    const ask = await (await editor.get(`/beheer/trainingen/sessies/${sessionId}/certificaten`)).text();
    expect(ask).toContain('3 mensen krijgen een certificaat.');
    expect([...ask.matchAll(/<li>([^<]+?) <span class="hw-muted">/g)].map((m) => m[1]?.split(' ')[0])).toEqual(['Anna', 'Cas', 'Eva']);
    const sure = confirmForm(ask);
    expect(sure.fields.aantal).toBe('3');
    expect(await (await editor.post(sure.action, sure.fields)).text()).toContain('3 certificaten verstuurd.');
    const certOf = async (n: string) => (await mailsTo(t, email(n))).find((m) => m.subject.startsWith('Certificaat'));
    for (const n of ['Bram', 'Dewi', 'Fenna']) expect(await certOf(n), n).toBeUndefined();
    const anna = await certOf('Anna');
    const pdf = pdfText(Buffer.from(anna?.attachments[0]?.content ?? '', 'base64'), '\n');
    expect(pdf).toContain('Anna de Vries');
    expect(pdf).toContain('KNMG/GAIA (BIG): 3 punten');
    expect(pdf).toContain('Registratienummer: 19012345601');
    expect(pdf).toContain('Accreditatienummer: GAIA-445566');
    const code = /Controlecode: ([A-Z0-9-]+)/.exec(pdf)?.[1] as string;
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(anna?.text).toContain(`http://localhost:3000/certificaat/${code}`);

    const check = await t.app.request(`/certificaat/${code.toLowerCase()}`);
    expect(check.status).toBe(200);
    const html = await check.text();
    for (const shown of ['Certificaat is echt', 'Anna de Vries', 'Hechting met punten', '3 punten in KNMG/GAIA (BIG)', 'GAIA-445566'])
      expect(html).toContain(shown);
    for (const hidden of ['anna@example.org', 'GGD Voorbeeld', '19012345601', 'Arts JGZ']) expect(html).not.toContain(hidden);
    expect(check.headers.get('Cache-Control')).toBe('no-store');
    const none = await t.app.request('/certificaat/ABCD-EFGH-JKLM');
    expect(none.status).toBe(404);
    expect(await none.text()).toContain('Er is geen certificaat met deze controlecode.');
    expect((await t.app.request('/certificaat/%3Cscript%3E')).status).toBe(404);

    // The registrant's own page offers the certificate only to those who were there in full.
    const manageBram = pathIn((await mailsTo(t, email('Bram')))[0]?.text ?? '', 'aanmelding');
    expect(await (await t.app.request(manageBram)).text()).not.toContain('Certificaat downloaden');
    expect((await t.app.request(`${manageBram}/certificaat.pdf`)).status).toBe(404);
  });

  it('the accreditation export per register: name, number, date, points, accreditation id; CSV with ; and BOM', async () => {
    const res = await editor.get(`/beheer/trainingen/sessies/${sessionId}/accreditatie.csv?register=big`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const day = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Amsterdam' }).format(startsAt);
    expect(bytes.toString('utf8').slice(1)).toBe(
      `naam;registratienummer;datum;punten;accreditatienummer\r\nAnna de Vries;19012345601;${day};3;GAIA-445566\r\n`,
    );
    // Bram gave a V&VN number but was there only partly: no points.
    const vvn = Buffer.from(await (await editor.get(`/beheer/trainingen/sessies/${sessionId}/accreditatie.csv?register=vvn`)).arrayBuffer()).toString('utf8');
    expect(vvn).toBe('\uFEFFnaam;registratienummer;datum;punten;accreditatienummer\r\n');
    expect((await editor.get(`/beheer/trainingen/sessies/${sessionId}/accreditatie.csv?register=skj`)).status).toBe(404);
  });

  it('evaluation: one mail per attendee, exactly once, through a real SMTP server; answers stored without identity; results only from the minimum', async () => {
    const { simpleParser } = await import('mailparser');
    const nodemailer = (await import('nodemailer')).default;
    // Two instances' jobs at once, then again: still one invitation per attendee.
    const settings = settingsFrom(t.deps);
    const counts = await Promise.all([sendEvaluationInvites(db(), settings, t.clock.now()), sendEvaluationInvites(db(), settings, t.clock.now())]);
    expect(counts[0] + counts[1]).toBe(4);
    expect(await sendEvaluationInvites(db(), settings, t.clock.now())).toBe(0);
    const invited = await db().select().from(evaluationInvites).where(eq(evaluationInvites.sessionId, sessionId));
    // Full and partial attendance are invited; absent and unmarked not.
    const ids = await Promise.all(['Anna', 'Bram', 'Cas', 'Eva'].map(async (n) => (await regOf(n))?.id));
    expect(invited.map((i) => i.registrationId).sort()).toEqual(ids.sort());
    const stored = await db().select().from(outbox).where(sql`${outbox.subject} like 'Hoe was de training?%'`);
    expect(stored.length).toBe(4);
    // No working link stands in the outbox.
    for (const m of stored) expect(SECRET_LINK.test(m.text) || SECRET_LINK.test(m.html)).toBe(false);

    const smtp = await startSmtp();
    let links: string[] = [];
    try {
      const { port } = smtp;
      const transport = nodemailer.createTransport(`smtp://127.0.0.1:${port}`);
      const later = () => new Date(Math.max(Date.now(), t.clock.now().getTime()) + 1000);
      // Two senders side by side, as the scheduler runs them.
      while ((await Promise.all([0, 1].map(() => sendDueMails(db(), transport, 'Hechtwerk <noreply@hechtwerk.example>', later, 50)))).some((n) => n > 0));
      const parsed = await Promise.all(smtp.received.map((r) => simpleParser(r.raw)));
      const evaluations = parsed.filter((m) => m.subject?.startsWith('Hoe was de training?'));
      expect(evaluations.map((m) => (m.to && !Array.isArray(m.to) ? m.to.text : '')).sort()).toEqual(
        ['anna@example.org', 'bram@example.org', 'cas@example.org', 'eva@example.org'].sort(),
      );
      links = evaluations.map((m) => pathIn(m.text ?? '', 'evaluatie'));
    } finally {
      await smtp.close();
    }

    const [first, second, third, fourth] = links as [string, string, string, string];
    const formPage = await (await t.app.request(first)).text();
    expect(formPage).toContain('De inhoud is bruikbaar in mijn werk.');
    expect(formPage).toContain('Helemaal eens');
    // Incomplete: errors per statement, the answers given are kept, nothing stored.
    const incomplete = await t.app.request(first, form({ v1: '5', opmerking: 'Veel geleerd.' }));
    expect(incomplete.status).toBe(400);
    const incompleteHtml = await incomplete.text();
    expect(incompleteHtml).toContain('Kies een antwoord bij: De trainer bracht de stof duidelijk over.');
    expect(incompleteHtml).toMatch(/id="v1-5"[^>]*checked/);
    expect(incompleteHtml).toContain('Veel geleerd.');
    expect(await db().select().from(evaluationResponses)).toEqual([]);

    const answer = (v: string, comment: string) => ({ v1: v, v2: v, v3: '3', v4: '4', v5: v, opmerking: comment });
    expect(await (await t.app.request(first, form(answer('5', 'Veel geleerd.')))).text()).toContain('Bedankt voor je evaluatie');
    expect(await (await t.app.request(first, form(answer('1', 'Nog een keer')))).text()).toContain('Je hebt de evaluatie al ingevuld');
    expect(await (await t.app.request(first)).text()).toContain('Je hebt de evaluatie al ingevuld');
    await t.app.request(second, form(answer('4', '')));

    // Two responses, minimum three: nothing shown, nothing exported.
    const results = `/beheer/trainingen/sessies/${sessionId}/evaluatie`;
    const hidden = await (await editor.get(results)).text();
    expect(hidden).toContain('De resultaten verschijnen vanaf 3 reacties');
    expect(hidden).not.toContain('Veel geleerd.');
    expect((await editor.get(`${results}.csv`)).status).toBe(409);

    await t.app.request(third, form(answer('3', 'Meer casussen graag.')));
    const shown = await (await editor.get(results)).text();
    expect(shown).toContain('4 deelnemers uitgenodigd, 3 reacties');
    expect(shown).toMatch(/De inhoud is bruikbaar in mijn werk\.<\/td><td data-label="Gemiddeld \(1–5\)">4<\/td>/);
    expect(shown).toContain('Veel geleerd.');
    expect(shown).toContain('Meer casussen graag.');
    const csv = Buffer.from(await (await editor.get(`${results}.csv`)).arrayBuffer()).toString('utf8');
    expect(csv.startsWith('\uFEFFDe inhoud is bruikbaar in mijn werk.;')).toBe(true);
    expect(csv.split('\r\n').filter(Boolean).length).toBe(4);

    // No response can be traced to a person: the table has no registration and no time.
    const columns = (
      (await db().execute(
        sql`select column_name from information_schema.columns where table_name = 'evaluation_responses' order by ordinal_position`,
      )) as unknown as { rows: { column_name: string }[] }
    ).rows.map((r) => r.column_name);
    expect(columns).toEqual(['id', 'session_id', 'answers']);
    expect(
      (
        await db()
          .select()
          .from(evaluationInvites)
          .where(and(eq(evaluationInvites.sessionId, sessionId)))
      ).filter((i) => i.answeredAt).length,
    ).toBe(3);
    expect((await t.app.request(fourth)).status).toBe(200);
  });

  it('retention: the registration is anonymised on schedule, the proof for the register is kept PROOF_RETENTION_YEARS, then deleted', async () => {
    const [proof] = await db()
      .select()
      .from(attendanceProofs)
      .where(eq(attendanceProofs.registrationId, (await regOf('Anna'))?.id as number));
    const code = proof?.code as string;
    const annaId = proof?.registrationId as number;
    // Eva asks to delete her data: the page explains what it means for her certificate first.
    const manageEva = pathIn((await mailsTo(t, email('Eva')))[0]?.text ?? '', 'aanmelding');
    const asked = await (await t.app.request(manageEva, form({ actie: 'delete' }))).text();
    expect(asked).toContain('Dat certificaat kan daarna niemand meer controleren');
    const evaProof = (
      await db()
        .select()
        .from(attendanceProofs)
        .where(eq(attendanceProofs.registrationId, (await regOf('Eva'))?.id as number))
    )[0];
    expect((await t.app.request(`/certificaat/${evaProof?.code}`)).status).toBe(200);
    expect(await (await t.app.request(manageEva, form({ actie: 'delete', bevestig: 'ja' }))).text()).toContain('Je gegevens zijn verwijderd');
    expect((await t.app.request(`/certificaat/${evaProof?.code}`)).status).toBe(404);

    // 13 months on: the registrations are anonymised, the proof stands.
    await at(new Date(endsAt.getTime() + 13 * 31 * DAY));
    expect(await anonymiseOld(db(), settingsFrom(t.deps), t.clock.now())).toBeGreaterThanOrEqual(5);
    const [anna] = await db().select().from(registrations).where(eq(registrations.id, annaId));
    expect(anna).toMatchObject({ name: null, email: null, organisation: null, role: null, register: null, registerNumber: null });
    const [kept] = await db().select().from(attendanceProofs).where(eq(attendanceProofs.code, code));
    expect(kept).toMatchObject({ name: 'Anna de Vries', register: 'big', registerNumber: '19012345601', trainingTitle: 'Hechting met punten', points: 3 });
    expect((await t.app.request(`/certificaat/${code}`)).status).toBe(200);
    const exported = Buffer.from(await (await editor.get(`/beheer/trainingen/sessies/${sessionId}/accreditatie.csv?register=big`)).arrayBuffer()).toString(
      'utf8',
    );
    expect(exported).toContain('Anna de Vries;19012345601;');

    // Just before five years: still there. After: gone, and the code no longer checks out.
    await at(new Date(endsAt.getTime() + 5 * 365 * DAY));
    await anonymiseOld(db(), settingsFrom(t.deps), t.clock.now());
    expect((await db().select().from(attendanceProofs).where(eq(attendanceProofs.code, code))).length).toBe(1);
    await at(new Date(endsAt.getTime() + 5 * 366 * DAY + DAY));
    await anonymiseOld(db(), settingsFrom(t.deps), t.clock.now());
    expect(await db().select().from(attendanceProofs).where(eq(attendanceProofs.sessionId, sessionId))).toEqual([]);
    expect((await t.app.request(`/certificaat/${code}`)).status).toBe(404);
  });

  it('an editor sets the evaluation’s statements per training; empty means the default set', async () => {
    await at(new Date(endsAt.getTime() + 2 * HOUR));
    const page = await (await editor.get(`/beheer/trainingen/${trainingId}`)).text();
    expect(page).toContain('Evaluatie: uitspraken (niet verplicht)');
    const fields = { _csrf: csrf, ...accredited };
    const tooMany = await editor.post(`/beheer/trainingen/${trainingId}`, {
      ...fields,
      evaluationQuestions: Array.from({ length: 16 }, (_, i) => `Stelling ${i}`).join('\n'),
    });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.text()).toContain('Gebruik hoogstens 15 uitspraken.');
    const saved = await editor.post(`/beheer/trainingen/${trainingId}`, {
      ...fields,
      evaluationQuestions: 'De casussen sloten aan.\r\n\r\nIk pas dit morgen toe.',
    });
    expect(saved.status).toBe(200);
    const [training] = await db().select().from(trainings).where(eq(trainings.id, trainingId));
    expect(training?.evaluationQuestions).toEqual([
      { id: 'v1', text: 'De casussen sloten aan.', kind: 'scale' },
      { id: 'v2', text: 'Ik pas dit morgen toe.', kind: 'scale' },
      { id: 'opmerking', text: 'Wat wil je de trainer nog meegeven?', kind: 'open' },
    ]);
    // The registers were saved with it, unchanged.
    expect((await registersOf(db(), trainingId)).map((r) => r.register)).toEqual(['vvn', 'big']);
    await editor.post(`/beheer/trainingen/${trainingId}`, { ...fields, evaluationQuestions: '' });
    expect((await db().select().from(trainings).where(eq(trainings.id, trainingId)))[0]?.evaluationQuestions).toBeNull();
  });

  it('the privacy statement explains the register numbers, the proof’s retention and the evaluation', async () => {
    const html = await (await t.app.request('/privacy')).text();
    expect(html).toContain('Accreditatiepunten en je registratienummer');
    expect(html).toContain('5 jaar na de bijeenkomst');
    expect(html).toContain('minstens 3 mensen');
  });
});
