import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import { outbox } from '../src/db/schema.ts';
import { mailAsSent } from '../src/mail/outbox.ts';
import { anonymiseOld, messageAll } from '../src/trainings/service.ts';
import { settingsFrom } from '../src/trainings/settings.ts';
import { type Backend, Browser, backends, close, createOpenSession, createTestApp, csrfFrom, listen, loginAs } from './helpers.ts';

const DAY = 86_400_000;
type T = Awaited<ReturnType<typeof createTestApp>>;

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  body: new URLSearchParams(fields),
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
});

const makeSession = (t: T, slug: string, capacity = 10) =>
  createOpenSession(t.deps.database.db, t.clock.now(), {
    slug,
    title: 'Hechting in de praktijk',
    summary: 'Een training om geheime links mee te testen.',
    capacity,
  });

/** Registers through the public form, as a visitor does. */
async function registerVia(t: T, path: string, name: string, email: string) {
  const res = await t.app.request(`${path}/aanmelden`, form({ name, email, organisation: 'GGD Voorbeeld', role: 'Jeugdarts', consent: 'ja' }));
  expect(res.status).toBe(200);
}

/** The path of the newest link of `kind` in the mails to `to`, as they arrive (links are made when a mail is sent). */
async function linkFor(t: T, to: string, kind: 'trainingen/bevestigen' | 'trainingen/aanmelding' | 'beheer/welkom') {
  const db = t.deps.database.db;
  const mails = await db.select().from(outbox).where(eq(outbox.to, to)).orderBy(outbox.id);
  for (const m of mails.reverse()) {
    const link = new RegExp(`/${kind}/[\\w-]+`).exec((await mailAsSent(db, m.id)).text)?.[0];
    if (link) return link;
  }
  throw new Error(`no ${kind} link in mail to ${to}`);
}

/** Every /beheer page reachable from /beheer by following links and GET forms (logout aside). */
async function crawl(browser: Browser, max = 500) {
  const seen = new Set<string>();
  const queue = ['/beheer'];
  const texts: string[] = [];
  while (queue.length && seen.size < max) {
    const path = queue.shift() as string;
    if (seen.has(path)) continue;
    seen.add(path);
    const res = await browser.get(path);
    const body = await res.text();
    texts.push(body, JSON.stringify([...res.headers]));
    for (const m of body.matchAll(/(?:href|action|src)="([^"]+)"/g)) {
      const url = new URL((m[1] as string).replace(/&amp;/g, '&'), 'http://localhost:3000');
      if (url.origin !== 'http://localhost:3000' || !url.pathname.startsWith('/beheer') || url.pathname === '/beheer/uitloggen') continue;
      if (!seen.has(url.pathname + url.search)) queue.push(url.pathname + url.search);
    }
  }
  return { pages: seen, text: texts.join('\n') };
}

/** Whether `token` opens anything: an invitation, a registration's confirm button, or its page. */
async function works(t: T, token: string): Promise<string[]> {
  const opened: string[] = [];
  if ((await t.app.request(`/beheer/welkom/${token}`)).status !== 410) opened.push(`/beheer/welkom/${token}`);
  if ((await t.app.request(`/trainingen/aanmelding/${token}`)).status !== 410) opened.push(`/trainingen/aanmelding/${token}`);
  // A GET of a confirm link only shows a button; the POST says whether the token is known.
  if ((await t.app.request(`/trainingen/bevestigen/${token}`, { method: 'POST' })).status !== 410) opened.push(`/trainingen/bevestigen/${token}`);
  return opened;
}

describe.each(backends())('secret links and personal data on %s', (kind: Backend) => {
  let t: T;
  beforeAll(async () => {
    t = await createTestApp(kind, { env: { REGISTRATION_LIMIT: '1000' } });
  });
  afterAll(() => t.close());
  const db = () => t.deps.database.db;

  it('an editor finds no working invitation, confirm or manage link on any /beheer page', async () => {
    // A beheerder invites another beheerder: the escalation an editor could take.
    const admin = await loginAs(t.app, t.deps.database, 'beheerder');
    const csrf = csrfFrom(await (await admin.get('/beheer/gebruikers')).text());
    expect((await admin.post('/beheer/gebruikers/uitnodigen', { _csrf: csrf, email: 'nieuwe-beheerder@hechtwerk.example', role: 'beheerder' })).status).toBe(
      200,
    );
    // Registrants in every state that has links in its mails: held, confirmed, waiting, offered.
    const s = await makeSession(t, 'geheime-links', 2);
    await registerVia(t, s.path, 'Anna Aanmelder', 'anna@example.org');
    await registerVia(t, s.path, 'Bram Bevestigd', 'bram@example.org');
    expect((await t.app.request(await linkFor(t, 'bram@example.org', 'trainingen/bevestigen'), { method: 'POST' })).status).toBe(200);
    await registerVia(t, s.path, 'Cor Wachtlijst', 'cor@example.org');
    await registerVia(t, s.path, 'Dirk Wachtlijst', 'dirk@example.org');
    const annaManage = await linkFor(t, 'anna@example.org', 'trainingen/aanmelding');
    expect((await t.app.request(annaManage, form({ actie: 'cancel', bevestig: 'ja' }))).status).toBe(200);

    const editor = await loginAs(t.app, t.deps.database, 'redacteur');
    const { pages, text } = await crawl(editor);
    expect(pages).toContain('/beheer/mail');
    const mailPages = [...pages].filter((p) => /^\/beheer\/mail\/\d+$/.test(p));
    expect(mailPages.length).toBeGreaterThanOrEqual(5);
    // Every URL-like token anywhere in what the editor was shown.
    const tokens = new Set([...text.matchAll(/(?<![\w-])[\w-]{20,100}(?![\w-])/g)].map((m) => m[0]));
    const opened: string[] = [];
    for (const token of tokens) opened.push(...(await works(t, token)));
    expect(opened).toEqual([]);
    expect(text).toContain('[persoonlijke link]');

    // Invitations are the beheerders' alone: not listed for an editor, not opened by number either.
    const [invite] = await db().select().from(outbox).where(eq(outbox.to, 'nieuwe-beheerder@hechtwerk.example'));
    expect(text).not.toContain('nieuwe-beheerder@hechtwerk.example');
    expect((await editor.get(`/beheer/mail/${invite?.id}`)).status).toBe(404);
    const shown = await (await admin.get(`/beheer/mail/${invite?.id}`)).text();
    expect(shown).toContain('Uitnodiging voor Hechtwerk');
    expect(shown).toContain('[persoonlijke link]');

    // The check above does find links that work: the ones in the mails as sent.
    const sentInvite = await linkFor(t, 'nieuwe-beheerder@hechtwerk.example', 'beheer/welkom');
    expect(await works(t, sentInvite.split('/').pop() as string)).toEqual([sentInvite]);
    const sentManage = await linkFor(t, 'bram@example.org', 'trainingen/aanmelding');
    expect(await works(t, sentManage.split('/').pop() as string)).toEqual([sentManage]);
    console.log(`secret links: editor crawled ${pages.size} /beheer pages, tried ${tokens.size} tokens, none opened anything`);
  });

  /** Every table and text-like column holding `needle`, searched through information_schema. */
  async function whereIs(needle: string): Promise<string[]> {
    const columns = await rows<{ table_name: string; column_name: string }>(
      db(),
      sql`select c.table_name, c.column_name from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
        where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
          and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'tsvector', 'ARRAY', 'USER-DEFINED')`,
    );
    expect(columns.length).toBeGreaterThan(20);
    const found: string[] = [];
    for (const { table_name, column_name } of columns) {
      const [hit] = await rows<{ n: number }>(
        db(),
        sql`select count(*)::int as n from ${sql.identifier(table_name)} where ${sql.identifier(column_name)}::text ilike ${`%${needle}%`}`,
      );
      if (hit?.n) found.push(`${table_name}.${column_name}`);
    }
    return found;
  }

  it('after "Verwijder mijn gegevens" no table holds the e-mail address (outbox, rate limits, anything)', async () => {
    const s = await makeSession(t, 'verwijderen');
    await registerVia(t, s.path, 'Eva Verwijder', 'eva.verwijder@example.org');
    await t.app.request(await linkFor(t, 'eva.verwijder@example.org', 'trainingen/bevestigen'), { method: 'POST' });
    // Registering twice (a resent link) and an organiser's message to the participants.
    await registerVia(t, s.path, 'Eva Verwijder', 'eva.verwijder@example.org');
    expect(await messageAll(db(), null, s.sessionId, 'Parkeren', 'Parkeer achter het gebouw.')).toBe(1);
    expect(await whereIs('eva.verwijder@example.org')).toEqual(expect.arrayContaining(['registrations.email', 'outbox.to']));
    const manage = await linkFor(t, 'eva.verwijder@example.org', 'trainingen/aanmelding');
    const res = await t.app.request(manage, form({ actie: 'delete', bevestig: 'ja' }));
    expect(await res.text()).toContain('Je gegevens zijn verwijderd');
    expect(await whereIs('eva.verwijder@example.org')).toEqual([]);
    expect(await whereIs('Eva Verwijder')).toEqual([]);
  });

  it('after the anonymisation months after a session no table holds the e-mail address', async () => {
    const s = await makeSession(t, 'anonimiseren');
    await registerVia(t, s.path, 'Fenna Oud', 'fenna.oud@example.org');
    await t.app.request(await linkFor(t, 'fenna.oud@example.org', 'trainingen/bevestigen'), { method: 'POST' });
    expect(await whereIs('fenna.oud@example.org')).toEqual(expect.arrayContaining(['registrations.email', 'outbox.to']));
    // Longer mail retention than registration retention: the mails must go with the registration.
    const later = new Date(s.endsAt.getTime() + 13 * 31 * DAY);
    expect(await anonymiseOld(db(), { ...settingsFrom(t.deps), outboxRetentionMonths: 120 }, later)).toBeGreaterThan(0);
    expect(await whereIs('fenna.oud@example.org')).toEqual([]);
    expect(await whereIs('Fenna Oud')).toEqual([]);
  });

  it('the outbox keeps a mail OUTBOX_RETENTION_MONTHS (default 3) after it was sent', async () => {
    expect(t.deps.config.OUTBOX_RETENTION_MONTHS).toBe(3);
    const now = t.clock.now();
    const [old, recent, pending] = await db()
      .insert(outbox)
      .values([
        { to: 'oud@example.org', subject: 'Oud', text: 'x', html: 'x', status: 'sent', sentAt: new Date(now.getTime() - 95 * DAY) },
        { to: 'recent@example.org', subject: 'Recent', text: 'x', html: 'x', status: 'sent', sentAt: new Date(now.getTime() - 80 * DAY) },
        { to: 'wacht@example.org', subject: 'Wacht', text: 'x', html: 'x', createdAt: new Date(now.getTime() - 10 * DAY) },
      ])
      .returning({ id: outbox.id });
    await anonymiseOld(db(), settingsFrom(t.deps), now);
    const left = new Set((await db().select({ id: outbox.id }).from(outbox)).map((r) => r.id));
    expect(left.has(old?.id as number)).toBe(false);
    expect(left.has(recent?.id as number)).toBe(true);
    expect(left.has(pending?.id as number)).toBe(true);
  });
});

describe('the request log holds no secret link', () => {
  it('a full invitation and registration flow, through Node’s HTTP server and Hono, logs no token', async () => {
    const t = await createTestApp('pglite', { env: { REGISTRATION_LIMIT: '1000' } });
    // As `npm start` serves it (src/server.ts).
    const server = createServer(getRequestListener(t.app.fetch));
    const base = `http://127.0.0.1:${await listen(server)}`;
    try {
      const tokens: string[] = [];
      const used = (link: string) => {
        tokens.push(link.split('/').pop() as string);
        return link;
      };
      // Every spelling of a link that reaches (or nearly reaches) its route, each twice so a
      // cached answer would be served from the page cache the second time.
      const variants = (link: string) => {
        const token = link.split('/').pop() as string;
        const dir = link.slice(0, -token.length);
        return [link, link, `${link}/`, dir.replace('/t', '/%74') + token, dir.replace(/\/([a-z]+)\/$/, (_, d: string) => `/${d.toUpperCase()}//`) + token];
      };
      const getAll = async (link: string) => {
        for (const path of variants(link)) await (await fetch(base + path)).arrayBuffer();
      };

      // The invitation: made by a beheerder, opened and used by the invitee.
      const admin = await loginAs(t.app, t.deps.database, 'beheerder');
      const csrf = csrfFrom(await (await admin.get('/beheer/gebruikers')).text());
      await admin.post('/beheer/gebruikers/uitnodigen', { _csrf: csrf, email: 'log-invite@hechtwerk.example', role: 'redacteur' });
      const invite = used(await linkFor(t, 'log-invite@hechtwerk.example', 'beheer/welkom'));
      await getAll(invite);
      const invitee = new Browser(t.app);
      const welcome = await (await invitee.get(invite)).text();
      const pw = 'een lange zin als wachtwoord';
      expect((await invitee.post(invite, { _csrf: csrfFrom(welcome), name: 'Ilse Invite', password: pw, password2: pw })).status).toBe(200);
      // The first administrator's link, as printed at start, opened in a browser.
      const first = used(`/beheer/welkom/${'Q'.repeat(43)}`);
      await getAll(first);

      // A registration: confirm, look at it, its calendar file, cancel.
      const s = await makeSession(t, 'log-zonder-links');
      const reg = await fetch(`${base}${s.path}/aanmelden`, {
        method: 'POST',
        body: new URLSearchParams({ name: 'Lotte Log', email: 'lotte@example.org', organisation: 'GGD', role: 'Jeugdarts', consent: 'ja' }),
      });
      expect(reg.status).toBe(200);
      const confirmLink = used(await linkFor(t, 'lotte@example.org', 'trainingen/bevestigen'));
      await getAll(confirmLink);
      expect((await fetch(base + confirmLink, { method: 'POST' })).status).toBe(200);
      const manageLink = used(await linkFor(t, 'lotte@example.org', 'trainingen/aanmelding'));
      await getAll(manageLink);
      await (await fetch(`${base}${manageLink}/agenda.ics`)).arrayBuffer();
      await (await fetch(`${base}${manageLink}/certificaat.pdf`)).arrayBuffer();
      const cancelled = await fetch(base + manageLink, { method: 'POST', body: new URLSearchParams({ actie: 'cancel', bevestig: 'ja' }) });
      expect(await cancelled.text()).toContain('Je bent afgemeld');

      // A public page three times: the page cache answers the later ones, with a request line each.
      for (let i = 0; i < 3; i++) await (await fetch(`${base}/themas/hechting`)).arrayBuffer();

      await new Promise((r) => setImmediate(r));
      const log = t.logs.join('');
      const lines = log.split('\n').filter((l) => l.includes('"msg":"request"'));
      expect(lines.length).toBeGreaterThan(30);
      expect(log).toContain('"path":"/trainingen/bevestigen/…"');
      expect(log).toContain('"path":"/beheer/welkom/…"');
      expect(log).toContain('"path":"/trainingen/aanmelding/…/agenda.ics"');
      for (const token of tokens) expect(log, `token ${token} in the log`).not.toContain(token);
    } finally {
      await close(server);
      await t.close();
    }
  });
});
