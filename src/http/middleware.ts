import { createHash, randomUUID } from 'node:crypto';
import { brotliCompressSync, gzipSync, constants as zc } from 'node:zlib';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';
import { ByteLru } from './byte-cache.ts';

/**
 * Path segments that are secrets: the token after /beheer/welkom/ (an invitation or the first
 * administrator's link), /beheer/nieuw-wachtwoord/ (a password reset), /trainingen/bevestigen/ and
 * /trainingen/aanmelding/ (a registrant's links), /trainingen/evaluatie/ (an attendee's evaluation link).
 * Matched on the decoded path, whatever the case or doubled slashes, so no spelling of a link that
 * reaches its route (or almost does) leaves the token in the log.
 */
const SECRET_SEGMENT = /(\/(?:welkom|nieuw-wachtwoord|bevestigen|aanmelding|evaluatie)\/+)[^/]+/gi;
const MAY_HOLD_SECRET = /welkom|nieuw-wachtwoord|bevestigen|aanmelding|evaluatie|%/i;

/** The path as the request log writes it: a secret segment reads "…". */
export function redactPath(path: string): string {
  if (!MAY_HOLD_SECRET.test(path)) return path;
  const decoded = path.includes('%')
    ? path
        .split('/')
        .map((segment) => {
          try {
            return decodeURIComponent(segment);
          } catch {
            return segment;
          }
        })
        .join('/')
    : path;
  const redacted = decoded.replace(SECRET_SEGMENT, '$1…');
  return redacted === decoded ? path : redacted;
}

/**
 * Puts `res` in place of the response, whose headers `res` already carries (or, for a page from the
 * cache, that has none yet to keep). Hono's `c.res = res` would copy `res` to merge the old
 * response's headers into it: on Node's lightweight Response, a full web Response per request.
 */
export function replaceResponse(c: Context<AppEnv>, res: Response): void {
  c.res = undefined;
  c.res = res;
}

/** nginx's $request_id: 32 hex digits. Nothing else a client sends is taken as a request id. */
const PROXY_REQUEST_ID = /^[0-9a-f]{32}$/;

/**
 * Request id and one structured log line per request: no query string, no body, no personal data, no secret link.
 * Behind our own proxy (TRUST_PROXY), the id it sends in X-Request-Id (docs/nginx/hechtwerk.conf sends
 * nginx's $request_id), so a line in nginx's log and one in the app's share it; otherwise a new one.
 */
export const requestLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  const proxied = c.get('deps').config.TRUST_PROXY > 0 ? c.req.header('X-Request-Id') : undefined;
  const reqId = proxied && PROXY_REQUEST_ID.test(proxied) ? proxied : randomUUID();
  c.set('reqId', reqId);
  const start = performance.now();
  await next();
  // On the response's own headers: c.header() after the handler would copy the whole response.
  // A page from the cache has it already (and looking at its headers would build them anew).
  if (!c.get('reqIdSent')) c.res.headers.set('X-Request-Id', reqId);
  const { log } = c.get('deps');
  const status = c.res.status;
  const path = redactPath(new URL(c.req.url).pathname);
  const ms = Math.round(performance.now() - start);
  const fields = { reqId, method: c.req.method, path, status, ms };
  if (status < 500) {
    log.info(fields, 'request');
    return;
  }
  // A 503 with Retry-After is the app declining on purpose for a moment (searches queued too long,
  // the database unreachable): a warning. Any other 5xx is a failure.
  if (status === 503 && c.res.headers.has('Retry-After')) log.warn(fields, 'request declined for now');
  else log.error(fields, 'request failed');
};

export const securityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const h = c.res.headers;
  h.set(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  );
  h.set('X-Content-Type-Options', 'nosniff');
  h.set('Referrer-Policy', 'strict-origin-when-cross-origin');
  h.set('X-Frame-Options', 'DENY');
  h.set('Cross-Origin-Opener-Policy', 'same-origin');
  h.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
  if (c.get('deps').config.secure) h.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
};

const COMPRESSIBLE = /^(text\/|application\/(json|xml|atom\+xml|javascript|problem\+json)|image\/svg)/;
const MIN_BYTES = 512;
// Compressed bodies by URL, ETag and encoding: a page that has not changed is compressed once. An
// ETag names one body of one URL only (the suggestions' ETag is the content version, the same for
// every query), so the URL is part of the key. Bounded by the bytes it holds, keys included
// (src/http/byte-cache.ts).
export const COMPRESSED_CACHE_BYTES = 16 * 1024 * 1024;
export const compressedCache = new ByteLru<Uint8Array>(COMPRESSED_CACHE_BYTES, (body) => body.byteLength);

function compress(body: Uint8Array, encoding: 'br' | 'gzip'): Uint8Array {
  return encoding === 'br'
    ? brotliCompressSync(body, { params: { [zc.BROTLI_PARAM_QUALITY]: 6, [zc.BROTLI_PARAM_SIZE_HINT]: body.byteLength } })
    : gzipSync(body, { level: 6 });
}

/** The response encoding for an Accept-Encoding header: br, else gzip, else none. */
export function pickEncoding(accept: string | undefined): 'br' | 'gzip' | null {
  if (!accept) return null;
  const tokens = accept
    .toLowerCase()
    .split(',')
    .map((t) => t.trim());
  const allowed = (name: string) => tokens.some((t) => t === name || (t.startsWith(`${name};`) && !/q=0(\.0*)?$/.test(t)));
  if (allowed('br')) return 'br';
  if (allowed('gzip')) return 'gzip';
  return null;
}

export const etagOf = (body: Uint8Array | string) => `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;

/** Whether If-None-Match names this ETag (weak or strong). */
export const matches = (ifNoneMatch: string | undefined, etag: string) => !!ifNoneMatch?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);

function notModified(headers: Headers): Response {
  headers.delete('Content-Length');
  headers.delete('Content-Type');
  return new Response(null, { status: 304, headers });
}

/**
 * ETag with conditional GET, then br/gzip. Runs on buffered bodies: every page here is rendered to
 * a string first, so nothing streams that this would hold back.
 */
export const etagAndCompress: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const res = c.res;
  const headers = res.headers;
  const type = headers.get('Content-Type') ?? '';
  if (!COMPRESSIBLE.test(type) || headers.has('Content-Encoding')) return;
  const cacheable = (c.req.method === 'GET' || c.req.method === 'HEAD') && res.status === 200 && !/no-store/.test(headers.get('Cache-Control') ?? '');
  const encoding = pickEncoding(c.req.header('Accept-Encoding'));
  let etag = headers.get('ETag');
  // With a known ETag (the page cache sets one), a 304 or an already-compressed body needs no read of the body.
  if (cacheable && etag) {
    if (matches(c.req.header('If-None-Match'), etag)) {
      replaceResponse(c, notModified(headers));
      return;
    }
    const hit = encoding ? compressedCache.get(`${c.req.url} ${etag}:${encoding}`) : undefined;
    if (hit) {
      headers.append('Vary', 'Accept-Encoding');
      headers.set('Content-Encoding', encoding as string);
      headers.set('Content-Length', String(hit.byteLength));
      replaceResponse(c, new Response(hit as BodyInit, { status: res.status, headers }));
      return;
    }
  }
  // Only here is the body looked at: a page's HTML as page() made it, if this is its response;
  // otherwise read from the response (on Node's lightweight Response, that builds a full one).
  const rendered = c.get('rendered');
  const html = rendered?.res === res ? rendered.html : undefined;
  if (html === undefined && !res.body) return;
  const body: Uint8Array = html === undefined ? new Uint8Array(await res.arrayBuffer()) : Buffer.from(html);
  if (cacheable && !etag) {
    etag = etagOf(body);
    headers.set('ETag', etag);
    if (matches(c.req.header('If-None-Match'), etag)) {
      replaceResponse(c, notModified(headers));
      return;
    }
  }
  headers.append('Vary', 'Accept-Encoding');
  let out: Uint8Array = body;
  if (encoding && body.byteLength >= MIN_BYTES) {
    const key = etag ? `${c.req.url} ${etag}:${encoding}` : '';
    const hit = key ? compressedCache.get(key) : undefined;
    out = hit ?? compress(body, encoding);
    if (key && !hit) compressedCache.set(key, out);
    headers.set('Content-Encoding', encoding);
  }
  headers.set('Content-Length', String(out.byteLength));
  replaceResponse(c, new Response(out as BodyInit, { status: res.status, headers }));
};
