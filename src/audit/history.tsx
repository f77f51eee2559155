import type { Hono } from 'hono';
import type { Child, FC } from 'hono/jsx';
import type { AppEnv, Ctx } from '../context.ts';
import type { Queryable } from '../db/client.ts';
import { FieldShell } from '../ui/forms.tsx';
import { type Loader, StackTable } from '../ui/kit.tsx';
import { page } from '../ui/render.tsx';
import { type DiffLine, diffLines, fieldText, getRevision, listRevisions, type Revision, type RevisionKind } from './revisions.ts';

/** One field of a snapshot in a diff: its label and how its value reads as lines of text. */
export interface DiffField {
  key: string;
  label: string;
  text?: (value: unknown) => string;
}

const dateTime = new Intl.DateTimeFormat('nl-NL', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Amsterdam' });
export const revisionLabel = (r: Revision) => `${dateTime.format(r.at)} – ${r.author ?? 'systeem'} (${r.action})`;
export const yesNo = (v: unknown) => (v ? 'Ja' : 'Nee');

const DiffBlock: FC<{ lines: DiffLine[] }> = ({ lines }) => (
  <pre class="hw-diff">
    {lines.map((l) =>
      l.op === 'same' ? (
        <span class="hw-diff__same">
          {'  '}
          {l.text}
          {'\n'}
        </span>
      ) : l.op === 'add' ? (
        <ins class="hw-diff__add">
          <span class="hw-visually-hidden">toegevoegd: </span>
          {'+ '}
          {l.text}
          {'\n'}
        </ins>
      ) : (
        <del class="hw-diff__del">
          <span class="hw-visually-hidden">verwijderd: </span>
          {'− '}
          {l.text}
          {'\n'}
        </del>
      ),
    )}
  </pre>
);

/** Long unchanged stretches are folded to three lines of context around each change. */
function folded(lines: DiffLine[], context = 3): DiffLine[] {
  const keep = lines.map(() => false);
  lines.forEach((l, i) => {
    if (l.op !== 'same') for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j++) keep[j] = true;
  });
  const out: DiffLine[] = [];
  let skipped = 0;
  const flush = () => {
    if (skipped) out.push({ op: 'same', text: `… ${skipped} ongewijzigde regel${skipped === 1 ? '' : 's'} …` });
    skipped = 0;
  };
  lines.forEach((l, i) => {
    if (keep[i]) {
      flush();
      out.push(l);
    } else skipped++;
  });
  flush();
  return out;
}

/** Field by field, what changed from `before` to `after`; unchanged fields are listed by name only. */
export const SnapshotDiff: FC<{ before: Record<string, unknown>; after: Record<string, unknown>; fields: DiffField[]; headingLevel?: 2 | 3 }> = ({
  before,
  after,
  fields,
  headingLevel = 2,
}) => {
  const text = (f: DiffField, snapshot: Record<string, unknown>) => (f.text ?? fieldText)(snapshot[f.key]);
  const changed = fields.filter((f) => text(f, before) !== text(f, after));
  const same = fields.filter((f) => !changed.includes(f));
  return (
    <div class="hw-diffs">
      {changed.length ? null : <p>Er is geen verschil.</p>}
      {changed.map((f) => (
        <section>
          {headingLevel === 2 ? <h2 class="utrecht-heading-3">{f.label}</h2> : <h3 class="utrecht-heading-3">{f.label}</h3>}
          <DiffBlock lines={folded(diffLines(text(f, before), text(f, after)))} />
        </section>
      ))}
      {changed.length && same.length ? <p class="hw-muted">Ongewijzigd: {same.map((f) => f.label.toLowerCase()).join(', ')}.</p> : null}
    </div>
  );
};

interface Subject {
  c: Ctx;
  kind: RevisionKind;
  id: number;
  /** The thing's admin page, e.g. /beheer/themas/3; history lives under it. */
  path: string;
  title: string;
  crumbs: { href: string; label: string }[];
  /** The thing's current version, for the restore buttons (optimistic locking). */
  version: string;
}

const RestoreForm: FC<{ s: Subject; rev: Revision; children: Child; class?: string }> = ({ s, rev, children, class: cls }) => (
  <form class={cls} method="post" action={`${s.path}/versies/${rev.id}/terugzetten`}>
    <input type="hidden" name="_csrf" value={s.c.get('user')?.csrf ?? ''} />
    <input type="hidden" name="versie" value={s.version} />
    {children}
  </form>
);

const RevisionSelect: FC<{ name: string; label: string; list: Revision[]; selected?: number }> = ({ name, label, list, selected }) => (
  <FieldShell name={name} label={label}>
    <select class="hw-select" id={name} name={name}>
      {list.map((r) => (
        <option value={String(r.id)} selected={r.id === selected}>
          {revisionLabel(r)}
        </option>
      ))}
    </select>
  </FieldShell>
);

/** GET {path}/geschiedenis: every revision, newest first, with compare and restore. */
export async function historyPage(s: Subject, db: Queryable) {
  const list = await listRevisions(db, s.kind, s.id);
  const here = `${s.path}/geschiedenis`;
  return page(
    s.c,
    { title: `Geschiedenis van ${s.title}`, crumbs: [...s.crumbs, { href: here, label: 'Geschiedenis' }] },
    <>
      <h1 class="utrecht-heading-1">Geschiedenis van {s.title}</h1>
      <p>Elke keer dat iemand dit opslaat, publiceert of terugzet, bewaren we een versie. Je kunt twee versies vergelijken en een oude versie terugzetten.</p>
      {list.length > 1 ? (
        <form class="hw-filter" method="get" action={`${s.path}/vergelijk`}>
          <RevisionSelect name="van" label="Vergelijk versie" list={list} selected={list[1]?.id} />
          <RevisionSelect name="naar" label="met versie" list={list} selected={list[0]?.id} />
          <div class="hw-filter__actions">
            <button class="utrecht-button utrecht-button--secondary-action" type="submit">
              Vergelijken
            </button>
          </div>
        </form>
      ) : null}
      <StackTable columns={['Versie', 'Acties']} caption="Versies, nieuwste eerst" captionClass="hw-muted">
        {list.map((r, i) => (
          <tr>
            <td>
              {dateTime.format(r.at)}
              <br />
              <span class="hw-muted">
                {r.action} door {r.author ?? 'het systeem'}
              </span>
            </td>
            <td data-label="Acties">
              {i === 0 ? (
                'Huidige versie'
              ) : (
                <div class="hw-inline-move">
                  <a class="utrecht-link" href={`${s.path}/vergelijk?van=${r.id}&naar=${list[0]?.id}`}>
                    Vergelijk met huidige<span class="hw-visually-hidden"> (versie van {dateTime.format(r.at)})</span>
                  </a>
                  <RestoreForm s={s} rev={r}>
                    <button class="utrecht-button utrecht-button--secondary-action" type="submit">
                      Zet terug<span class="hw-visually-hidden"> (versie van {dateTime.format(r.at)})</span>
                    </button>
                  </RestoreForm>
                </div>
              )}
            </td>
          </tr>
        ))}
      </StackTable>
    </>,
  );
}

const revisionId = (v: string | undefined) => {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 && n < 2 ** 31 ? n : null;
};

/** GET {path}/vergelijk?van=&naar=: a readable diff between two revisions of the same thing. */
export async function comparePage(s: Subject, db: Queryable, fields: DiffField[]) {
  const [from, to] = await Promise.all(
    [s.c.req.query('van'), s.c.req.query('naar')].map((v) => {
      const id = revisionId(v);
      return id ? getRevision(db, s.kind, s.id, id) : null;
    }),
  );
  const history = `${s.path}/geschiedenis`;
  const crumbs = [...s.crumbs, { href: history, label: 'Geschiedenis' }];
  if (!from || !to)
    return page(
      s.c,
      { title: 'Versie niet gevonden', status: 404, crumbs },
      <>
        <h1 class="utrecht-heading-1">Deze versies bestaan niet</h1>
        <p>
          Kies twee versies in de{' '}
          <a class="utrecht-link" href={history}>
            geschiedenis
          </a>
          .
        </p>
      </>,
    );
  return page(
    s.c,
    { title: `Versies vergelijken – ${s.title}`, crumbs: [...crumbs, { href: `${s.path}/vergelijk`, label: 'Vergelijken' }] },
    <>
      <h1 class="utrecht-heading-1">Versies vergelijken</h1>
      <dl class="hw-meta">
        <dt>Oud (−)</dt>
        <dd>{revisionLabel(from)}</dd>
        <dt>Nieuw (+)</dt>
        <dd>{revisionLabel(to)}</dd>
      </dl>
      <SnapshotDiff before={from.data} after={to.data} fields={fields} />
      <RestoreForm s={s} rev={from} class="hw-actions">
        <button class="utrecht-button utrecht-button--secondary-action" type="submit">
          Zet de oude versie ({dateTime.format(from.at)}) terug
        </button>
        <a class="utrecht-link" href={history}>
          Terug naar de geschiedenis
        </a>
      </RestoreForm>
    </>,
  );
}

/** The revision named in a restore route, if it belongs to this thing. */
export async function revisionToRestore(c: Ctx, db: Queryable, kind: RevisionKind, id: number): Promise<Revision | null> {
  const rev = revisionId(c.req.param('rev'));
  return rev ? getRevision(db, kind, id, rev) : null;
}

export const restoredAction = (rev: Revision) => `teruggezet naar de versie van ${dateTime.format(rev.at)}`;

/** GET {path}/geschiedenis and /vergelijk for an editor's thing: its subject gives the path, title, crumbs and version. */
export function historyRoutes<T>(app: Hono<AppEnv>, o: Loader<T> & { subject: (c: Ctx, thing: T) => Subject; fields: (c: Ctx) => Promise<DiffField[]> }) {
  const db = (c: Ctx) => c.get('deps').database.db;
  app.get('/:id{[0-9]+}/geschiedenis', async (c) => {
    const thing = await o.load(c);
    return thing ? historyPage(o.subject(c, thing), db(c)) : o.gone(c);
  });
  app.get('/:id{[0-9]+}/vergelijk', async (c) => {
    const thing = await o.load(c);
    return thing ? comparePage(o.subject(c, thing), db(c), await o.fields(c)) : o.gone(c);
  });
}
