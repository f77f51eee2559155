// npm run bench:prepared — what naming prepared statements (prepareStatements in src/db/client.ts)
// earns on a PostgreSQL server, side by side in one run: the same app (in this process, page cache
// off, so every request queries the database) over a pool that sends every statement unnamed
// (node-postgres as it comes) and over one that names repeated statements. Rounds alternate.
// The last line printed is one JSON object.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import pino from 'pino';
import { boot } from '../src/boot.ts';
import { loadConfig } from '../src/config.ts';
import { type Database, type Db, openPostgres, prepareStatements } from '../src/db/client.ts';
import * as schema from '../src/db/schema.ts';
import { ADMIN_PG_URL } from '../test/env.ts';
import { recordResults } from './report.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = 10;
const PATHS = ['/themas/hechting', '/themas', '/netwerk', '/trainingen', '/', '/meldcode'];

const name = `hw_bench_${randomBytes(6).toString('hex')}`;
const admin = new pg.Client({ connectionString: ADMIN_PG_URL });
await admin.connect();
await admin.query(`create database ${name}`);
const url = new URL(ADMIN_PG_URL);
url.pathname = `/${name}`;
const silent = pino({ level: 'silent' }, new Writable({ write: (_c, _e, cb) => cb() }));
const config = loadConfig({ DATABASE_URL: url.toString(), PAGE_CACHE_MB: '0', LOG_LEVEL: 'silent' });

function database(named: boolean): Database & { pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
  pool.on('error', () => {});
  if (named) prepareStatements(pool);
  const db = drizzle({ client: pool, schema }) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    pool,
    migrate: async (afterwards) => afterwards?.(),
    ping: async () => {},
    close: () => pool.end(),
  };
}

const results: Record<'unnamed' | 'named', number[]> = { unnamed: [], named: [] };
try {
  // Schema and demo content, as npm start makes them.
  const first = await openPostgres(url.toString());
  await boot({ config, database: first, log: silent });
  await first.close();
  const setups = { unnamed: database(false), named: database(true) };
  const apps = {
    unnamed: (await boot({ config, database: setups.unnamed, log: silent })).app,
    named: (await boot({ config, database: setups.named, log: silent })).app,
  };
  const run = async (app: (typeof apps)['named'], seconds: number) => {
    let done = 0;
    const until = Date.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, w) => {
        for (let i = w; Date.now() < until; i++) {
          const res = await app.request(PATHS[i % PATHS.length] as string);
          if (res.status !== 200) throw new Error(`${PATHS[i % PATHS.length]}: ${res.status}`);
          await res.arrayBuffer();
          done++;
        }
      }),
    );
    return Math.round(done / seconds);
  };
  for (const mode of ['unnamed', 'named'] as const) await run(apps[mode], 2);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const mode of ['unnamed', 'named'] as const) {
      const rps = await run(apps[mode], SECONDS);
      results[mode].push(rps);
      console.log(`round ${round} ${mode.padEnd(8)} ${rps} requests/s`);
    }
  }
  await setups.unnamed.close();
  await setups.named.close();
} finally {
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
const out = {
  date: new Date().toISOString(),
  paths: PATHS,
  concurrency: CONCURRENCY,
  seconds: SECONDS,
  unnamedRps: mean(results.unnamed),
  namedRps: mean(results.named),
  gain: Math.round((mean(results.named) / mean(results.unnamed)) * 1000) / 1000,
  rounds: results,
};
console.log(`named prepared statements: ${out.namedRps} requests/s, unnamed: ${out.unnamedRps} (× ${out.gain})`);
await recordResults(
  'prepared',
  out,
  [
    `The app in one process with its page cache off (every request queries PostgreSQL at 127.0.0.1:5432), ${CONCURRENCY} requests at a time over ${PATHS.map((p) => `\`${p}\``).join(', ')} in turn; ${ROUNDS} rounds of ${SECONDS} s, the two pools alternating.`,
    '',
    '| statements | requests/s (mean) | per round |',
    '| --- | --- | --- |',
    `| unnamed (node-postgres as it comes) | ${out.unnamedRps} | ${results.unnamed.join(', ')} |`,
    `| named after 3 uses (\`prepareStatements\`) | ${out.namedRps} | ${results.named.join(', ')} |`,
    '',
    `Named: × ${out.gain}.`,
  ].join('\n'),
);
console.log(JSON.stringify(out));
