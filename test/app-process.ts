import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `npm start`'s entry point as a real process on DATA_DIR `dataDir`, with its output kept. */
export function startApp(dataDir: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', BASE_URL: '', REGISTRATION_LIMIT: '10000', ...env },
  }) as ChildProcessWithoutNullStreams;
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  /** Resolves with the base URL once /readyz says ready. */
  const ready = (async () => {
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited ${child.exitCode ?? child.signalCode}: ${out}`);
      const base = /draait op (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (base) {
        try {
          if ((await fetch(`${base}/readyz`)).ok) return base;
        } catch {}
      }
      if (Date.now() > deadline) throw new Error(`not ready: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  ready.catch(() => {});
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  return { child, ready, exited, output: () => out, stop };
}

/** The embedded server's postmaster pid, from its postmaster.pid. */
export function postmasterPid(dataDir: string): number | null {
  try {
    return Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]) || null;
  } catch {
    return null;
  }
}

export const register = (base: string, session: string, email: string, name = 'Test Persoon') =>
  fetch(`${base}${session}/aanmelden`, {
    method: 'POST',
    body: new URLSearchParams({ name, email, organisation: 'Test', role: 'Test', consent: 'ja' }),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });

/** The path of the first session in /trainingen. */
export async function firstSession(base: string): Promise<string> {
  const html = await (await fetch(`${base}/trainingen`)).text();
  const session = /href="(\/trainingen\/[a-z-]+\/\d+)"/.exec(html)?.[1];
  if (!session) throw new Error('no session on /trainingen');
  return session;
}

/** Waits until `check` holds (polling), or fails after `ms`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
