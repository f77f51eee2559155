import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, Browser, backends, confirmForm, createTestApp, csrfFrom } from '../../test/helpers.ts';
import { hashPassword, SCRYPT, verifyPassword } from '../crypto.ts';
import { rows } from '../db/client.ts';
import { auditLog, loginTokens, outbox, sessions, users } from '../db/schema.ts';
import { mailAsSent } from '../mail/outbox.ts';
import { createFirstAdminToken, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, THROTTLE } from './accounts.ts';
import { safeReturnPath } from './routes.tsx';

const PASSWORD = 'een lange zin als wachtwoord';

describe('password hashing', () => {
  it('uses scrypt with the documented parameters and verifies only the right password', async () => {
    const hash = await hashPassword('geheim wachtwoord');
    expect(hash).toMatch(new RegExp(`^scrypt\\$${SCRYPT.N}\\$${SCRYPT.r}\\$${SCRYPT.p}\\$`));
    expect(await verifyPassword('geheim wachtwoord', hash)).toBe(true);
    expect(await verifyPassword('geheim wachtwoorD', hash)).toBe(false);
    expect(await verifyPassword('x', 'bcrypt$rommel')).toBe(false);
    expect(await hashPassword('geheim wachtwoord')).not.toBe(hash);
  });
});

describe('return path after login', () => {
  it.each([
    [undefined, '/beheer'],
    ['/beheer/gebruikers', '/beheer/gebruikers'],
    ['https://evil.example/beheer', '/beheer'],
    ['//evil.example', '/beheer'],
    ['/beheer//evil.example', '/beheer'],
    ['/beheer/../x', '/beheer'],
    ['/\\evil.example', '/beheer'],
    ['javascript:alert(1)', '/beheer'],
    ['/themas', '/beheer'],
  ])('%s → %s', (input, expected) => expect(safeReturnPath(input)).toBe(expected));
});

describe.each(backends())('accounts on %s', (kind: Backend) => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let adminEmail: string;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());
  const db = () => t.deps.database.db;

  async function firstAdmin(browser: Browser) {
    const token = await createFirstAdminToken(db(), t.clock.now());
    expect(token).toBeTruthy();
    const form = await browser.get(`/beheer/welkom/${token}`);
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('Eerste beheerder aanmaken');
    return { token: token as string, csrf: csrfFrom(html) };
  }

  async function login(browser: Browser, email: string, password = PASSWORD) {
    const page = await browser.get('/beheer/inloggen');
    return browser.post('/beheer/inloggen', { _csrf: csrfFrom(await page.text()), email, password });
  }

  it('anonymous visitors of /beheer are sent to the login page, which sets only a form cookie', async () => {
    const res = await t.app.request('/beheer/gebruikers');
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/beheer/inloggen?terug=%2Fbeheer%2Fgebruikers');
    const login = await t.app.request('/beheer/inloggen');
    expect(login.headers.get('Cache-Control')).toBe('no-store');
    const cookies = login.headers.getSetCookie();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatch(/^hw_form=[\w-]+; Max-Age=7200; Path=\/; HttpOnly; SameSite=Lax$/);
  });

  it('first administrator: a one-time link, validated form, account created once', async () => {
    const b = new Browser(t.app);
    const { token, csrf } = await firstAdmin(b);
    // Bad input: Dutch messages, an error summary linking to fields, input kept, nothing written.
    const bad = await b.post(`/beheer/welkom/${token}`, { _csrf: csrf, name: 'A', email: 'geen-mail', password: 'kort', password2: 'anders' });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain('Er is een probleem');
    expect(badHtml).toContain('href="#name"');
    expect(badHtml).toContain('Vul een geldig e-mailadres in');
    expect(badHtml).toContain('minstens 12 tekens');
    expect(badHtml).toContain('value="geen-mail"');
    expect(badHtml).not.toContain('kort');
    expect((await db().select().from(users)).length).toBe(0);

    adminEmail = `beheer-${kind}@hechtwerk.example`;
    const ok = await b.post(`/beheer/welkom/${token}`, {
      _csrf: csrf,
      name: 'Anna Beheer',
      email: adminEmail.toUpperCase(),
      password: PASSWORD,
      password2: PASSWORD,
    });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Je account is aangemaakt');
    const [u] = await db().select().from(users);
    expect(u).toMatchObject({ email: adminEmail, role: 'beheerder', name: 'Anna Beheer' });
    expect(u?.passwordHash).toMatch(/^scrypt\$/);

    // Single use: the same link again, and a new first-admin link, both refuse.
    const again = await b.get(`/beheer/welkom/${token}`);
    expect(again.status).toBe(410);
    expect(await createFirstAdminToken(db(), t.clock.now())).toBeNull();
  });

  it('a first-admin link expires after 24 hours', async () => {
    const other = await createTestApp(kind);
    try {
      const token = await createFirstAdminToken(other.deps.database.db, other.clock.now());
      other.clock.advance(24 * 60 * 60 * 1000 + 1000);
      const res = await other.app.request(`/beheer/welkom/${token}`);
      expect(res.status).toBe(410);
      expect(await res.text()).toContain('Deze link werkt niet meer');
    } finally {
      await other.close();
    }
  });

  it('login: wrong password and unknown account get the same generic message', async () => {
    const b = new Browser(t.app);
    const wrong = await login(b, adminEmail, 'verkeerd wachtwoord');
    const unknown = await login(b, 'niemand@hechtwerk.example', 'verkeerd wachtwoord');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const a = (await wrong.text()).replace(/value="[^"]*"/g, '');
    const c = (await unknown.text()).replace(/value="[^"]*"/g, '');
    expect(a).toBe(c);
    expect(a).toContain('Het e-mailadres of het wachtwoord klopt niet.');
    expect(b.cookies.has('hw_session')).toBe(false);
  });

  it('login rotates the session: a new id each time; logout ends it on the server', async () => {
    const b = new Browser(t.app);
    const res = await login(b, adminEmail);
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/beheer');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('hw_session='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const first = b.cookies.get('hw_session');
    const home = await b.get('/beheer');
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Welkom, Anna Beheer');

    // A fixated (planted) cookie value is never adopted.
    const b2 = new Browser(t.app);
    b2.cookies.set('hw_session', 'geplant-door-een-aanvaller-0123456789');
    expect((await login(b2, adminEmail)).status).toBe(303);
    expect(b2.cookies.get('hw_session')).not.toBe('geplant-door-een-aanvaller-0123456789');
    // Logging in again while logged in replaces the session; the old id stops working.
    const before = b2.cookies.get('hw_session') as string;
    const again = await b2.post('/beheer/inloggen', { _csrf: csrfFrom(await (await b2.get('/beheer')).text()), email: adminEmail, password: PASSWORD });
    expect(again.status).toBe(303);
    expect(b2.cookies.get('hw_session')).not.toBe(before);
    expect((await b2.get('/beheer')).status).toBe(200);
    const old = new Browser(t.app);
    old.cookies.set('hw_session', before);
    expect((await old.get('/beheer')).status).toBe(303);
    const page = await (await b.get('/beheer')).text();
    const out = await b.post('/beheer/uitloggen', { _csrf: csrfFrom(page) });
    expect(out.status).toBe(303);
    const stale = new Browser(t.app);
    stale.cookies.set('hw_session', first as string);
    expect((await stale.get('/beheer')).status).toBe(303);
    const [row] = await rows<{ n: number }>(db(), sql`select count(*)::int as n from audit_log where action = 'logout'`);
    expect(row?.n).toBe(1);
  });

  it('redirects to the page asked for, never to another site', async () => {
    const b = new Browser(t.app);
    const page = await b.get('/beheer/inloggen?terug=%2Fbeheer%2Fmail');
    const res = await b.post('/beheer/inloggen?terug=%2Fbeheer%2Fmail', { _csrf: csrfFrom(await page.text()), email: adminEmail, password: PASSWORD });
    expect(res.headers.get('Location')).toBe('/beheer/mail');
    const b2 = new Browser(t.app);
    const p2 = await b2.get('/beheer/inloggen');
    const evil = await b2.post('/beheer/inloggen?terug=https%3A%2F%2Fevil.example', {
      _csrf: csrfFrom(await p2.text()),
      email: adminEmail,
      password: PASSWORD,
    });
    expect(evil.headers.get('Location')).toBe('/beheer');
  });

  it('sessions end after 2 hours idle and after 12 hours in any case', async () => {
    const b = new Browser(t.app);
    await login(b, adminEmail);
    t.clock.advance(SESSION_IDLE_MS - 60_000);
    expect((await b.get('/beheer')).status).toBe(200);
    t.clock.advance(SESSION_IDLE_MS + 1000);
    expect((await b.get('/beheer')).status).toBe(303);

    const b2 = new Browser(t.app);
    await login(b2, adminEmail);
    for (let spent = 0; spent < SESSION_ABSOLUTE_MS - 60 * 60_000; spent += 60 * 60_000) {
      t.clock.advance(60 * 60_000);
      expect((await b2.get('/beheer')).status).toBe(200);
    }
    t.clock.advance(2 * 60 * 60_000);
    expect((await b2.get('/beheer')).status).toBe(303);
  });

  it('CSRF: a state-changing request without the right token is refused and changes nothing', async () => {
    const b = new Browser(t.app);
    await login(b, adminEmail);
    const before = await db().select().from(outbox);
    for (const token of [undefined, '', 'verkeerd', csrfFrom(await (await new Browser(t.app).get('/beheer/inloggen')).text())]) {
      const fields: Record<string, string> = { email: 'nieuw@hechtwerk.example', role: 'redacteur' };
      if (token !== undefined) fields._csrf = token;
      const res = await b.post('/beheer/gebruikers/uitnodigen', fields);
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('Dit formulier is verlopen');
    }
    expect(await db().select().from(outbox)).toHaveLength(before.length);
    // Also the login form itself needs the token bound to its cookie.
    const anon = new Browser(t.app);
    expect((await anon.post('/beheer/inloggen', { email: adminEmail, password: PASSWORD })).status).toBe(403);
  });

  it('invitations: an administrator invites by e-mail, the invitee sets a password once', async () => {
    const admin = new Browser(t.app);
    await login(admin, adminEmail);
    const page = await (await admin.get('/beheer/gebruikers')).text();
    const csrf = csrfFrom(page);
    const bad = await admin.post('/beheer/gebruikers/uitnodigen', { _csrf: csrf, email: 'geen mail', role: 'redacteur' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('value="geen mail"');
    const dup = await admin.post('/beheer/gebruikers/uitnodigen', { _csrf: csrf, email: adminEmail, role: 'redacteur' });
    expect(await dup.text()).toContain('Er bestaat al een account met dit e-mailadres.');

    const res = await admin.post('/beheer/gebruikers/uitnodigen', { _csrf: csrf, email: 'Redacteur@Hechtwerk.example', role: 'redacteur' });
    expect(res.status).toBe(200);
    const invitedPage = await res.text();
    expect(invitedPage).toContain('Uitnodiging aangemaakt voor redacteur@hechtwerk.example');
    expect(invitedPage).toMatch(/Openstaande uitnodigingen[\s\S]*redacteur@hechtwerk\.example \(redacteur\), geldig tot/);
    const [mail] = await db().select().from(outbox).where(eq(outbox.to, 'redacteur@hechtwerk.example'));
    expect(mail?.subject).toBe('Uitnodiging voor Hechtwerk');
    // The stored mail holds no link that works: its token is made when the mail is sent.
    expect(mail?.text).not.toMatch(/\/beheer\/welkom\/[\w-]{16,}/);
    const sent = await mailAsSent(t.deps.database.db, mail?.id as number);
    const link = /http:\/\/localhost:3000(\/beheer\/welkom\/[\w-]+)/.exec(sent.text)?.[1];
    expect(link).toBeDefined();
    expect(sent.html).toContain(`href="http://localhost:3000${link}"`);
    // Only the hash of the token is stored.
    const tokenRows = await db().select().from(loginTokens);
    expect(JSON.stringify(tokenRows)).not.toContain((link as string).split('/').pop());

    // The mail is readable in the admin when no SMTP server is configured.
    const outboxPage = await (await admin.get('/beheer/mail')).text();
    expect(outboxPage).toContain('Uitnodiging voor Hechtwerk');
    expect(outboxPage).toContain('Er is geen mailserver ingesteld');
    const shown = await (await admin.get(`/beheer/mail/${mail?.id}`)).text();
    expect(shown).toContain('[persoonlijke link]');
    expect(shown).not.toContain(link);

    const invitee = new Browser(t.app);
    const form = await (await invitee.get(link as string)).text();
    expect(form).toContain('redacteur@hechtwerk.example');
    const done = await invitee.post(link as string, { _csrf: csrfFrom(form), name: 'Rik Redacteur', password: PASSWORD, password2: PASSWORD });
    expect(done.status).toBe(200);
    const twice = await invitee.post(link as string, { _csrf: csrfFrom(form), name: 'Rik Redacteur', password: PASSWORD, password2: PASSWORD });
    expect(twice.status).toBe(410);
    const [u] = await db().select().from(users).where(eq(users.email, 'redacteur@hechtwerk.example'));
    expect(u?.role).toBe('redacteur');
  });

  it('roles are checked on the server: an editor cannot manage accounts', async () => {
    const editor = new Browser(t.app);
    expect((await login(editor, 'redacteur@hechtwerk.example')).status).toBe(303);
    const home = await (await editor.get('/beheer')).text();
    expect(home).not.toContain('href="/beheer/gebruikers"');
    expect((await editor.get('/beheer/gebruikers')).status).toBe(403);
    const res = await editor.post('/beheer/gebruikers/uitnodigen', { _csrf: csrfFrom(home), email: 'x@hechtwerk.example', role: 'beheerder' });
    expect(res.status).toBe(403);
    const [u] = await db().select().from(users).where(eq(users.email, 'redacteur@hechtwerk.example'));
    const dis = await editor.post(`/beheer/gebruikers/${u?.id}/uitschakelen`, { _csrf: csrfFrom(home) });
    expect(dis.status).toBe(403);
    expect((await editor.get('/beheer/mail')).status).toBe(200);
  });

  it('disabling an account ends its sessions at once; it cannot log in until enabled', async () => {
    const editor = new Browser(t.app);
    await login(editor, 'redacteur@hechtwerk.example');
    const admin = new Browser(t.app);
    await login(admin, adminEmail);
    const [u] = await db().select().from(users).where(eq(users.email, 'redacteur@hechtwerk.example'));
    const csrf = csrfFrom(await (await admin.get('/beheer/gebruikers')).text());
    // The list links to a page that asks first; a bare POST asks too, and changes nothing.
    const ask = await (await admin.get(`/beheer/gebruikers/${u?.id}/uitschakelen`)).text();
    expect(ask).toMatch(/Account van [^<]+ uitschakelen\?/);
    expect(ask).toContain('wordt meteen overal uitgelogd');
    expect(await (await admin.post(`/beheer/gebruikers/${u?.id}/uitschakelen`, { _csrf: csrf })).text()).toContain('wordt meteen overal uitgelogd');
    expect((await editor.get('/beheer')).status).toBe(200);
    const sure = confirmForm(ask);
    const res = await admin.post(sure.action, sure.fields);
    const done = await res.text();
    expect(done).toContain('uitgeschakeld en overal uitgelogd');
    // Undo within the page: a button that enables the account again.
    expect(done).toContain(`action="/beheer/gebruikers/${u?.id}/inschakelen"`);
    expect(done).toMatch(/Ongedaan maken: [^<]+ weer inschakelen/);
    expect((await editor.get('/beheer')).status).toBe(303);
    expect(
      (
        await db()
          .select()
          .from(sessions)
          .where(eq(sessions.userId, u?.id as number))
      ).length,
    ).toBe(0);
    expect((await login(new Browser(t.app), 'redacteur@hechtwerk.example')).status).toBe(401);
    const self = await admin.post(`/beheer/gebruikers/${(await db().select().from(users).where(eq(users.email, adminEmail)))[0]?.id}/uitschakelen`, {
      _csrf: csrf,
    });
    expect(await self.text()).toContain('Je kunt je eigen account niet uitschakelen.');
    await admin.post(`/beheer/gebruikers/${u?.id}/inschakelen`, { _csrf: csrf });
    expect((await login(new Browser(t.app), 'redacteur@hechtwerk.example')).status).toBe(303);
    const actions = (await db().select().from(auditLog)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['user.first-admin', 'user.invited', 'user.accepted-invite', 'user.disabled', 'user.enabled', 'login']));
  });

  it('wrong passwords never lock the account: each failure from the fifth makes the next attempt wait (growing, a minute at most), across instances; the holder is mailed once, without a link', async () => {
    const target = 'redacteur@hechtwerk.example';
    // Guesses from ever other addresses (as from a botnet), so the per-client limit does not step in.
    const app = await createTestApp(kind, { testDb: t.testDb, env: { TRUST_PROXY: '1' } });
    app.clock.set(t.clock.now());
    let client = 0;
    const attempt = async (email: string, password = PASSWORD, on = app) => {
      const b = new Browser(on.app);
      const headers = { 'X-Forwarded-For': `198.51.${Math.floor(client / 250)}.${client++ % 250}` };
      const page = await b.get('/beheer/inloggen', headers);
      return b.post('/beheer/inloggen', { _csrf: csrfFrom(await page.text()), email, password }, headers);
    };
    try {
      for (let i = 0; i < THROTTLE.perEmail; i++) expect((await attempt(target, `fout ${i}`)).status).toBe(401);
      // Right away, even the right password waits its turn: a second, on every instance.
      const waiting = await attempt(target);
      expect(waiting.status).toBe(429);
      expect(await waiting.text()).toContain('Wacht 1 seconde en probeer het dan opnieuw.');
      const second = await createTestApp(kind, { testDb: t.testDb, env: { TRUST_PROXY: '1' } });
      second.clock.set(app.clock.now());
      expect((await attempt(target, PASSWORD, second)).status).toBe(429);
      await second.close();
      // Another account is not affected.
      expect((await attempt(adminEmail)).status).toBe(303);
      // A second later the holder logs in: no lock of a quarter of an hour.
      app.clock.advance(THROTTLE.firstDelayMs + 1);
      expect((await attempt(target)).status).toBe(303);
      // Logging in started the count anew. Someone who goes on guessing waits longer each time, a minute at most.
      for (let i = 0; i < THROTTLE.perEmail - 1; i++) expect((await attempt(target, `opnieuw fout ${i}`)).status).toBe(401);
      const waits: number[] = [];
      for (let i = 0; i < 10; i++) {
        expect((await attempt(target, `weer fout ${i}`)).status).toBe(401);
        const res = await attempt(target, `nog eens fout ${i}`);
        expect(res.status).toBe(429);
        waits.push(Number(res.headers.get('Retry-After')));
        app.clock.advance((waits.at(-1) ?? 0) * 1000);
      }
      expect(waits.slice(0, 7)).toEqual([1, 2, 4, 8, 16, 32, 60]);
      expect(Math.max(...waits)).toBe(60);
      // The holder logs in after the last wait, and got one mail about it, with no link in it.
      expect((await attempt(target)).status).toBe(303);
      const told = await t.deps.database.db.select().from(outbox).where(eq(outbox.to, target));
      const notices = told.filter((m) => m.subject === 'Mislukte pogingen om in te loggen bij Hechtwerk');
      expect(notices).toHaveLength(1);
      expect(notices[0]?.text).not.toMatch(/https?:|\/beheer\//);
      expect(notices[0]?.text).toContain('Wachtwoord vergeten');
    } finally {
      await app.close();
    }
  });

  it('one client that fails too often is still locked out for a while', async () => {
    const app = await createTestApp(kind, { testDb: t.testDb, env: { TRUST_PROXY: '1' } });
    app.clock.set(t.clock.now());
    const headers = { 'X-Forwarded-For': '203.0.113.99' };
    const attempt = async (email: string, password: string) => {
      const b = new Browser(app.app);
      const page = await b.get('/beheer/inloggen', headers);
      return b.post('/beheer/inloggen', { _csrf: csrfFrom(await page.text()), email, password }, headers);
    };
    try {
      for (let i = 0; i < THROTTLE.perClient - 1; i++) expect((await attempt(`iemand${i}@hechtwerk.example`, 'fout')).status).toBe(401);
      const locked = await attempt('nog-iemand@hechtwerk.example', 'fout');
      expect(locked.status).toBe(429);
      expect(await locked.text()).toContain('Te veel mislukte pogingen vanaf dit adres. Probeer het over 15 minuten opnieuw.');
      expect((await attempt(adminEmail, PASSWORD)).status).toBe(429);
      app.clock.advance(THROTTLE.lockMs + 1000);
      expect((await attempt(adminEmail, PASSWORD)).status).toBe(303);
    } finally {
      await app.close();
    }
  });
});

describe('cookies behind https', () => {
  it('the session cookie is Secure and __Host- prefixed', async () => {
    const t = await createTestApp('embedded', { env: { BASE_URL: 'https://hechtwerk.example' } });
    try {
      const token = await createFirstAdminToken(t.deps.database.db, t.clock.now());
      const b = new Browser(t.app);
      const form = await (await b.get(`/beheer/welkom/${token}`)).text();
      expect([...b.cookies.keys()]).toEqual(['__Host-hw_form']);
      await b.post(`/beheer/welkom/${token}`, { _csrf: csrfFrom(form), name: 'Anna', email: 'a@hechtwerk.example', password: PASSWORD, password2: PASSWORD });
      const page = await (await b.get('/beheer/inloggen')).text();
      const res = await b.post('/beheer/inloggen', { _csrf: csrfFrom(page), email: 'a@hechtwerk.example', password: PASSWORD });
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__Host-hw_session='));
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).toMatch(/Path=\//);
    } finally {
      await t.close();
    }
  });
});
