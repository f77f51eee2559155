// npm run bench:scale — the same mixed read/write workload against one app instance and against
// two (each its own process, connections spread round-robin over both), on a fresh database on the
// PostgreSQL server. Per request sequence: 7 public pages, 2 searches with varied queries and 1
// training registration (distinct e-mail and client address, spread over 12 sessions; one in ten
// into a small session, so the waiting list is used). The two configurations take turns, each
// SECONDS in two halves, so passing load from other work on the machine hits both alike.
// After the runs: seats, duplicates, acknowledged registrations, mails. Prints both side by side
// with the CPU each component used; exits 1 when a check fails or two instances were not faster.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type AddressInfo, createServer } from 'node:net';
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Db } from '../src/db/client.ts';
import { mailAsSent } from '../src/mail/outbox.ts';
import { machineCpu, postgresCpuSeconds, procCpuSeconds } from './cpu.ts';
import { recordResults } from './report.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 2;
const CONNECTIONS = 40; // a multiple of 2, so both instances get as many connections
const BIG_SEATS = 10_000; // the most a session may have
const SMALL_SEATS = 5;
// Registrations for one session queue on its row lock, on every instance alike.
const BIG_SESSIONS = Number(process.env.BENCH_SESSIONS ?? 12);
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const PAGES = [
  '/',
  '/themas',
  '/themas/hechting',
  '/themas/kindermishandeling',
  '/signalenlijst',
  '/meldcode',
  '/netwerk',
  '/trainingen', // not cached (seat counts at most a second old)
];
const WORDS = [
  'hechting',
  'signalen',
  'meldcode',
  'kraamzorg',
  'veilig',
  'thuis',
  'kansrijke',
  'start',
  'scheiding',
  'ouders',
  'baby',
  'school',
  'wijkteam',
  'training',
  'gedrag',
  'zorgen',
  'jeugd',
  'observeren',
  'kinderopvang',
  'verloskundige',
];

// ---------------------------------------------------------------------------------------------
// Processes and the database are always cleaned up, however the benchmark ends.
const children = new Set<ChildProcess>();
let dbName: string | null = null;
async function dropDatabase() {
  if (!dbName) return;
  const name = dbName;
  dbName = null;
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
  } catch (err) {
    console.error(`could not drop database ${name}: ${(err as Error).message}`);
  } finally {
    await admin.end().catch(() => {});
  }
}
async function stopAll() {
  await Promise.all(
    [...children].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          const force = setTimeout(() => c.kill('SIGKILL'), 8000);
          c.once('exit', () => {
            clearTimeout(force);
            resolve();
          });
          c.kill('SIGTERM');
        }),
    ),
  );
}
process.once('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    void stopAll()
      .then(dropDatabase)
      .finally(() => process.exit(130));
  });

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

function startInstance(port: number, databaseUrl: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      BASE_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'warn',
      // Registrations come from many client addresses (X-Forwarded-For), as behind a proxy.
      TRUST_PROXY: 'true',
      REGISTRATION_LIMIT: '1000',
      SMTP_URL: '',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function ready(port: number, child: ChildProcess) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`instance on port ${port} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`instance on port ${port} did not become ready`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// ---------------------------------------------------------------------------------------------
// CPU time per component: the app instances, PostgreSQL, this load generator.
function cpuSnapshot(pids: number[]) {
  const self = process.cpuUsage();
  return { apps: pids.map(procCpuSeconds), postgres: postgresCpuSeconds(), generator: (self.user + self.system) / 1e6, machine: machineCpu() };
}

// ---------------------------------------------------------------------------------------------
interface Ack {
  email: string;
  sessionId: number;
  /** The form answers the same whatever happened (a seat, none yet, the waiting list): the mail says which. */
  kind: 'received';
}

async function seedRound(db: pg.Client, round: string) {
  const slug = `schaal-${round}`;
  const { rows } = await db.query<{ id: number }>(
    `insert into trainings (slug, title, summary, duration_hours) values ($1, $2, 'Een training voor de schaalbenchmark.', 2) returning id`,
    [slug, `Schaaltraining ${round}`],
  );
  const sessions: number[] = [];
  for (const capacity of [...Array.from({ length: BIG_SESSIONS }, () => BIG_SEATS), SMALL_SEATS]) {
    const s = await db.query<{ id: number }>(
      `insert into training_sessions (training_id, starts_at, ends_at, location, capacity, registration_opens_at, registration_closes_at, cancel_until)
       values ($1, now() + interval '30 days', now() + interval '30 days 3 hours', 'Zaal', $2, now() - interval '1 day', now() + interval '29 days', now() + interval '28 days') returning id`,
      [rows[0]?.id, capacity],
    );
    sessions.push(s.rows[0]?.id as number);
  }
  return { slug, big: sessions.slice(0, BIG_SESSIONS), small: sessions[BIG_SESSIONS] as number };
}

// autocannon takes several URLs and spreads its connections over them in turn; its types say one.
const targets = (urls: string[]) => urls as unknown as string;

async function warmUp(urls: string[]) {
  await autocannon({
    url: targets(urls),
    connections: CONNECTIONS,
    duration: WARMUP_SECONDS,
    requests: [...PAGES, '/zoeken?q=hechting'].map((path) => ({ method: 'GET' as const, path })),
  });
}

/** The request sequence of one configuration; counters and acknowledgements carry over between its parts. */
function makeWorkload(round: string, seed: Awaited<ReturnType<typeof seedRound>>) {
  const acks: Ack[] = [];
  const kinds: Record<string, number> = {};
  const count = (k: string) => {
    kinds[k] = (kinds[k] ?? 0) + 1;
  };
  // Per kind of request, how long each took: from building the request to its response (no
  // pipelining, so that is its latency plus a little of the generator's own time).
  const times: Record<string, number[]> = {};
  type Setup = (req: autocannon.Request, ctx: object) => autocannon.Request;
  type OnResponse = (status: number, body: string, ctx: object, headers?: unknown) => void;
  const timed = (kind: string, r: autocannon.Request): autocannon.Request => {
    const setup = r.setupRequest as Setup | undefined;
    const done = r.onResponse as OnResponse | undefined;
    times[kind] ??= [];
    const list = times[kind];
    return {
      ...r,
      setupRequest: (req, ctx) => {
        (ctx as Record<string, unknown>).t0 = performance.now();
        return setup ? setup(req, ctx) : req;
      },
      onResponse: (status, body, ctx, headers) => {
        list.push(performance.now() - ((ctx as Record<string, unknown>).t0 as number));
        done?.(status, body, ctx, headers);
      },
    };
  };
  let n = 0;
  let q = 0;
  const requests: autocannon.Request[] = [];
  for (let i = 0; i < 10; i++) {
    if (i === 3 || i === 7) {
      requests.push(
        timed('search', {
          method: 'GET',
          path: '/zoeken',
          setupRequest: (req) => {
            const k = q++;
            // Mostly word pairs that recur (a real site sees the same searches again), some unique.
            const words = [WORDS[k % WORDS.length], WORDS[(k * 7 + 3) % WORDS.length]];
            if (k % 4 === 0) words.push(`${WORDS[(k >> 2) % WORDS.length]}${k}`);
            return { ...req, path: `/zoeken?q=${encodeURIComponent(words.join(' '))}` };
          },
          onResponse: (status) => count(`search ${status}`),
        }),
      );
    } else if (i === 9) {
      requests.push(
        timed('registration', {
          method: 'POST',
          path: '/',
          setupRequest: (req, ctx) => {
            const context = ctx as Record<string, unknown>;
            const k = n++;
            const sessionId = k % 10 === 9 ? seed.small : (seed.big[k % BIG_SESSIONS] as number);
            const email = `schaal-${round}-${k}@example.org`;
            context.email = email;
            context.sessionId = sessionId;
            return {
              ...req,
              path: `/trainingen/${seed.slug}/${sessionId}/aanmelden`,
              headers: {
                'content-type': 'application/x-www-form-urlencoded',
                'x-forwarded-for': `10.${round === 'een' ? 1 : 2}.${(k >> 8) & 255}.${k & 255}`,
              },
              body: new URLSearchParams({
                name: `Deelnemer ${k}`,
                email,
                organisation: 'GGD Voorbeeld',
                role: 'Jeugdverpleegkundige',
                consent: 'ja',
              }).toString(),
            };
          },
          onResponse: (status, body, ctx) => {
            const context = ctx as Record<string, unknown>;
            count(`register ${status}`);
            if (status !== 200) return;
            if (body.includes('Kijk in je mail')) acks.push({ email: context.email as string, sessionId: context.sessionId as number, kind: 'received' });
          },
        }),
      );
    } else {
      const path = PAGES[(i * 3) % PAGES.length] as string;
      requests.push(timed(path === '/trainingen' ? '/trainingen' : 'cached page', { method: 'GET', path, onResponse: (status) => count(`page ${status}`) }));
    }
  }
  return { requests, acks, kinds, times };
}

function percentile(xs: number[], p: number): number {
  if (!xs.length) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);
}

type Workload = ReturnType<typeof makeWorkload>;

/** One measured stretch of load: autocannon's result and the CPU seconds each component used meanwhile. */
async function measure(urls: string[], workload: Workload, seconds: number, pids: number[]) {
  const before = cpuSnapshot(pids);
  const result = await autocannon({ url: targets(urls), connections: CONNECTIONS, duration: seconds, timeout: 10, requests: workload.requests });
  const after = cpuSnapshot(pids);
  return {
    result,
    cpu: {
      apps: after.apps.map((v, i) => v - (before.apps[i] ?? 0)),
      postgres: after.postgres - before.postgres,
      generator: after.generator - before.generator,
      machine: after.machine.busy - before.machine.busy,
    },
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Confirms held seats through the link in their mail, as a participant would: the small session's, and some of the rest. */
async function confirmSome(db: pg.Client, base: string[], seed: Awaited<ReturnType<typeof seedRound>>) {
  // The stored mail holds placeholders; mailAsSent makes its links as the sender does.
  const { rows: stored } = await db.query<{ email: string; id: number; session_id: number }>(
    `select r.email, o.id, r.session_id from registrations r join outbox o on o."to" = r.email
      where r.session_id = any($1) and r.status = 'held' and o.subject like 'Bevestig je aanmelding%'
      order by (r.session_id = $2) desc, r.id limit 200`,
    [[...seed.big, seed.small], seed.small],
  );
  const rows = await Promise.all(stored.map(async (r) => ({ ...r, text: (await mailAsSent(drizzle(db) as unknown as Db, r.id)).text })));
  const confirmed = new Set<string>();
  // Every answered click sends a mail: a confirmation, or (no seat free any more) the waiting list.
  const answered = new Set<string>();
  await Promise.all(
    rows.map(async ({ email, text }, k) => {
      const link = /\/trainingen\/bevestigen\/[\w-]+/.exec(text)?.[0];
      if (!link) return;
      const res = await fetch(base[k % base.length] + link, { method: 'POST', redirect: 'manual' });
      if (res.status !== 200) return;
      answered.add(email);
      if ((await res.text()).includes('Je aanmelding is bevestigd')) confirmed.add(email);
    }),
  );
  return Object.assign(confirmed, { answered });
}

async function check(
  db: pg.Client,
  round: string,
  seed: Awaited<ReturnType<typeof seedRound>>,
  acks: Ack[],
  confirmed: Set<string> & { answered: Set<string> },
) {
  const sessions = [...seed.big, seed.small];
  const regs = (
    await db.query<{ email: string; session_id: number; status: string }>(`select email, session_id, status from registrations where session_id = any($1)`, [
      sessions,
    ])
  ).rows;
  const seats = (
    await db.query<{ id: number; capacity: number; taken: number }>(
      `select s.id, s.capacity, count(r.id) filter (where r.status in ('confirmed', 'offered') or (r.status = 'held' and r.hold_expires_at > now()))::int as taken
         from training_sessions s left join registrations r on r.session_id = s.id where s.id = any($1) group by s.id`,
      [sessions],
    )
  ).rows;
  const mails = (
    await db.query<{ to: string; subject: string; n: number }>(
      `select o."to", o.subject, count(*)::int as n from outbox o where o."to" like $1 group by 1, 2`,
      [`schaal-${round}-%`],
    )
  ).rows;
  const byEmail = new Map(regs.map((r) => [r.email, r]));
  const small = seats.find((s) => s.id === seed.small);
  const mailCount = new Map<string, number>();
  for (const m of mails) mailCount.set(m.to, (mailCount.get(m.to) ?? 0) + m.n);
  const expectedMails = (email: string) => 1 + (confirmed.answered.has(email) ? 1 : 0);
  return {
    registrations: regs.length,
    acknowledged: acks.length,
    overbooked: seats.filter((s) => s.taken > s.capacity).length,
    smallSession: `${small?.taken ?? 0}/${small?.capacity ?? SMALL_SEATS} seats, ${regs.filter((r) => r.session_id === seed.small && r.status === 'waitlisted').length} waiting`,
    confirmedThroughLink: confirmed.size,
    confirmedStored: regs.filter((r) => r.status === 'confirmed').length,
    duplicates: regs.length - new Set(regs.map((r) => r.email)).size,
    lost: acks.filter((a) => byEmail.get(a.email)?.session_id !== a.sessionId).length,
    wrongStatus: acks.filter((a) => !['held', 'confirmed', 'waitlisted', 'offered'].includes(byEmail.get(a.email)?.status ?? '')).length,
    mailsMissing: regs.filter((r) => (mailCount.get(r.email) ?? 0) < expectedMails(r.email)).length,
    mailsTwice: mails.filter((m) => m.n > 1).length + regs.filter((r) => (mailCount.get(r.email) ?? 0) > expectedMails(r.email)).length,
  };
}

type Check = Awaited<ReturnType<typeof check>>;

interface Figures {
  instances: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  kinds: Record<string, number>;
  /** p50 / p99 in ms per kind of request. */
  perKind: Record<string, string>;
  cpuCores: { apps: number[]; postgres: number; generator: number; machine: number; other: number };
  checks: Check;
}
const checkOk = (c: Check) =>
  c.overbooked === 0 &&
  c.duplicates === 0 &&
  c.lost === 0 &&
  c.wrongStatus === 0 &&
  c.mailsMissing === 0 &&
  c.mailsTwice === 0 &&
  c.confirmedStored === c.confirmedThroughLink;

// ---------------------------------------------------------------------------------------------
let exitCode = 1;
let db: pg.Client | undefined;
try {
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`bench:scale needs the PostgreSQL server (${ADMIN_URL}): ${(err as Error).message}`);
  }
  dbName = `hw_scale_${randomBytes(5).toString('hex')}`;
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  const dbUrl = url.toString();

  const ports = [await freePort(), await freePort()];
  const setupStart = performance.now();
  // Both start now (the second waits on the migration lock); the second idles through the first run.
  const procs = ports.map((p) => startInstance(p, dbUrl));
  await Promise.all(ports.map((p, i) => ready(p, procs[i] as ChildProcess)));
  db = new pg.Client({ connectionString: dbUrl });
  db.on('error', () => {});
  await db.connect();
  const bases = ports.map((p) => `http://127.0.0.1:${p}`);
  const pids = procs.map((p) => p.pid as number);
  console.log(`setup ${((performance.now() - setupStart) / 1000).toFixed(1)} s; database ${dbName}; instances on ${ports.join(', ')}`);

  const configs = [
    { name: 'een', instances: 1, urls: [bases[0] as string] },
    { name: 'twee', instances: 2, urls: bases },
  ];
  const prepared = [];
  for (const c of configs) {
    const seed = await seedRound(db, c.name);
    prepared.push({ ...c, seed, workload: makeWorkload(c.name, seed), parts: [] as Awaited<ReturnType<typeof measure>>[] });
  }
  for (const c of prepared) await warmUp(c.urls);
  // Other work on a shared machine comes and goes: the two configurations take turns, in halves.
  for (let half = 0; half < 2; half++) for (const c of prepared) c.parts.push(await measure(c.urls, c.workload, SECONDS / 2, pids.slice(0, c.instances)));

  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const out: Figures[] = [];
  for (const c of prepared) {
    const confirmed = await confirmSome(db, c.urls, c.seed);
    const checks = await check(db, c.name, c.seed, c.workload.acks, confirmed);
    const results = c.parts.map((p) => p.result);
    const cpu = (f: (p: (typeof c.parts)[0]) => number) => round1(sum(c.parts.map(f)) / SECONDS);
    const apps = Array.from({ length: c.instances }, (_, i) => cpu((p) => p.cpu.apps[i] ?? 0));
    const postgres = cpu((p) => p.cpu.postgres);
    const generator = cpu((p) => p.cpu.generator);
    const machine = cpu((p) => p.cpu.machine);
    const requests = sum(results.map((r) => r.requests.total));
    out.push({
      instances: c.instances,
      requestsPerSecond: Math.round(requests / SECONDS),
      // Percentiles of two halves cannot be merged exactly: the worse half is shown.
      p50Ms: Math.max(...results.map((r) => r.latency.p50)),
      p99Ms: Math.max(...results.map((r) => r.latency.p99)),
      requests,
      errors: sum(results.map((r) => r.errors)),
      timeouts: sum(results.map((r) => r.timeouts)),
      non2xx: sum(results.map((r) => r.non2xx)),
      kinds: c.workload.kinds,
      perKind: Object.fromEntries(Object.entries(c.workload.times).map(([k, xs]) => [k, `${percentile(xs, 50)} / ${percentile(xs, 99)}`])),
      cpuCores: { apps, postgres, generator, machine, other: round1(Math.max(0, machine - sum(apps) - postgres - generator)) },
      checks,
    });
    console.log(`${c.instances} instance(s): ${Math.round(requests / SECONDS)} req/s, ${JSON.stringify(c.workload.kinds)}`);
  }

  const [one, two] = out as [Figures, Figures];
  const ratio = Math.round((two.requestsPerSecond / one.requestsPerSecond) * 100) / 100;
  const correct = out.every((o) => checkOk(o.checks) && o.errors === 0 && o.timeouts === 0 && o.non2xx === 0);
  const higher = two.requestsPerSecond > one.requestsPerSecond;
  const rows: [string, (o: Figures) => string | number][] = [
    ['requests/s', (o) => o.requestsPerSecond],
    ['p50 / p99 ms', (o) => `${o.p50Ms} / ${o.p99Ms}`],
    ...['cached page', '/trainingen', 'search', 'registration'].map((k): [string, (o: Figures) => string] => [
      `  ${k}: p50 / p99 ms`,
      (o) => o.perKind[k] ?? '–',
    ]),
    [`requests in ${SECONDS} s`, (o) => o.requests],
    ['errors / timeouts / non-2xx', (o) => `${o.errors} / ${o.timeouts} / ${o.non2xx}`],
    ['registrations acknowledged / stored', (o) => `${o.checks.acknowledged} / ${o.checks.registrations}`],
    ['small session (5 seats)', (o) => o.checks.smallSession],
    ['confirmed through link / stored', (o) => `${o.checks.confirmedThroughLink} / ${o.checks.confirmedStored}`],
    ['overbooked sessions, duplicates, lost', (o) => `${o.checks.overbooked}, ${o.checks.duplicates}, ${o.checks.lost + o.checks.wrongStatus}`],
    ['mails missing / sent twice', (o) => `${o.checks.mailsMissing} / ${o.checks.mailsTwice}`],
    ['CPU cores: app(s)', (o) => o.cpuCores.apps.join(' + ')],
    ['CPU cores: PostgreSQL / load generator', (o) => `${o.cpuCores.postgres} / ${o.cpuCores.generator}`],
    ['CPU cores: other processes / whole machine', (o) => `${o.cpuCores.other} / ${o.cpuCores.machine}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${''.padEnd(width)}  one instance       two instances`);
  for (const [k, f] of rows) console.log(`${k.padEnd(width)}  ${String(f(one)).padEnd(18)} ${f(two)}`);
  console.log(`\ntwo/one: ${ratio}; correctness ${correct ? 'ok' : 'FAILED'}`);
  const busyElsewhere = Math.max(one.cpuCores.other, two.cpuCores.other);
  if (!higher)
    console.log(
      busyElsewhere >= 0.3
        ? `Two instances were not faster, but other processes used up to ${busyElsewhere} of the ${cpus().length} cores meanwhile: the comparison is not fair. Run again on an idle machine.`
        : 'Two instances were not faster. See the CPU rows: the instances, PostgreSQL and the load generator share the same cores.',
    );
  const figures = {
    seconds: SECONDS,
    connections: CONNECTIONS,
    mix: '70 % pages, 20 % search, 10 % registrations',
    one,
    two,
    ratio,
    correct,
  };
  await recordResults('scale', figures, {
    columns: ['', 'one instance', 'two instances'],
    rows: [...rows.map(([k, f]) => [k, f(one), f(two)]), ['two / one', '', ratio]],
  });
  console.log(JSON.stringify({ oneRps: one.requestsPerSecond, twoRps: two.requestsPerSecond, ratio, oneP99Ms: one.p99Ms, twoP99Ms: two.p99Ms, correct }));
  exitCode = correct && higher ? 0 : 1;
} catch (err) {
  console.error(err);
} finally {
  await db?.end().catch(() => {});
  await stopAll();
  await dropDatabase();
}
process.exit(exitCode);
