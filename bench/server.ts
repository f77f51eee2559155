import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinned, track } from './wrk.ts';

/**
 * Starts `npm start`'s entry point as its own process (on a fresh embedded database in a new DATA_DIR unless `env`
 * names a DATABASE_URL), on the given cores if any; resolves once it answers. The process is killed if it never gets ready,
 * and when the benchmark exits for whatever reason.
 */
export async function startAppProcess(port: number, env: Record<string, string> = {}, opts: { cpus?: string; cwd?: string } = {}) {
  // Readable parents: run as root, the embedded server runs as the postgres user.
  const dataDir = mkdtempSync(join(tmpdir(), 'hw-bench-'));
  chmodSync(dataDir, 0o755);
  const child: ChildProcess = track(
    spawn(...pinned(opts.cpus, process.execPath, ['--import', 'tsx', 'src/server.ts']), {
      cwd: opts.cwd,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}`);
      try {
        if ((await fetch(`${base}/readyz`)).ok) break;
      } catch {}
      if (Date.now() > deadline) throw new Error('app did not become ready');
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { base, pid: child.pid, stop };
}
