import type { Context } from 'hono';

/** RFC 9457 problem details, with the explanation in Dutch. */
export function problem(c: Context, status: 400 | 404 | 429 | 500 | 503, title: string, detail: string, extra: Record<string, unknown> = {}) {
  return c.body(JSON.stringify({ type: 'about:blank', title, status, detail, instance: new URL(c.req.url).pathname, ...extra }), status, {
    'Content-Type': 'application/problem+json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
}
