import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../src/db/schema.ts';
import { enqueueMail, MAX_ATTEMPTS, sendDueMails } from '../src/mail/outbox.ts';
import { type Backend, backends, createTestDatabase, makeClock, type TestDatabase } from './helpers.ts';

interface Received {
  to: string[];
  raw: string;
}

async function startSmtp() {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk) => {
        raw += chunk;
      });
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { server, received, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

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
});
