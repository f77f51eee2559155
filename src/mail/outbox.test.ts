import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eq, inArray, sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends, createTestDatabase, idleTransactions, makeClock, type Received, startSmtp, type TestDatabase } from '../../test/helpers.ts';
import { sha256 } from '../crypto.ts';
import { loginTokens, outbox, registrations, trainingSessions, trainings } from '../db/schema.ts';
import { enqueueMail, LEASE_MS, linkPlaceholder, MAX_ATTEMPTS, SECRET_LINK, sendDueMails } from './outbox.ts';

describe.each(backends())('mail outbox on %s', (kind: Backend) => {
  let t: TestDatabase;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await t.database.migrate();
    smtp = await startSmtp();
  });
  afterAll(async () => {
    await smtp.close();
    await t.dispose();
  });

  it('a mail in a rolled-back transaction is never sent', async () => {
    await expect(
      t.database.db.transaction(async (tx) => {
        await enqueueMail(tx, { to: 'weg@hechtwerk.example', subject: 'Nooit', text: 'x', html: '<p>x</p>' });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await t.database.db.select().from(outbox)).toHaveLength(0);
  });

  it('two workers at once send each mail exactly once to a real SMTP server', async () => {
    for (let i = 0; i < 12; i++) {
      await enqueueMail(t.database.db, { to: `persoon${i}@hechtwerk.example`, subject: `Bericht ${i}`, text: `Hallo ${i}`, html: `<p>Hallo ${i}</p>` });
    }
    const transport = nodemailer.createTransport(`smtp://127.0.0.1:${smtp.port}`);
    const second = await t.open();
    const clock = makeClock(new Date(Date.now() + 1000));
    const [a, b] = await Promise.all([
      sendDueMails(t.database.db, transport, 'Hechtwerk <noreply@hechtwerk.example>', clock.now, 50),
      sendDueMails(second.db, transport, 'Hechtwerk <noreply@hechtwerk.example>', clock.now, 50),
    ]);
    expect(a + b).toBe(12);
    expect(smtp.received).toHaveLength(12);
    const recipients = smtp.received.flatMap((r) => r.to).sort();
    expect(new Set(recipients).size).toBe(12);
    const one = smtp.received.find((r) => r.to[0] === 'persoon3@hechtwerk.example');
    expect(one?.raw).toContain('Subject: Bericht 3');
    expect(one?.raw).toContain('Hallo 3');
    expect(one?.raw).toContain('text/html');
    const rows = await t.database.db.select().from(outbox);
    expect(rows.every((r) => r.status === 'sent' && r.sentAt)).toBe(true);
    // Nothing left to send: a further run sends nothing.
    expect(await sendDueMails(t.database.db, transport, 'x@hechtwerk.example', clock.now)).toBe(0);
    expect(smtp.received).toHaveLength(12);
  });

  it('SMTP down: the mail stays in the outbox, is retried with back-off, and sent once the server is back', async () => {
    await enqueueMail(t.database.db, { to: 'later@hechtwerk.example', subject: 'Later', text: 'x', html: '<p>x</p>' });
    // A second on: the database stamps rows in microseconds, a JS Date in milliseconds.
    const clock = makeClock(new Date(Date.now() + 1000));
    const down = nodemailer.createTransport({ host: '127.0.0.1', port: 1, connectionTimeout: 500 });
    expect(await sendDueMails(t.database.db, down, 'x@hechtwerk.example', clock.now)).toBe(0);
    let [row] = await t.database.db.select().from(outbox).where(eq(outbox.to, 'later@hechtwerk.example'));
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row?.lastError).toBeTruthy();
    expect((row?.nextAttemptAt.getTime() ?? 0) - clock.now().getTime()).toBe(30_000);
    // Not due yet: even a working server does not get it before the back-off ends.
    const up = nodemailer.createTransport(`smtp://127.0.0.1:${smtp.port}`);
    const before = smtp.received.length;
    expect(await sendDueMails(t.database.db, up, 'x@hechtwerk.example', clock.now)).toBe(0);
    clock.advance(30_001);
    expect(await sendDueMails(t.database.db, up, 'x@hechtwerk.example', clock.now)).toBe(1);
    expect(smtp.received.length).toBe(before + 1);
    [row] = await t.database.db.select().from(outbox).where(eq(outbox.to, 'later@hechtwerk.example'));
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('a sender that dies between hand-over and record: the mail goes again once, after the lease, with the same Message-ID', async () => {
    await enqueueMail(t.database.db, { to: 'eenmaal@hechtwerk.example', subject: 'Eenmaal', text: 'x', html: '<p>x</p>' });
    const clock = makeClock(new Date(Date.now() + 1000));
    const real = nodemailer.createTransport(`smtp://127.0.0.1:${smtp.port}`);
    const before = smtp.received.length;
    // The first sender hands the mail over, then "dies": its send never returns to it (until the end).
    let wake: (v: unknown) => void = () => {};
    const dying = {
      sendMail: async (mail: Parameters<typeof real.sendMail>[0]) => {
        await real.sendMail(mail);
        await new Promise((r) => (wake = r));
        throw new Error('the process is gone');
      },
    } as unknown as typeof real;
    const first = sendDueMails(t.database.db, dying, 'x@hechtwerk.example', clock.now, 1, { timeoutMs: 3_600_000 });
    const byTo = async () => (await t.database.db.select().from(outbox).where(eq(outbox.to, 'eenmaal@hechtwerk.example')))[0];
    while (smtp.received.length === before) await new Promise((r) => setTimeout(r, 20));
    // Leased: another sender does not take it while the lease runs.
    expect(await sendDueMails(t.database.db, real, 'x@hechtwerk.example', clock.now)).toBe(0);
    expect((await byTo())?.status).toBe('pending');
    // After the lease, another sender sends it again: one resend, same Message-ID.
    clock.advance(LEASE_MS + 1000);
    expect(await sendDueMails(t.database.db, real, 'x@hechtwerk.example', clock.now)).toBe(1);
    clock.advance(LEASE_MS + 1000);
    expect(await sendDueMails(t.database.db, real, 'x@hechtwerk.example', clock.now)).toBe(0);
    const copies = smtp.received.slice(before).filter((r) => r.to.includes('eenmaal@hechtwerk.example'));
    expect(copies).toHaveLength(2);
    const ids = copies.map((c) => /^Message-ID: (.+)$/im.exec(c.raw)?.[1]?.trim());
    expect(ids[0]).toMatch(/^<outbox-\d+-\d+@hechtwerk>$/);
    expect(ids[1]).toBe(ids[0]);
    // The first sender, waking late, does not overwrite what the second recorded.
    wake(null);
    expect(await first).toBe(0);
    expect(await byTo()).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
  });

  it('a personal link is made after the lease, outside any transaction: only its hash is stored, committed before the hand-over; a resend carries the same Message-ID', async () => {
    const db = t.database.db;
    const [invite] = await db
      .insert(loginTokens)
      .values({
        tokenHash: 'nog-geen-token',
        purpose: 'invite',
        email: 'genodigd@hechtwerk.example',
        role: 'redacteur',
        expiresAt: new Date(Date.now() + 86_400_000),
      })
      .returning({ id: loginTokens.id });
    const link = `https://hechtwerk.example/beheer/welkom/${linkPlaceholder('invite', invite?.id as number)}`;
    await enqueueMail(db, {
      to: 'genodigd@hechtwerk.example',
      subject: 'Uitnodiging',
      text: `Welkom: ${link}`,
      html: `<p><a href="${link}">Welkom</a></p>`,
      restricted: true,
    });
    const clock = makeClock(new Date(Date.now() + 1000));
    const real = nodemailer.createTransport(`smtp://127.0.0.1:${smtp.port}`);
    const before = smtp.received.length;
    const hashNow = async () =>
      (
        await db
          .select({ h: loginTokens.tokenHash })
          .from(loginTokens)
          .where(eq(loginTokens.id, invite?.id as number))
      )[0]?.h;
    const stored = async () => (await db.select().from(outbox).where(eq(outbox.to, 'genodigd@hechtwerk.example')))[0];
    const openTransactions = () => idleTransactions(db);
    const tokenIn = (raw: string) => /beheer\/welkom\/([A-Za-z0-9_-]{16,})/.exec(raw.replace(/=\r?\n/g, ''))?.[1];
    // The first sender hands the mail over and "dies" there.
    let wake: (v: unknown) => void = () => {};
    let hashAtHandOver: string | undefined;
    let openAtHandOver = -1;
    const dying = {
      sendMail: async (mail: Parameters<typeof real.sendMail>[0]) => {
        // By the time SMTP is talked to, the token's hash is committed and no transaction is open.
        hashAtHandOver = await hashNow();
        openAtHandOver = await openTransactions();
        await real.sendMail(mail);
        await new Promise((r) => (wake = r));
        throw new Error('the process is gone');
      },
    } as unknown as typeof real;
    const first = sendDueMails(db, dying, 'x@hechtwerk.example', clock.now, 1, { timeoutMs: 3_600_000 });
    while (smtp.received.length === before) await new Promise((r) => setTimeout(r, 20));
    const firstCopy = smtp.received.at(-1) as Received;
    const firstToken = tokenIn(firstCopy.raw) as string;
    expect(firstToken).toBeTruthy();
    expect(hashAtHandOver).toBe(sha256(firstToken));
    expect(openAtHandOver).toBe(0);
    // The outbox still holds the placeholder, never the link.
    const row = await stored();
    expect(row?.text).toContain('{link:invite:');
    expect(SECRET_LINK.test(`${row?.text}\n${row?.html}`)).toBe(false);
    // After the lease, one resend with the same Message-ID and a new working link.
    clock.advance(LEASE_MS + 1000);
    expect(await sendDueMails(db, real, 'x@hechtwerk.example', clock.now)).toBe(1);
    clock.advance(LEASE_MS + 1000);
    expect(await sendDueMails(db, real, 'x@hechtwerk.example', clock.now)).toBe(0);
    const copies = smtp.received.slice(before).filter((r) => r.to.includes('genodigd@hechtwerk.example'));
    expect(copies).toHaveLength(2);
    const ids = copies.map((c) => /^Message-ID: (.+)$/im.exec(c.raw)?.[1]?.trim());
    expect(ids[1]).toBe(ids[0]);
    expect(await hashNow()).toBe(sha256(tokenIn((copies[1] as Received).raw) as string));
    wake(null);
    expect(await first).toBe(0);
    const after = await stored();
    expect(after).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
    expect(SECRET_LINK.test(`${after?.text}\n${after?.html}`)).toBe(false);
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts and marks the mail failed for an editor to see`, async () => {
    await enqueueMail(t.database.db, { to: 'nooit@hechtwerk.example', subject: 'Nooit', text: 'x', html: '<p>x</p>' });
    const clock = makeClock(new Date(Date.now() + 1000));
    const down = nodemailer.createTransport({ host: '127.0.0.1', port: 1, connectionTimeout: 500 });
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await sendDueMails(t.database.db, down, 'x@hechtwerk.example', clock.now);
      clock.advance(24 * 60 * 60 * 1000);
    }
    const [row] = await t.database.db.select().from(outbox).where(eq(outbox.to, 'nooit@hechtwerk.example'));
    expect(row).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
  });

  it('mails waiting from before the marks keep the links they may hold, and lose any other (migration 0028)', async () => {
    const db = t.database.db;
    const [training] = await db.insert(trainings).values({ slug: 'oude-links', title: 'Oud', summary: 'Oud', durationHours: 1 }).returning();
    const at = new Date(Date.now() + 86_400_000);
    const [session] = await db
      .insert(trainingSessions)
      .values({
        trainingId: training?.id as number,
        startsAt: at,
        endsAt: new Date(at.getTime() + 3_600_000),
        location: 'Zaal',
        capacity: 5,
        registrationOpensAt: new Date(),
        registrationClosesAt: at,
        cancelUntil: at,
      })
      .returning();
    const [reg] = await db
      .insert(registrations)
      .values({ sessionId: session?.id as number, name: 'Oud', email: 'oud@example.org', status: 'confirmed' })
      .returning();
    const own = reg?.id as number;
    const tokens = await db
      .insert(loginTokens)
      .values([
        { tokenHash: 'oud-reset-eigen', purpose: 'reset', email: 'staf@example.org', role: 'redacteur', expiresAt: at },
        { tokenHash: 'oud-reset-ander', purpose: 'reset', email: 'beheerder@example.org', role: 'beheerder', expiresAt: at },
      ])
      .returning({ id: loginTokens.id });
    const [reset, other] = tokens.map((x) => x.id);
    const rows = await db
      .insert(outbox)
      .values([
        {
          to: 'oud@example.org',
          subject: 'Oud 1',
          text: `a {link:manage:${own}:5} b {link:confirm:0:5} c {link:manage:999:5} d {link:invite:3:0} e {link:manage:999:5:AAAAAAAAAAAA}`,
          html: '',
          registrationId: own,
        },
        {
          to: 'staf@example.org',
          subject: 'Oud 2',
          text: `x {link:reset:${reset}:0} y {link:manage:7:5} z {link:reset:${other}:0}`,
          html: `<p>{link:reset:${reset}:0}</p>`,
        },
        { to: 'klaar@example.org', subject: 'Verstuurd', text: '{link:reset:4:0}', html: '', status: 'sent' },
      ])
      .returning({ id: outbox.id });
    try {
      await db.execute(sql.raw(readFileSync(fileURLToPath(new URL('../db/migrations/0028_outbox_link_marks.sql', import.meta.url)), 'utf8')));
      const after = await db
        .select()
        .from(outbox)
        .where(
          inArray(
            outbox.id,
            rows.map((r) => r.id),
          ),
        )
        .orderBy(outbox.id);
      // A typed text already of the new shape is made inert too; a reset link only for the mail's own address.
      expect(after.map((r) => r.text)).toEqual([
        `a {link:manage:${own}:5:000000000000} b {link:confirm:0:5:000000000000} c { link:manage:999:5} d { link:invite:3:0} e { link:manage:999:5:AAAAAAAAAAAA}`,
        `x {link:reset:${reset}:0:000000000000} y { link:manage:7:5} z { link:reset:${other}:0}`,
        '{link:reset:4:0}',
      ]);
      expect(after[1]?.html).toBe(`<p>{link:reset:${reset}:0:000000000000}</p>`);
    } finally {
      await db.delete(outbox).where(
        inArray(
          outbox.id,
          rows.map((r) => r.id),
        ),
      );
      await db.delete(registrations).where(eq(registrations.id, own));
      await db.delete(loginTokens).where(inArray(loginTokens.tokenHash, ['oud-reset-eigen', 'oud-reset-ander']));
      await db.delete(trainingSessions).where(eq(trainingSessions.id, session?.id as number));
      await db.delete(trainings).where(eq(trainings.id, training?.id as number));
    }
  });
});
