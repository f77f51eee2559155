import { rfc3339, escapeXml as x } from '../ui/xml.ts';

export interface SitemapUrl {
  /** Site-relative path, e.g. /themas/hechting. */
  path: string;
  /** When the page's content last changed, where we know it: a Date, or a YYYY-MM-DD date. */
  lastmod?: Date | string;
}

/** A sitemap (sitemaps.org protocol 0.9) with absolute URLs. */
export function sitemapXml(baseUrl: string, urls: SitemapUrl[]): string {
  const lines = ['<?xml version="1.0" encoding="utf-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'];
  for (const u of urls) {
    const lastmod = u.lastmod === undefined ? '' : `<lastmod>${x(typeof u.lastmod === 'string' ? u.lastmod : rfc3339(u.lastmod))}</lastmod>`;
    lines.push(`  <url><loc>${x(`${baseUrl}${u.path}`)}</loc>${lastmod}</url>`);
  }
  lines.push('</urlset>', '');
  return lines.join('\n');
}

/** Crawl everything public; the editors' area is no one's business but theirs. */
export function robotsTxt(baseUrl: string): string {
  return ['User-agent: *', 'Allow: /', 'Disallow: /beheer', '', `Sitemap: ${baseUrl}/sitemap.xml`, ''].join('\n');
}
