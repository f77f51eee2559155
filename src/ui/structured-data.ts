import { raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { SITE_NAME } from './layout.tsx';
import { rfc3339 } from './xml.ts';

/** A schema.org object (https://schema.org), as search engines read it from a page. */
export type JsonLd = { '@context'?: 'https://schema.org'; '@type': string } & Record<string, unknown>;

/**
 * JSON that is safe between <script> and </script>: `<`, `>` and `&` become \u escapes, which
 * JSON.parse reads back as the same characters, so no value can close the element, open a
 * comment (`<!--`) or look like markup. U+2028/2029 likewise, for old JavaScript parsers.
 */
export function scriptSafeJson(data: unknown): string {
  return JSON.stringify(data).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${(ch.codePointAt(0) as number).toString(16).padStart(4, '0')}`);
}

/**
 * A JSON-LD data block. The browser does not run it (its type is not JavaScript), so the
 * `script-src 'self'` policy needs neither a nonce nor 'unsafe-inline' for it.
 */
export function jsonLdScript(data: JsonLd): HtmlEscapedString {
  return raw(`<script type="application/ld+json">${scriptSafeJson(data)}</script>`);
}

const organisation = (baseUrl: string) => ({ '@type': 'Organization', name: SITE_NAME, url: `${baseUrl}/` });

/** A theme page as a schema.org Article; dateModified is the date the content was last reviewed. */
export function themeArticle(baseUrl: string, theme: { slug: string; title: string; summary: string; reviewed: string }): JsonLd {
  const url = `${baseUrl}/themas/${theme.slug}`;
  return {
    '@context': 'https://schema.org',
    '@type': 'Article',
    headline: theme.title,
    description: theme.summary,
    dateModified: theme.reviewed,
    inLanguage: 'nl-NL',
    url,
    mainEntityOfPage: { '@type': 'WebPage', '@id': url },
    author: organisation(baseUrl),
    publisher: organisation(baseUrl),
  };
}

const schema = (name: string) => `https://schema.org/${name}`;

/** What an Event needs of a session (a trainings SessionView has it). */
type EventView = {
  seatsLeft: number;
  session: {
    id: number;
    status: string;
    online: boolean;
    location: string;
    capacity: number;
    startsAt: Date;
    endsAt: Date;
    registrationOpensAt: Date;
    registrationClosesAt: Date;
  };
};

/**
 * A training session as a schema.org Event. Availability follows the seats (a full session is
 * SoldOut even though its waiting list is open); validFrom/validThrough carry the registration
 * window. An online session's link is only mailed to confirmed participants, so its
 * VirtualLocation points at the session page, where one registers.
 */
export function sessionEvent(baseUrl: string, training: { slug: string; title: string; summary: string }, view: EventView): JsonLd {
  const s = view.session;
  const url = `${baseUrl}/trainingen/${training.slug}/${s.id}`;
  return {
    '@context': 'https://schema.org',
    '@type': 'Event',
    name: training.title,
    description: training.summary,
    url,
    inLanguage: 'nl-NL',
    startDate: rfc3339(s.startsAt),
    endDate: rfc3339(s.endsAt),
    eventStatus: schema(s.status === 'geannuleerd' ? 'EventCancelled' : 'EventScheduled'),
    eventAttendanceMode: schema(s.online ? 'OnlineEventAttendanceMode' : 'OfflineEventAttendanceMode'),
    location: s.online ? { '@type': 'VirtualLocation', name: s.location, url } : { '@type': 'Place', name: s.location, address: s.location },
    organizer: organisation(baseUrl),
    offers: {
      '@type': 'Offer',
      price: 0,
      priceCurrency: 'EUR',
      availability: schema(view.seatsLeft > 0 ? 'InStock' : 'SoldOut'),
      validFrom: rfc3339(s.registrationOpensAt),
      validThrough: rfc3339(s.registrationClosesAt),
      url,
    },
    maximumAttendeeCapacity: s.capacity,
    remainingAttendeeCapacity: view.seatsLeft,
  };
}
