import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { docsPage } from './api/docs.tsx';
import { api } from './api/routes.ts';
import { adminRoutes } from './beheer/routes.tsx';
import { IMPORT_PATH, importBodyLimit } from './bundle/routes.tsx';
import type { AppEnv, Deps } from './context.ts';
import { feedRoutes } from './feeds/routes.tsx';
import { inputGuard, isUnreadableForm, unreadableForm } from './http/input-guard.tsx';
import { etagAndCompress, requestLog, securityHeaders } from './http/middleware.ts';
import { pageCache } from './http/page-cache.ts';
import { meldcodeRoutes } from './meldcode/routes.tsx';
import { networkRoutes } from './network/routes.tsx';
import { signalRoutes } from './signals/routes.tsx';
import { siteRoutes } from './site/routes.tsx';
import { searchRoutes } from './site/search.tsx';
import { NotFound, ServerError } from './site/views.tsx';
import { themeRoutes } from './themes/routes.tsx';
import { certificateRoutes } from './trainings/accreditation-routes.tsx';
import { trainingRoutes, trainingsFeed } from './trainings/routes.tsx';
import { page } from './ui/render.tsx';

/**
 * Errors that mean "the database cannot serve us right now", not "our code is wrong": the server
 * is unreachable, restarting or shutting down (classes 08, 57P), out of connections, memory or
 * disk (53), has an I/O error (58), or a time limit ran out (57014, 25P03, the client's timeouts).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string; cause?: unknown } | undefined;
  if (!e) return false;
  const code = e.code ?? '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ENOSPC', 'EIO', '57014', '25P03'].includes(code))
    return true;
  if (/^(08|53|58)[0-9A-Z]{3}$|^57P[0-9A-Z]{2}$/.test(code)) return true;
  if (
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable|Query read timeout/i.test(
      e.message ?? '',
    )
  )
    return true;
  return e.cause !== undefined && e.cause !== err && isDatabaseUnavailable(e.cause);
}

export function createApp(deps: Deps) {
  const app = new Hono<AppEnv>();

  // The middleware, in order. Everything a request passes through is listed here.
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  app.use('*', requestLog);
  // Skips the paths isPageCacheable() names (editors' area, trainings with live seats, API, …).
  // Outside the header and compression middleware: a hit is the page as they made it.
  app.use('*', pageCache(deps.contentVersion, { maxBytes: deps.config.PAGE_CACHE_MB * 1024 * 1024, now: deps.now }));
  app.use('*', securityHeaders);
  app.use('*', etagAndCompress);
  const smallBody = bodyLimit({
    maxSize: 256 * 1024,
    // The body is left unread, so the connection is closed after the answer: on a kept-alive
    // connection the rest of the body would be read as the next request.
    onError: (c) => {
      c.header('Connection', 'close');
      return c.text('Het verzoek is te groot.', 413);
    },
  });
  // The bundle import is the one form that takes a large file; it has its own limit (5 MB).
  // GET and HEAD bodies are never read, so they pass without a look (the look alone would build a
  // full web Request from Node's lightweight one on every page view).
  app.use('*', (c, next) =>
    c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : c.req.path === IMPORT_PATH ? importBodyLimit(c, next) : smallBody(c, next),
  );
  // NUL characters in the address or a form are refused before any handler sees them.
  app.use('*', inputGuard);

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    try {
      await deps.database.ping();
      return c.json({ status: 'ok', database: deps.database.kind });
    } catch {
      c.header('Retry-After', '5');
      return c.json({ status: 'unavailable', database: deps.database.kind }, 503);
    }
  });

  app.get('/assets/:file', (c) => {
    const path = `/assets/${c.req.param('file')}`;
    const asset = [deps.assets.css, ...deps.assets.scripts].find((a) => a.path === path);
    if (!asset) return c.notFound();
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    return c.body(asset.body, 200, { 'Content-Type': asset.type });
  });

  app.get('/trainingen.ics', trainingsFeed);
  app.get('/api/docs', docsPage);
  const faces: [string, Hono<AppEnv>][] = [
    ['/', siteRoutes],
    ['/', feedRoutes],
    ['/themas', themeRoutes],
    ['/zoeken', searchRoutes],
    ['/signalenlijst', signalRoutes],
    ['/meldcode', meldcodeRoutes],
    ['/netwerk', networkRoutes],
    ['/trainingen', trainingRoutes],
    ['/certificaat', certificateRoutes],
    ['/beheer', adminRoutes],
    ['/api', api],
  ];
  for (const [path, routes] of faces) app.route(path, routes);

  app.notFound((c) => page(c, { title: 'Pagina niet gevonden', status: 404 }, <NotFound />));

  app.onError((err, c) => {
    // A form body that is no form (a broken upload) is the client's mistake: a 400, not an error of ours.
    if (isUnreadableForm(err)) return unreadableForm(c);
    const reqId = c.get('reqId') ?? 'onbekend';
    const unavailable = isDatabaseUnavailable(err);
    // A failed query's message carries its parameters (e-mail addresses, names): keep those out of
    // the log. What went wrong is in the cause (the driver's error), which is logged too.
    const safe = (m: string | undefined) => (m ?? '').replace(/\nparams: [\s\S]*$/, '');
    const cause = err.cause as { message?: string; code?: string } | undefined;
    deps.log.error(
      {
        reqId,
        err: {
          message: safe(err.message),
          code: (err as { code?: string }).code,
          stack: err.stack?.replace(err.message, safe(err.message)),
          // pino folds the cause's message into `message`; its code gets a key of its own.
          ...(cause ? { cause: { message: safe(cause.message) }, causeCode: cause.code } : {}),
        },
      },
      unavailable ? 'database unavailable' : 'unhandled error',
    );
    if (unavailable) c.header('Retry-After', '10');
    c.header('Cache-Control', 'no-store');
    return page(
      c,
      { title: unavailable ? 'Tijdelijk niet bereikbaar' : 'Er ging iets mis', status: unavailable ? 503 : 500 },
      <ServerError reqId={reqId} unavailable={unavailable} />,
    );
  });

  return app;
}
