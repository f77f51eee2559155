import type { Hono } from 'hono';
import type { Child, FC } from 'hono/jsx';
import type { AppEnv, Ctx } from '../context.ts';
import { type Fingerprints, formVersion } from '../db/version.ts';
import { Alert } from './alert.tsx';
import { page } from './render.tsx';

/** Small pieces every /beheer screen shares. */

export const csrf = (c: Ctx) => c.get('user')?.csrf ?? '';
export const actor = (c: Ctx) => c.get('user')?.id ?? null;
export const Csrf: FC<{ c: Ctx }> = ({ c }) => <input type="hidden" name="_csrf" value={csrf(c)} />;
/**
 * The version a form was opened at (optimistic locking) and, for an edit form, the fingerprints of
 * the values it showed (`basis`): a save after someone else's is then merged per field.
 */
export const Version: FC<{ value: string; basis?: Fingerprints | null }> = ({ value, basis }) => (
  <>
    <input type="hidden" name="versie" value={value} />
    {basis ? <input type="hidden" name="basis" value={JSON.stringify(basis)} /> : null}
  </>
);

/** A row id from the path: a positive int4, anything else is no id. */
export const idParam = (v: string | undefined) => {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 && n < 2 ** 31 ? n : null;
};

/** After a write commits: this instance serves fresh public pages at once (others within a second). */
export const fresh = (c: Ctx) => c.get('deps').contentVersion.invalidate();

/** What a save, publish or delete did: a success alert (green, with a tick), never a warning. */
export const Notice: FC<{ text?: string }> = ({ text }) =>
  text ? (
    <Alert type="ok" role="status" class="hw-notice">
      <p>{text}</p>
    </Alert>
  ) : null;

/** 404 for something that does not exist (any more), with the way back to its list. */
export const notFoundPage = (
  c: Ctx,
  what: { title: string; heading: string; text?: string; back: { href: string; label: string }; crumbs: { href: string; label: string }[] },
) =>
  page(
    c,
    { title: what.title, status: 404, crumbs: what.crumbs },
    <>
      <h1 class="utrecht-heading-1">{what.heading}</h1>
      {what.text ? <p>{what.text}</p> : null}
      <p>
        <a class="utrecht-link" href={what.back.href}>
          {what.back.label}
        </a>
      </p>
    </>,
  );

/**
 * A table that stacks on a phone: each row becomes a block, each cell shows its column's name
 * (give every <td> a data-label). The caption names the table for screen readers; `hideCaption`
 * keeps it for them only.
 */
export const StackTable: FC<{ columns: string[]; class?: string; caption?: Child; captionClass?: string; children?: Child }> = (p) => (
  <table class={['hw-table', p.class, 'hw-stack'].filter(Boolean).join(' ')}>
    {p.caption ? <caption class={p.captionClass}>{p.caption}</caption> : null}
    <thead>
      <tr>
        {p.columns.map((name) => (
          <th scope="col">{name}</th>
        ))}
      </tr>
    </thead>
    <tbody>{p.children}</tbody>
  </table>
);

const savedAt = new Intl.DateTimeFormat('nl-NL', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Amsterdam' });

/** The head of an edit-conflict notice: that someone else saved in between, who and when. */
export const ConflictHead: FC<{ thing: string; subject: string; change: { at: Date; by: string | null } | null; level?: 2 | 3 }> = ({
  thing,
  subject,
  change,
  level = 3,
}) => {
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <>
      <Heading class={level === 2 ? 'utrecht-heading-3' : undefined} id="conflict-title">
        Iemand anders heeft {thing} intussen gewijzigd
      </Heading>
      <p>
        {change
          ? `Opgeslagen door ${change.by ?? 'een onbekende gebruiker'} op ${savedAt.format(change.at)}.`
          : `${subject} is gewijzigd nadat jij de pagina opende.`}
      </p>
    </>
  );
};

/** The foot of an edit-conflict notice: the fields both editors changed (merged apart from those), or that a save replaces the stored version. */
export const ConflictFoot: FC<{ both?: string[]; replaces: string }> = ({ both, replaces }) =>
  both ? (
    <p>
      Jullie wijzigden allebei: {both.join(', ')}. Daar staat jouw invoer in het formulier; wat alleen jij of alleen de ander wijzigde, is samengevoegd. Kies
      wat blijft en sla op.
    </p>
  ) : (
    <p>Jouw invoer staat nog in het formulier. Sla je opnieuw op, dan vervang je {replaces} door jouw invoer.</p>
  );

/**
 * The "Op de site" panel of a versioned editor: where the thing is public (or that it is not) with
 * one button to publish or withdraw it at the form's version, and the way to its history.
 */
export const PublishPanel: FC<{ c: Ctx; action: string; version: string; published: boolean; live: string; path: string; hidden: string }> = (p) => (
  <>
    <form method="post" action={`${p.action}/${p.published ? 'terugtrekken' : 'publiceren'}`}>
      <Csrf c={p.c} />
      <Version value={p.version} />
      {p.published ? (
        <p>
          {p.live}:{' '}
          <a class="utrecht-link" href={p.path}>
            {p.path}
          </a>
          .
        </p>
      ) : (
        <p>{p.hidden}</p>
      )}
      <button class="utrecht-button utrecht-button--secondary-action" type="submit">
        {p.published ? 'Niet meer publiceren' : 'Publiceren'}
      </button>
    </form>
    <p>
      <a class="utrecht-link" href={`${p.action}/geschiedenis`}>
        Geschiedenis: eerdere versies vergelijken en terugzetten
      </a>
    </p>
  </>
);

/**
 * Previous/next links for a list in pages, with where the reader is; nothing for a list of one
 * page. From a page past the end, "previous" leads to the last page.
 */
export const Pager: FC<{ page: number; pages: number; href: (page: number) => string; prev: string; next: string }> = (p) => {
  if (p.pages <= 1) return null;
  return (
    <nav aria-label="Paginering">
      <ul class="hw-pager">
        {p.page > 1 ? (
          <li>
            <a class="utrecht-link" href={p.href(Math.min(p.page - 1, p.pages))} rel="prev">
              {p.prev}
            </a>
          </li>
        ) : null}
        <li>
          Pagina {Math.min(p.page, p.pages)} van {p.pages}
        </li>
        {p.page < p.pages ? (
          <li>
            <a class="utrecht-link" href={p.href(p.page + 1)} rel="next">
              {p.next}
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
};

// ---------------------------------------------------------------- shared routes of a versioned editor

/** How an editor's routes find their thing: by the `:id` of the path, null when it does not exist (any more). */
export interface Loader<T> {
  load: (c: Ctx) => Promise<T | null>;
  /** The page for a thing that does not exist (any more). */
  gone: (c: Ctx) => Promise<Response>;
}

/**
 * POST {root}/:id/publiceren and /terugtrekken: publishes or withdraws at the version the editor's
 * page was opened at, then back to the edit page with a notice. A refusal from the service (not
 * found, or changed in between) is turned into a page by `refused`; anything else is rethrown.
 */
export function publishRoutes<T extends { id: number }>(
  app: Hono<AppEnv>,
  o: Loader<T> & {
    root: string;
    publish: (c: Ctx, thing: T, version: string, published: boolean) => Promise<void>;
    refused: (c: Ctx, thing: T, err: unknown) => Promise<Response> | undefined;
  },
) {
  for (const [action, published] of [
    ['publiceren', true],
    ['terugtrekken', false],
  ] as const) {
    app.post(`/:id{[0-9]+}/${action}`, async (c) => {
      const thing = await o.load(c);
      if (!thing) return o.gone(c);
      try {
        await o.publish(c, thing, formVersion((await c.req.parseBody()).versie), published);
      } catch (err) {
        const shown = o.refused(c, thing, err);
        if (!shown) throw err;
        return shown;
      }
      fresh(c);
      return c.redirect(`${o.root}/${thing.id}?melding=${published ? 'gepubliceerd' : 'teruggetrokken'}`, 303);
    });
  }
}
