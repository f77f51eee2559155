import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import pino, { type Logger } from 'pino';
import { createApp } from './app.tsx';
import type { Config } from './config.ts';
import { readContent } from './content/loader.ts';
import type { Deps } from './context.ts';
import { loadSecret } from './crypto.ts';
import { type Database, openDatabase } from './db/client.ts';
import { ContentVersion } from './db/content-version.ts';
import { importDemoOrganisations } from './network/demo.ts';
import { Gate } from './search/gate.ts';
import { loadDefinition } from './signals/definition.ts';
import { hasContent } from './themes/queries.ts';
import { importContent } from './themes/service.ts';
import { importDemoTrainings } from './trainings/demo.ts';
import { assets } from './ui/assets.ts';

export interface BootOptions {
  config: Config;
  /** An already-open database (tests); otherwise opened from the config. */
  database?: Database;
  log?: Logger;
  contentDir?: string;
  now?: () => Date;
}

/**
 * JSON lines on stdout through pino's own asynchronous destination: lines are gathered up to 4 KB
 * and written together (one system call for many requests), at least once a second while the
 * process is quiet, and at exit (pino flushes its destination then; server.ts flushes on shutdown).
 */
export function createLogger(config: Config): Logger {
  const destination = pino.destination({ dest: 1, minLength: 4096, sync: false });
  const timer = setInterval(() => {
    try {
      destination.flush();
    } catch {
      // Destroyed at exit: nothing left to flush.
    }
  }, 1000);
  timer.unref();
  return pino({ level: config.LOG_LEVEL, base: { app: 'hechtwerk' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

/** Everything `npm start` does before listening: open and migrate the database, check and load content, build assets. */
export async function boot(opts: BootOptions) {
  const { config } = opts;
  const log = opts.log ?? createLogger(config);
  // Content is validated on every start, so a broken file stops the app before it serves anything.
  const contentDir = resolve(opts.contentDir ?? 'content');
  const bundle = readContent(contentDir);
  const signals = loadDefinition(resolve(contentDir, 'signalenlijst.yaml'));
  const database =
    opts.database ??
    (await openDatabase({
      databaseUrl: config.DATABASE_URL,
      dataDir: resolve(config.DATA_DIR),
      embedded: {
        log: {
          info: (m) => log.info({ component: 'database' }, m),
          warn: (m) => log.warn({ component: 'database' }, m),
          error: (m) => log.error({ component: 'database' }, m),
        },
      },
    }));
  try {
    // First-start data under the migration lock: instances starting together take turns.
    await database.migrate(async () => {
      if (!(await hasContent(database.db))) {
        const loaded = await importContent(database.db, bundle);
        log.info(loaded, 'content loaded');
      }
      await importDemoTrainings(database.db, resolve(contentDir, 'trainingen.yaml'), opts.now?.() ?? new Date());
      await importDemoOrganisations(database.db, resolve(contentDir, 'netwerk.yaml'));
    });
    const secret = await loadSecret(database.db);
    const deps: Deps = {
      config,
      database,
      log,
      assets: await assets(),
      secret,
      contentVersion: new ContentVersion(database.db),
      // Two per core: a search also spends time on the wire and in this process, so one per core leaves the database idle between them.
      searchGate: new Gate(config.SEARCH_CONCURRENCY ?? 2 * availableParallelism()),
      signals,
      now: opts.now ?? (() => new Date()),
    };
    return { deps, app: createApp(deps) };
  } catch (err) {
    if (!opts.database) await database.close();
    throw err;
  }
}
