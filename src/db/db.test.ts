import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends, createTestDatabase, type TestDatabase, tableCounts } from '../../test/helpers.ts';
import { readContent } from '../content/loader.ts';
import { countAll } from '../http/rate-limit.ts';
import { hasContent } from '../themes/queries.ts';
import { importContent } from '../themes/service.ts';
import { PREPARE_AFTER, prepareStatements, rows } from './client.ts';

const bundle = readContent('content');
const journal = JSON.parse(readFileSync('src/db/migrations/meta/_journal.json', 'utf8')) as { entries: unknown[] };

describe.each(backends())('database on %s', (kind: Backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(() => t.dispose());

  it('migrates an empty database, and migrating again changes nothing', async () => {
    await t.database.migrate();
    const before = await rows<{ n: number }>(t.database.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    await t.database.migrate();
    const after = await rows<{ n: number }>(t.database.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    expect(after[0]?.n).toBe(before[0]?.n);
    expect(before[0]?.n).toBeGreaterThan(0);
  });

  it('loads content in one transaction: a failure leaves nothing behind', async () => {
    const broken = structuredClone(bundle);
    // A related slug that does not exist violates a NOT NULL in the middle of the import.
    (broken.themes[broken.themes.length - 1] as { related: string[] }).related = ['bestaat-niet'];
    await expect(importContent(t.database.db, broken)).rejects.toThrow();
    const counts = await tableCounts(t.database);
    expect(counts.themes).toBe(0);
    expect(counts.sources).toBe(0);
    expect(counts.search_documents).toBe(0);
    expect(await hasContent(t.database.db)).toBe(false);
  });

  it('loads content, merging duplicate sources into one row', async () => {
    const loaded = await importContent(t.database.db, bundle);
    expect(loaded.themes).toBe(bundle.themes.length);
    const counts = await tableCounts(t.database);
    const distinct = new Set(bundle.themes.flatMap((th) => th.sources.map((s) => s.url))).size;
    expect(counts.sources).toBe(distinct);
    expect(counts.themes).toBe(bundle.themes.length);
    expect(counts.search_documents).toBe(bundle.themes.length + distinct);
  });

  it('the database enforces what must never break', async () => {
    await expect(t.database.db.execute(sql`insert into users (email, name, role) values ('A@B.NL', 'x', 'beheerder')`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`insert into users (email, name, role) values ('a@b.nl', 'x', 'koning')`)).rejects.toThrow();
    await expect(
      t.database.db.execute(sql`insert into themes (slug, title, summary, body_md, reviewed) values ('Fout Slug', 't', 's', 'b', '2026-01-01')`),
    ).rejects.toThrow();
    await expect(
      t.database.db.execute(sql`insert into themes (slug, title, summary, body_md, reviewed) values ('hechting', 't', 's', 'b', '2026-01-01')`),
    ).rejects.toThrow();
  });

  it('uses the Dutch text search configuration', async () => {
    const [r] = await rows<{ v: string }>(t.database.db, sql`select to_tsvector('dutch', 'scheidingen gehechte kinderen')::text as v`);
    expect(r?.v).toContain("'scheiding'");
    expect(r?.v).toContain("'gehecht'");
  });

  it('keeps a search document with its tsvector in the table row (no TOAST fetch per ranked match)', async () => {
    await t.database.migrate();
    // About 3 KB in all: over the default 2 KB at which PostgreSQL compresses or moves values out of the row.
    const body = Array.from({ length: 120 }, (_, i) => `woord${i}`).join(' ');
    await t.database.db.execute(
      sql`insert into search_documents (kind, ref, title, url, summary, body) values ('thema', 'lang', 'Lang', '/themas/lang', 'Samenvatting', ${body})`,
    );
    try {
      // The tsvector as stored against the same tsvector made anew (never compressed).
      const [r] = await rows<{ options: string[]; stored: number; bytes: number; tsvStored: number; tsvBytes: number }>(
        t.database.db,
        sql`select c.reloptions as options, pg_column_size(d.body) as stored, octet_length(d.body) as bytes,
              pg_column_size(d.tsv) as "tsvStored", pg_column_size(d.tsv::text::tsvector) as "tsvBytes"
            from pg_class c, search_documents d where c.relname = 'search_documents' and d.ref = 'lang'`,
      );
      expect(r?.options).toContain('toast_tuple_target=8160');
      // Stored as it is: PostgreSQL did not have to compress (or move) values to fit the row.
      expect(r?.stored).toBeGreaterThanOrEqual(r?.bytes as number);
      expect(r?.tsvStored).toBe(r?.tsvBytes);
    } finally {
      await t.database.db.execute(sql`delete from search_documents where ref = 'lang'`);
    }
  });

  it('counts several rate limits in one statement, each key once, also when a key is listed twice', async () => {
    await t.database.migrate();
    const now = new Date('2026-11-29T10:00:00Z');
    const limits = [
      { key: 'test:a', limit: 2 },
      { key: 'test:b', limit: 1 },
      { key: 'test:a', limit: 5 },
    ];
    const first = await countAll(t.database.db, limits, 60_000, now);
    expect(first.map((r) => [r.count, r.ok])).toEqual([
      [1, true],
      [1, true],
      [1, true],
    ]);
    const second = await countAll(t.database.db, limits, 60_000, new Date(now.getTime() + 1000));
    expect(second.map((r) => [r.count, r.ok])).toEqual([
      [2, true],
      [2, false],
      [2, true],
    ]);
    // A new window starts from one again.
    const later = await countAll(t.database.db, limits.slice(0, 1), 60_000, new Date(now.getTime() + 61_000));
    expect(later.map((r) => [r.count, r.resetAt.toISOString()])).toEqual([[1, new Date(now.getTime() + 121_000).toISOString()]]);
  });

  it('keeps rate-limit counters in an unlogged table (no log flush per counted request), the rest logged', async () => {
    await t.database.migrate();
    const tables = await rows<{ name: string; persistence: string }>(
      t.database.db,
      sql`select relname as name, relpersistence as persistence from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace`,
    );
    expect(tables.find((r) => r.name === 'rate_limits')?.persistence).toBe('u');
    expect(tables.filter((r) => r.persistence !== 'p').map((r) => r.name)).toEqual(['rate_limits']);
    expect(tables.length).toBeGreaterThan(10);
  });
});

describe.skipIf(!backends().includes('postgres'))('two instances starting at once (PostgreSQL server)', () => {
  it('do not race on migrations', async () => {
    const t = await createTestDatabase('postgres');
    try {
      const others = await Promise.all([t.open(), t.open(), t.open()]);
      await Promise.all([t.database.migrate(), ...others.map((d) => d.migrate())]);
      const [r] = await rows<{ n: number }>(t.database.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      // Each migration recorded once, however many instances ran them.
      expect(r?.n).toBe(journal.entries.length);
    } finally {
      await t.dispose();
    }
  });
});

describe.skipIf(!backends().includes('postgres'))('named prepared statements (PostgreSQL server)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
  });
  afterAll(() => t.dispose());
  const poolOf = (limit?: number) => {
    const pool = new pg.Pool({ connectionString: t.url, max: 1 });
    // A connection ended under the pool (the database dropped with FORCE at the end, say) is not an unhandled error.
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    return { pool, prepared: prepareStatements(pool, limit) };
  };
  const preparedOnConnection = async (client: pg.PoolClient) =>
    (await client.query<{ statement: string }>('select statement from pg_prepared_statements')).rows.map((r) => r.statement);

  it('a statement sent three times is prepared once per connection and reused; one-offs, IN lists and plain ones are not', async () => {
    const { pool, prepared } = poolOf();
    const client = await pool.connect();
    try {
      for (let i = 0; i < 5; i++) expect((await client.query('select $1::int + 1 as n', [i])).rows[0].n).toBe(i + 1);
      for (let i = 0; i < 2; i++) await client.query('select $1::int as twice', [i]);
      for (let i = 0; i < 5; i++) expect((await client.query('select 7 in ($1, $2) as hit', [i, 7])).rows[0].hit).toBe(true);
      await client.query('select 42 as answer');
      const statements = await preparedOnConnection(client);
      expect(statements).toEqual(['select $1::int + 1 as n']);
      expect(prepared.named()).toBe(1);
    } finally {
      client.release();
      await pool.end();
    }
    // The drizzle layer goes through it too: the app's own pool names what it sends often.
    await t.database.db.transaction(async (tx) => {
      for (let i = 0; i < PREPARE_AFTER; i++) await tx.execute(sql`select ${i}::int as seven`);
      const [r] = await rows<{ n: number }>(tx, sql`select count(*)::int as n from pg_prepared_statements where statement = ${'select $1::int as seven'}`);
      expect(r?.n).toBe(1);
    });
  });

  it('past the limit statements run unnamed, and give the same answers', async () => {
    const { pool, prepared } = poolOf(2);
    try {
      for (let round = 0; round < PREPARE_AFTER + 1; round++)
        for (const k of [1, 2, 3, 4]) expect((await pool.query(`select $1::int * ${k} as n`, [5])).rows[0].n).toBe(5 * k);
      expect(prepared.named()).toBe(2);
    } finally {
      await pool.end();
    }
  });

  it('a statement a migration broke fails once, then runs unnamed on the same connection (as inside a transaction)', async () => {
    const { pool, prepared } = poolOf();
    // One connection held throughout: the pool cannot hide a broken statement by reconnecting.
    const client = await pool.connect();
    try {
      await client.query('create table prepared_probe (a integer, b integer)');
      await client.query('insert into prepared_probe values (1, 2)');
      const byText = () => client.query('select * from prepared_probe where a::text = $1', ['1']);
      const byValue = () => client.query('select b from prepared_probe where a = $1', [1]);
      for (let i = 0; i < PREPARE_AFTER; i++) {
        expect((await byText()).rows).toEqual([{ a: 1, b: 2 }]);
        expect((await byValue()).rows).toEqual([{ b: 2 }]);
      }
      expect(prepared.named()).toBe(2);
      // What a newer instance's migration may do while this one runs.
      await client.query('alter table prepared_probe alter column a type text');
      // The result type changed (0A000); the parameter's type no longer fits (42883).
      await expect(byText()).rejects.toMatchObject({ code: '0A000' });
      await expect(byValue()).rejects.toMatchObject({ code: '42883' });
      expect(prepared.named()).toBe(0);
      for (let i = 0; i < 3; i++) {
        expect((await byText()).rows).toEqual([{ a: '1', b: 2 }]);
        expect((await byValue()).rows).toEqual([{ b: 2 }]);
      }
    } finally {
      client.release();
      await pool.end();
    }
  });
});
