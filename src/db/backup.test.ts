// npm run backup / npm run restore: a round trip of registrations, users, mails and revisions, taken
// while the site runs and writes; into an empty DATA_DIR, and into an empty external database.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { firstSession, register, startApp, until } from '../../test/app-process.ts';
import { ADMIN_PG_URL } from '../../test/env.ts';
import { backends, tempDataDir } from '../../test/helpers.ts';
import { openEmbedded, openPostgres, rows } from './client.ts';
import { readPassword, readPostmasterPid, SUPERUSER } from './embedded.ts';
import { countRows } from './transfer.ts';

const quiet = { info() {}, warn() {}, error() {} };
const made: string[] = [];
const dataDir = () => {
  const d = tempDataDir('hw-backup-');
  made.push(dirname(d));
  return d;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const script = (name: 'backup' | 'restore', args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', `scripts/${name}.ts`, ...args], {
    encoding: 'utf8',
    env: { ...process.env, BASE_URL: '', ...env },
    timeout: 120_000,
  });

/** Every registration has the confirmation mail it was stored with (one transaction): a consistent copy keeps both or neither. */
const orphans = async (db: Parameters<typeof rows>[0]) =>
  rows(db, sql`select r.email from registrations r where not exists (select 1 from outbox o where o."to" = r.email)`);

describe('backup and restore', () => {
  it('embedded: a backup taken while registrations stream in restores into an empty DATA_DIR with every table, consistent', async () => {
    const source = dataDir();
    const app = startApp(source, { LOG_LEVEL: 'warn' });
    const file = join(dirname(source), 'site.hwbackup.gz');
    let stopWriting = false;
    try {
      const base = await app.ready;
      const session = await firstSession(base);
      // An account and a revision, written straight into the running embedded server.
      const port = readPostmasterPid(join(source, 'postgres'))?.port;
      const direct = new pg.Client({ connectionString: `postgres://${SUPERUSER}:${encodeURIComponent(readPassword(source))}@127.0.0.1:${port}/postgres` });
      await direct.connect();
      const user = await direct.query(
        `insert into users (email, name, role, password_hash) values ('redacteur@example.org', 'Rita Redacteur', 'redacteur', 'x') returning id`,
      );
      await direct.query(`insert into revisions (kind, ref, author_id, data) values ('theme', 1, $1, '{"summary":"Een eerdere versie"}')`, [user.rows[0].id]);
      await direct.end();
      for (let i = 0; i < 5; i++) expect((await register(base, session, `voor${i}@example.org`)).status).toBe(200);
      // Registrations keep coming while the backup runs.
      let n = 0;
      const writing = (async () => {
        while (!stopWriting) await register(base, session, `tijdens${n++}@example.org`).catch(() => {});
      })();
      await until('some registrations during the backup', () => n > 3);
      const made = script('backup', [file], { DATA_DIR: source });
      stopWriting = true;
      await writing;
      expect(made.stderr).toBe('');
      expect(made.status).toBe(0);
      expect(made.stdout).toMatch(/Back-up geschreven: .*site\.hwbackup\.gz \(\d+ tabellen, \d+ rijen/);
    } finally {
      stopWriting = true;
      await app.stop();
    }

    const target = dataDir();
    const restored = script('restore', [file], { DATA_DIR: target });
    expect(restored.stderr).toBe('');
    expect(restored.stdout).toContain('Teruggezet');
    // Not over existing data.
    const again = script('restore', [file], { DATA_DIR: target });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('is not empty');

    const [from, to] = [await openEmbedded(source, { log: quiet }), await openEmbedded(target, { log: quiet })];
    try {
      expect(await orphans(to.db)).toEqual([]);
      const emails = (await rows<{ email: string }>(to.db, sql`select email from registrations`)).map((r) => r.email);
      for (let i = 0; i < 5; i++) expect(emails).toContain(`voor${i}@example.org`);
      // What did not change during the backup is the same row for row.
      for (const table of ['users', 'revisions', 'themes', 'trainings', 'sources']) {
        const q = sql.raw(`select * from ${table} order by id`);
        expect(await rows(to.db, q), table).toEqual(await rows(from.db, q));
      }
      expect(await rows(to.db, sql`select name from users where email = 'redacteur@example.org'`)).toEqual([{ name: 'Rita Redacteur' }]);
      const counts = await countRows((text) => to.db.execute(sql.raw(text)) as never);
      expect(counts.outbox).toBeGreaterThanOrEqual(5);
      expect(await rows(to.db, sql`select data from revisions where author_id is not null`)).toEqual([{ data: { summary: 'Een eerdere versie' } }]);
    } finally {
      await from.close();
      await to.close();
    }
  }, 240_000);

  it.runIf(backends().includes('postgres'))(
    'external server: a backup of an embedded database restores into an empty database on another PostgreSQL version, and back',
    async () => {
      const source = dataDir();
      const from = await openEmbedded(source, { log: quiet });
      await from.migrate();
      await from.db.execute(sql`insert into users (email, name, role, password_hash) values ('beheer@example.org', 'Bea Beheer', 'beheerder', 'x')`);
      const file = join(dirname(source), 'ext.hwbackup.gz');
      const name = `hw_restore_${randomBytes(5).toString('hex')}`;
      const admin = new pg.Client({ connectionString: ADMIN_PG_URL });
      await admin.connect();
      await admin.query(`create database ${name}`);
      const extUrl = new URL(ADMIN_PG_URL);
      extUrl.pathname = `/${name}`;
      try {
        await from.close();
        // The app is not running: the backup starts the embedded server itself.
        expect(script('backup', [file], { DATA_DIR: source }).status).toBe(0);
        const r = script('restore', [file], { DATABASE_URL: extUrl.toString() });
        expect(r.stderr).toBe('');
        expect(r.stdout).toContain('Teruggezet');
        const ext = await openPostgres(extUrl.toString(), 2);
        try {
          expect(await rows(ext.db, sql`select name from users`)).toEqual([{ name: 'Bea Beheer' }]);
          // The external database, backed up in turn, into an empty DATA_DIR.
          const back = join(dirname(source), 'back.hwbackup.gz');
          expect(script('backup', [back], { DATABASE_URL: extUrl.toString() }).status).toBe(0);
          const target = dataDir();
          expect(script('restore', [back], { DATA_DIR: target }).status).toBe(0);
          const round = await openEmbedded(target, { log: quiet });
          expect(await rows(round.db, sql`select name from users`)).toEqual([{ name: 'Bea Beheer' }]);
          await round.close();
        } finally {
          await ext.close();
        }
        // Into a database that is not empty: refused.
        const refused = script('restore', [file], { DATABASE_URL: extUrl.toString() });
        expect(refused.status).toBe(1);
        expect(refused.stderr).toContain('not empty');
      } finally {
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    },
    240_000,
  );
});
