import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPglite } from '../src/db/client.ts';
import { registrations } from '../src/db/schema.ts';

function start(dataDir: string, port: number): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', BASE_URL: '', REGISTRATION_LIMIT: '10000' },
    stdio: 'ignore',
  });
}
async function ready(base: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error('not ready');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('PGlite: SIGKILL during writes', () => {
  it('every acknowledged registration is there after a restart', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'hw-crash-')), 'data');
    const port = 3450 + Math.floor(Math.random() * 40);
    const base = `http://127.0.0.1:${port}`;
    let app = start(dataDir, port);
    await ready(base);
    const html = await (await fetch(`${base}/trainingen`)).text();
    const session = /href="(\/trainingen\/[a-z-]+\/\d+)"/.exec(html)?.[1] as string;
    const acknowledged: string[] = [];
    let killed = false;
    const attempt = async (i: number) => {
      const email = `crash${i}@example.org`;
      try {
        const res = await fetch(`${base}${session}/aanmelden`, {
          method: 'POST',
          body: new URLSearchParams({ name: `Crash ${i}`, email, organisation: 'Test', role: 'Test', consent: 'ja' }),
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        });
        if (res.status === 200 && /Kijk in je mail|wachtlijst/.test(await res.text())) acknowledged.push(email);
      } catch {
        // Not acknowledged: the process died before answering.
      }
    };
    const inflight: Promise<void>[] = [];
    // Keep writes flowing until 15 are acknowledged, however long a busy machine takes; kill the
    // process while some are still in flight.
    for (let i = 0; i < 5000 && !killed; i++) {
      inflight.push(attempt(i));
      if (acknowledged.length >= 15) {
        app.kill('SIGKILL');
        killed = true;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.all(inflight);
    expect(killed).toBe(true);
    expect(acknowledged.length).toBeGreaterThanOrEqual(15);
    await new Promise((r) => setTimeout(r, 200));
    app = start(dataDir, port);
    await ready(base);
    // The app starts again on the data it had; then (PGlite belongs to one process) it stops and the
    // test reads the registrations itself. The registration form no longer says whether an address
    // was registered already, so it cannot be asked.
    app.kill('SIGTERM');
    await new Promise((r) => app.once('exit', r));
    const database = await openPglite(dataDir);
    try {
      const stored = new Set((await database.db.select({ email: registrations.email }).from(registrations)).map((r) => r.email));
      for (const email of acknowledged) expect(stored.has(email), email).toBe(true);
    } finally {
      await database.close();
    }
  });
});
