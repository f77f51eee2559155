import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appliedMigrations, connect, countRows, loadAll, migrateTo, type Query, readAll } from './transfer.ts';

/**
 * The previous version kept its data in PGlite (PostgreSQL compiled to WebAssembly, in the app's
 * process) with its data directory as DATA_DIR itself. On the first start of this version:
 *
 * 1. the old files move into DATA_DIR/pglite-backup-<time>/ (renames within DATA_DIR: instant,
 *    and they stay as they were, as the backup);
 * 2. the new cluster is created beside it, and a marker (IMPORTING) says the copy is not done;
 * 3. a copy of the backup is opened with PGlite (a devDependency-sized dependency kept for this
 *    alone, loaded only here), every row is copied into the new server, row counts compared;
 * 4. the marker goes. A start that finds the marker (a crash during 3) removes the unfinished new
 *    cluster and copies again.
 */
export const BACKUP_PREFIX = 'pglite-backup-';
export const MOVING = '.pglite-move';
export const IMPORTING = 'IMPORTING';

/** Step 1: moves the PGlite files of DATA_DIR into a backup folder inside it. Resumes a move that was interrupted. */
export function moveAside(dataDir: string, log: (m: string) => void): string {
  const moving = join(dataDir, MOVING);
  mkdirSync(moving, { recursive: true });
  for (const e of readdirSync(dataDir)) {
    if (e === MOVING || e === IMPORTING || e.startsWith(BACKUP_PREFIX) || e === '.hechtwerk.lock') continue;
    renameSync(join(dataDir, e), join(moving, e));
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const backup = join(dataDir, `${BACKUP_PREFIX}${stamp}`);
  renameSync(moving, backup);
  log(`the PGlite data of the previous version was moved to ${backup} (kept as a backup)`);
  return backup;
}

/** The backup folder whose import is pending, if any. */
export function pendingImport(dataDir: string): string | null {
  if (!existsSync(join(dataDir, IMPORTING))) return null;
  const backups = readdirSync(dataDir)
    .filter((e) => e.startsWith(BACKUP_PREFIX))
    .sort();
  const last = backups.at(-1);
  return last ? join(dataDir, last) : null;
}

export function markImporting(dataDir: string) {
  writeFileSync(join(dataDir, IMPORTING), 'The PGlite data is being copied into the new server; an unfinished copy is redone at the next start.\n');
}

/** Step 3: copies every row from the PGlite backup into the new server at `url`. */
export async function importPglite(backup: string, url: string, log: (m: string) => void): Promise<Record<string, number>> {
  const started = Date.now();
  // PGlite writes to the directory it opens (recovery, a checkpoint): it opens a copy, so the
  // backup stays exactly as the previous version left it.
  const work = mkdtempSync(join(tmpdir(), 'hw-pglite-'));
  const copy = join(work, 'data');
  cpSync(backup, copy, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const lite = await PGlite.create({ dataDir: copy });
  const q: Query = async (text, params) => ({ rows: (await lite.query<Record<string, unknown>>(text, params)).rows });
  const client = await connect(url);
  try {
    const applied = await appliedMigrations(q);
    await migrateTo(client, applied);
    await q('begin isolation level repeatable read read only');
    const counts = await loadAll(client, readAll(q));
    const source = await countRows(q);
    await q('commit');
    const target = await countRows((text, params) => client.query(text, params));
    for (const [table, n] of Object.entries(source)) {
      if (target[table] !== n) throw new Error(`copy of table ${table} incomplete: ${target[table]} of ${n} rows`);
    }
    const rows = Object.values(counts).reduce((a, b) => a + b, 0);
    log(`copied the PGlite data into the new server: ${Object.keys(counts).length} tables, ${rows} rows, in ${Date.now() - started} ms`);
    return counts;
  } finally {
    await client.end().catch(() => {});
    await lite.close().catch(() => {});
    rmSync(work, { recursive: true, force: true });
  }
}
