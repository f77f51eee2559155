import { resolve } from 'node:path';
import { eq } from 'drizzle-orm';
import pino, { type Logger } from 'pino';
import { createApp } from './app.tsx';
import { type Config, loadConfig } from './config.ts';
import { type ContentBundle, readContent } from './content/loader.ts';
import type { Deps } from './context.ts';
import { loadSecret } from './crypto.ts';
import { type Database, type Db, openDatabase } from './db/client.ts';
import { ContentVersion } from './db/content-version.ts';
import { appSettings, organisations, pages, sources, themes, trainings } from './db/schema.ts';
import { meldcodeSearchDocument } from './meldcode/search-document.tsx';
import { importDemoOrganisations } from './network/demo.ts';
import { reindex as reindexOrganisation } from './network/service.ts';
import { defaultLimit, Gate } from './search/gate.ts';
import { upsertSearchDocument } from './search/service.ts';
import { loadSynonyms } from './search/synonyms.ts';
import { type Definition, loadDefinition } from './signals/definition.ts';
import { signalsSearchDocument } from './signals/service.ts';
import { pageSearchDocument, SITE_PAGES } from './site/page-values.ts';
import { reindexSource } from './sources/service.ts';
import { hasContent } from './themes/queries.ts';
import { importContent, reindexTheme } from './themes/service.ts';
import { importDemoTrainings } from './trainings/demo.ts';
import { indexTraining, refreshTrainingPlaces } from './trainings/service.ts';
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

/**
 * The search documents' format: 2 since migration 0016 (bodies in blocks, labels apart), 3 since 0018
 * (what each document is, its category), 4 since an organisation's phone number names it (in its category),
 * 5 since a training's accreditation is in its body, 6 since a training's coming sessions' places ("online", a town) are among its labels,
 * 7 since an organisation with a phone number has "telefoonnummer" among its labels.
 * A database whose documents were written in an older format gets them written anew, once, by their writers.
 */
const SEARCH_FORMAT = '7';

// Each writer rewrites only the documents whose text changed (upsertSearchDocument): a new format that the
// database derives differently from the same text (passages, generated columns) is rewritten by its migration.
async function refreshSearchIndex(db: Db, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(appSettings).where(eq(appSettings.key, 'search_format')).for('update');
    if (row?.value === SEARCH_FORMAT) return;
    for (const t of await tx.select({ id: themes.id }).from(themes)) await reindexTheme(tx, t.id);
    for (const s of await tx.select({ id: sources.id }).from(sources)) await reindexSource(tx, s.id);
    for (const o of await tx.select().from(organisations)) await reindexOrganisation(tx, o);
    for (const t of await tx.select().from(trainings)) await indexTraining(tx, t, now);
    await tx
      .insert(appSettings)
      .values({ key: 'search_format', value: SEARCH_FORMAT })
      .onConflictDoUpdate({ target: appSettings.key, set: { value: SEARCH_FORMAT } });
  });
}

/**
 * What every start puts in the database (under the migration lock, so instances starting together
 * take turns): the content and demo data on a first start, the search index in its current format,
 * and the guides' search documents.
 */
export async function loadStartData(
  db: Db,
  o: { contentDir: string; bundle?: ContentBundle; signals?: Definition; now: Date; log?: Logger; config?: Config },
): Promise<void> {
  if (!(await hasContent(db))) {
    const loaded = await importContent(db, o.bundle ?? readContent(o.contentDir));
    o.log?.info(loaded, 'content loaded');
  }
  await importDemoTrainings(db, resolve(o.contentDir, 'trainingen.yaml'), o.now);
  await importDemoOrganisations(db, resolve(o.contentDir, 'netwerk.yaml'));
  await refreshSearchIndex(db, o.now);
  // Sessions that ended while the app was down no longer count among their trainings' places.
  await refreshTrainingPlaces(db, o.now);
  // The guides' texts come with the code and content/: written anew at every start (unchanged: nothing changes).
  const signals = o.signals ?? loadDefinition(resolve(o.contentDir, 'signalenlijst.yaml'));
  for (const doc of [await meldcodeSearchDocument(), signalsSearchDocument(signals)]) await upsertSearchDocument(db, doc);
  // So are the site's own pages (the privacy statement, accessibility, about), filled with this instance's
  // configuration as they are shown; they change with content/ and the configuration, both read at start.
  const config = o.config ?? loadConfig({});
  const shown = new Set<string>(SITE_PAGES);
  for (const p of await db.select().from(pages)) if (shown.has(p.slug)) await upsertSearchDocument(db, pageSearchDocument(p, config));
}

/** Everything `npm start` does before listening: open and migrate the database, check and load content, build assets. */
export async function boot(opts: BootOptions) {
  const { config } = opts;
  const log = opts.log ?? createLogger(config);
  // Content is validated on every start, so a broken file stops the app before it serves anything.
  const contentDir = resolve(opts.contentDir ?? 'content');
  const bundle = readContent(contentDir);
  const signals = loadDefinition(resolve(contentDir, 'signalenlijst.yaml'));
  const synonyms = loadSynonyms(resolve(contentDir, 'synoniemen.yaml'));
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
    await database.migrate(() => loadStartData(database.db, { contentDir, bundle, signals, now: opts.now?.() ?? new Date(), log, config }));
    const secret = await loadSecret(database.db);
    const deps: Deps = {
      config,
      database,
      log,
      assets: await assets(),
      secret,
      contentVersion: new ContentVersion(database.db),
      // One more than the cores: a search also spends time on the wire and in this process, so one per core leaves the database idle between them (src/search/gate.ts).
      searchGate: new Gate(config.SEARCH_CONCURRENCY ?? defaultLimit()),
      signals,
      synonyms,
      now: opts.now ?? (() => new Date()),
    };
    return { deps, app: createApp(deps) };
  } catch (err) {
    if (!opts.database) await database.close();
    throw err;
  }
}
