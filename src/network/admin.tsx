import { Hono } from 'hono';
import { type DiffField, historyRoutes, restoredAction, revisionToRestore, yesNo } from '../audit/history.tsx';
import type { AppEnv, Ctx } from '../context.ts';
import { type Fingerprints, fingerprints, formFingerprints, formVersion } from '../db/version.ts';
import { ErrorSummary, type FieldErrors, firstOf } from '../ui/forms.tsx';
import { actor, Csrf, fresh, idParam, Notice, notFoundPage, PublishPanel, publishRoutes, StackTable, Version } from '../ui/kit.tsx';
import { page } from '../ui/render.tsx';
import { type Conflict, ConflictNotice, OrganisationForm } from './admin-views.tsx';
import { emptyValues, type FormValues, LABELS, parseValues, TEXT_KEYS, valuesFromBody, valuesOf } from './form.ts';
import { lastChange, listAll, type Organisation, organisationById, TYPE_LABEL, themeTitles, type VersionedOrganisation } from './queries.ts';
import { createOrganisation, deleteOrganisation, editableFields, NetworkError, setPublished, updateOrganisation } from './service.ts';
import { orgPath } from './views.tsx';

/** The editors' screens for partner organisations, mounted at /beheer/netwerk (behind login and CSRF). */
export const networkAdminRoutes = new Hono<AppEnv>();

const ROOT = '/beheer/netwerk';
const base = [
  { href: '/beheer', label: 'Beheer' },
  { href: ROOT, label: 'Netwerk' },
];

const NOTICES: Record<string, string> = {
  aangemaakt: 'De organisatie is aangemaakt.',
  opgeslagen: 'De wijzigingen zijn opgeslagen.',
  gepubliceerd: 'De organisatie staat nu op de site.',
  teruggetrokken: 'De organisatie staat niet meer op de site. Je kunt haar later weer publiceren.',
  verwijderd: 'De organisatie is verwijderd.',
  teruggezet: 'De oude versie is teruggezet. Dat is opgeslagen als nieuwe versie.',
};
const noticeOf = (c: Ctx) => NOTICES[c.req.query('melding') ?? ''];

// ---------------------------------------------------------------- list

networkAdminRoutes.get('/', async (c) => {
  const list = await listAll(c.get('deps').database.db);
  return page(
    c,
    { title: 'Netwerk beheren', crumbs: base },
    <>
      <h1 class="utrecht-heading-1">Netwerk beheren</h1>
      <Notice text={noticeOf(c)} />
      <p>
        <a class="utrecht-link" href={`${ROOT}/nieuw`}>
          Nieuwe organisatie
        </a>
      </p>
      {list.length ? (
        <StackTable columns={['Organisatie', 'Op de site', 'Demo']} caption={<>Partnerorganisaties in de regio ({list.length})</>} captionClass="hw-muted">
          {list.map((o) => (
            <tr>
              <td>
                <a class="utrecht-link" href={`${ROOT}/${o.id}`}>
                  {o.name}
                </a>
                <br />
                <span class="hw-muted">
                  {TYPE_LABEL[o.type]} · {o.municipalities.join(', ')}
                </span>
              </td>
              <td data-label="Op de site">{o.published ? 'Ja' : 'Nee'}</td>
              <td data-label="Demo">{o.demo ? 'Ja' : 'Nee'}</td>
            </tr>
          ))}
        </StackTable>
      ) : (
        <p>Er staan nog geen organisaties in het netwerk.</p>
      )}
    </>,
  );
});

// ---------------------------------------------------------------- new

async function newPage(c: Ctx, values: FormValues, errors: FieldErrors, status?: number) {
  const themes = await themeTitles(c.get('deps').database.db);
  return page(
    c,
    { title: 'Nieuwe organisatie', status, crumbs: [...base, { href: `${ROOT}/nieuw`, label: 'Nieuwe organisatie' }] },
    <>
      <h1 class="utrecht-heading-1">Nieuwe organisatie</h1>
      <OrganisationForm c={c} action={`${ROOT}/nieuw`} values={values} errors={errors} themes={themes} submit="Organisatie opslaan" />
    </>,
  );
}

networkAdminRoutes.get('/nieuw', (c) => newPage(c, emptyValues(), {}));

networkAdminRoutes.post('/nieuw', async (c) => {
  const values = valuesFromBody(await c.req.parseBody({ all: true }));
  const { data, errors } = parseValues(values);
  if (!data) return newPage(c, values, errors, 400);
  try {
    const id = await createOrganisation(c.get('deps').database.db, actor(c), data);
    fresh(c);
    return c.redirect(`${ROOT}/${id}?melding=aangemaakt`, 303);
  } catch (err) {
    if (err instanceof NetworkError) return newPage(c, values, { [err.field ?? 'form']: err.message }, err.code === 'slug-taken' ? 409 : 400);
    throw err;
  }
});

// ---------------------------------------------------------------- edit

async function editPage(
  c: Ctx,
  org: VersionedOrganisation,
  opts: { values?: FormValues; errors?: FieldErrors; status?: number; version?: string; basis?: Fingerprints | null; conflict?: Conflict } = {},
) {
  const themes = await themeTitles(c.get('deps').database.db);
  const action = `${ROOT}/${org.id}`;
  return page(
    c,
    { title: `${org.name} bewerken`, status: opts.status, crumbs: [...base, { href: action, label: org.name }] },
    <>
      <h1 class="utrecht-heading-1">{org.name}</h1>
      <Notice text={opts.status ? undefined : noticeOf(c)} />
      <h2 class="utrecht-heading-2">Op de site</h2>
      <PublishPanel
        c={c}
        action={action}
        version={org.version}
        published={org.published}
        live="Deze organisatie staat op de site"
        path={orgPath(org)}
        hidden="Deze organisatie staat niet op de site en is niet te vinden met Zoeken."
      />
      <h2 class="utrecht-heading-2">Gegevens bewerken</h2>
      <OrganisationForm
        c={c}
        action={action}
        values={opts.values ?? valuesOf(org)}
        errors={opts.errors ?? {}}
        themes={themes}
        submit="Wijzigingen opslaan"
        version={opts.version ?? org.version}
        basis={opts.basis ?? fingerprints(editableFields(org))}
        notice={opts.conflict ? <ConflictNotice conflict={opts.conflict} /> : null}
      />
      <h2 class="utrecht-heading-2">Verwijderen</h2>
      <p>
        <a class="utrecht-link hw-danger" href={`${action}/verwijderen`}>
          {org.name} verwijderen
        </a>
      </p>
    </>,
  );
}

const gone = (c: Ctx) =>
  notFoundPage(c, {
    title: 'Organisatie niet gevonden',
    heading: 'Deze organisatie bestaat niet (meer)',
    text: 'Misschien heeft iemand anders haar net verwijderd.',
    back: { href: ROOT, label: 'Naar alle organisaties' },
    crumbs: base,
  });

async function loaded(c: Ctx) {
  const id = idParam(c.req.param('id'));
  return id ? organisationById(c.get('deps').database.db, id) : null;
}

networkAdminRoutes.get('/:id{[0-9]+}', async (c) => {
  const org = await loaded(c);
  return org ? editPage(c, org) : c.notFound();
});

networkAdminRoutes.post('/:id{[0-9]+}', async (c) => {
  const org = await loaded(c);
  if (!org) return gone(c);
  const body = await c.req.parseBody({ all: true });
  // Publishing has its own button; the edit form leaves it as it is.
  const values = { ...valuesFromBody(body), published: org.published };
  const version = formVersion(firstOf(body, 'versie'));
  const basis = formFingerprints(firstOf(body, 'basis'));
  const { data, errors } = parseValues(values);
  // Keep the version and basis the editor started from, so a later save still merges or conflicts.
  if (!data) return editPage(c, org, { values, errors: errors ?? {}, status: 400, version, basis });
  const db = c.get('deps').database.db;
  try {
    await updateOrganisation(db, actor(c), org.id, version, data, 'opgeslagen', basis);
  } catch (err) {
    if (!(err instanceof NetworkError)) throw err;
    if (err.code === 'not-found') return gone(c);
    if (err.code === 'conflict') {
      const current = await organisationById(db, org.id);
      if (!current) return gone(c);
      const conflict = { current, change: await lastChange(db, org.id), mine: values, fields: err.clash?.fields };
      // Per field: the form holds the merge (this editor's input where both changed a field).
      const shown = err.clash ? { ...valuesOf({ ...current, ...err.clash.merged }), published: current.published } : values;
      return editPage(c, current, { values: shown, errors: { form: err.message }, status: 409, conflict });
    }
    return editPage(c, org, { values, errors: { [err.field ?? 'form']: err.message }, status: err.code === 'slug-taken' ? 409 : 400, version, basis });
  }
  fresh(c);
  return c.redirect(`${ROOT}/${org.id}?melding=opgeslagen`, 303);
});

publishRoutes(networkAdminRoutes, {
  root: ROOT,
  load: loaded,
  gone,
  publish: (c, org, version, published) => setPublished(c.get('deps').database.db, actor(c), org.id, version, published),
  refused: (c, org, err) => {
    if (!(err instanceof NetworkError)) return undefined;
    if (err.code === 'not-found') return gone(c);
    return editPage(c, org, { errors: { form: `${err.message} Bekijk de huidige gegevens hieronder en probeer het opnieuw.` }, status: 409 });
  },
});

// ---------------------------------------------------------------- history

const HISTORY_FIELDS: DiffField[] = [
  ...TEXT_KEYS.filter((k) => k !== 'type' && k !== 'municipalities').map((key) => ({ key, label: LABELS[key] })),
  { key: 'type', label: LABELS.type, text: (v) => TYPE_LABEL[v as keyof typeof TYPE_LABEL] ?? String(v ?? '') },
  { key: 'municipalities', label: LABELS.municipalities },
  { key: 'themes', label: LABELS.themes },
  { key: 'published', label: LABELS.published, text: yesNo },
  { key: 'demo', label: LABELS.demo, text: yesNo },
];

const subjectOf = (c: Ctx, org: VersionedOrganisation) => ({
  c,
  kind: 'organisation' as const,
  id: org.id,
  path: `${ROOT}/${org.id}`,
  title: org.name,
  crumbs: [...base, { href: `${ROOT}/${org.id}`, label: org.name }],
  version: org.version,
});

historyRoutes(networkAdminRoutes, { load: loaded, gone, subject: subjectOf, fields: async () => HISTORY_FIELDS });

/** Brings back an old version's details as a new version; publication keeps its own button. */
networkAdminRoutes.post('/:id{[0-9]+}/versies/:rev{[0-9]+}/terugzetten', async (c) => {
  const org = await loaded(c);
  if (!org) return gone(c);
  const db = c.get('deps').database.db;
  const rev = await revisionToRestore(c, db, 'organisation', org.id);
  if (!rev) return gone(c);
  const version = formVersion((await c.req.parseBody()).versie);
  // Themes that no longer exist are left out rather than blocking the restore.
  const known = new Set((await themeTitles(db)).map((t) => t.slug));
  const old = valuesOf({ ...org, ...(rev.data as Partial<Organisation>) });
  const values = { ...old, themes: old.themes.filter((t) => known.has(t)), published: org.published };
  const { data, errors } = parseValues(values);
  if (!data)
    return editPage(c, org, {
      values,
      errors: { ...errors, form: 'De oude versie past niet meer bij de regels van nu. Ze staat in het formulier: pas haar aan en sla op.' },
      status: 409,
    });
  try {
    await updateOrganisation(db, actor(c), org.id, version, data, restoredAction(rev));
  } catch (err) {
    if (!(err instanceof NetworkError)) throw err;
    if (err.code === 'not-found') return gone(c);
    const current = await organisationById(db, org.id);
    if (!current) return gone(c);
    if (err.code === 'conflict')
      return editPage(c, current, {
        values,
        errors: { form: err.message },
        status: 409,
        conflict: { current, change: await lastChange(db, org.id), mine: values },
      });
    return editPage(c, current, { values, errors: { [err.field ?? 'form']: err.message }, status: 409 });
  }
  fresh(c);
  return c.redirect(`${ROOT}/${org.id}?melding=teruggezet`, 303);
});

// ---------------------------------------------------------------- delete

const deletePage = (c: Ctx, org: VersionedOrganisation, errors: FieldErrors = {}, status?: number) =>
  page(
    c,
    {
      title: `${org.name} verwijderen`,
      status,
      crumbs: [...base, { href: `${ROOT}/${org.id}`, label: org.name }, { href: `${ROOT}/${org.id}/verwijderen`, label: 'Verwijderen' }],
    },
    <>
      <h1 class="utrecht-heading-1">{org.name} verwijderen?</h1>
      <ErrorSummary errors={errors} />
      <p>
        De organisatie verdwijnt van de site en uit de zoekresultaten. Dit kun je niet ongedaan maken. Wil je haar alleen tijdelijk van de site halen? Kies dan
        op de vorige pagina ‘Niet meer publiceren’.
      </p>
      <form method="post" action={`${ROOT}/${org.id}/verwijderen`} class="hw-actions">
        <Csrf c={c} />
        <Version value={org.version} />
        <button class="utrecht-button utrecht-button--secondary-action hw-danger" type="submit">
          Ja, verwijder {org.name}
        </button>
        <a class="utrecht-link" href={`${ROOT}/${org.id}`}>
          Nee, terug
        </a>
      </form>
    </>,
  );

networkAdminRoutes.get('/:id{[0-9]+}/verwijderen', async (c) => {
  const org = await loaded(c);
  return org ? deletePage(c, org) : c.notFound();
});

networkAdminRoutes.post('/:id{[0-9]+}/verwijderen', async (c) => {
  const org = await loaded(c);
  if (!org) return gone(c);
  try {
    await deleteOrganisation(c.get('deps').database.db, actor(c), org.id, formVersion((await c.req.parseBody()).versie));
  } catch (err) {
    if (!(err instanceof NetworkError)) throw err;
    if (err.code === 'not-found') return gone(c);
    // Show what it is now, and ask again: the editor confirmed deleting something they had not seen.
    return deletePage(c, org, { form: `${err.message} Controleer de gegevens en bevestig opnieuw als je haar nog steeds wilt verwijderen.` }, 409);
  }
  fresh(c);
  return c.redirect(`${ROOT}?melding=verwijderd`, 303);
});
