// npm run backup [-- <file>]: a consistent backup of the database (embedded or DATABASE_URL) while the site runs.
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../src/config.ts';
import { backup, databaseFor } from '../src/db/backup.ts';

try {
  const config = loadConfig();
  const file = resolve(process.argv[2] ?? `backups/hechtwerk-${new Date().toISOString().replace(/[:.]/g, '-')}.hwbackup.gz`);
  const db = await databaseFor({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    const started = Date.now();
    const { counts } = await backup(db.url, file);
    const rows = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`Back-up geschreven: ${file} (${Object.keys(counts).length} tabellen, ${rows} rijen, ${Date.now() - started} ms)`);
  } finally {
    await db.done();
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `Back-up mislukt / backup failed: ${(err as Error).message}`);
  process.exit(1);
}
