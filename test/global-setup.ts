import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { type EmbeddedServer, startEmbedded } from '../src/db/embedded.ts';
import { browserAvailable, postgresReachable } from './env.ts';
import { tempDataDir } from './helpers.ts';

const banner = (lines: string[]) => {
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const bar = '!'.repeat(width);
  console.warn(`\n${bar}\n${lines.map((l) => `! ${l.padEnd(width - 4)} !`).join('\n')}\n${bar}\n`);
};

/**
 * Starts the embedded PostgreSQL server the 'embedded' database tests share (each test file makes
 * its own database on it), and decides once per run which other backends exist; a missing one is
 * skipped loudly, or fails when required.
 */
export default async function setup() {
  const [pgOk, embedded] = await Promise.all([
    postgresReachable(),
    (async (): Promise<{ server: EmbeddedServer; dir: string }> => {
      const dir = tempDataDir('hw-test-embedded-');
      return { server: await startEmbedded(dir, { log: { info() {}, warn: (m) => console.warn(m), error: (m) => console.error(m) } }), dir };
    })(),
  ]);
  process.env.HW_TEST_EMBEDDED_URL = embedded.server.url;
  const browserOk = browserAvailable();
  process.env.HW_TEST_POSTGRES = pgOk ? '1' : '0';
  process.env.HW_TEST_BROWSER = browserOk ? '1' : '0';
  const problems: string[] = [];
  if (!pgOk) {
    if (process.env.REQUIRE_POSTGRES === '1') problems.push('REQUIRE_POSTGRES=1 but no PostgreSQL server answers at 127.0.0.1:5432');
    else
      banner([
        'SKIPPED: external PostgreSQL server tests',
        'No PostgreSQL at 127.0.0.1:5432; database tests ran on the embedded server only.',
        'Set REQUIRE_POSTGRES=1 to make this a failure.',
      ]);
  }
  if (!browserOk) {
    if (process.env.REQUIRE_BROWSER === '1') problems.push('REQUIRE_BROWSER=1 but /usr/bin/chromium is missing (apt-get install chromium)');
    else
      banner([
        'SKIPPED: browser tests',
        'No Chromium at /usr/bin/chromium; Playwright and axe tests did not run.',
        'Set REQUIRE_BROWSER=1 to make this a failure.',
      ]);
  }
  const teardown = async () => {
    await embedded.server.stop();
    rmSync(dirname(embedded.dir), { recursive: true, force: true });
  };
  if (problems.length) {
    await teardown();
    throw new Error(problems.join('\n'));
  }
  return teardown;
}
