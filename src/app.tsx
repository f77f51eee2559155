import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { adminRoutes } from './admin/routes.tsx';
import { docsPage } from './api/docs.tsx';
import { api } from './api/routes.ts';
import type { AppEnv, Deps } from './context.ts';
import { feedRoutes } from './feeds/routes.tsx';
import { etagAndCompress, requestLog, securityHeaders } from './http/middleware.ts';
import { pageCache } from './http/page-cache.ts';
import { meldcodeRoutes } from './meldcode/routes.tsx';
import { networkRoutes } from './network/routes.tsx';
import { searchRoutes } from './search/routes.tsx';
import { signalRoutes } from './signals/routes.tsx';
import { siteRoutes } from './site/routes.tsx';
import { NotFound, ServerError } from './site/views.tsx';
import { themeRoutes } from './themes/routes.tsx';
import { trainingRoutes, trainingsFeed } from './trainings/routes.tsx';
import { page } from './ui/render.tsx';

/** Errors that mean "the database is not there right now", not "our code is wrong". */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string; cause?: unknown } | undefined;
  if (!e) return false;
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006'].includes(e.code ?? '')) return true;
  if (/Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e.message ?? '')) return true;
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
  app.use('*', securityHeaders);
  app.use('*', etagAndCompress);
  app.use(
    '*',
    bodyLimit({
      maxSize: 256 * 1024,
      onError: (c) => c.text('Het verzoek is te groot.', 413),
    }),
  );

  const cache = pageCache(deps.contentVersion);
  app.use('*', (c, next) => (/^\/(beheer|healthz|readyz|assets|trainingen|api)(\/|\.ics$|$)/.test(c.req.path) ? next() : cache(c, next)));

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

  app.route('/', siteRoutes);
  app.route('/', feedRoutes);
  app.route('/themas', themeRoutes);
  app.route('/zoeken', searchRoutes);
  app.route('/signalenlijst', signalRoutes);
  app.route('/meldcode', meldcodeRoutes);
  app.route('/netwerk', networkRoutes);
  app.get('/trainingen.ics', trainingsFeed);
  app.route('/trainingen', trainingRoutes);
  app.route('/beheer', adminRoutes);
  app.get('/api/docs', docsPage);
  app.route('/api', api);

  app.notFound((c) => page(c, { title: 'Pagina niet gevonden', status: 404 }, <NotFound />));

  app.onError((err, c) => {
    const reqId = c.get('reqId') ?? 'onbekend';
    const unavailable = isDatabaseUnavailable(err);
    deps.log.error(
      { reqId, err: { message: err.message, code: (err as { code?: string }).code, stack: err.stack } },
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
