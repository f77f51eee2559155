// A DATA_DIR written by the previous version (PGlite, with DATA_DIR as its data directory) is moved
// aside as a backup and copied into the new embedded server at the first start.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, loginAs, tempDataDir } from '../../test/helpers.ts';
import { boot } from '../boot.ts';
import { loadConfig } from '../config.ts';
import { type Database, type Db, openEmbedded, rows } from './client.ts';
import { inspectDataDir } from './embedded.ts';
import { IMPORTING, markImporting, moveAside } from './pglite-migration.ts';
import * as schema from './schema.ts';
import { countRows } from './transfer.ts';

const config = loadConfig({ BASE_URL: 'http://localhost:3000', REGISTRATION_LIMIT: '1000' });
const silent = pino({ level: 'silent' });

/**
 * What the previous version wrote: the app booted on PGlite with DATA_DIR as PGlite's data
 * directory (as its openPglite did, minus the worker thread that only carried the messages), a
 * registration with its mail, an account, a theme edited (a revision).
 */
async function writeOldVersion(dir: string): Promise<Record<string, number>> {
  // pg_trgm: migration 0016 creates it (PGlite ships it as a contrib extension).
  const lite = await PGlite.create({ dataDir: dir, extensions: { pg_trgm } });
  const db = drizzle({ client: lite, schema }) as unknown as Db;
  const database: Database = {
    kind: 'embedded',
    db,
    async migrate(afterwards) {
      await migrate(db as never, { migrationsFolder: 'src/db/migrations' });
      await afterwards?.();
    },
    async ping() {
      await lite.query('select 1');
    },
    async close() {
      await lite.close();
    },
  };
  const { app } = await boot({ config, database, log: silent });
  const html = await (await app.request('/trainingen')).text();
  const session = /href="(\/trainingen\/[a-z-]+\/\d+)"/.exec(html)?.[1] as string;
  const visitor = new Browser(app);
  const res = await visitor.post(`${session}/aanmelden`, {
    name: 'Oude Gegevens',
    email: 'oud@example.org',
    organisation: 'GGD',
    role: 'Jeugdarts',
    consent: 'ja',
  });
  expect(await res.text()).toContain('Kijk in je mail');
  // An account (logged in: a session), and a theme edit with its revision.
  await loginAs(app, database, 'beheerder');
  const [me] = await db.select().from(schema.users);
  const [theme] = await db.update(schema.themes).set({ summary: 'Samenvatting uit de vorige versie.' }).where(eq(schema.themes.slug, 'hechting')).returning();
  await db.insert(schema.revisions).values({ kind: 'theme', ref: theme?.id as number, authorId: me?.id, data: { summary: theme?.summary } });
  const counts = await countRows(async (text, params) => ({ rows: (await lite.query<Record<string, unknown>>(text, params)).rows }));
  await lite.close();
  return counts;
}

const fingerprint = (dir: string): string[] => {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${p.slice(dir.length)} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
    }
  };
  walk(dir);
  return out.sort();
};

describe('PGlite data of the previous version', () => {
  let original: string;
  let counts: Record<string, number>;
  beforeAll(async () => {
    original = tempDataDir('hw-pglite-old-');
    counts = await writeOldVersion(original);
  }, 240_000);
  afterAll(() => rmSync(dirname(original), { recursive: true, force: true }));

  it('is moved aside unchanged as a backup and copied into the new server, with a log line; the app runs on it', async () => {
    const dir = tempDataDir('hw-pglite-new-');
    try {
      cpSync(original, dir, { recursive: true });
      const before = fingerprint(original);
      expect(inspectDataDir(dir).kind).toBe('pglite');
      const lines: string[] = [];
      const log = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
      const database = await openEmbedded(dir, { log });
      try {
        const backup = readdirSync(dir).find((e) => e.startsWith('pglite-backup-')) as string;
        expect(readdirSync(dir).sort()).toEqual(['password', backup, 'postgres'].sort());
        expect(fingerprint(join(dir, backup))).toEqual(before);
        expect(lines.join('\n')).toMatch(/holds the PGlite data of the previous version/);
        expect(lines.join('\n')).toMatch(/copied the PGlite data into the new server: \d+ tables, \d+ rows/);
        // Every row of every table.
        const now = await countRows((text) => database.db.execute(sql.raw(text)) as never);
        expect(now).toEqual(counts);
        expect(counts.registrations).toBeGreaterThan(0);
        expect(await rows(database.db, sql`select email, name from registrations`)).toEqual([{ email: 'oud@example.org', name: 'Oude Gegevens' }]);
        expect((await rows<{ n: number }>(database.db, sql`select count(*)::int as n from outbox where "to" = 'oud@example.org'`))[0]?.n).toBeGreaterThan(0);
        expect(await rows(database.db, sql`select summary from themes where slug = 'hechting'`)).toEqual([{ summary: 'Samenvatting uit de vorige versie.' }]);
        expect(counts.revisions).toBeGreaterThan(0);
        // Sequences go on after the copied rows.
        const [next] = await rows<{ id: number; max: number }>(
          database.db,
          sql`select nextval(pg_get_serial_sequence('registrations', 'id'))::int as id, (select max(id) from registrations)::int as max`,
        );
        expect(next?.id).toBeGreaterThan(next?.max as number);
        // The app boots on it (the rest of the migrations, content already there) and knows the registration.
        const { app } = await boot({ config, database, log: silent });
        const html = await (await app.request('/trainingen')).text();
        const session = /href="(\/trainingen\/[a-z-]+\/\d+)"/.exec(html)?.[1] as string;
        const again = await new Browser(app).post(`${session}/aanmelden`, {
          name: 'Opnieuw',
          email: 'oud@example.org',
          organisation: 'GGD',
          role: 'Jeugdarts',
          consent: 'ja',
        });
        // The form gives one answer whatever the address's state (main, e3aafe8): that the app knew the
        // copied registration shows in the database, where registering again made no second one.
        expect(again.status).toBe(200);
        expect(await again.text()).toContain('Kijk in je mail');
        expect(await rows(database.db, sql`select email, name from registrations`)).toEqual([{ email: 'oud@example.org', name: 'Oude Gegevens' }]);
      } finally {
        await database.close();
      }
      // The next start is an ordinary one.
      expect(inspectDataDir(dir).kind).toBe('cluster');
    } finally {
      rmSync(dirname(dir), { recursive: true, force: true });
    }
  }, 240_000);

  it('a copy interrupted by a crash is redone at the next start', async () => {
    const dir = tempDataDir('hw-pglite-crash-');
    try {
      cpSync(original, dir, { recursive: true });
      // As if the app died half-way: marker set, files moved, a half-made cluster beside them.
      markImporting(dir);
      moveAside(dir, () => {});
      mkdirSync(join(dir, 'postgres', 'base'), { recursive: true });
      expect(inspectDataDir(dir).kind).toBe('import-pending');
      const database = await openEmbedded(dir, { log: { info() {}, warn() {}, error() {} } });
      try {
        expect(existsSync(join(dir, IMPORTING))).toBe(false);
        expect(await rows(database.db, sql`select email from registrations`)).toEqual([{ email: 'oud@example.org' }]);
      } finally {
        await database.close();
      }
      expect(statSync(join(dir, 'postgres', 'PG_VERSION')).isFile()).toBe(true);
    } finally {
      rmSync(dirname(dir), { recursive: true, force: true });
    }
  }, 240_000);
});
