import { Hono } from 'hono';
import { historyRoutes, restoredAction, revisionToRestore } from '../audit/history.tsx';
import { renderMarkdown } from '../content/markdown.ts';
import { slugify } from '../content/slug.ts';
import type { AppEnv, Ctx } from '../context.ts';
import { type Fingerprints, fingerprints, formFingerprints, formVersion } from '../db/version.ts';
import { actor, Csrf, fresh, idParam, Notice, notFoundPage, PublishPanel, publishRoutes, StackTable } from '../ui/kit.tsx';
import { page } from '../ui/render.tsx';
import { type Conflict, ConflictNotice, dateTime, diffFields, type Options, Preview, ThemeForm, today } from './admin-views.tsx';
import {
  emptyFormValues,
  type FormErrors,
  formValuesFromBody,
  formValuesOf,
  parseThemeForm,
  type ThemeFormValues,
  type ThemeInput,
  withReviewDate,
} from './form.ts';
import { type EditableTheme, lastRevision, listSourcesForPicker, listThemesForAdmin, type ThemeSnapshot, themeForEdit, themeOptions } from './queries.ts';
import { createTheme, inputFromRevision, moveTheme, setThemePublished, ThemeError, themeFields, updateTheme } from './service.ts';

/** The editors' screens for themes, mounted at /beheer/themas (behind login and CSRF, for every role). */
export const themeAdminRoutes = new Hono<AppEnv>();

const ROOT = '/beheer/themas';
const base = [
  { href: '/beheer', label: 'Beheer' },
  { href: ROOT, label: 'Thema’s' },
];
const db = (c: Ctx) => c.get('deps').database.db;

const NOTICES: Record<string, string> = {
  aangemaakt: 'Het thema is aangemaakt.',
  opgeslagen: 'De wijzigingen zijn opgeslagen.',
  gepubliceerd: 'Het thema staat nu op de site.',
  teruggetrokken: 'Het thema staat niet meer op de site. Je kunt het later weer publiceren.',
  teruggezet: 'De oude versie is teruggezet. Dat is opgeslagen als nieuwe versie.',
  verplaatst: 'De volgorde is aangepast.',
};
function noticeOf(c: Ctx): string | undefined {
  const text = NOTICES[c.req.query('melding') ?? ''];
  const dropped = Number(c.req.query('weggelaten') ?? 0);
  if (!text || !Number.isInteger(dropped) || dropped < 1 || dropped > 100) return text;
  return `${text} ${dropped === 1 ? 'Eén koppeling (verwant thema of bron) bestond' : `${dropped} koppelingen (verwante thema’s of bronnen) bestonden`} niet meer en is weggelaten.`;
}

function editorScripts(c: Ctx): string[] {
  return c
    .get('deps')
    .assets.scripts.filter((s) => s.path.startsWith('/assets/thema-editor.'))
    .map((s) => s.path);
}

// ---------------------------------------------------------------- list and order

themeAdminRoutes.get('/', async (c) => {
  const list = await listThemesForAdmin(db(c));
  return page(
    c,
    { title: 'Thema’s beheren', crumbs: base },
    <>
      <h1 class="utrecht-heading-1">Thema’s</h1>
      <Notice text={noticeOf(c)} />
      <p>
        <a class="utrecht-link" href={`${ROOT}/nieuw`}>
          Nieuw thema
        </a>
      </p>
      <StackTable columns={['Thema', 'Volgorde']} caption="Alle thema’s, in de volgorde van de site" captionClass="hw-muted">
        {list.map((t, i) => (
          <tr>
            <td>
              <a class="utrecht-link" href={`${ROOT}/${t.id}`}>
                {t.title}
              </a>
              <br />
              <span class="hw-muted hw-break">
                {t.published ? 'Op de site' : 'Concept, niet op de site'} · /themas/{t.slug}
                <br />
                Gewijzigd {dateTime.format(t.updatedAt)}
                {t.lastBy ? ` door ${t.lastBy}` : ''}
              </span>
            </td>
            <td data-label="Volgorde">
              <div class="hw-inline-move">
                {i > 0 ? (
                  <form method="post" action={`${ROOT}/${t.id}/omhoog`}>
                    <Csrf c={c} />
                    <button class="utrecht-button utrecht-button--secondary-action" type="submit">
                      Omhoog<span class="hw-visually-hidden">: {t.title}</span>
                    </button>
                  </form>
                ) : null}
                {i < list.length - 1 ? (
                  <form method="post" action={`${ROOT}/${t.id}/omlaag`}>
                    <Csrf c={c} />
                    <button class="utrecht-button utrecht-button--secondary-action" type="submit">
                      Omlaag<span class="hw-visually-hidden">: {t.title}</span>
                    </button>
                  </form>
                ) : null}
              </div>
            </td>
          </tr>
        ))}
      </StackTable>
    </>,
  );
});

for (const [action, direction] of [
  ['omhoog', 'up'],
  ['omlaag', 'down'],
] as const) {
  themeAdminRoutes.post(`/:id{[0-9]+}/${action}`, async (c) => {
    const id = idParam(c.req.param('id'));
    try {
      if (id) await moveTheme(db(c), actor(c), id, direction);
    } catch (err) {
      if (err instanceof ThemeError && err.code === 'not-found') return gone(c);
      throw err;
    }
    fresh(c);
    return c.redirect(`${ROOT}?melding=verplaatst`, 303);
  });
}

// ---------------------------------------------------------------- the form

async function options(c: Ctx): Promise<Options> {
  const [themes, sources] = await Promise.all([themeOptions(db(c)), listSourcesForPicker(db(c))]);
  return { themes, sources };
}

const newCrumbs = [...base, { href: `${ROOT}/nieuw`, label: 'Nieuw thema' }];

async function newPage(c: Ctx, values: ThemeFormValues, errors: FormErrors = {}, status?: number, preview = false) {
  const opts = await options(c);
  return page(
    c,
    { title: 'Nieuw thema', status, crumbs: newCrumbs, scripts: editorScripts(c) },
    <>
      <h1 class="utrecht-heading-1">Nieuw thema</h1>
      {preview ? await Preview({ c, values, opts }) : null}
      <ThemeForm c={c} action={`${ROOT}/nieuw`} values={values} errors={errors} opts={opts} isNew />
    </>,
  );
}

themeAdminRoutes.get('/nieuw', (c) => newPage(c, emptyFormValues()));

/** Form values as typed; a blank slug is made from the title. */
function parseWithSlug(values: ThemeFormValues) {
  const slugLeftBlank = !values.slug.trim();
  const result = parseThemeForm(slugLeftBlank ? { ...values, slug: slugify(values.title) } : values);
  // Without a usable title there is nothing to make an address from; the title's message says enough.
  if (slugLeftBlank && result.errors.title) delete result.errors.slug;
  return result;
}

themeAdminRoutes.post('/nieuw', async (c) => {
  const body = await c.req.parseBody({ all: true });
  const values = withReviewDate(formValuesFromBody(body), '', today(c));
  if (body.actie === 'voorbeeld') return newPage(c, values, {}, 200, true);
  const { input, errors } = parseWithSlug(values);
  if (!input) return newPage(c, values, errors, 400);
  try {
    const id = await createTheme(db(c), actor(c), input);
    fresh(c);
    return c.redirect(`${ROOT}/${id}?melding=aangemaakt`, 303);
  } catch (err) {
    if (!(err instanceof ThemeError)) throw err;
    return newPage(c, values, { [err.field ?? 'form']: err.message }, err.code === 'slug-taken' ? 409 : 400);
  }
});

/** The live preview (JS): the Markdown body rendered exactly as the public page will render it. */
themeAdminRoutes.post('/voorbeeld', async (c) => {
  const body = await c.req.parseBody();
  const md = typeof body.body === 'string' ? body.body.slice(0, 200_000) : '';
  c.header('Cache-Control', 'no-store');
  // Markdown rendered with raw HTML disabled (see content/markdown.ts): safe to insert.
  return c.html(renderMarkdown(md).html);
});

// ---------------------------------------------------------------- edit

const themeCrumbs = (t: { id: number; title: string }) => [...base, { href: `${ROOT}/${t.id}`, label: t.title }];

async function editPage(
  c: Ctx,
  theme: EditableTheme,
  o: {
    values?: ThemeFormValues;
    errors?: FormErrors;
    status?: number;
    version?: string;
    basis?: Fingerprints | null;
    conflict?: Conflict;
    preview?: boolean;
  } = {},
) {
  const opts = await options(c);
  const action = `${ROOT}/${theme.id}`;
  const values = o.values ?? formValuesOf(theme.snapshot);
  return page(
    c,
    { title: `${theme.title} bewerken`, status: o.status, crumbs: themeCrumbs(theme), scripts: editorScripts(c) },
    <>
      <h1 class="utrecht-heading-1">{theme.title}</h1>
      <Notice text={o.status || o.preview ? undefined : noticeOf(c)} />
      {o.preview ? await Preview({ c, values, opts }) : null}
      <div class="hw-tools">
        <h2 class="utrecht-heading-2 hw-tools__title">Op de site</h2>
        <PublishPanel
          c={c}
          action={action}
          version={theme.version}
          published={theme.published}
          live="Dit thema staat op de site"
          path={`/themas/${theme.slug}`}
          hidden="Dit thema is een concept: het staat niet op de site en is niet te vinden met Zoeken."
        />
      </div>
      <h2 class="utrecht-heading-2">Bewerken</h2>
      <ThemeForm
        c={c}
        action={action}
        values={values}
        errors={o.errors ?? {}}
        opts={opts}
        selfSlug={theme.snapshot.slug}
        version={o.version ?? theme.version}
        basis={o.basis ?? fingerprints(themeFields(theme.snapshot))}
        isNew={false}
        storedReviewed={theme.snapshot.reviewed}
        notice={o.conflict ? <ConflictNotice conflict={o.conflict} opts={opts} /> : null}
      />
    </>,
  );
}

const gone = (c: Ctx) =>
  notFoundPage(c, { title: 'Thema niet gevonden', heading: 'Dit thema bestaat niet (meer)', back: { href: ROOT, label: 'Naar alle thema’s' }, crumbs: base });

async function loaded(c: Ctx) {
  const id = idParam(c.req.param('id'));
  return id ? themeForEdit(db(c), id) : null;
}

themeAdminRoutes.get('/:id{[0-9]+}', async (c) => {
  const theme = await loaded(c);
  return theme ? editPage(c, theme) : gone(c);
});

/**
 * Someone saved in between. Per field (`clash`): the form holds the merge, with this editor's
 * input where both changed a field, and the fields that clash are shown side by side. Without
 * (a restore): the whole of this editor's input against the other version.
 */
async function conflictPage(c: Ctx, id: number, mine: ThemeFormValues, message: string, clash?: ThemeError['clash']) {
  const current = await themeForEdit(db(c), id);
  if (!current) return gone(c);
  const conflict = { current: current.snapshot, change: await lastRevision(db(c), id), mine, fields: clash?.fields };
  const values = clash ? { ...formValuesOf({ ...current.snapshot, ...clash.merged }), reviewedNow: mine.reviewedNow } : mine;
  return editPage(c, current, { values, errors: { form: message }, status: 409, conflict });
}

/** The related themes in the order they have (a newly ticked one last), not in the order of the boxes. */
const relatedInStoredOrder = (values: ThemeFormValues, stored: string[]): ThemeFormValues => ({
  ...values,
  related: [...stored.filter((s) => values.related.includes(s)), ...values.related.filter((s) => !stored.includes(s))],
});

themeAdminRoutes.post('/:id{[0-9]+}', async (c) => {
  const theme = await loaded(c);
  if (!theme) return gone(c);
  const body = await c.req.parseBody({ all: true });
  // Publishing has its own button; the edit form leaves it as it is. The review date moves only when
  // the editor says the content was checked.
  const values = relatedInStoredOrder(
    withReviewDate({ ...formValuesFromBody(body), published: theme.published }, theme.snapshot.reviewed, today(c)),
    theme.snapshot.related,
  );
  const version = formVersion(body.versie);
  const basis = formFingerprints(body.basis);
  if (body.actie === 'voorbeeld') return editPage(c, theme, { values, version, basis, preview: true });
  const { input, errors } = parseWithSlug(values);
  // Keep the version and basis the editor started from, so a later save still merges or conflicts.
  if (!input) return editPage(c, theme, { values, errors, status: 400, version, basis });
  try {
    await updateTheme(db(c), actor(c), theme.id, version, input, 'opgeslagen', basis);
  } catch (err) {
    if (!(err instanceof ThemeError)) throw err;
    if (err.code === 'not-found') return gone(c);
    if (err.code === 'conflict') return conflictPage(c, theme.id, values, err.message, err.clash);
    return editPage(c, theme, { values, errors: { [err.field ?? 'form']: err.message }, status: err.code === 'slug-taken' ? 409 : 400, version, basis });
  }
  fresh(c);
  return c.redirect(`${ROOT}/${theme.id}?melding=opgeslagen`, 303);
});

publishRoutes(themeAdminRoutes, {
  root: ROOT,
  load: loaded,
  gone,
  publish: (c, theme, version, published) => setThemePublished(db(c), actor(c), theme.id, version, published),
  refused: (c, theme, err) => {
    if (!(err instanceof ThemeError)) return undefined;
    if (err.code === 'not-found') return gone(c);
    return editPage(c, theme, { errors: { form: `${err.message} Bekijk de huidige versie hieronder en probeer het opnieuw.` }, status: 409 });
  },
});

// ---------------------------------------------------------------- history

const subjectOf = (c: Ctx, theme: EditableTheme) => ({
  c,
  kind: 'theme' as const,
  id: theme.id,
  path: `${ROOT}/${theme.id}`,
  title: theme.title,
  crumbs: themeCrumbs(theme),
  version: theme.version,
});

historyRoutes(themeAdminRoutes, { load: loaded, gone, subject: subjectOf, fields: async (c) => diffFields(await options(c)) });

themeAdminRoutes.post('/:id{[0-9]+}/versies/:rev{[0-9]+}/terugzetten', async (c) => {
  const theme = await loaded(c);
  if (!theme) return gone(c);
  const rev = await revisionToRestore(c, db(c), 'theme', theme.id);
  if (!rev) return gone(c);
  const version = formVersion((await c.req.parseBody()).versie);
  const { input, dropped } = await inputFromRevision(db(c), rev.data);
  // Restoring brings back the content, not the publication state: that has its own button.
  input.published = theme.published;
  try {
    await updateTheme(db(c), actor(c), theme.id, version, input, restoredAction(rev));
  } catch (err) {
    if (!(err instanceof ThemeError)) throw err;
    if (err.code === 'not-found') return gone(c);
    if (err.code === 'conflict') return conflictPage(c, theme.id, formValuesOf({ ...theme.snapshot, ...snapshotOf(input) }), err.message);
    // The old version no longer fits (its slug is now another theme's): show it in the form to fix.
    return editPage(c, theme, {
      values: formValuesOf({ ...theme.snapshot, ...snapshotOf(input) }),
      errors: { [err.field ?? 'form']: `${err.message} De oude versie staat in het formulier; pas het aan en sla op.` },
      status: 409,
      version,
    });
  }
  fresh(c);
  const note = dropped.length ? `&weggelaten=${encodeURIComponent(String(dropped.length))}` : '';
  return c.redirect(`${ROOT}/${theme.id}?melding=teruggezet${note}`, 303);
});

const snapshotOf = ({ sourceIds, ...rest }: ThemeInput): Partial<ThemeSnapshot> => ({ ...rest, sources: sourceIds });
