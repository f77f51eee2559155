// The embedded PostgreSQL server in DATA_DIR: created only in an empty directory, never over
// anything else; one app per DATA_DIR; an orphaned server stopped cleanly; durable settings.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp, until } from '../../test/app-process.ts';
import { tempDataDir } from '../../test/helpers.ts';
import { openEmbedded, rows } from './client.ts';
import { alive, binaries, inspectDataDir, readPostmasterPid } from './embedded.ts';

const quiet = { info() {}, warn() {}, error() {} };
const made: string[] = [];
const dataDir = () => {
  const d = tempDataDir('hw-embedded-');
  made.push(dirname(d));
  return d;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** Every file's path, size and modification time: to show a refused start changed nothing. */
function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const s = statSync(p);
      out.push(`${p} ${s.size} ${s.mtimeMs}`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

describe('the embedded server', () => {
  it('is created in an empty DATA_DIR with fsync on, a generated password, loopback only; data survives a restart', async () => {
    const dir = dataDir();
    const first = await openEmbedded(dir, { log: quiet });
    try {
      const [settings] = await rows<Record<string, string>>(
        first.db,
        sql`select current_setting('fsync') as fsync, current_setting('synchronous_commit') as sync, current_setting('full_page_writes') as fpw,
          current_setting('listen_addresses') as listen, current_setting('password_encryption') as enc, current_setting('server_version_num') as version`,
      );
      expect(settings).toMatchObject({ fsync: 'on', sync: 'on', fpw: 'on', listen: '127.0.0.1', enc: 'scram-sha-256' });
      expect(Number(settings?.version)).toBeGreaterThanOrEqual(180000);
      expect(statSync(join(dir, 'password')).mode & 0o077).toBe(0);
      // Without the password the server lets nobody in.
      const url = new URL(first.server?.url as string);
      url.password = 'wrong';
      const pg = (await import('pg')).default;
      const c = new pg.Client({ connectionString: url.toString() });
      await expect(c.connect()).rejects.toMatchObject({ code: '28P01' });
      await first.migrate();
      await first.db.execute(sql`insert into users (email, name, role, password_hash) values ('blijft@example.org', 'Blijft', 'redacteur', 'x')`);
    } finally {
      await first.close();
    }
    expect(readPostmasterPid(join(dir, 'postgres'))).toBeNull();
    const second = await openEmbedded(dir, { log: quiet });
    try {
      expect(await rows(second.db, sql`select email from users`)).toEqual([{ email: 'blijft@example.org' }]);
    } finally {
      await second.close();
    }
  });

  it('a second app on the same DATA_DIR refuses to start with a clear message; PostgreSQL refuses a second server too', async () => {
    const dir = dataDir();
    const first = startApp(dir);
    try {
      const base = await first.ready;
      const second = startApp(dir);
      expect(await second.exited).toBe(1);
      expect(second.output()).toContain(`DATA_DIR ${dir} is al in gebruik door een ander Hechtwerk-proces (pid ${first.child.pid})`);
      expect(second.output()).toContain('is already in use by another Hechtwerk process');
      // One line, no stack trace.
      expect(second.output().trim().split('\n')).toHaveLength(1);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      // PostgreSQL's own lock: a server started on the cluster by hand does not start either.
      const { postgres } = await binaries();
      const wrap = process.getuid?.() === 0 ? ['unshare', '--user', '--map-user=1000', '--map-group=1000', '--'] : [];
      const r = spawnSync(wrap[0] ?? postgres, [...wrap.slice(1), ...(wrap.length ? [postgres] : []), '-D', join(dir, 'postgres'), '-c', 'port=1'], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/postmaster\.pid/);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
    } finally {
      await first.stop();
    }
  }, 120_000);

  it.each([
    ['the cluster without PG_VERSION', (dir: string) => rmSync(join(dir, 'postgres', 'PG_VERSION'))],
    ['the cluster without its password file', (dir: string) => rmSync(join(dir, 'password'))],
    [
      'an old PGlite directory without PG_VERSION',
      (dir: string) => {
        const cluster = join(dir, 'postgres');
        for (const e of readdirSync(cluster)) cpSync(join(cluster, e), join(dir, e), { recursive: true });
        rmSync(cluster, { recursive: true });
        rmSync(join(dir, 'password'));
        rmSync(join(dir, 'PG_VERSION'));
      },
    ],
    [
      'a directory of other files',
      (dir: string) => {
        rmSync(dir, { recursive: true });
        mkdirSync(dir);
        writeFileSync(join(dir, 'notities.txt'), 'niet van Hechtwerk');
      },
    ],
  ])(
    '%s: the app stops, says what is wrong, and changes nothing',
    async (_name, damage) => {
      const dir = dataDir();
      await (await openEmbedded(dir, { log: quiet })).close();
      damage(dir);
      const before = listing(dir);
      const app = startApp(dir);
      expect(await app.exited).toBe(1);
      const out = app.output().trim();
      expect(out).toMatch(/geen volledige database|niet leeg en bevat geen Hechtwerk-database/);
      expect(out).toMatch(/not a complete database|holds no Hechtwerk database/);
      expect(out).toContain('Er is niets veranderd');
      expect(out.split('\n')).toHaveLength(1);
      expect(listing(dir)).toEqual(before);
    },
    60_000,
  );

  it('an orphaned server (its app killed, the server left running) is stopped cleanly at the next start', async () => {
    const dir = dataDir();
    // An app that started the server without the parent-death signal (as on a platform without
    // one), then is killed: the server keeps running on its own.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `const { startEmbedded } = await import('./src/db/embedded.ts'); await startEmbedded(${JSON.stringify(dir)}, { dieWithApp: false }); console.log('started'); setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await until('the first server', () => out.includes('started'), 60_000);
    const orphan = readPostmasterPid(join(dir, 'postgres'))?.pid as number;
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(alive(orphan)).toBe(true);

    const warnings: string[] = [];
    const database = await openEmbedded(dir, { log: { ...quiet, warn: (m) => warnings.push(m) } });
    try {
      expect(alive(orphan)).toBe(false);
      expect(warnings.join('\n')).toContain(`still running without its app (pid ${orphan})`);
      expect(database.server?.pid).not.toBe(orphan);
      expect(await rows(database.db, sql`select 1 as one`)).toEqual([{ one: 1 }]);
    } finally {
      await database.close();
    }
  }, 120_000);

  it.runIf(process.platform === 'linux')(
    'a server that has exited but is not yet reaped (a zombie, as under a container init that reaps late) counts as gone',
    async () => {
      // The shell starts a child that waits for a line on fd 3, then becomes `sleep` (exec keeps its
      // pid), which never waits for children: once the line comes, the child exits and stays a zombie.
      const parent = spawn('sh', ['-c', 'exec 3<&0; (read line <&3) & echo $!; exec sleep 60'], { stdio: ['pipe', 'pipe', 'inherit'] });
      try {
        let out = '';
        parent.stdout.on('data', (d) => (out += d));
        await until('the child pid', () => /\d+\n/.test(out));
        const pid = Number(out.trim());
        await until('the shell to have become sleep', () => readFileSync(`/proc/${parent.pid}/comm`, 'utf8').trim() === 'sleep');
        parent.stdin.write('go\n');
        await until('the child to have exited', () => /\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')));
        // It still answers signal 0, so a bare kill(pid, 0) would call it running.
        expect(() => process.kill(pid, 0)).not.toThrow();
        expect(alive(pid)).toBe(false);
        expect(alive(parent.pid as number)).toBe(true);
      } finally {
        parent.kill('SIGKILL');
      }
    },
  );

  it('an interrupted first start (only its hidden working directory left) is cleaned up and started again', async () => {
    const dir = dataDir();
    mkdirSync(join(dir, '.init-deadbeef', 'postgres'), { recursive: true });
    writeFileSync(join(dir, '.init-deadbeef', 'postgres', 'PG_VERSION'), '18\n');
    expect(inspectDataDir(dir).kind).toBe('unfinished-init');
    const database = await openEmbedded(dir, { log: quiet });
    await database.close();
    expect(readdirSync(dir).sort()).toEqual(['password', 'postgres']);
  }, 60_000);
});
