import { Hono } from 'hono';
import { movedTo } from '../content/redirects.ts';
import type { AppEnv } from '../context.ts';
import { page } from '../ui/render.tsx';
import { getTheme, listThemes } from './queries.ts';
import { ThemeList, ThemePage } from './views.tsx';

export const themeRoutes = new Hono<AppEnv>();

themeRoutes.get('/', async (c) => {
  const themes = await listThemes(c.get('deps').database.db);
  return page(
    c,
    { title: 'Thema’s', description: 'Achtergrond over hechting, kindermishandeling en een kansrijke start.', crumbs: [{ href: '/themas', label: 'Thema’s' }] },
    <ThemeList themes={themes} />,
  );
});

themeRoutes.get('/:slug', async (c) => {
  const slug = c.req.param('slug');
  if (!/^[a-z0-9-]{1,80}$/.test(slug)) return c.notFound();
  const db = c.get('deps').database.db;
  const theme = await getTheme(db, slug);
  if (!theme) {
    // An address the theme had before its slug changed: on to where it is now.
    const moved = await movedTo(db, 'theme', slug);
    return moved ? c.redirect(`/themas/${moved}`, 301) : c.notFound();
  }
  return page(
    c,
    {
      title: theme.title,
      description: theme.summary,
      ogType: 'article',
      crumbs: [
        { href: '/themas', label: 'Thema’s' },
        { href: `/themas/${theme.slug}`, label: theme.title },
      ],
    },
    <ThemePage theme={theme} baseUrl={c.get('deps').config.baseUrl} />,
  );
});
