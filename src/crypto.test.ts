import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, Browser, backends, createTestApp, csrfFrom, loginAs } from '../test/helpers.ts';
import { hashPassword } from './crypto.ts';
import { loginTokens, outbox, users } from './db/schema.ts';
import { mailAsSent, SECRET_LINK } from './mail/outbox.ts';

const OLD = 'een oud maar lang wachtwoord';
const NEW = 'een nieuw en nog langer wachtwoord';

describe.each(backends())('passwords on %s', (kind: Backend) => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let n = 0;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());

  const db = () => t.deps.database.db;
  async function account(role: 'beheerder' | 'redacteur' = 'redacteur') {
    const email = `wachtwoord${++n}@hechtwerk.example`;
    await db()
      .insert(users)
      .values({ email, name: `Persoon ${n}`, role, passwordHash: await hashPassword(OLD) });
    return email;
  }
  async function login(email: string, password: string) {
    const b = new Browser(t.app);
    const page = await b.get('/beheer/inloggen');
    const res = await b.post('/beheer/inloggen', { _csrf: csrfFrom(await page.text()), email, password });
    return { b, status: res.status };
  }
  const main = (html: string) => (/<main[\s\S]*<\/main>/.exec(html)?.[0] ?? '').replace(/name="_csrf" value="[^"]*"/g, '');

  it('wachtwoord wijzigen asks for the current password, keeps what was typed wrong out, and ends the other sessions', async () => {
    const email = await account();
    const here = (await login(email, OLD)).b;
    const elsewhere = (await login(email, OLD)).b;
    const form = await (await here.get('/beheer/wachtwoord')).text();
    expect(form).toContain('Huidig wachtwoord');
    const csrf = csrfFrom(form);
    const wrong = await here.post('/beheer/wachtwoord', { _csrf: csrf, current: 'niet het wachtwoord', password: NEW, password2: NEW });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('Je huidige wachtwoord klopt niet.');
    const mismatch = await here.post('/beheer/wachtwoord', { _csrf: csrf, current: OLD, password: NEW, password2: `${NEW}!` });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain('De twee wachtwoorden zijn niet gelijk.');
    const done = await here.post('/beheer/wachtwoord', { _csrf: csrf, current: OLD, password: NEW, password2: NEW });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Je wachtwoord is gewijzigd.');
    expect((await here.get('/beheer')).status).toBe(200);
    expect((await elsewhere.get('/beheer')).status).toBe(303);
    expect((await login(email, OLD)).status).toBe(401);
    expect((await login(email, NEW)).status).toBe(303);
  });

  it('wachtwoord vergeten: one answer for every address, a one-time link by mail only, limited per address; the link sets the password and ends every session', async () => {
    const email = await account();
    const session = (await login(email, OLD)).b;
    const ask = async (address: string) => {
      const b = new Browser(t.app);
      const page = await (await b.get('/beheer/wachtwoord-vergeten')).text();
      const res = await b.post('/beheer/wachtwoord-vergeten', { _csrf: csrfFrom(page), email: address });
      return { status: res.status, html: await res.text() };
    };
    expect((await (await t.app.request('/beheer/inloggen')).text()).includes('href="/beheer/wachtwoord-vergeten"')).toBe(true);
    const known = await ask(email);
    const unknown = await ask('niemand-hier@hechtwerk.example');
    expect(known.status).toBe(200);
    expect(main(known.html).replace(email, 'X')).toBe(main(unknown.html).replace('niemand-hier@hechtwerk.example', 'X'));
    const mails = await db().select().from(outbox).where(eq(outbox.to, email));
    expect(mails).toHaveLength(1);
    expect(await db().select().from(outbox).where(eq(outbox.to, 'niemand-hier@hechtwerk.example'))).toHaveLength(0);
    // The outbox holds no working link; the mail as sent does.
    expect(mails[0]?.restricted).toBe(true);
    expect(SECRET_LINK.test(mails[0]?.text ?? '')).toBe(false);
    const sent = await mailAsSent(db(), mails[0]?.id as number);
    const link = /http:\/\/localhost:3000(\/beheer\/nieuw-wachtwoord\/[\w-]+)/.exec(sent.text)?.[1] as string;
    expect(link).toBeDefined();
    expect(SECRET_LINK.test(sent.text)).toBe(true);
    const b = new Browser(t.app);
    const form = await (await b.get(link)).text();
    expect(form).toContain('Nieuw wachtwoord kiezen');
    const short = await b.post(link, { _csrf: csrfFrom(form), password: 'kort', password2: 'kort' });
    expect(short.status).toBe(400);
    expect(await short.text()).toContain('minstens 12 tekens');
    const saved = await b.post(link, { _csrf: csrfFrom(form), password: NEW, password2: NEW });
    expect(await saved.text()).toContain('Je nieuwe wachtwoord is opgeslagen');
    expect((await session.get('/beheer')).status).toBe(303);
    expect((await login(email, NEW)).status).toBe(303);
    expect((await b.get(link)).status).toBe(410);
    // No token in the request log.
    const token = link.split('/').at(-1) as string;
    expect(t.logs.join('')).not.toContain(token);
    expect(t.logs.join('')).toContain('/beheer/nieuw-wachtwoord/…');
    // An invitation's link page does not take a reset link, and the other way round.
    expect((await t.app.request(link.replace('nieuw-wachtwoord', 'welkom'))).status).toBe(410);
    // Asking for the same address again and again is limited (the answer stays the same for any address).
    expect((await ask(email)).status).toBe(200);
    expect((await ask(email)).status).toBe(200);
    const limited = await ask(email);
    expect(limited.status).toBe(429);
    expect(limited.html).toContain('te vaak om een nieuw wachtwoord gevraagd');
  });

  it('a disabled account can be invited again; accepting enables it with the new name and password', async () => {
    const email = await account();
    const admin = await loginAs(t.app, t.deps.database, 'beheerder');
    const [user] = await db().select().from(users).where(eq(users.email, email));
    const csrf = csrfFrom(await (await admin.get('/beheer/gebruikers')).text());
    expect(await (await admin.post(`/beheer/gebruikers/${user?.id}/uitschakelen`, { _csrf: csrf, bevestig: 'ja' })).text()).toContain('uitgeschakeld');
    expect((await login(email, OLD)).status).toBe(401);
    const invited = await admin.post('/beheer/gebruikers/uitnodigen', { _csrf: csrf, email, role: 'redacteur' });
    expect(invited.status).toBe(200);
    expect(await invited.text()).toContain(`Uitnodiging aangemaakt voor ${email}`);
    const [mail] = await db().select().from(outbox).where(eq(outbox.to, email)).orderBy(outbox.id);
    const link = /http:\/\/localhost:3000(\/beheer\/welkom\/[\w-]+)/.exec((await mailAsSent(db(), mail?.id as number)).text)?.[1] as string;
    const b = new Browser(t.app);
    const form = await (await b.get(link)).text();
    const done = await b.post(link, { _csrf: csrfFrom(form), name: 'Weer Terug', password: NEW, password2: NEW });
    expect(await done.text()).toContain('Je account is aangemaakt');
    expect((await login(email, NEW)).status).toBe(303);
    const rows = await db().select().from(users).where(eq(users.email, email));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'Weer Terug', disabledAt: null });
    expect((await db().select().from(loginTokens).where(eq(loginTokens.email, email))).every((r) => r.usedAt !== null)).toBe(true);
  });
});
