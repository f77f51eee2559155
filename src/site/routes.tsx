import { Hono } from 'hono';
import { raw } from 'hono/html';
import { renderMarkdown } from '../content/markdown.ts';
import type { AppEnv } from '../context.ts';
import { getPage, listThemes } from '../themes/queries.ts';
import { formatDate } from '../themes/views.tsx';
import { NAV } from '../ui/layout.tsx';
import { page } from '../ui/render.tsx';
import { fillPage, SITE_PAGE_SECTION, SITE_PAGES } from './page-values.ts';
import { Home } from './views.tsx';

export const siteRoutes = new Hono<AppEnv>();

siteRoutes.get('/', async (c) => {
  const themes = await listThemes(c.get('deps').database.db);
  return page(
    c,
    {
      title: 'Hechtwerk',
      description: 'Kennis, signalenlijst, Meldcode, netwerk en trainingen voor professionals die zich zorgen maken over een jong kind.',
    },
    <Home themes={themes} />,
  );
});

for (const slug of SITE_PAGES) {
  siteRoutes.get(`/${slug}`, async (c) => {
    const stored = await getPage(c.get('deps').database.db, slug);
    if (!stored) return c.notFound();
    // Placeholders such as {{RETENTION_MONTHS}} show this instance's configuration (src/site/page-values.ts).
    const p = fillPage(stored, c.get('deps').config);
    const rendered = renderMarkdown(p.bodyMd);
    // In the breadcrumbs as the navigation names its section.
    const section = NAV.find((item) => item.href === SITE_PAGE_SECTION[slug]);
    return page(
      c,
      { title: p.title, description: p.summary, section: section?.href, crumbs: [...(section ? [section] : []), { href: `/${slug}`, label: p.title }] },
      <article class="hw-prose">
        <h1 class="utrecht-heading-1">{p.title}</h1>
        <p class="hw-lead">{p.summary}</p>
        {raw(rendered.html)}
        <p class="hw-muted">
          Laatst bijgewerkt op <time datetime={p.reviewed}>{formatDate(p.reviewed)}</time>
        </p>
      </article>,
    );
  });
}
