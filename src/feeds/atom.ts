import { FEED, SITE_NAME } from '../ui/layout.tsx';
import { rfc3339, escapeXml as x } from '../ui/xml.ts';

export interface FeedEntry {
  /** Site-relative path of the page the entry is about, e.g. /themas/hechting. */
  path: string;
  title: string;
  summary: string;
  updated: Date;
}

/**
 * An Atom 1.0 feed (RFC 4287). An entry's id is the page's absolute URL: one entry per theme,
 * whose `updated` moves when the theme changes, so a reader shows it as revised rather than new.
 */
export function atomFeed(baseUrl: string, entries: FeedEntry[], emptyUpdated: Date): string {
  const self = `${baseUrl}${FEED.href}`;
  const newest = entries.length ? new Date(Math.max(...entries.map((e) => e.updated.getTime()))) : emptyUpdated;
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="nl">',
    `  <id>${x(self)}</id>`,
    `  <title>${x(FEED.title)}</title>`,
    `  <subtitle>${x('Nieuwe en bijgewerkte thema’s over hechting, kindermishandeling en een kansrijke start.')}</subtitle>`,
    `  <link rel="self" type="application/atom+xml" href="${x(self)}"/>`,
    `  <link rel="alternate" type="text/html" href="${x(`${baseUrl}/themas`)}"/>`,
    `  <updated>${rfc3339(newest)}</updated>`,
    `  <author><name>${x(SITE_NAME)}</name><uri>${x(`${baseUrl}/`)}</uri></author>`,
  ];
  for (const e of entries) {
    const url = `${baseUrl}${e.path}`;
    lines.push(
      '  <entry>',
      `    <id>${x(url)}</id>`,
      `    <title type="text">${x(e.title)}</title>`,
      `    <link rel="alternate" type="text/html" href="${x(url)}"/>`,
      `    <updated>${rfc3339(e.updated)}</updated>`,
      `    <summary type="text">${x(e.summary)}</summary>`,
      '  </entry>',
    );
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}
