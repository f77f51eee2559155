import { count, eq } from 'drizzle-orm';
import type { FC } from 'hono/jsx';
import type { Ctx } from '../context.ts';
import type { Queryable } from '../db/client.ts';
import { organisations, themes, trainings } from '../db/schema.ts';
import { countOutbox } from '../mail/outbox.ts';
import { linkCounts } from '../sources/queries.ts';
import { formatSessionTime } from '../trainings/format.ts';
import { draftSessions, upcomingSessions } from '../trainings/queries.ts';
import { LinkList } from '../ui/link-list.tsx';
import { page } from '../ui/render.tsx';
import { ROLE_LABEL } from './accounts.ts';

/** How far ahead the dashboard looks for sessions that still have seats or a waiting list. */
const AHEAD_DAYS = 14;

/** One thing that needs attention: what, and the link that leads to it. */
interface Attention {
  href: string;
  label: string;
  detail?: string;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

async function drafts(db: Queryable) {
  const unpublished = async (table: typeof themes | typeof trainings | typeof organisations) =>
    (await db.select({ n: count() }).from(table).where(eq(table.published, false)))[0]?.n ?? 0;
  const [t, tr, o] = await Promise.all([unpublished(themes), unpublished(trainings), unpublished(organisations)]);
  return { themes: t, trainings: tr, organisations: o };
}

/** What needs a coordinator's attention now, in the order they would act on it. */
export async function attention(db: Queryable, now: Date): Promise<Attention[]> {
  const [sessions, failed, links, draft, draftSessionList] = await Promise.all([
    upcomingSessions(db, now, new Date(now.getTime() + AHEAD_DAYS * 86_400_000)),
    countOutbox(db, 'failed'),
    linkCounts(db),
    drafts(db),
    draftSessions(db, now),
  ]);
  const items: Attention[] = [];
  for (const { session, training, view } of sessions) {
    // A draft's seats are nobody's yet: it is listed with the drafts below.
    if (!session.published) continue;
    const parts = [
      view.seatsLeft > 0 ? plural(view.seatsLeft, 'plek vrij', 'plekken vrij') : null,
      view.waiting > 0 ? `${view.waiting} op de wachtlijst` : null,
    ].filter(Boolean);
    if (parts.length)
      items.push({
        href: `/beheer/trainingen/sessies/${session.id}`,
        label: `${training.title}, ${formatSessionTime(session.startsAt, session.endsAt)}`,
        detail: parts.join(', '),
      });
  }
  if (failed) items.push({ href: '/beheer/mail', label: plural(failed, 'mail kon niet worden verstuurd', 'mails konden niet worden verstuurd') });
  if (links.broken)
    items.push({ href: '/beheer/bronnen?status=kapot', label: plural(links.broken, 'kapotte link', 'kapotte links'), detail: 'bij de bronnen' });
  if (draft.themes) items.push({ href: '/beheer/themas', label: plural(draft.themes, 'thema is', 'thema’s zijn') + ' niet gepubliceerd' });
  if (draft.trainings) items.push({ href: '/beheer/trainingen', label: plural(draft.trainings, 'training is', 'trainingen zijn') + ' niet gepubliceerd' });
  for (const { session, training } of draftSessionList)
    items.push({
      href: `/beheer/trainingen/sessies/${session.id}`,
      label: `${training.title}, ${formatSessionTime(session.startsAt, session.endsAt)}`,
      detail: 'concept, nog niet op de site',
    });
  if (draft.organisations)
    items.push({ href: '/beheer/netwerk', label: plural(draft.organisations, 'organisatie is', 'organisaties zijn') + ' niet gepubliceerd' });
  return items;
}

const AttentionList: FC<{ items: Attention[] }> = ({ items }) =>
  items.length ? (
    <ul class="hw-attention">
      {items.map((i) => (
        <li>
          <a class="utrecht-link" href={i.href}>
            {i.label}
          </a>
          {i.detail ? <span class="hw-muted">: {i.detail}</span> : null}
        </li>
      ))}
    </ul>
  ) : (
    <p>Niets dat nu aandacht vraagt.</p>
  );

/** /beheer: what needs attention first, then the way to every part of the workspace. */
export async function dashboardPage(c: Ctx) {
  const user = c.get('user');
  const deps = c.get('deps');
  const [items, pending] = await Promise.all([attention(deps.database.db, deps.now()), countOutbox(deps.database.db)]);
  const beheerder = user?.role === 'beheerder';
  const links: { href: string; label: string; note?: string }[] = [
    { href: '/beheer/themas', label: 'Thema’s schrijven, publiceren en ordenen' },
    { href: '/beheer/trainingen', label: 'Trainingen en bijeenkomsten' },
    { href: '/beheer/netwerk', label: 'Netwerk: organisaties' },
    { href: '/beheer/bronnen', label: 'Bronnen en links' },
    { href: '/beheer/mail', label: 'Uitgaande mail bekijken', note: `${plural(pending, 'bericht wacht', 'berichten wachten')} op verzending` },
    { href: '/beheer/export', label: `Inhoud exporteren${beheerder ? ' of importeren' : ''}` },
    ...(beheerder
      ? [
          { href: '/beheer/gebruikers', label: 'Gebruikers uitnodigen en beheren' },
          { href: '/beheer/audit', label: 'Logboek: wie deed wat en wanneer' },
        ]
      : []),
    { href: '/beheer/wachtwoord', label: 'Wachtwoord wijzigen' },
  ];
  return page(
    c,
    { title: 'Beheer', crumbs: [{ href: '/beheer', label: 'Beheer' }] },
    <>
      <h1 class="utrecht-heading-1">Beheer</h1>
      <p>
        Welkom, {user?.name}. Je bent ingelogd als {ROLE_LABEL[user?.role ?? 'redacteur'].toLowerCase()}.
      </p>
      <h2 class="utrecht-heading-2">Wat aandacht vraagt</h2>
      <p class="hw-muted">
        Bijeenkomsten in de komende {AHEAD_DAYS} dagen met vrije plekken of een wachtlijst, mislukte mails, kapotte links en wat nog niet gepubliceerd is.
      </p>
      <AttentionList items={items} />
      <h2 class="utrecht-heading-2">Naar</h2>
      <LinkList links={links} />
    </>,
  );
}
