import { getConnInfo } from '@hono/node-server/conninfo';
import type { MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import ipaddr from 'ipaddr.js';
import type { AppEnv, Ctx } from '../context.ts';
import { page } from '../ui/render.tsx';
import { hmac, randomToken, safeEqual } from './crypto.ts';
import { SESSION_ABSOLUTE_MS, sessionUser } from './service.ts';

export const sessionCookieName = (c: Ctx) => (c.get('deps').config.secure ? '__Host-hw_session' : 'hw_session');
const preAuthCookieName = (c: Ctx) => (c.get('deps').config.secure ? '__Host-hw_form' : 'hw_form');

const cookieOptions = (c: Ctx, maxAgeSeconds: number) =>
  ({ path: '/', httpOnly: true, secure: c.get('deps').config.secure, sameSite: 'Lax', maxAge: maxAgeSeconds }) as const;

export function setSessionCookie(c: Ctx, token: string) {
  setCookie(c, sessionCookieName(c), token, cookieOptions(c, SESSION_ABSOLUTE_MS / 1000));
  deleteCookie(c, preAuthCookieName(c), { path: '/', secure: c.get('deps').config.secure });
}

export function clearSessionCookie(c: Ctx) {
  deleteCookie(c, sessionCookieName(c), { path: '/', secure: c.get('deps').config.secure });
}

/**
 * CSRF token for a form shown to someone who is not logged in (login, one-time links). It is tied
 * to a random cookie set only on those /beheer pages, so readers of the public site get no cookie.
 */
export function preAuthCsrf(c: Ctx): string {
  let nonce = getCookie(c, preAuthCookieName(c));
  if (!nonce || nonce.length < 20) {
    nonce = randomToken();
    setCookie(c, preAuthCookieName(c), nonce, cookieOptions(c, 2 * 60 * 60));
  }
  return hmac(c.get('deps').secret, `pre:${nonce}`);
}

/**
 * The client's address. Behind TRUST_PROXY=n proxies, each appending the address it was reached
 * from to X-Forwarded-For, the n-th entry from the right is the one our own first proxy wrote; every
 * entry left of it is whatever the client sent, so it is never taken.
 */
export function clientAddress(c: Ctx): string {
  const hops = c.get('deps').config.TRUST_PROXY;
  if (hops > 0) {
    const entries = (c.req.header('X-Forwarded-For') ?? '')
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
    const forwarded = entries.length >= hops ? entries[entries.length - hops] : undefined;
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'onbekend';
  } catch {
    return 'onbekend';
  }
}

/**
 * The key a client is counted under by the rate limits: an IPv4 address (also when written as
 * IPv4-mapped IPv6), or the /64 network of an IPv6 address, since one subscriber gets a whole /64
 * and can use any address in it.
 */
export function clientKeyOf(address: string): string {
  const text = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!ipaddr.isValid(text)) return address;
  const ip = ipaddr.process(text);
  if (ip.kind() === 'ipv4') return ip.toString();
  const parts = (ip as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/64`;
}

export const clientKey = (c: Ctx) => clientKeyOf(clientAddress(c));

/** Loads the logged-in user (if any) and checks the CSRF token of every state-changing request. */
export const loadSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  const deps = c.get('deps');
  const token = getCookie(c, sessionCookieName(c));
  if (token && token.length <= 100) {
    const user = await sessionUser(deps.database.db, token, deps.now());
    if (user) c.set('user', { ...user, csrf: hmac(deps.secret, `session:${token}`) });
    else clearSessionCookie(c);
  }
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const sent = typeof form._csrf === 'string' ? form._csrf : (c.req.header('X-CSRF-Token') ?? '');
    const user = c.get('user');
    const nonce = getCookie(c, preAuthCookieName(c));
    const expected = user ? user.csrf : nonce ? hmac(deps.secret, `pre:${nonce}`) : '';
    if (!expected || !sent || !safeEqual(sent, expected)) {
      c.header('Cache-Control', 'no-store');
      return page(
        c,
        { title: 'Formulier verlopen', status: 403 },
        <>
          <h1 class="utrecht-heading-1">Dit formulier is verlopen</h1>
          <p>Om je te beschermen accepteren we alleen formulieren die op deze site zijn geopend. Ga terug, laad de pagina opnieuw en probeer het nog eens.</p>
        </>,
      );
    }
  }
  await next();
  c.header('Cache-Control', 'no-store');
  c.header('X-Robots-Tag', 'noindex, nofollow');
};
