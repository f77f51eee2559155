import { desc, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { pages, themes } from '../db/schema.ts';
import { listPublished } from '../network/queries.ts';
import { orgPath } from '../network/views.tsx';
import { SITE_PAGES } from '../site/page-values.ts';
import { publishedTrainings } from '../trainings/queries.ts';
import type { FeedEntry } from './atom.ts';
import type { SitemapUrl } from './sitemap.ts';

/** Published themes, most recently changed first. */
export async function themeUpdates(db: Queryable, limit = 50): Promise<FeedEntry[]> {
  const rows = await db
    .select({ slug: themes.slug, title: themes.title, summary: themes.summary, updated: themes.updatedAt })
    .from(themes)
    .where(eq(themes.published, true))
    .orderBy(desc(themes.updatedAt), themes.slug)
    .limit(limit);
  return rows.map((r) => ({ path: `/themas/${r.slug}`, title: r.title, summary: r.summary, updated: r.updated }));
}

const latest = (dates: Date[]): Date | undefined => dates.reduce<Date | undefined>((max, d) => (max && max >= d ? max : d), undefined);

/**
 * Every public page, in the order of the navigation. Session pages are listed while the session
 * has not ended (a cancelled one too: its page says so, and search engines should learn that).
 */
export async function sitemapUrls(db: Queryable, now: Date): Promise<SitemapUrl[]> {
  const [themeRows, pageRows, trainingList, organisations] = await Promise.all([
    themeUpdates(db, 1000),
    db
      .select({ slug: pages.slug, reviewed: pages.reviewed })
      .from(pages)
      .where(inArray(pages.slug, [...SITE_PAGES])),
    publishedTrainings(db, now),
    listPublished(db),
  ]);
  const themesChanged = latest(themeRows.map((t) => t.updated));
  const trainingChanged = trainingList.map(({ training, sessions }) => latest([training.updatedAt, ...sessions.map((v) => v.session.updatedAt)]) as Date);
  const urls: SitemapUrl[] = [
    // The home page shows the themes; its other content is fixed.
    { path: '/', lastmod: themesChanged },
    { path: '/themas', lastmod: themesChanged },
    ...themeRows.map((t) => ({ path: t.path, lastmod: t.updated })),
    { path: '/signalenlijst' },
    { path: '/signalenlijst/blanco' },
    { path: '/meldcode' },
    { path: '/meldcode/afwegingskader' },
    { path: '/meldcode/afwegingskader/evaluatie' },
    { path: '/trainingen', lastmod: latest(trainingChanged) },
  ];
  trainingList.forEach(({ training, sessions }, i) => {
    urls.push({ path: `/trainingen/${training.slug}`, lastmod: trainingChanged[i] });
    for (const v of sessions) urls.push({ path: `/trainingen/${training.slug}/${v.session.id}`, lastmod: v.session.updatedAt });
  });
  urls.push(
    { path: '/netwerk', lastmod: latest(organisations.map((o) => o.updatedAt)) },
    ...organisations.map((o) => ({ path: orgPath(o), lastmod: o.updatedAt })),
    { path: '/zoeken' },
  );
  for (const slug of SITE_PAGES) {
    const p = pageRows.find((r) => r.slug === slug);
    if (p) urls.push({ path: `/${slug}`, lastmod: p.reviewed });
  }
  return urls;
}
