import type { Child } from 'hono/jsx';
import type { Ctx } from '../context.ts';
import { Layout, type LayoutProps } from './layout.tsx';

type PageOptions = Omit<LayoutProps, 'cssHref' | 'path' | 'children' | 'admin'> & { status?: number };

/** Renders a full page in the site layout; every face (site, beheer) goes through here. */
export async function page(c: Ctx, opts: PageOptions, body: Child): Promise<Response> {
  const { status, ...layout } = opts;
  const deps = c.get('deps');
  const user = c.get('user');
  const html = (
    <Layout
      {...layout}
      path={new URL(c.req.url).pathname}
      cssHref={deps.assets.css.path}
      admin={user ? { csrf: user.csrf, isAdmin: user.role === 'beheerder', name: user.name } : undefined}
    >
      {body}
    </Layout>
  );
  return c.html(`<!doctype html>${await html.toString()}`, (status ?? 200) as 200);
}
