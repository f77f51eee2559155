// SIGKILL in the middle of registrations, of the app and of its embedded PostgreSQL server: every
// registration that was acknowledged (a 200 saying "Kijk in je mail") is there afterwards.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { alive, readPassword, readPostmasterPid, SUPERUSER } from '../src/db/embedded.ts';
import { firstSession, postmasterPid, register, startApp, until } from './app-process.ts';
import { tempDataDir } from './helpers.ts';

const ACK = /Kijk in je mail|wachtlijst/;

/** Registers in a steady stream until `stop()` is called; returns the acknowledged e-mail addresses. */
function stream(base: string, session: string, prefix: string) {
  const acknowledged: string[] = [];
  let stopped = false;
  let failures = 0;
  const loop = (async () => {
    const inflight = new Set<Promise<void>>();
    for (let i = 0; !stopped; i++) {
      const email = `${prefix}${i}@example.org`;
      const p = register(base, session, email)
        .then(async (res) => {
          if (res.status === 200 && ACK.test(await res.text())) acknowledged.push(email);
          else failures++;
        })
        .catch(() => {
          failures++;
        })
        .finally(() => inflight.delete(p));
      inflight.add(p);
      // Four at a time, so some are always in flight when the kill comes.
      if (inflight.size >= 4) await Promise.race(inflight);
    }
    await Promise.all(inflight);
  })();
  return {
    acknowledged,
    failures: () => failures,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/**
 * Every acknowledged address has its registration, read from the running app's embedded server (the
 * registration form gives one answer whatever the address's state, so it cannot be asked).
 */
async function expectAllThere(dataDir: string, emails: string[]) {
  const server = readPostmasterPid(join(dataDir, 'postgres'));
  if (!server) throw new Error('the embedded server is not running');
  const client = new pg.Client({ host: '127.0.0.1', port: server.port, user: SUPERUSER, password: readPassword(dataDir), database: 'postgres' });
  await client.connect();
  try {
    const stored = new Set((await client.query<{ email: string }>('select email from registrations')).rows.map((r) => r.email));
    expect(emails.filter((e) => !stored.has(e))).toEqual([]);
  } finally {
    await client.end();
  }
}

describe('SIGKILL during registrations (embedded server)', () => {
  it('of the app: the server stops with it (or is stopped at the next start); every acknowledged registration is there after a restart', async () => {
    const dataDir = tempDataDir('hw-crash-');
    try {
      let app = startApp(dataDir, { LOG_LEVEL: 'warn' });
      const base = await app.ready;
      const session = await firstSession(base);
      const writes = stream(base, session, 'app');
      await until('15 acknowledged registrations', () => writes.acknowledged.length >= 15);
      const server = postmasterPid(dataDir) as number;
      app.child.kill('SIGKILL');
      await writes.stop();
      await app.exited;
      expect(writes.acknowledged.length).toBeGreaterThanOrEqual(15);

      app = startApp(dataDir, { LOG_LEVEL: 'warn' });
      await app.ready;
      try {
        // The old server is gone, a new one serves the same data.
        expect(alive(server)).toBe(false);
        expect(postmasterPid(dataDir)).not.toBe(server);
        await expectAllThere(dataDir, writes.acknowledged);
      } finally {
        await app.stop();
      }
    } finally {
      rmSync(dirname(dataDir), { recursive: true, force: true });
    }
  }, 180_000);

  it('of the server: the app answers 503 meanwhile, restarts it, and every acknowledged registration is there', async () => {
    const dataDir = tempDataDir('hw-crash-');
    const app = startApp(dataDir);
    try {
      const base = await app.ready;
      const session = await firstSession(base);
      const writes = stream(base, session, 'srv');
      await until('10 acknowledged registrations', () => writes.acknowledged.length >= 10);
      const server = postmasterPid(dataDir) as number;
      process.kill(server, 'SIGKILL');
      // While it is down: /readyz says 503 (polled until seen, the restart takes a moment).
      let saw503 = false;
      await until('/readyz 503', async () => {
        saw503 = (await fetch(`${base}/readyz`)).status === 503;
        return saw503;
      });
      expect(saw503).toBe(true);
      // …and the app brings it back by itself.
      await until('/readyz 200 again', async () => (await fetch(`${base}/readyz`)).status === 200, 120_000);
      const before = writes.acknowledged.length;
      await until('more acknowledged registrations after the restart', () => writes.acknowledged.length >= before + 10);
      await writes.stop();
      expect(postmasterPid(dataDir)).not.toBe(server);
      expect(app.output()).toContain('stopped unexpectedly');
      await expectAllThere(dataDir, writes.acknowledged);
    } finally {
      await app.stop();
      rmSync(dirname(dataDir), { recursive: true, force: true });
    }
  }, 180_000);
});
