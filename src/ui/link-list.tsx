import type { Child, FC } from 'hono/jsx';

export type ListedLink = { href: string; label: Child; note?: string };

/** A list of links (nothing at all when there are none), each with an optional note after it. */
export const LinkList: FC<{ links: readonly ListedLink[]; class?: string }> = ({ links, class: cls }) =>
  links.length ? (
    <ul class={cls}>
      {links.map((l) => (
        <li>
          <a class="utrecht-link" href={l.href}>
            {l.label}
          </a>
          {l.note ? ` (${l.note})` : null}
        </li>
      ))}
    </ul>
  ) : null;
