// npm run bench:signup — two app instances on one PostgreSQL server (embedded: one instance), 500
// concurrent registrations and confirmations for one session with 25 seats, one instance killed
// with SIGKILL half-way and restarted; then the database and the outbox are checked.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import type { Db } from '../src/db/client.ts';
import { mailAsSent } from '../src/mail/outbox.ts';
import { recordResults } from './report.ts';

const REQUESTS = 500;
const SEATS = 25;
const CONCURRENCY = 100;
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function postgresUrl(): Promise<string | null> {
  const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    const name = `hw_bench_${randomBytes(5).toString('hex')}`;
    await c.query(`create database ${name}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    return url.toString();
  } catch {
    return null;
  } finally {
    await c.end().catch(() => {});
  }
}

const dbUrl = await postgresUrl();
if (!dbUrl && process.env.REQUIRE_POSTGRES === '1') throw new Error('REQUIRE_POSTGRES=1 but no PostgreSQL server at 127.0.0.1:5432');
const dataDir = mkdtempSync(join(tmpdir(), 'hw-signup-'));

// A real SMTP server on loopback: counts every message per outbox row.
const received = new Map<string, number>();
const smtp = new SMTPServer({
  authOptional: true,
  disableReverseLookup: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, _s, cb) {
    let raw = '';
    stream.on('data', (d) => {
      raw += d;
    });
    stream.on('end', () => {
      const id = /X-Hechtwerk-Outbox: (\d+)/.exec(raw)?.[1] ?? 'unknown';
      received.set(id, (received.get(id) ?? 0) + 1);
      cb();
    });
  },
});
await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
const smtpPort = (smtp.server.address() as AddressInfo).port;

const ports = dbUrl ? [3401, 3402] : [3401];
const procs: (ChildProcess | null)[] = ports.map(() => null);
function start(i: number) {
  const env = {
    ...process.env,
    PORT: String(ports[i]),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    TRUST_PROXY: 'true',
    BASE_URL: 'http://127.0.0.1:3401',
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    ...(dbUrl ? { DATABASE_URL: dbUrl } : { DATA_DIR: dataDir }),
  };
  procs[i] = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
}
async function ready(i: number, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${ports[i]}/readyz`)).ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`instance ${i} not ready`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const setupStart = performance.now();
// Start one first so migrations and demo content are in place, then the other (they would also cope together).
start(0);
await ready(0);
for (let i = 1; i < ports.length; i++) start(i);
for (let i = 1; i < ports.length; i++) await ready(i);

const db = dbUrl ? new pg.Client({ connectionString: dbUrl }) : null;
await db?.connect();
async function q<T>(text: string, params: unknown[] = []): Promise<T[]> {
  if (db) return (await db.query(text, params)).rows as T[];
  // The embedded server belongs to one app; this benchmark needs the external server.
  throw new Error('bench:signup reads the external PostgreSQL server');
}

const slug = `bench-${randomBytes(3).toString('hex')}`;
let sessionId: number;
if (db) {
  const [t] = await q<{ id: number }>(
    `insert into trainings (slug, title, summary, duration_hours) values ($1, 'Benchmark', 'Een training voor de benchmark.', 2) returning id`,
    [slug],
  );
  const [s] = await q<{ id: number }>(
    `insert into training_sessions (training_id, starts_at, ends_at, location, capacity, registration_opens_at, registration_closes_at, cancel_until)
     values ($1, now() + interval '30 days', now() + interval '30 days 3 hours', 'Zaal', $2, now() - interval '1 day', now() + interval '29 days', now() + interval '28 days') returning id`,
    [t?.id, SEATS],
  );
  sessionId = s?.id as number;
} else {
  throw new Error('bench:signup needs the PostgreSQL server at 127.0.0.1:5432 (the embedded server belongs to one app and cannot be shared by two instances)');
}
const setupSeconds = (performance.now() - setupStart) / 1000;

const path = `/trainingen/${slug}/${sessionId}/aanmelden`;
const acknowledged = new Set<string>();
let connectionErrors = 0;
let killed = false;

async function post(url: string, body: URLSearchParams, client: string): Promise<Response> {
  return fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': client }, redirect: 'manual' });
}

/** Tries the preferred instance, then the others: a killed instance refuses connections until it is back. */
async function withRetry(prefer: number, fn: (base: string) => Promise<Response>): Promise<Response> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const i = (prefer + attempt) % ports.length;
    try {
      const res = await fn(`http://127.0.0.1:${ports[i]}`);
      if (res.status < 500) return res;
    } catch {
      connectionErrors++;
    }
    await new Promise((r) => setTimeout(r, 50 + attempt * 25));
  }
  throw new Error('no instance answered');
}

const runStart = performance.now();
let next = 0;
async function registrar() {
  while (next < REQUESTS) {
    const n = next++;
    if (n === REQUESTS / 2 && !killed && ports.length > 1 && process.env.BENCH_NO_KILL !== '1') {
      killed = true;
      procs[1]?.kill('SIGKILL');
      start(1);
    }
    const email = `bench${n}@example.org`;
    const body = new URLSearchParams({ name: `Deelnemer ${n}`, email, organisation: 'Benchmark', role: 'Tester', consent: 'ja' });
    const res = await withRetry(n % ports.length, (base) => post(base + path, body, `bench-${n}`));
    const html = await res.text();
    if (res.status === 200 && /Kijk in je mail|op de wachtlijst|al aangemeld/.test(html)) acknowledged.add(email);
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, registrar));
const registeredAt = performance.now();

// Confirm every registration still waiting for its confirmation through the link in its mail, as
// the mailbox would show it: those with a seat held, and those who registered while as many seats
// as may be were held unconfirmed (HOLD_MAX_PERCENT), who get a seat now if one is still free. The
// stored mail holds placeholders, and mailAsSent makes its links as the sender does.
const held = await q<{ id: number }>(
  `select o.id from registrations r join outbox o on o."to" = r.email where r.session_id = $1 and r.status = 'held' and o.subject like 'Bevestig je aanmelding%'`,
  [sessionId],
);
const holds = await Promise.all(held.map(({ id }) => mailAsSent(drizzle(db as pg.Client) as unknown as Db, id)));
await Promise.all(
  holds.map(async ({ text }, k) => {
    const link = /\/trainingen\/bevestigen\/[\w-]+/.exec(text)?.[0];
    if (link) await withRetry(k % ports.length, (base) => fetch(base + link, { method: 'POST', redirect: 'manual' }));
  }),
);
for (let i = 0; i < ports.length; i++) await ready(i);

// Wait for the outbox to drain through the SMTP server.
const drainDeadline = Date.now() + 25_000;
while (Date.now() < drainDeadline) {
  const [p] = await q<{ n: number }>(`select count(*)::int as n from outbox where status = 'pending'`);
  if ((p?.n ?? 1) === 0) break;
  if (process.env.BENCH_DEBUG) console.log('pending', p?.n, 'received', received.size, ((performance.now() - runStart) / 1000).toFixed(1));
  await new Promise((r) => setTimeout(r, 1000));
}
const seconds = (performance.now() - runStart) / 1000;

const counts = Object.fromEntries(
  (await q<{ status: string; n: number }>(`select status, count(*)::int as n from registrations where session_id = $1 group by status`, [sessionId])).map(
    (r) => [r.status, r.n],
  ),
);
const [dups] = await q<{ n: number }>(
  `select count(*)::int as n from (select email from registrations where session_id = $1 group by email having count(*) > 1) d`,
  [sessionId],
);
const present = new Set(
  (
    await q<{ email: string }>(`select email from registrations where session_id = $1 and status in ('held','confirmed','waitlisted','offered')`, [sessionId])
  ).map((r) => r.email),
);
const lost = [...acknowledged].filter((e) => !present.has(e)).length;
const [pending] = await q<{ n: number }>(`select count(*)::int as n from outbox where status <> 'sent'`);
const [sentRows] = await q<{ n: number }>(`select count(*)::int as n from outbox where status = 'sent'`);
const mailsSentTwice = [...received.values()].filter((n) => n > 1).length;
const unsent = await q<{ status: string; attempts: number; last_error: string | null; n: number }>(
  `select status, attempts, left(coalesce(last_error, ''), 80) as last_error, count(*)::int as n from outbox where status <> 'sent' group by 1, 2, 3`,
);
if (unsent.length) console.log('not sent:', JSON.stringify(unsent));

for (const p of procs) p?.kill('SIGTERM');
await Promise.all(procs.map((p) => (p && p.exitCode === null ? new Promise((r) => p.once('exit', r)) : null)));
await db?.end();
await new Promise<void>((r) => smtp.close(() => r()));
if (dbUrl) {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${new URL(dbUrl).pathname.slice(1)} with (force)`);
  await admin.end();
}

console.log(
  `instances: ${ports.length} on ${dbUrl ? 'PostgreSQL server' : 'embedded PostgreSQL'}; one killed with SIGKILL after ${REQUESTS / 2} requests and restarted`,
);
console.log(`setup ${setupSeconds.toFixed(1)} s; registrations ${((registeredAt - runStart) / 1000).toFixed(1)} s; total ${seconds.toFixed(1)} s`);
console.log(`acknowledged ${acknowledged.size}/${REQUESTS}; connection errors retried ${connectionErrors}; statuses ${JSON.stringify(counts)}`);
console.log(
  `outbox: ${sentRows?.n} sent, ${pending?.n} not sent; SMTP received ${[...received.values()].reduce((a, b) => a + b, 0)} messages for ${received.size} outbox rows`,
);
const result = {
  seats: SEATS,
  requests: REQUESTS,
  confirmed: counts.confirmed ?? 0,
  waitlisted: counts.waitlisted ?? 0,
  duplicates: dups?.n ?? 0,
  lost,
  mailsSentTwice,
  seconds: Math.round(seconds * 10) / 10,
};
const ok =
  result.confirmed === SEATS &&
  result.waitlisted === REQUESTS - SEATS &&
  result.duplicates === 0 &&
  result.lost === 0 &&
  result.mailsSentTwice === 0 &&
  seconds < 30 &&
  (pending?.n ?? 1) === 0;
await recordResults(
  'signup',
  { ...result, instances: ports.length, database: dbUrl ? 'postgres' : 'embedded', acknowledged: acknowledged.size, ok },
  {
    columns: ['seats', 'requests', 'confirmed', 'waitlisted', 'duplicates', 'acknowledged but lost', 'mails sent twice', 'seconds', 'checks'],
    rows: [[SEATS, REQUESTS, result.confirmed, result.waitlisted, result.duplicates, result.lost, result.mailsSentTwice, result.seconds, ok ? 'pass' : 'FAIL']],
  },
);
console.log(JSON.stringify(result));
process.exit(ok ? 0 : 1);
