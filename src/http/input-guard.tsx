import type { MiddlewareHandler } from 'hono';
import type { AppEnv, Ctx } from '../context.ts';
import { page } from '../ui/render.tsx';
import { problem } from './problem.ts';

const FORM = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i;
const hasNul = (v: unknown) => typeof v === 'string' && v.includes('\u0000');

function refuse(c: Ctx, detail: string) {
  c.header('Cache-Control', 'no-store');
  if (c.req.path.startsWith('/api/')) return problem(c, 400, 'Ongeldig verzoek', detail);
  return page(
    c,
    { title: 'Dit verzoek kunnen we niet lezen', status: 400 },
    <>
      <h1 class="utrecht-heading-1">Dit verzoek kunnen we niet lezen</h1>
      <p>{detail}</p>
      <p>Ga terug, controleer wat je hebt ingevuld en probeer het opnieuw.</p>
    </>,
  );
}

/** The error a form body that is no form gives (a broken multipart upload): the client's mistake. */
export const isUnreadableForm = (err: unknown) => err instanceof TypeError && err.message === 'Failed to parse body as FormData.';

/** The answer to it: a 400 in Dutch, not a 500 (used by the app's error handler). */
export const unreadableForm = (c: Ctx) => refuse(c, 'Het formulier is niet goed aangekomen.');

/**
 * U+0000 (NUL) in the path or in a form is refused here, before any handler reads it.
 * PostgreSQL text cannot hold it and no one types it, so it only comes from a tampered request;
 * without this check it reached the database as a 500. Handlers still validate everything else
 * themselves; the parsed form is cached, so they read it without parsing twice.
 */
export const inputGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  const url = c.req.url;
  const q = url.indexOf('?');
  // An address with NUL in it names no page. (Query strings are the handlers' own: the filters and
  // the search already read control characters as spaces and say so; the API's schema refuses them.)
  if ((q < 0 ? url : url.slice(0, q)).includes('%00')) return c.notFound();
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || !FORM.test(c.req.header('Content-Type') ?? '')) return next();
  let form: Record<string, unknown>;
  try {
    form = await c.req.parseBody({ all: true });
  } catch {
    // Not a form at all: each handler answers that in its own way (the error handler: unreadableForm).
    return next();
  }
  const nul = Object.entries(form).some(([key, value]) => key.includes('\u0000') || (Array.isArray(value) ? value.some(hasNul) : hasNul(value)));
  if (nul) return refuse(c, 'Het formulier bevat een teken dat niet is toegestaan (NUL).');
  return next();
};
