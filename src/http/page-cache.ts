import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';
import type { ContentVersion } from '../db/content-version.ts';
import { ENTRY_OVERHEAD_BYTES, stringBytes } from './byte-cache.ts';
import { etagOf, matches, pickEncoding, replaceResponse } from './middleware.ts';

interface Entry {
  version: number;
  /** The bytes as sent (compressed for the entry's encoding), kept once: a string would be encoded on every hit. */
  body: Uint8Array;
  /** The response's final headers, security headers and ETag included, as a plain object: a hit builds no Headers. */
  headers: Record<string, string>;
  /** The same for a 304 (no Content-Length or Content-Type). */
  notModified: Record<string, string>;
  etag: string;
  bytes: number;
  /** For a page that names its own max-age: when it was kept, by both clocks, and for how long (ms). */
  fresh?: { keptAt: number; clockAt: number; ms: number };
}

export interface PageCacheOptions {
  /** At most this many bytes of bodies and headers in all; the least recently used go first. 0: no cache. */
  maxBytes: number;
  /** Counted for tests and the benchmark. */
  stats?: { hits: number; stored: number };
  /** The app's clock (tests move it); a page with a max-age is kept while this and the monotonic clock both say it is younger. */
  now?: () => Date;
}

/** The max-age (or s-maxage) a response names for shared caches, in seconds; undefined if none. */
const maxAgeOf = (cacheControl: string): number | undefined => {
  const m = /(?:^|[,\s])s-maxage=(\d+)/.exec(cacheControl) ?? /(?:^|[,\s])max-age=(\d+)/.exec(cacheControl);
  return m ? Number(m[1]) : undefined;
};

/**
 * Lets a page whose URL has a query string into a cache only from its second request on (among
 * the last `size` such URLs seen). One-off searches, and query strings anyone can make up, would
 * otherwise push the pages people really read out of the cache, and cost a copy and a hash each.
 * URLs without a query string (the site's own pages, a few hundred) are let in at once.
 * Bounded by the bytes of the URLs it remembers (a URL may be as long as a client likes).
 */
export class Doorkeeper {
  private readonly seen = new Set<string>();
  private used = 0;
  constructor(private readonly maxBytes = 2 * 1024 * 1024) {}

  /** The bytes of the URLs remembered now, with the per-entry cost. */
  get bytes(): number {
    return this.used;
  }

  admit(key: string, url: string): boolean {
    if (!url.includes('?') || this.seen.has(key)) return true;
    const bytes = stringBytes(key) + ENTRY_OVERHEAD_BYTES;
    if (this.used + bytes > this.maxBytes) {
      this.seen.clear();
      this.used = 0;
    }
    if (bytes <= this.maxBytes) {
      this.seen.add(key);
      this.used += bytes;
    }
    return false;
  }
}

/**
 * Paths whose pages are never cached: the editors' area, probes, assets (cached by the browser),
 * trainings (live seat counts, not covered by the content version), certificate checks (a proof
 * can be deleted) and the API.
 */
const UNCACHED = /^\/(beheer|healthz|readyz|assets|trainingen|certificaat|api)(\/|\.ics$|$)/;
export const isPageCacheable = (path: string) => !UNCACHED.test(path);

/**
 * Caches rendered public pages (GET or HEAD, 200, HTML, not no-store or private) per URL, encoding
 * and content version, as they are sent: compressed, with every header. A page that names its own
 * max-age (search results with a training's free seats: 1 s) is kept no longer than that, as nginx
 * keeps it; max-age=0 is not kept. Public pages are the same for every reader, so a hit skips the
 * database, the renderer, the compressor and the header middleware. A request with a cookie or credentials is never answered from the cache, nor kept:
 * it may be an editor's, and what an editor is shown is not the public's.
 * Put it outside the security-header and compression middleware, so what it keeps is what they made.
 */
export function pageCache(version: ContentVersion, options: PageCacheOptions): MiddlewareHandler<AppEnv> {
  const entries = new Map<string, Entry>();
  const doorkeeper = new Doorkeeper();
  const stats = options.stats ?? { hits: 0, stored: 0 };
  const now = options.now ?? (() => new Date());
  let bytes = 0;
  const forget = (key: string) => {
    const old = entries.get(key);
    if (!old) return;
    entries.delete(key);
    bytes -= old.bytes;
  };
  return async (c, next) => {
    if (
      options.maxBytes <= 0 ||
      (c.req.method !== 'GET' && c.req.method !== 'HEAD') ||
      !isPageCacheable(c.req.path) ||
      c.req.header('Cookie') !== undefined ||
      c.req.header('Authorization') !== undefined
    )
      return next();
    const url = c.req.url;
    const key = `${pickEncoding(c.req.header('Accept-Encoding')) ?? 'identity'} ${url}`;
    let v = version.peek();
    if (v === undefined) {
      try {
        v = await version.current();
      } catch (err) {
        // The database cannot be reached: a page cached under the last version read is still the page.
        const stale = version.lastKnown();
        if (stale === undefined || entries.get(key)?.version !== stale) throw err;
        v = stale;
      }
    }
    let hit = entries.get(key);
    if (hit?.fresh) {
      const age = now().getTime() - hit.fresh.clockAt;
      if (performance.now() - hit.fresh.keptAt >= hit.fresh.ms || age < 0 || age >= hit.fresh.ms) {
        forget(key);
        hit = undefined;
      }
    }
    if (hit && hit.version === v) {
      // Refresh its place in the LRU order.
      entries.delete(key);
      entries.set(key, hit);
      stats.hits++;
      const reqId = c.get('reqId');
      const fresh = matches(c.req.header('If-None-Match'), hit.etag);
      const headers = fresh ? hit.notModified : hit.headers;
      if (reqId) c.set('reqIdSent', true);
      replaceResponse(
        c,
        new Response(fresh ? null : (hit.body as BodyInit), { status: fresh ? 304 : 200, headers: reqId ? { ...headers, 'x-request-id': reqId } : headers }),
      );
      return;
    }
    // Before the page is made: its age counts from before it read anything.
    const keptAt = performance.now();
    const clockAt = now().getTime();
    await next();
    const res = c.res;
    const type = res.headers.get('Content-Type') ?? '';
    const cacheControl = res.headers.get('Cache-Control') ?? '';
    if (res.status !== 200 || !type.startsWith('text/html') || res.headers.has('Set-Cookie') || /no-store|private/.test(cacheControl)) return;
    const maxAge = maxAgeOf(cacheControl);
    if (maxAge === 0) return;
    if (!doorkeeper.admit(key, url)) return;
    const body = new Uint8Array(await res.arrayBuffer());
    let etag = res.headers.get('ETag');
    if (!etag) {
      etag = etagOf(body);
      res.headers.set('ETag', etag);
    }
    const headers = Object.fromEntries(res.headers);
    const { 'content-length': _length, 'content-type': _type, ...notModified } = headers;
    const size = body.byteLength + key.length + Object.entries(headers).reduce((n, [k, val]) => n + k.length + val.length, 0);
    replaceResponse(c, new Response(body as BodyInit, { status: 200, headers: res.headers }));
    if (size > options.maxBytes) return;
    forget(key);
    while (bytes + size > options.maxBytes) forget(entries.keys().next().value as string);
    entries.set(key, {
      version: v,
      body,
      headers,
      notModified,
      etag,
      bytes: size,
      ...(maxAge === undefined ? {} : { fresh: { keptAt, clockAt, ms: maxAge * 1000 } }),
    });
    bytes += size;
    stats.stored++;
  };
}
