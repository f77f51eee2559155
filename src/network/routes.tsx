import { Hono } from 'hono';
import { movedTo } from '../content/redirects.ts';
import type { AppEnv } from '../context.ts';
import { page } from '../ui/render.tsx';
import { listPublished, parseFilter, publishedBySlug, servedMunicipalities, shortDescription, themeTitles } from './queries.ts';
import { NetworkList, OrganisationPage, orgPath } from './views.tsx';

export const networkRoutes = new Hono<AppEnv>();

const crumbs = [{ href: '/netwerk', label: 'Netwerk' }];

networkRoutes.get('/', async (c) => {
  const db = c.get('deps').database.db;
  const [municipalities, themes, everyone] = await Promise.all([servedMunicipalities(db), themeTitles(db), listPublished(db)]);
  const { filter, selected, errors } = parseFilter(c.req.query(), { municipalities, themes });
  const filtered = filter.type || filter.municipality || filter.theme;
  const organisations = filtered ? await listPublished(db, filter) : everyone;
  return page(
    c,
    {
      title: 'Netwerk',
      description: 'Partnerorganisaties in de regio: JGZ, kraamzorg, verloskunde, kinderopvang, onderwijs, wijkteams, huisartsen, jeugdhulp en Veilig Thuis.',
      crumbs,
      // A filter value we do not know is the reader's input to correct, not our error.
      status: Object.keys(errors).length ? 400 : 200,
    },
    <NetworkList
      organisations={organisations}
      municipalities={municipalities}
      themes={themes}
      selected={selected}
      errors={errors}
      hasDemo={everyone.some((o) => o.demo)}
    />,
  );
});

networkRoutes.get('/:slug', async (c) => {
  const db = c.get('deps').database.db;
  const org = await publishedBySlug(db, c.req.param('slug'));
  if (!org) {
    // An address the organisation had before its slug changed: on to where it is now.
    const moved = await movedTo(db, 'organisation', c.req.param('slug'));
    return moved ? c.redirect(`/netwerk/${moved}`, 301) : c.notFound();
  }
  return page(
    c,
    {
      title: org.name,
      description: `${org.name}: ${shortDescription(org.description, 140)}`,
      crumbs: [...crumbs, { href: orgPath(org), label: org.name }],
    },
    <OrganisationPage org={org} themes={await themeTitles(db)} />,
  );
});
