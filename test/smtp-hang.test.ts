// A hanging SMTP server (accepts, never answers) changes nothing for pages and registrations: the
// outbox leases a mail in a short transaction and talks to SMTP outside any transaction.

import type { AddressInfo } from 'node:net';
import { createServer, type Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { outbox } from '../src/db/schema.ts';
import { startJobs } from '../src/jobs/scheduler.ts';
import { until } from './app-process.ts';
import { type Backend, backends, createTestApp, idleTransactions } from './helpers.ts';

const SECOND = 1000;

describe.each(backends())('an SMTP server that accepts and never answers, on %s', (kind: Backend) => {
  it(
    'pages and registrations are as fast as without mail; no transaction stays open while the senders wait',
    async () => {
      // Accepts every connection, never says a word: the senders wait for its greeting.
      const sockets = new Set<Socket>();
      const silent = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {});
      });
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      const smtpPort = (silent.address() as AddressInfo).port;
      const t = await createTestApp(kind, { env: { SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, REGISTRATION_LIMIT: '100000' } });
      let jobs: ReturnType<typeof startJobs> | undefined;
      try {
        const db = t.deps.database.db;
        const html = await (await t.app.request('/trainingen')).text();
        const session = /href="(\/trainingen\/[a-z-]+\/\d+)"/.exec(html)?.[1] as string;
        let n = 0;
        /** One page view of the session (live seat count from the database) and one registration; their times in ms. */
        const probe = async () => {
          const times: number[] = [];
          for (let i = 0; i < 30; i++) {
            let started = performance.now();
            expect((await t.app.request(session)).status).toBe(200);
            times.push(performance.now() - started);
            started = performance.now();
            const res = await t.app.request(`${session}/aanmelden`, {
              method: 'POST',
              body: new URLSearchParams({ name: 'Stille Server', email: `stil${n++}@example.org`, organisation: 'GGD', role: 'Jeugdarts', consent: 'ja' }),
              headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            });
            expect(res.status).toBe(200);
            times.push(performance.now() - started);
          }
          times.sort((a, b) => a - b);
          return { p50: times[Math.floor(times.length / 2)] as number, p95: times[Math.floor(times.length * 0.95)] as number, max: times.at(-1) as number };
        };
        const without = await probe();
        // The mail worker starts: its senders claim mails and hang on the silent server.
        t.clock.set(new Date(Date.now() + 2 * SECOND));
        jobs = startJobs(t.deps);
        await until('senders waiting on the silent SMTP server', () => sockets.size > 0, 15 * SECOND);
        const openTransactions = () => idleTransactions(db);
        const hanging = await probe();
        expect(sockets.size).toBeGreaterThan(0);
        expect(await openTransactions()).toBe(0);
        console.log(
          `[${kind}] page+registration latency, ms: without mail p50 ${without.p50.toFixed(1)} p95 ${without.p95.toFixed(1)}; SMTP hanging p50 ${hanging.p50.toFixed(1)} p95 ${hanging.p95.toFixed(1)} max ${hanging.max.toFixed(1)}`,
        );
        // "Unchanged", with room for a shared 2-core machine: nothing waits on the SMTP server.
        expect(hanging.p95).toBeLessThan(Math.max(3 * without.p95, without.p95 + 150));
        expect(hanging.max).toBeLessThan(2 * SECOND);
        // The claimed mails are leased, not locked: still pending, attempt counted, due again later.
        const claimed = await db.select().from(outbox).where(sql`${outbox.attempts} > 0`);
        expect(claimed.length).toBeGreaterThan(0);
        expect(claimed.every((m) => m.status === 'pending' && m.nextAttemptAt.getTime() > t.clock.now().getTime())).toBe(true);
      } finally {
        await jobs?.stop();
        for (const s of sockets) s.destroy();
        await new Promise((r) => silent.close(r));
        await t.close();
      }
    },
    90 * SECOND,
  );
});
