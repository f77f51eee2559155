import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { type EmbeddedOptions, type EmbeddedServer, startEmbedded } from './embedded.ts';
import * as schema from './schema.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle has the same query surface as the database. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type Queryable = Db | Tx;

export interface Database {
  /** 'embedded': the PostgreSQL server the app runs itself in DATA_DIR; 'postgres': DATABASE_URL. */
  kind: 'embedded' | 'postgres';
  db: Db;
  /** The embedded server, when there is one. */
  server?: EmbeddedServer;
  /**
   * Runs pending migrations, then `afterwards` (first-start data such as the demo content), all
   * under one advisory lock: instances starting together take turns, and the second finds the
   * work done instead of inserting the same rows at the same time.
   */
  migrate(afterwards?: () => Promise<void>): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));
// Arbitrary constant shared by every instance of this app, so concurrent starts take turns.
const MIGRATION_LOCK = 72_616_374;

/**
 * Time limits that keep a request from hanging on the database. A request waits at most
 * `connectionTimeoutMillis` for a connection (pool full, or server unreachable), then gets a 503.
 * A statement runs at most `statement_timeout` on the server; `query_timeout` is the client's own
 * limit for when the server cannot even say so (network gone, server frozen).
 */
export const POSTGRES_LIMITS = {
  connectionTimeoutMillis: 3000,
  statementTimeoutMs: 5000,
  queryTimeoutMs: 6000,
  // A transaction left open (a bug, or a hung SMTP hand-over in the mail worker) must not hold
  // row locks for ever: the server ends such a session.
  idleInTransactionMs: 60_000,
};

/**
 * The most distinct statements that become named prepared statements (per process; PostgreSQL
 * keeps each on every connection that ran it). The app has a few hundred; statements past the
 * limit run unnamed, as before.
 */
export const PREPARED_LIMIT = 500;

type QueryConfig = { text: string; name?: string; values?: unknown[] };
type Callback = (err: Error | null, res?: unknown) => void;

/** A statement text is named once it has been sent this often: one-off texts stay unnamed. */
export const PREPARE_AFTER = 3;
/** An `IN ($1, $2, …)` list: its text changes with the list's length, so it is never named. */
const IN_LIST = /\bin \(\$\d/i;
/**
 * SQLSTATE classes after which a named statement must not be used again: 0A (cached plan must not
 * change result type), 26 (the statement is gone from the server) and 42 (it no longer fits the
 * schema, e.g. a parameter's type changed).
 */
const STALE_STATEMENT = /^(0A|26|42)/;

/**
 * Sends parameterised statements as named prepared statements, so PostgreSQL parses and plans each
 * once per connection instead of on every call. Planning alone was more than a third of the
 * server's time per statement under bench:scale; node-postgres otherwise sends each as a new
 * unnamed statement. Only texts seen PREPARE_AFTER times are named (at most `limit` of them), and
 * never those with an IN list, so one-off and variable texts do not use up names or server memory.
 * A named statement that fails in a way that its cached form can cause (a migration by a newer
 * instance changed a column's type, say) runs unnamed from then on, on every connection: an upgrade
 * across instances costs one failed statement per connection, not a broken one. Transactions keep
 * their connection, so this matters there: the pool does not replace it after an error.
 */
export function prepareStatements(pool: pg.Pool, limit = PREPARED_LIMIT): { named: () => number } {
  const names = new Map<string, string | null>();
  const seen = new Map<string, number>();
  let named = 0;
  const nameFor = (text: string): string | null => {
    const known = names.get(text);
    if (known !== undefined) return known;
    if (named >= limit || IN_LIST.test(text)) return null;
    const times = (seen.get(text) ?? 0) + 1;
    if (times < PREPARE_AFTER) {
      // Counting stops at a bound too: past it, texts not yet counted simply stay unnamed.
      if (seen.size < limit * 4 || seen.has(text)) seen.set(text, times);
      return null;
    }
    seen.delete(text);
    const name = `hw${named++}`;
    names.set(text, name);
    return name;
  };
  const forget = (text: string, err: unknown) => {
    const code = (err as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && STALE_STATEMENT.test(code)) names.set(text, null);
  };
  pool.on('connect', (client) => {
    const query = client.query as (...args: unknown[]) => unknown;
    (client as unknown as { query: unknown }).query = function (this: pg.Client, config: unknown, values?: unknown, callback?: unknown) {
      // pg-pool and drizzle call query(text | config, values?, callback?); cursors and other
      // submittables pass through untouched.
      const text = typeof config === 'string' ? config : (config as QueryConfig | null)?.text;
      const cb = typeof values === 'function' ? (values as Callback) : typeof callback === 'function' ? (callback as Callback) : undefined;
      const params = Array.isArray(values) ? values : (config as QueryConfig | null)?.values;
      const plain =
        typeof text === 'string' &&
        (typeof config === 'string' || (typeof (config as { submit?: unknown }).submit !== 'function' && !(config as QueryConfig).name));
      const name = plain && params?.length ? nameFor(text) : null;
      if (!name || text === undefined) return query.call(this, config, values, callback);
      const named = { ...(typeof config === 'string' ? {} : (config as QueryConfig)), text, values: params, name };
      if (cb)
        return query.call(this, named, (err: Error | null, res?: unknown) => {
          if (err) forget(text, err);
          cb(err, res);
        });
      return (query.call(this, named) as Promise<unknown>).catch((err: unknown) => {
        forget(text, err);
        throw err;
      });
    };
  });
  return { named: () => [...names.values()].filter(Boolean).length };
}

export async function openPostgres(url: string, poolSize = 10): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: POSTGRES_LIMITS.connectionTimeoutMillis,
    idleTimeoutMillis: 30_000,
    statement_timeout: POSTGRES_LIMITS.statementTimeoutMs,
    query_timeout: POSTGRES_LIMITS.queryTimeoutMs,
    idle_in_transaction_session_timeout: POSTGRES_LIMITS.idleInTransactionMs,
    keepAlive: true,
    application_name: 'hechtwerk',
  });
  // A connection lost while idle in the pool (server restart) must not crash the process…
  pool.on('error', () => {});
  // …nor one lost while checked out between two statements (inside a transaction, or while the
  // mail worker holds a row lock during an SMTP hand-over). Without a listener node-postgres
  // throws that 'error' event and the process dies. With one, the client is marked unusable, its
  // next query fails (the request gets a 503), and the pool drops it on release.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  prepareStatements(pool);
  const db = drizzleNodePg({ client: pool, schema }) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    async migrate(afterwards) {
      // Migrations run on a connection of their own without the request time limits: building an
      // index on a large table may take longer than any request should.
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: POSTGRES_LIMITS.connectionTimeoutMillis });
      client.on('error', () => {});
      await client.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
        try {
          await migrateNodePg(drizzleNodePg({ client, schema }), { migrationsFolder });
          await afterwards?.();
        } finally {
          await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
        }
      } finally {
        await client.end();
      }
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    async close() {
      await pool.end();
    },
  };
}

/** The server is down (died, restarting): SQLSTATE 57P01 marks it as "database unavailable", a 503. */
class ServerDown extends Error {
  readonly code = '57P01';
}

/**
 * The embedded default: starts (and, the first time, creates) the PostgreSQL server in DATA_DIR,
 * then connects to it like to any server. Closing stops the server.
 */
export async function openEmbedded(dataDir: string, opts: EmbeddedOptions = {}): Promise<Database> {
  const server = await startEmbedded(dataDir, opts);
  try {
    const database = await openPostgres(server.url);
    return {
      ...database,
      kind: 'embedded',
      server,
      async ping() {
        if (!server.available) throw new ServerDown('the embedded database server is not running');
        await database.ping();
      },
      async close() {
        await database.close();
        await server.stop();
      },
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

export function openDatabase(opts: { databaseUrl?: string; dataDir: string; embedded?: EmbeddedOptions }): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openEmbedded(opts.dataDir, opts.embedded);
}

/** Text for a LIKE/ILIKE pattern taken literally: its `%`, `_` and `\` (the default escape) escaped. */
export const likeLiteral = (s: string) => s.replace(/[\\%_]/g, '\\$&');

/** Rows of a raw query. */
export async function rows<T>(q: Queryable, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await q.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
