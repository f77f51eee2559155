import type { MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv, Ctx } from '../context.ts';
import { hmac, randomToken, safeEqual } from '../crypto.ts';
import { page } from '../ui/render.tsx';
import { SESSION_ABSOLUTE_MS, sessionUser } from './accounts.ts';

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
