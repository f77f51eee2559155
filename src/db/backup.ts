import { closeSync, createReadStream, createWriteStream, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { DataDirBusy, lockDataDir } from './data-dir-lock.ts';
import { CLUSTER, type EmbeddedServer, inspectDataDir, readPassword, readPostmasterPid, SUPERUSER, startEmbedded } from './embedded.ts';
import { appliedMigrations, connect, countRows, type Item, loadAll, migrateTo, type Query, readAll } from './transfer.ts';

/**
 * `npm run backup` and `npm run restore`: a logical copy of every table in one file (gzip'd JSON
 * lines), read in one REPEATABLE READ transaction, so it is consistent while the site runs and
 * writes. See transfer.ts for why no pg_dump, and docs/deploy.md for use.
 */
export const FORMAT = 'hechtwerk-backup';

interface Header {
  format: typeof FORMAT;
  version: 1;
  migrations: number;
  createdAt: string;
  server: string;
}

/**
 * The URL of the database to back up or restore into: DATABASE_URL, or the embedded server of
 * DATA_DIR: the running one (the app holds DATA_DIR: its postmaster.pid gives the port, DATA_DIR
 * the password), or one started here for the purpose.
 */
export async function databaseFor(opts: { databaseUrl?: string; dataDir: string; forRestore?: boolean }): Promise<{ url: string; done(): Promise<void> }> {
  if (opts.databaseUrl) return { url: opts.databaseUrl, done: async () => {} };
  const dataDir = resolve(opts.dataDir);
  if (opts.forRestore) {
    const state = inspectDataDir(dataDir);
    if (state.kind !== 'empty')
      throw new Error(
        `DATA_DIR ${dataDir} is niet leeg: een back-up wordt alleen in een lege map teruggezet. / DATA_DIR ${dataDir} is not empty: a backup is restored into an empty directory only.`,
      );
  }
  mkdirSync(dataDir, { recursive: true });
  let running = false;
  try {
    await (await lockDataDir(dataDir)).release();
  } catch (err) {
    if (!(err instanceof DataDirBusy)) throw err;
    running = true;
  }
  if (running) {
    if (opts.forRestore) throw new Error(`DATA_DIR ${dataDir} is in use by a running app`);
    const pid = readPostmasterPid(join(dataDir, CLUSTER));
    if (!pid?.port) throw new Error(`the app holds DATA_DIR ${dataDir}, but its database server is not running`);
    return { url: `postgres://${SUPERUSER}:${encodeURIComponent(readPassword(dataDir))}@127.0.0.1:${pid.port}/postgres`, done: async () => {} };
  }
  const server: EmbeddedServer = await startEmbedded(dataDir, {
    supervise: false,
    log: { info() {}, warn: (m) => console.warn(m), error: (m) => console.error(m) },
  });
  return { url: server.url, done: () => server.stop() };
}

/** Writes a backup of the database at `url` to `file` (via a temporary file, renamed when complete). */
export async function backup(url: string, file: string): Promise<{ counts: Record<string, number>; migrations: number }> {
  const client = await connect(url);
  const q: Query = (text, params) => client.query(text, params);
  const target = resolve(file);
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  try {
    await q('begin isolation level repeatable read read only');
    const migrations = await appliedMigrations(q);
    if (!migrations) throw new Error('the database has no Hechtwerk tables');
    const [v] = (await q('select version() as v')).rows;
    const header: Header = { format: FORMAT, version: 1, migrations, createdAt: new Date().toISOString(), server: String(v?.v ?? '') };
    const counts: Record<string, number> = {};
    async function* lines() {
      yield `${JSON.stringify(header)}\n`;
      for await (const item of readAll(q)) {
        if (item.kind === 'table') {
          counts[item.table] = 0;
          yield `${JSON.stringify({ table: item.table, columns: item.columns })}\n`;
        } else if (item.kind === 'rows') {
          counts[item.table] = (counts[item.table] ?? 0) + (JSON.parse(item.rows) as unknown[]).length;
          yield `{"table":${JSON.stringify(item.table)},"rows":${item.rows}}\n`;
        } else yield `${JSON.stringify({ sequences: item.sequences })}\n`;
      }
      // The last line: a file cut short (disk full, a copy interrupted) lacks it, and is refused.
      yield `${JSON.stringify({ end: true, counts })}\n`;
    }
    await pipeline(lines, createGzip(), createWriteStream(partial, { mode: 0o600 }));
    await q('commit');
    const fd = openSync(partial, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(partial, target);
    return { counts, migrations };
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    await client.end().catch(() => {});
  }
}

const lines = (file: string) => createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Number.POSITIVE_INFINITY });

export async function readHeader(file: string): Promise<Header> {
  const rl = lines(file);
  try {
    for await (const line of rl) {
      const obj = JSON.parse(line) as Record<string, unknown>;
      if (obj.format !== FORMAT || obj.version !== 1) break;
      return obj as unknown as Header;
    }
  } catch {
    // Not gzip, not JSON: not a backup.
  } finally {
    rl.close();
  }
  throw new Error(`${file} is geen Hechtwerk-back-up / is not a Hechtwerk backup`);
}

async function* readBackup(file: string, onEnd: (counts: Record<string, number>) => void): AsyncGenerator<Item> {
  let first = true;
  let ended = false;
  for await (const line of lines(file)) {
    if (!line) continue;
    const obj = JSON.parse(line) as Record<string, unknown>;
    if (first) {
      first = false;
    } else if (obj.end) {
      onEnd(obj.counts as Record<string, number>);
      ended = true;
    } else if (obj.sequences) yield { kind: 'sequences', sequences: obj.sequences as never };
    else if (obj.rows) yield { kind: 'rows', table: String(obj.table), rows: JSON.stringify(obj.rows) };
    else yield { kind: 'table', table: String(obj.table), columns: obj.columns as string[] };
  }
  if (!ended) throw new Error(`${file} is incomplete (cut short): nothing was restored`);
}

/**
 * Restores `file` into the empty database at `url`: migrations up to the backup's, then every row in
 * one transaction (all or nothing), then a comparison of the row counts. Later migrations run at
 * the next start of the app.
 */
export async function restore(file: string, url: string): Promise<Record<string, number>> {
  const client = await connect(url);
  try {
    const q: Query = (text, params) => client.query(text, params);
    if ((await appliedMigrations(q)) > 0 || Object.keys(await countRows(q)).length > 0)
      throw new Error(
        'de database is niet leeg: een back-up wordt alleen in een lege database teruggezet. / the database is not empty: a backup is restored into an empty database only.',
      );
    const header = await readHeader(file);
    await migrateTo(client, header.migrations);
    let expected: Record<string, number> = {};
    const counts = await loadAll(
      client,
      readBackup(file, (c) => {
        expected = c;
      }),
    );
    for (const [table, n] of Object.entries(expected)) {
      if (counts[table] !== n) throw new Error(`restore of table ${table} incomplete: ${counts[table]} of ${n} rows`);
    }
    return counts;
  } finally {
    await client.end().catch(() => {});
  }
}
