// Faults survived: a PostgreSQL server that stops and starts again under load, and an SMTP server
// that is down. The PostgreSQL test runs its own private cluster (never the shared server at
// 127.0.0.1:5432, which other test files use) and the app as its own process, as in production.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../src/app.tsx';
import { type Db, openEmbedded } from '../src/db/client.ts';
import { outbox, registrations } from '../src/db/schema.ts';
import { startJobs } from '../src/jobs/scheduler.ts';
import { enqueueMail, MAX_ATTEMPTS, mailAsSent, retryDelay, sendDueMails } from '../src/mail/outbox.ts';
import { createSession, createTraining } from '../src/trainings/service.ts';
import { type Backend, backends, createTestApp, createTestDatabase, makeClock, type TestDatabase } from './helpers.ts';

const SECOND = 1000;
const quiet = { info() {}, warn() {}, error() {} };

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The newest installed PostgreSQL's bin directory (Debian: /usr/lib/postgresql/<major>/bin), or null. */
function postgresBin(): string | null {
  if (process.env.PG_BIN) return existsSync(join(process.env.PG_BIN, 'pg_ctl')) ? process.env.PG_BIN : null;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const majors = readdirSync(root)
    .filter((d) => existsSync(join(root, d, 'bin', 'pg_ctl')) && existsSync(join(root, d, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] ? join(root, majors[0], 'bin') : null;
}

/**
 * A throw-away PostgreSQL cluster on a free loopback port with trust authentication. PostgreSQL
 * refuses to run as root, so as root the binaries run as the `postgres` OS user.
 */
async function privateCluster(bin: string) {
  const dir = mkdtempSync(join(tmpdir(), 'hw-faults-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  const run = (cmd: string, args: string[]) =>
    execFileSync(asRoot ? 'runuser' : join(bin, cmd), asRoot ? ['-u', 'postgres', '--', join(bin, cmd), ...args] : args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 180 * SECOND,
    });
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=50 -c shared_buffers=16MB`;
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let running = false;
  const cluster = {
    url,
    port,
    start() {
      run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', '-t', '180', 'start']);
      running = true;
    },
    stop(mode: 'fast' | 'immediate') {
      run('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '180', 'stop']);
      running = false;
    },
    dispose() {
      try {
        if (running) cluster.stop('immediate');
      } catch (err) {
        console.warn(`faults.test.ts clean-up: pg_ctl stop -m immediate failed: ${(err as Error).message}`);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}

async function waitFor(what: string, fn: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await fn()) return;
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

interface Answer {
  kind: 'page' | 'search' | 'readyz' | 'register' | 'confirm';
  path: string;
  sentAt: number;
  ms: number;
  status: number;
  retryAfter: string | null;
  body: string;
}

const bin = postgresBin();
const required = process.env.REQUIRE_POSTGRES === '1';
if (!bin) {
  const line = required
    ? 'REQUIRE_POSTGRES=1 but no PostgreSQL binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin'
    : 'SKIPPED: PostgreSQL restart test (no initdb/pg_ctl under /usr/lib/postgresql/*/bin; apt-get install postgresql)';
  console.warn(`\n${'!'.repeat(line.length + 4)}\n! ${line} !\n${'!'.repeat(line.length + 4)}\n`);
}

describe('PostgreSQL server restarted under load', () => {
  if (!bin) {
    if (required)
      it('needs the PostgreSQL binaries', () => {
        throw new Error('REQUIRE_POSTGRES=1 but no PostgreSQL binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin');
      });
    else it.skip('needs initdb and pg_ctl (apt-get install postgresql)', () => {});
    return;
  }

  let cluster: Awaited<ReturnType<typeof privateCluster>>;
  let app: ChildProcess | undefined;
  let appOut = '';
  let db: pg.Pool;
  let base = '';

  let slowSmtp: SMTPServer | undefined;

  beforeAll(async () => {
    cluster = await privateCluster(bin);
    cluster.start();
    // A slow SMTP server keeps the mail worker's transactions open (a row lock held while the mail
    // is handed over), so the database goes away under clients that are checked out of the pool.
    slowSmtp = new SMTPServer({
      closeTimeout: 200,
      authOptional: true,
      disableReverseLookup: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, cb) {
        stream.resume();
        stream.on('end', () => setTimeout(cb, 400));
      },
    });
    await new Promise<void>((r) => slowSmtp?.listen(0, '127.0.0.1', r));
    const smtpPort = (slowSmtp.server.address() as AddressInfo).port;
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: {
        ...process.env,
        DATABASE_URL: cluster.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        BASE_URL: base,
        LOG_LEVEL: 'warn',
        REGISTRATION_LIMIT: '100000',
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    app.stdout?.on('data', (d) => {
      appOut += d;
    });
    app.stderr?.on('data', (d) => {
      appOut += d;
    });
    await waitFor('the app to answer /readyz', async () => (await fetch(`${base}/readyz`)).ok, 180 * SECOND);
    // The test's own connection: it must survive the restarts too, so a pool that reconnects.
    db = new pg.Pool({ connectionString: cluster.url, max: 2, connectionTimeoutMillis: 1000 });
    // A connection lost while idle, or while checked out between statements: its next query fails
    // (and is retried), never an unhandled 'error' event.
    db.on('error', () => {});
    db.on('connect', (client) => client.on('error', () => {}));
  }, 240 * SECOND);

  afterAll(async () => {
    // Every step of the clean-up is bounded and says so when it overran: a CI run once spent the
    // whole hook timeout here without saying where.
    const bounded = async (what: string, work: Promise<unknown>, ms: number) => {
      const overran = await Promise.race([work.then(() => false).catch(() => false), sleep(ms).then(() => true)]);
      if (overran) console.warn(`faults.test.ts clean-up: ${what} took longer than ${ms / SECOND} s; going on`);
    };
    if (app && app.exitCode === null && app.signalCode === null) {
      const exited = new Promise((r) => app?.once('exit', r));
      app.kill('SIGTERM');
      await bounded('the app stopping on SIGTERM', exited, 10 * SECOND);
      if (app.exitCode === null && app.signalCode === null) app.kill('SIGKILL');
    }
    if (db) await bounded("the test's connection pool ending", db.end(), 10 * SECOND);
    cluster?.dispose();
    if (slowSmtp) {
      const smtp = slowSmtp;
      await bounded('the slow SMTP server closing', new Promise<void>((r) => smtp.close(() => r())), 10 * SECOND);
    }
  }, 120 * SECOND);

  it(
    'answers 503 with Retry-After while it is down, never 500 or a hang, recovers by itself, and loses no acknowledged write',
    async () => {
      const { rows } = await db.query<{ id: number }>(
        `insert into trainings (slug, title, summary, duration_hours, published) values ('storing', 'Storingstraining', 'Een training voor de storingstest.', 2, true) returning id`,
      );
      const trainingId = rows[0]?.id;
      const session = await db.query<{ id: number }>(
        `insert into training_sessions (training_id, starts_at, ends_at, location, capacity, registration_opens_at, registration_closes_at, cancel_until)
       values ($1, now() + interval '30 days', now() + interval '30 days 3 hours', 'Zaal', 5000, now() - interval '1 day', now() + interval '29 days', now() + interval '28 days') returning id`,
        [trainingId],
      );
      const sessionPath = `/trainingen/storing/${session.rows[0]?.id}`;
      expect((await fetch(base + sessionPath)).status).toBe(200);

      const answers: Answer[] = [];
      const failures: string[] = [];
      const registered = new Set<string>();
      const confirmed = new Set<string>();
      let stop = false;
      let n = 0;

      async function call(kind: Answer['kind'], path: string, init?: RequestInit): Promise<Answer | null> {
        const sentAt = Date.now();
        try {
          const res = await fetch(base + path, { ...init, redirect: 'manual', signal: AbortSignal.timeout(10 * SECOND) });
          const body = await res.text();
          const a = { kind, path, sentAt, ms: Date.now() - sentAt, status: res.status, retryAfter: res.headers.get('Retry-After'), body };
          answers.push(a);
          return a;
        } catch (err) {
          failures.push(`${kind} ${path}: ${(err as Error).name} ${(err as Error).message} after ${Date.now() - sentAt} ms`);
          return null;
        }
      }
      const queries = ['hechting', 'meldcode', 'signalen', 'kansrijke start', 'veilig thuis', 'scheiding'];
      const pages = ['/', '/themas', '/themas/hechting', '/trainingen', sessionPath, '/netwerk', '/meldcode'];
      async function reader(w: number) {
        for (let i = w; !stop; i++) {
          if (i % 5 === 4) await call('search', `/zoeken?q=${encodeURIComponent(queries[i % queries.length] as string)}&n=${i}`);
          else if (i % 7 === 6) await call('readyz', '/readyz');
          else await call('page', pages[i % pages.length] as string);
          await sleep(20);
        }
      }
      async function registrar() {
        while (!stop) {
          const k = n++;
          const email = `storing${k}@example.org`;
          const body = new URLSearchParams({ name: `Deelnemer ${k}`, email, organisation: 'GGD Voorbeeld', role: 'Jeugdarts', consent: 'ja' });
          const a = await call('register', `${sessionPath}/aanmelden`, {
            method: 'POST',
            body,
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          });
          if (a?.status === 200 && a.body.includes('Kijk in je mail')) registered.add(email);
          await sleep(30);
        }
      }
      // Confirms held seats with the link from their mail, read from the outbox as a mailbox would show it.
      async function confirmer() {
        while (!stop) {
          const links: { to: string; text: string }[] = [];
          try {
            const todo = [...registered].filter((e) => !confirmed.has(e)).slice(0, 5);
            if (todo.length) {
              const rows = (await db.query<{ id: number }>(`select id from outbox where "to" = any($1) and subject like 'Bevestig%'`, [todo])).rows;
              // The stored mail holds placeholders; its links are made as it is sent.
              for (const { id } of rows) links.push(await mailAsSent(drizzle(db) as unknown as Db, id));
            }
          } catch {}
          for (const { to, text } of links) {
            const link = /\/trainingen\/bevestigen\/[\w-]+/.exec(text)?.[0];
            if (!link) continue;
            const a = await call('confirm', link, { method: 'POST' });
            if (a?.status === 200 && /Je aanmelding (is|was al) bevestigd/.test(a.body)) confirmed.add(to);
          }
          await sleep(50);
        }
      }
      const workers = [reader(0), reader(1), reader(2), registrar(), registrar(), confirmer()];

      const outages: { mode: 'fast' | 'immediate'; downFrom: number; downUntil: number; recoveredMs: number }[] = [];
      const alive = () => {
        if (app?.exitCode !== null) throw new Error(`the app process died (exit ${app?.exitCode}):\n${appOut.slice(-3000)}`);
      };
      try {
        await sleep(2 * SECOND);
        for (const mode of ['fast', 'immediate'] as const) {
          cluster.stop(mode);
          const downFrom = Date.now();
          await sleep(3 * SECOND);
          const downUntil = Date.now();
          alive();
          cluster.start();
          // Without restarting the app: it must answer 200 again by itself.
          await waitFor(
            'the app to answer 200 again',
            async () => {
              alive();
              return (await fetch(`${base}/readyz`)).ok && (await fetch(`${base}/zoeken?q=herstel${Date.now()}`)).status === 200;
            },
            60 * SECOND,
          );
          outages.push({ mode, downFrom, downUntil, recoveredMs: Date.now() - downUntil });
          await sleep(2 * SECOND);
        }
      } finally {
        stop = true;
        await Promise.all(workers);
      }

      const during = answers.filter((a) => outages.some((o) => a.sentAt >= o.downFrom && a.sentAt + a.ms <= o.downUntil));
      const byStatus = (list: Answer[]) => {
        const m: Record<string, number> = {};
        for (const a of list) m[`${a.kind} ${a.status}`] = (m[`${a.kind} ${a.status}`] ?? 0) + 1;
        return m;
      };
      const summary = {
        answers: answers.length,
        duringOutage: byStatus(during),
        all: byStatus(answers),
        slowestMs: Math.max(...answers.map((a) => a.ms)),
        recoveredMs: outages.map((o) => `${o.mode}: ${o.recoveredMs}`),
        registered: registered.size,
        confirmed: confirmed.size,
      };
      console.log('PostgreSQL restart under load:', JSON.stringify(summary));
      const tail = () => appOut.slice(-3000);

      // Every request got an answer, quickly, and never a 500.
      expect(failures, tail()).toEqual([]);
      expect(app?.exitCode, `the app process died:\n${tail()}`).toBeNull();
      // None waited out both the connection wait (3 s) and the client's query limit (6 s): nothing hung.
      expect(summary.slowestMs).toBeLessThan(9 * SECOND);
      expect(answers.filter((a) => a.status >= 500 && a.status !== 503).map((a) => `${a.kind} ${a.path} ${a.status}`)).toEqual([]);
      expect(appOut).not.toContain('unhandled error');

      // While the database was down: 503 with Retry-After and a Dutch page; readiness says so too.
      // Only a public page the instance had cached may still come back 200 (the last content version
      // read, see ContentVersion.lastKnown); nothing that writes can, nor pages with live seats.
      expect(during.length).toBeGreaterThan(20);
      const cacheable = (a: Answer) => a.kind === 'page' && !a.path.startsWith('/trainingen');
      for (const a of during) {
        if (a.status === 200 && (cacheable(a) || a.kind === 'search')) continue;
        expect(`${a.kind} ${a.path} ${a.status}`).toBe(`${a.kind} ${a.path} 503`);
        expect(a.retryAfter).toMatch(/^\d+$/);
        if (a.kind === 'readyz') expect(JSON.parse(a.body)).toMatchObject({ status: 'unavailable' });
        else {
          expect(a.body).toContain('<html lang="nl"');
          expect(a.body).toContain('De site is even niet bereikbaar');
        }
      }
      expect(during.filter((a) => a.kind === 'register').length).toBeGreaterThan(0);
      expect(during.filter((a) => a.kind === 'readyz').length).toBeGreaterThan(0);
      expect(during.filter((a) => a.status === 503).length).toBeGreaterThan(during.length / 3);
      // Readers of cached pages kept their page through the outage.
      const cachedDuring = during.filter(cacheable);
      expect(cachedDuring.filter((a) => a.status === 200).length).toBeGreaterThan(cachedDuring.length / 2);
      // Recovered without a restart of the app (a few seconds here; the ceiling only allows for a busy machine).
      for (const o of outages) expect(o.recoveredMs).toBeLessThan(60 * SECOND);

      // Writes went on before and after, and nothing that was acknowledged is missing.
      expect(registered.size).toBeGreaterThan(10);
      expect(confirmed.size).toBeGreaterThan(3);
      const stored = (await db.query<{ email: string; status: string }>(`select email, status from registrations where session_id = $1`, [session.rows[0]?.id]))
        .rows;
      const status = new Map(stored.map((r) => [r.email, r.status]));
      expect([...registered].filter((e) => !status.has(e))).toEqual([]);
      expect([...confirmed].filter((e) => status.get(e) !== 'confirmed')).toEqual([]);
      expect(stored.length).toBe(new Set(stored.map((r) => r.email)).size);
    },
    240 * SECOND,
  );
});

describe.each(backends())('SMTP server down on %s', (kind: Backend) => {
  type T = Awaited<ReturnType<typeof createTestApp>>;
  let t: T;
  let jobs: ReturnType<typeof startJobs> | undefined;
  let smtp: SMTPServer | undefined;
  let smtpPort: number;
  const received: string[] = [];

  beforeAll(async () => {
    smtpPort = await freePort();
    // Nothing listens on SMTP_URL's port yet: every delivery attempt is refused.
    t = await createTestApp(kind, { env: { SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, REGISTRATION_LIMIT: '1000' } });
  });
  afterAll(async () => {
    await jobs?.stop();
    await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
    await t.close();
  });

  it(
    'the registration still succeeds; the mail waits in the outbox with its error and is sent once the server is back',
    async () => {
      const db = t.deps.database.db;
      const now = t.clock.now();
      const trainingId = await createTraining(db, null, {
        slug: 'smtp-storing',
        title: 'SMTP-storing',
        summary: 'Een training om mee te testen.',
        descriptionMd: 'Uitleg.',
        audience: ['JGZ'],
        themes: ['hechting'],
        durationHours: 2,
        accreditation: '',
        published: true,
      });
      const startsAt = new Date(now.getTime() + 30 * 86_400_000);
      const sessionId = await createSession(db, null, trainingId, {
        startsAt,
        endsAt: new Date(startsAt.getTime() + 3_600_000),
        location: 'Zaal 1',
        online: false,
        capacity: 10,
        registrationOpensAt: new Date(now.getTime() - 86_400_000),
        registrationClosesAt: new Date(startsAt.getTime() - 3_600_000),
        cancelUntil: new Date(startsAt.getTime() - 86_400_000),
        contact: 'trainingen@hechtwerk.example',
      });
      jobs = startJobs(t.deps);
      const email = 'zonder-smtp@example.org';
      const res = await t.app.request(`/trainingen/smtp-storing/${sessionId}/aanmelden`, {
        method: 'POST',
        body: new URLSearchParams({ name: 'Zonder Smtp', email, organisation: 'GGD', role: 'Jeugdarts', consent: 'ja' }),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Kijk in je mail');
      const [reg] = await db.select().from(registrations).where(eq(registrations.email, email));
      expect(reg?.status).toBe('held');

      // The mail worker (ticking every second) tries, fails, and schedules a retry. The test clock
      // stands still, and the outbox row was stamped by the database's clock: move past that first.
      t.clock.set(new Date(Date.now() + 2 * SECOND));
      const mailRow = async () => (await db.select().from(outbox).where(eq(outbox.to, email)))[0];
      // The lease counts the attempt when the mail is claimed; the failure is recorded after it.
      await waitFor('a failed delivery attempt', async () => Boolean((await mailRow())?.lastError), 90 * SECOND);
      const failed = await mailRow();
      expect(failed).toMatchObject({ status: 'pending', attempts: 1 });
      expect(failed?.lastError).toMatch(/ECONNREFUSED|connect/i);
      expect(failed?.nextAttemptAt.getTime()).toBeGreaterThan(t.clock.now().getTime());

      // The server comes back on the same address; once the back-off has passed the mail goes out, once.
      smtp = new SMTPServer({
        closeTimeout: 200,
        authOptional: true,
        disableReverseLookup: true,
        disabledCommands: ['STARTTLS'],
        logger: false,
        onData(stream, session, cb) {
          stream.resume();
          stream.on('end', () => {
            received.push(...session.envelope.rcptTo.map((r) => r.address));
            cb();
          });
        },
      });
      await new Promise<void>((r) => smtp?.listen(smtpPort, '127.0.0.1', r));
      await sleep(1500);
      expect((await mailRow())?.status).toBe('pending');
      t.clock.advance(31 * SECOND);
      await waitFor('the mail to be sent', async () => (await mailRow())?.status === 'sent', 90 * SECOND);
      await sleep(1500);
      expect(received.filter((r) => r === email)).toHaveLength(1);
      expect(await mailRow()).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
    },
    240 * SECOND,
  );

  it('an SMTP server that accepts but never answers counts as a failed attempt, and does not hold the row', async () => {
    // Accepts the connection, then stays silent (no greeting): the hand-over would wait for minutes.
    // The previous test's scheduler would also send this mail (to the server that is back by then),
    // claiming it between our rounds: only this test's worker may touch it.
    await jobs?.stop();
    jobs = undefined;
    const sockets: import('node:net').Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const db = t.deps.database.db;
      const email = 'stil@example.org';
      await enqueueMail(db, { to: email, subject: 'Stil', text: 'x', html: '<p>x</p>' });
      const clock = makeClock(new Date(Date.now() + 2 * SECOND));
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: (silent.address() as AddressInfo).port });
      const started = Date.now();
      const mailRow = async () => (await db.select().from(outbox).where(eq(outbox.to, email)))[0];
      // The worker takes the oldest due mails first: on a slow machine an earlier test's retries may
      // have come due too. Each round tries up to five (each fails and is put off), until ours was tried.
      for (let round = 0; round < 20 && (await mailRow())?.attempts === 0; round++)
        expect(await sendDueMails(db, transport, 'x@hechtwerk.example', clock.now, 5, { timeoutMs: 500 })).toBe(0);
      // Without the limit the hand-over would wait for minutes; how far past 500 ms a busy machine gets is not the point.
      expect(Date.now() - started).toBeLessThan(120 * SECOND);
      const row = await mailRow();
      expect(row).toMatchObject({ status: 'pending', attempts: 1 });
      expect(row?.lastError).toContain('geen antwoord');
      expect(row?.nextAttemptAt.getTime()).toBeGreaterThan(clock.now().getTime());
      transport.close();
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
});

/** Mounts a small tmpfs (root only), so a disk can really run full; null when that is not possible here. */
function smallDisk(megabytes: number): { dir: string; dispose(): void } | null {
  if (process.getuid?.() !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), 'hw-faults-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return {
    dir,
    dispose() {
      try {
        execFileSync('umount', [dir], { stdio: 'ignore' });
      } catch {
        execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes zeros until the filesystem says ENOSPC. */
function fillUp(file: string) {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(256 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

describe('embedded server data directory on a full disk', () => {
  let disk: ReturnType<typeof smallDisk> = null;
  let dir: string;
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let testDb: TestDatabase;
  beforeAll(async () => {
    disk = smallDisk(160);
    if (!disk) return;
    dir = join(disk.dir, 'data');
    const database = await openEmbedded(dir, { log: quiet });
    testDb = { database, open: async () => database, dispose: () => database.close() };
    t = await createTestApp('embedded', { testDb, env: { REGISTRATION_LIMIT: '100000' } });
  });
  afterAll(async () => {
    await testDb?.database.close().catch(() => {});
    disk?.dispose();
  });

  it(
    'a write that cannot be stored gets a Dutch 503, nothing half-written; writes work again once there is room, and survive a restart',
    async (ctx) => {
      if (!disk) {
        console.warn('\n!!! SKIPPED: disk-full test (needs root and mount -t tmpfs) !!!\n');
        return ctx.skip();
      }
      const filler = join(disk.dir, 'filler');
      const html = await (await t.app.request('/trainingen')).text();
      const session = /href="(\/trainingen\/[a-z-]+\/(\d+))"/.exec(html);
      const path = session?.[1] as string;
      const sessionId = Number(session?.[2]);
      const register = (email: string) =>
        t.app.request(`${path}/aanmelden`, {
          method: 'POST',
          body: new URLSearchParams({ name: 'Schijf Vol', email, organisation: 'GGD', role: 'Jeugdarts', consent: 'ja' }),
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        });
      const acknowledged: string[] = [];
      const refused: string[] = [];
      const answer = async (email: string) => {
        const res = await register(email);
        const body = await res.text();
        if (res.status === 200 && /Kijk in je mail|op de wachtlijst/.test(body)) acknowledged.push(email);
        else {
          expect(res.status, body.slice(0, 300)).toBe(503);
          expect(res.headers.get('Retry-After')).toMatch(/^\d+$/);
          expect(body).toContain('De site is even niet bereikbaar');
          refused.push(email);
        }
        return res.status;
      };
      expect(await answer('voor@example.org')).toBe(200);

      fillUp(filler);
      // Pages with room left still take a few rows; keep writing until the database needs a new page.
      let streak = 0;
      for (let i = 0; i < 300 && streak < 5; i++) streak = (await answer(`vol${i}@example.org`)) === 503 ? streak + 1 : 0;
      expect(streak).toBe(5);
      // The log says why, without the query's parameters (personal data).
      const failed = t.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'database unavailable');
      expect(failed?.err).toMatchObject({ causeCode: '53100', message: expect.stringContaining('No space left on device') });
      expect(t.logs.join('')).not.toContain('vol0@example.org');
      expect(t.logs.join('')).not.toContain('unhandled error');
      // Reading goes on.
      expect((await t.app.request('/themas/hechting')).status).toBe(200);

      unlinkSync(filler);
      expect(await answer('na@example.org')).toBe(200);

      // As after a restart: the data directory opens, every acknowledged registration is there with its
      // mail, and none of the refused ones left a trace.
      await testDb.database.close();
      const reopened = await openEmbedded(dir, { log: quiet });
      try {
        const rows = await reopened.db.select().from(registrations).where(eq(registrations.sessionId, sessionId));
        const stored = new Set(rows.map((r) => r.email));
        const mailed = new Set((await reopened.db.select().from(outbox)).map((m) => m.to));
        expect(acknowledged.filter((e) => !stored.has(e) || !mailed.has(e))).toEqual([]);
        expect(refused.filter((e) => stored.has(e) || mailed.has(e))).toEqual([]);
        expect(acknowledged).toContain('na@example.org');
      } finally {
        await reopened.close();
      }
    },
    240 * SECOND,
  );
});

describe('mail retries outlast an SMTP outage of a night', () => {
  it('back off from 30 s to at most half an hour, and keep trying for about a day', () => {
    expect(retryDelay(1)).toBe(30 * SECOND);
    expect(retryDelay(2)).toBe(60 * SECOND);
    const delays = Array.from({ length: MAX_ATTEMPTS - 1 }, (_, i) => retryDelay(i + 1));
    expect(Math.max(...delays)).toBe(30 * 60 * SECOND);
    const hours = delays.reduce((a, b) => a + b, 0) / 3_600_000;
    expect(hours).toBeGreaterThan(23);
    expect(hours).toBeLessThan(25);
  });
});

describe('what counts as "database unavailable" (503, not 500)', () => {
  const wrapped = (cause: unknown) => Object.assign(new Error('Failed query: insert …'), { cause });
  it.each([
    ['connection refused', { code: 'ECONNREFUSED' }],
    ['server shutting down', { code: '57P01', message: 'terminating connection due to administrator command' }],
    ['server starting up', { code: '57P03' }],
    ['connection lost', { message: 'Connection terminated unexpectedly' }],
    ['client broken by an earlier loss', { message: 'Client has encountered a connection error and is not queryable' }],
    ['pool wait too long', { message: 'timeout exceeded when trying to connect' }],
    ['statement timeout', { code: '57014' }],
    ['client query timeout', { message: 'Query read timeout' }],
    ['disk full', { code: '53100', message: 'could not extend file: No space left on device' }],
    ['too many connections', { code: '53300' }],
    ['I/O error', { code: '58030' }],
  ])('%s', (_name, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
    expect(isDatabaseUnavailable(wrapped(err))).toBe(true);
  });
  it.each([
    ['unique violation', { code: '23505' }],
    ['syntax error', { code: '42601' }],
    ['a bug', new TypeError('x is undefined')],
  ])('not: %s', (_name, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
    expect(isDatabaseUnavailable(wrapped(err))).toBe(false);
  });
});

describe.runIf(backends().includes('postgres'))('instances starting together on a fresh PostgreSQL database', () => {
  it('both start; the first-start content is loaded once', async () => {
    const testDb = await createTestDatabase('postgres');
    const second = await testDb.open();
    try {
      // Two instances booting at the same moment, as an orchestrator starts them.
      const [a, b] = await Promise.all([
        createTestApp('postgres', { testDb }),
        createTestApp('postgres', { testDb: { database: second, open: testDb.open, dispose: async () => {} } }),
      ]);
      for (const app of [a.app, b.app]) expect((await app.request('/themas/hechting')).status).toBe(200);
      const { rows } = (await testDb.database.db.execute(sql`select count(*)::int as n, count(distinct slug)::int as d from themes`)) as unknown as {
        rows: { n: number; d: number }[];
      };
      expect(rows[0]?.n).toBeGreaterThan(0);
      expect(rows[0]?.n).toBe(rows[0]?.d);
    } finally {
      await testDb.dispose();
    }
  });
});
