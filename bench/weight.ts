// npm run bench:weight — compressed bytes of every public page (HTML + CSS + JS), budget 30 KB.

import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';
import { boot } from '../src/boot.ts';
import { loadConfig } from '../src/config.ts';
import { openEmbedded } from '../src/db/client.ts';
import { tempDataDir } from '../test/helpers.ts';
import { PUBLIC_PAGES } from '../test/pages.ts';
import { pageWeight } from './page-weight.ts';
import { recordResults } from './report.ts';

const BUDGET = 30 * 1024;
const dataDir = tempDataDir('hw-weight-');
const { app, deps } = await boot({ config: loadConfig({}), database: await openEmbedded(dataDir), log: pino({ level: 'silent' }) });
const rows = [];
for (const path of PUBLIC_PAGES) rows.push(await pageWeight(app, path));
for (const r of rows)
  console.log(
    `${r.path.padEnd(48)} html ${String(r.htmlBytes).padStart(6)} B + css/js ${String(r.assetBytes).padStart(6)} B = ${String(r.total).padStart(6)} B ${r.total <= BUDGET ? 'ok' : 'OVER BUDGET'}`,
  );
await deps.database.close();
rmSync(dirname(dataDir), { recursive: true, force: true });
const over = rows.filter((r) => r.total > BUDGET || r.foreign.length);
const summary = { budget: BUDGET, pages: rows.length, largest: Math.max(...rows.map((r) => r.total)), over: over.map((r) => r.path) };
await recordResults(
  'weight',
  { ...summary, rows },
  {
    columns: ['page', 'HTML bytes', 'CSS + JS bytes', 'total (compressed)', `within ${BUDGET / 1024} KB, no other host`],
    rows: rows.map((r) => [`\`${r.path}\``, r.htmlBytes, r.assetBytes, r.total, r.total <= BUDGET && !r.foreign.length ? 'yes' : 'NO']),
  },
);
console.log(JSON.stringify(summary));
process.exit(over.length ? 1 : 0);
