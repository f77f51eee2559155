import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createFirstAdminToken } from './admin/service.ts';
import { boot, createLogger } from './boot.ts';
import { ConfigError, loadConfig } from './config.ts';
import { ContentError } from './content/loader.ts';
import { startJobs } from './jobs/scheduler.ts';
import { DefinitionError } from './signals/definition.ts';

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config);
  let booted: Awaited<ReturnType<typeof boot>>;
  try {
    booted = await boot({ config, log });
  } catch (err) {
    if (err instanceof ContentError || err instanceof DefinitionError) {
      console.error(`Ongeldige inhoud in content/:\n  ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const { app, deps } = booted;

  // Node's own HTTP server, Hono behind it. Caching for many readers is nginx's job (docs/deploy.md).
  const server = createServer(getRequestListener(app.fetch));
  server.listen(config.PORT, config.HOST, () => {
    const info = server.address() as AddressInfo;
    const url = config.BASE_URL ?? `http://${info.address.includes(':') ? `[${info.address}]` : info.address}:${info.port}`;
    console.log(`Hechtwerk draait op ${url} (database: ${deps.database.kind})`);
    void createFirstAdminToken(deps.database.db, deps.now()).then((token) => {
      if (token) console.log(`\nNog geen beheerder. Maak het eerste account aan via deze eenmalige link (24 uur geldig):\n  ${url}/beheer/welkom/${token}\n`);
    });
  });
  server.keepAliveTimeout = 65_000;

  const jobs = startJobs(deps);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took too long, exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    // Stop accepting; in-flight requests finish; idle keep-alive sockets close now.
    // Keep-alive sockets that finish their last request while we wait are closed as they turn idle.
    const http = server;
    const sweep = setInterval(() => http.closeIdleConnections(), 50);
    await new Promise<void>((resolve) => {
      http.close(() => resolve());
      http.closeIdleConnections();
    });
    clearInterval(sweep);
    await jobs.stop();
    await deps.database.close();
    log.info('stopped');
    // The log is written asynchronously in 4 KB pieces: hand the rest to stdout before leaving.
    await new Promise<void>((resolve) => log.flush(() => resolve()));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
