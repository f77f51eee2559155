import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { getRequestListener } from '@hono/node-server';
import { isDatabaseUnavailable } from './app.tsx';
import { createFirstAdminToken } from './beheer/accounts.ts';
import { boot, createLogger } from './boot.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { ContentError } from './content/loader.ts';
import { DataDirBusy } from './db/data-dir-lock.ts';
import { DataDirError } from './db/embedded.ts';
import { startJobs } from './jobs/scheduler.ts';
import { DefinitionError } from './signals/definition.ts';

/** A fatal start-up problem the operator must fix: said in one line, no stack trace. */
function fatal(message: string): never {
  console.error(message.replace(/\s*\n\s*/g, '; '));
  process.exit(1);
}

/** What the site answers while the database is not there yet: 503 with Retry-After, /healthz 200. */
function starting(req: IncomingMessage, res: ServerResponse) {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz') {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  if (path === '/readyz') {
    res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '5' }).end('{"status":"starting"}');
    return;
  }
  res
    .writeHead(503, { 'Content-Type': 'text/html; charset=utf-8', 'Retry-After': '5', 'Cache-Control': 'no-store' })
    .end(
      '<!doctype html><html lang="nl"><meta charset="utf-8"><title>Hechtwerk start op</title><h1>Hechtwerk start op</h1><p>De website is zo weer bereikbaar. Probeer het over een paar seconden opnieuw.</p></html>',
    );
}

/**
 * Gives back the memory start-up needed and no longer does. Compiling the TypeScript (tsx), building
 * the schemas and purging the CSS grow V8's heap to about 170 MB, of which 35–40 MB stays in use;
 * V8 keeps the rest, so the process sat at 260–280 MB RSS (bench:memory). One memory-reducing
 * collection after start shrinks the heap to what is used: about 140 MB RSS. It runs once, before
 * the site is served, and takes tens of milliseconds.
 */
function releaseStartupMemory() {
  type Gc = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;
  let gc = (globalThis as { gc?: Gc }).gc;
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as Gc;
  }
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

/** A failure to reach the database (not a fault in its data or the configuration): worth retrying. */
function retryable(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code ?? '';
  // 28xxx: the password or user is wrong; 3D000: the database does not exist. Configuration, not an outage.
  if (/^(28|3D)/.test(code)) return false;
  return isDatabaseUnavailable(err);
}

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fatal(err.message);
    throw err;
  }
  const log = createLogger(config);

  // Listening comes first, so a supervisor sees the process alive (/healthz) and not yet ready (/readyz 503).
  let handle: (req: IncomingMessage, res: ServerResponse) => void = starting;
  const server = createServer((req, res) => handle(req, res));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => {
    server.once('error', (err: NodeJS.ErrnoException) => fatal(`Kan niet luisteren op ${config.HOST}:${config.PORT}: ${err.code ?? err.message}`));
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const info = server.address() as AddressInfo;
  const url = config.BASE_URL ?? `http://${info.address.includes(':') ? `[${info.address}]` : info.address}:${info.port}`;

  let stopping = false;
  let booted: Awaited<ReturnType<typeof boot>> | undefined;
  let jobs: ReturnType<typeof startJobs> | undefined;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took too long, exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    // Stop accepting; in-flight requests finish; idle keep-alive sockets close now.
    // Keep-alive sockets that finish their last request while we wait are closed as they turn idle.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    clearInterval(sweep);
    await jobs?.stop();
    // The embedded server stops here too (after the app's last query).
    await booted?.deps.database.close();
    log.info('stopped');
    // The log is written asynchronously in 4 KB pieces: hand the rest to stdout before leaving.
    await new Promise<void>((resolve) => log.flush(() => resolve()));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  for (let attempt = 1, delay = 1000; !stopping; attempt++, delay = Math.min(delay * 2, 30_000)) {
    try {
      booted = await boot({ config, log });
      break;
    } catch (err) {
      if (err instanceof ContentError || err instanceof DefinitionError) fatal(`Ongeldige inhoud in content/: ${err.message}`);
      if (err instanceof DataDirError || err instanceof DataDirBusy) fatal(err.message);
      if (!retryable(err)) {
        const code = (err as { code?: string }).code;
        if (code && /^(28|3D)/.test(code)) fatal(`De database weigert de verbinding (${code}: ${(err as Error).message}); controleer DATABASE_URL.`);
        throw err;
      }
      const code = (err as { code?: string }).code ?? (err as Error).message.split('\n')[0];
      log.warn({ attempt, code, retryInMs: delay }, `database niet bereikbaar (${code}); nieuwe poging over ${Math.round(delay / 1000)} s`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  if (!booted) return;
  const { app, deps } = booted;
  // Node's own HTTP server, Hono behind it (once booted). Caching for many readers is nginx's job (docs/deploy.md).
  const listener = getRequestListener(app.fetch);
  releaseStartupMemory();
  handle = listener;
  console.log(`Hechtwerk draait op ${url} (database: ${deps.database.kind === 'embedded' ? `ingebouwde PostgreSQL in ${config.DATA_DIR}` : 'PostgreSQL'})`);
  void createFirstAdminToken(deps.database.db, deps.now()).then((token) => {
    if (token) console.log(`\nNog geen beheerder. Maak het eerste account aan via deze eenmalige link (24 uur geldig):\n  ${url}/beheer/welkom/${token}\n`);
  });
  jobs = startJobs(deps);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
