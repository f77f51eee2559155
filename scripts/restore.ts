// npm run restore -- <file>: restores a backup into an empty DATA_DIR (embedded) or an empty DATABASE_URL database.
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../src/config.ts';
import { databaseFor, readHeader, restore } from '../src/db/backup.ts';

try {
  const config = loadConfig();
  const arg = process.argv[2];
  if (!arg) throw new Error('gebruik / usage: npm run restore -- <back-upbestand>');
  const file = resolve(arg);
  await readHeader(file);
  const db = await databaseFor({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, forRestore: true });
  try {
    const counts = await restore(file, db.url);
    const rows = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`Teruggezet: ${file} (${Object.keys(counts).length} tabellen, ${rows} rijen) in ${config.DATABASE_URL ? 'DATABASE_URL' : config.DATA_DIR}`);
  } finally {
    await db.done();
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `Terugzetten mislukt / restore failed: ${(err as Error).message}`);
  process.exit(1);
}
