import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../src/app.tsx';
import { openPglite, rows } from '../src/db/client.ts';
import { type PgliteThread, startPgliteThread, ThreadDatabaseError } from '../src/db/pglite-thread.ts';

// PGlite in its own thread (src/db/pglite-thread.ts): the behaviour the app relies on, across the thread.
describe('PGlite in its own thread', () => {
  let db: PgliteThread;
  beforeAll(async () => {
    db = await startPgliteThread(undefined);
    await db.exec('create table t (id int primary key, at timestamptz, n int)');
  });
  afterAll(() => db.close());

  it('answers queries in the order sent, as objects or arrays, with PostgreSQL types', async () => {
    const sent = Array.from({ length: 50 }, (_, i) => db.query<{ i: number }>('select $1::int as i', [i]));
    expect((await Promise.all(sent)).map((r) => r.rows[0]?.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const r = await db.query('select 1::int as a, true as b, $1::jsonb as j', ['{"x":[1]}'], { rowMode: 'array' });
    expect(r.rows).toEqual([[1, true, { x: [1] }]]);
    expect(r.fields.map((f) => f.name)).toEqual(['a', 'b', 'j']);
  });

  it('returns dates and times as text, as Drizzle asks, and refuses parsers that cannot cross', async () => {
    const r = await db.query<{ d: unknown }>("select '2026-11-29 10:00:00+00'::timestamptz as d");
    expect(typeof r.rows[0]?.d).toBe('string');
    await expect(db.query('select 1', [], { parsers: { 23: (v: string) => Number(v) * 2 } })).rejects.toThrow(/cannot cross/);
  });

  it('a parameter that cannot cross to the thread fails that query alone', async () => {
    await expect(db.query('select $1::text as x', [() => 1])).rejects.toThrow(/could not be cloned/);
    expect((await db.query('select 1::int as x')).rows).toEqual([{ x: 1 }]);
  });

  it('an answer too deep to copy across fails its own call, also inside a transaction, and nothing waits for ever', async () => {
    const deep = (n: number) => `select (repeat('[', ${n}) || repeat(']', ${n}))::json as j`;
    for (const n of [5000, 20000]) {
      const outcome = await db.query(deep(n)).then(
        () => 'answered',
        (err: Error) => `failed: ${err.message}`,
      );
      expect(outcome).toMatch(/^(answered|failed: .+)$/);
    }
    await expect(
      db.transaction(async (q) => {
        await q.query(deep(20000));
      }),
    ).rejects.toThrow();
    expect((await db.query('select 2::int as x')).rows).toEqual([{ x: 2 }]);
  });

  it('never keeps the process alive by itself: a script that is done exits, its database still open', () => {
    const module = JSON.stringify(new URL('../src/db/pglite-thread.ts', import.meta.url).href);
    const script = `import { startPgliteThread } from ${module};
      const db = await startPgliteThread(undefined);
      await db.query('select $1::text', [() => 1]).catch(() => {});
      console.log((await db.query('select 41 + 1 as n')).rows[0].n);`;
    // As `node -e` (whose --input-type a worker refuses), and as a file with a flag Node refuses for a
    // worker when given explicitly (--max-old-space-size): the thread starts either way.
    const file = join(mkdtempSync(join(tmpdir(), 'hw-thread-')), 'script.mjs');
    writeFileSync(file, script);
    for (const args of [
      ['--import', 'tsx', '--input-type=module', '-e', script],
      ['--max-old-space-size=256', '--import', 'tsx', file],
    ]) {
      const run = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 180_000 });
      expect(run.stdout.trim(), run.stderr).toBe('42');
      expect(run.status).toBe(0);
    }
  });

  it('carries PostgreSQL error fields across: code, constraint, message', async () => {
    await db.query('insert into t (id) values (1)');
    const err = await db.query('insert into t (id) values (1)').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThreadDatabaseError);
    expect(err).toMatchObject({ code: '23505', constraint: 't_pkey' });
    expect((err as Error).message).toMatch(/duplicate key/);
  });

  it('commits a transaction; rolls it back when its function throws; others wait while it is open', async () => {
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const tx = db.transaction(async (q) => {
      await q.query('insert into t (id, n) values (2, 1)');
      await held;
      await q.query('update t set n = 2 where id = 2');
    });
    await new Promise((r) => setTimeout(r, 20));
    // A statement from outside waits for the transaction, so it sees the committed end state.
    const outside = db.query<{ n: number }>('select n from t where id = 2');
    let answered = false;
    void outside.then(() => {
      answered = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    release();
    await tx;
    expect((await outside).rows).toEqual([{ n: 2 }]);

    await expect(
      db.transaction(async (q) => {
        await q.query('insert into t (id) values (3)');
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    // A failed statement inside: the error reaches the caller and nothing of the transaction stays.
    await expect(
      db.transaction(async (q) => {
        await q.query('insert into t (id) values (4)');
        await q.query('insert into t (id) values (1)');
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect((await db.query<{ id: number }>('select id from t order by id')).rows.map((r) => r.id)).toEqual([1, 2]);
  });

  it('after close, a query fails at once instead of waiting for ever', async () => {
    const other = await startPgliteThread(undefined);
    await other.close();
    await expect(other.query('select 1')).rejects.toThrow(/closed/);
  });

  it('a thread that dies fails the waiting and later calls as "database unavailable" (a 503), not a hang or a 500', async () => {
    const other = await startPgliteThread(undefined);
    const waiting = other.query('select pg_sleep(0.5)');
    await other.kill();
    for (const call of [waiting, other.query('select 1')]) {
      const err = await call.catch((e: unknown) => e);
      expect(err).toMatchObject({ code: '57P01' });
      expect(isDatabaseUnavailable(err)).toBe(true);
    }
  });
});

describe('Drizzle on the PGlite thread', () => {
  it('runs nested transactions (savepoints) and rolls back the inner one alone', async () => {
    const database = await openPglite(undefined);
    try {
      await database.db.execute(sql`create table u (id int primary key)`);
      await database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into u values (1)`);
        await tx
          .transaction(async (inner) => {
            await inner.execute(sql`insert into u values (2)`);
            throw new Error('inner');
          })
          .catch(() => {});
        await tx.execute(sql`insert into u values (3)`);
      });
      expect((await rows<{ id: number }>(database.db, sql`select id from u order by id`)).map((r) => r.id)).toEqual([1, 3]);
    } finally {
      await database.close();
    }
  });
});
