import type { Child } from 'hono/jsx';
import type { Ctx } from '../context.ts';
import { Layout, type LayoutProps } from './layout.tsx';

type PageOptions = Omit<LayoutProps, 'cssHref' | 'path' | 'children' | 'admin' | 'canonical' | 'site'> & {
  status?: number;
  /** The path search engines should index this page under, instead of its own; false for none. See canonicalUrl(). */
  canonicalPath?: string | false;
};

/** Pages whose address is nobody else's business: the editors' area, links with a personal token, a certificate's check. */
const UNLISTED = /^\/(beheer|certificaat|trainingen\/(aanmelding|bevestigen|evaluatie|inchecken))(\/|$)/;

/**
 * The absolute canonical URL: BASE_URL plus the path, without the query string, so search results
 * (/zoeken?q=…), filters and "Probeer" forms all point at their page. Only for a page a reader
 * can open again: a successful GET that is not unlisted.
 */
function canonicalUrl(c: Ctx, status: number, override: string | false | undefined): string | undefined {
  if (override === false || status !== 200 || (c.req.method !== 'GET' && c.req.method !== 'HEAD')) return undefined;
  const path = override ?? new URL(c.req.url).pathname;
  return UNLISTED.test(path) ? undefined : `${c.get('deps').config.baseUrl}${path}`;
}

/** Renders a full page in the site layout; every face (site, beheer) goes through here. */
export async function page(c: Ctx, opts: PageOptions, body: Child): Promise<Response> {
  const { status, canonicalPath, ...layout } = opts;
  const deps = c.get('deps');
  const user = c.get('user');
  const html = (
    <Layout
      {...layout}
      canonical={canonicalUrl(c, status ?? 200, canonicalPath)}
      path={new URL(c.req.url).pathname}
      cssHref={deps.assets.css.path}
      site={{ region: deps.config.SITE_REGION, logo: deps.config.SITE_LOGO }}
      admin={user ? { csrf: user.csrf, isAdmin: user.role === 'beheerder', name: user.name } : undefined}
    >
      {body}
    </Layout>
  );
  const text = `<!doctype html>${await html.toString()}`;
  const res = c.html(text, (status ?? 200) as 200);
  c.set('rendered', { res, html: text });
  return res;
}
