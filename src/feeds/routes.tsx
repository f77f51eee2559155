import { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import { FEED } from '../ui/layout.tsx';
import { atomFeed } from './atom.ts';
import { sitemapUrls, themeUpdates } from './queries.ts';
import { robotsTxt, sitemapXml } from './sitemap.ts';

/**
 * Machine-readable faces of the public site: the Atom feed of theme updates, the sitemap and
 * robots.txt. All URLs in them are absolute, built from BASE_URL. They pass through the page
 * cache, which keeps HTML only; the ETag middleware still answers a feed reader's conditional GET.
 */
export const feedRoutes = new Hono<AppEnv>();

feedRoutes.get(FEED.href, async (c) => {
  const deps = c.get('deps');
  const entries = await themeUpdates(deps.database.db);
  return c.body(atomFeed(deps.config.baseUrl, entries, deps.now()), 200, { 'Content-Type': 'application/atom+xml; charset=utf-8' });
});

feedRoutes.get('/sitemap.xml', async (c) => {
  const deps = c.get('deps');
  const urls = await sitemapUrls(deps.database.db, deps.now());
  return c.body(sitemapXml(deps.config.baseUrl, urls), 200, { 'Content-Type': 'application/xml; charset=utf-8' });
});

feedRoutes.get('/robots.txt', (c) => c.body(robotsTxt(c.get('deps').config.baseUrl), 200, { 'Content-Type': 'text/plain; charset=utf-8' }));
