import { Hono } from 'hono';
import type { Child, FC } from 'hono/jsx';
import { comparePage, type DiffField, historyPage, restoredAction, revisionToRestore, yesNo } from '../audit/history.tsx';
import type { AppEnv, Ctx } from '../context.ts';
import { type Fingerprints, fingerprints, formFingerprints } from '../db/version.ts';
import { allOf, CheckboxGroup, describedBy, ErrorSummary, type FieldErrors, FieldShell, type FormBody, fieldErrors, firstOf } from '../ui/forms.tsx';
import { actor, Csrf, fresh, idParam, Notice, notFoundPage, StackTable, Version } from '../ui/kit.tsx';
import { page } from '../ui/render.tsx';
import {
  createOrganisation,
  deleteOrganisation,
  displayUrl,
  editableFields,
  lastChange,
  listAll,
  NetworkError,
  ORGANISATION_TYPES,
  type Organisation,
  organisationById,
  organisationInput,
  setPublished,
  slugify,
  TYPE_LABEL,
  themeTitles,
  updateOrganisation,
  VERSION_PATTERN,
  type VersionedOrganisation,
} from './service.ts';
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

// ---------------------------------------------------------------- form values

interface FormValues {
  name: string;
  slug: string;
  type: string;
  description: string;
  phone: string;
  email: string;
  website: string;
  address: string;
  municipalities: string;
  themes: string[];
  published: boolean;
  demo: boolean;
}
type TextKey = Exclude<keyof FormValues, 'themes' | 'published' | 'demo'>;
const TEXT_KEYS: TextKey[] = ['name', 'slug', 'type', 'description', 'phone', 'email', 'website', 'address', 'municipalities'];

const LABELS: Record<keyof FormValues, string> = {
  name: 'Naam',
  slug: 'Webadres (slug)',
  type: 'Type organisatie',
  description: 'Wat de organisatie doet voor gezinnen',
  phone: 'Telefoon',
  email: 'E-mailadres',
  website: 'Website',
  address: 'Adres',
  municipalities: 'Gemeenten (werkgebied)',
  themes: 'Thema’s',
  published: 'Op de site',
  demo: 'Demo-gegevens',
};

const emptyValues = (): FormValues => ({
  name: '',
  slug: '',
  type: '',
  description: '',
  phone: '',
  email: '',
  website: '',
  address: '',
  municipalities: '',
  themes: [],
  published: true,
  demo: false,
});

const valuesOf = (o: Organisation): FormValues => ({
  name: o.name,
  slug: o.slug,
  type: o.type,
  description: o.description,
  phone: o.phone,
  email: o.email,
  website: o.website,
  address: o.address,
  municipalities: o.municipalities.join(', '),
  themes: o.themes,
  published: o.published,
  demo: o.demo,
});

/** What the editor typed, kept as typed, to show again next to the messages. */
const valuesFromBody = (body: FormBody): FormValues => ({
  ...(Object.fromEntries(TEXT_KEYS.map((k) => [k, firstOf(body, k)])) as Record<TextKey, string>),
  themes: allOf(body.themes)
    .map((s) => s.slice(0, 100))
    .slice(0, 50),
  published: firstOf(body, 'published') === 'ja',
  demo: firstOf(body, 'demo') === 'ja',
});

const splitList = (v: string) =>
  v
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

/** Form values → the domain input; a blank slug is made from the name. */
function parseValues(values: FormValues) {
  const slugLeftBlank = !values.slug.trim();
  const parsed = organisationInput.safeParse({
    ...values,
    slug: slugLeftBlank ? slugify(values.name) : values.slug,
    municipalities: splitList(values.municipalities),
  });
  if (parsed.success) return { data: parsed.data, errors: null };
  const errors = fieldErrors(parsed.error);
  // Without a usable name there is nothing to make an address from; the name's message says enough.
  if (slugLeftBlank && errors.name) delete errors.slug;
  return { data: null, errors };
}

// ---------------------------------------------------------------- form components

const Field: FC<{
  name: TextKey;
  values: FormValues;
  errors: FieldErrors;
  label?: string;
  hint?: string;
  type?: 'text' | 'email' | 'textarea';
  inputmode?: 'tel' | 'url';
}> = ({ name, values, errors, label, hint, type = 'text', inputmode }) => (
  <FieldShell name={name} label={label ?? LABELS[name]} hint={hint} error={errors[name]}>
    {type === 'textarea' ? (
      <textarea
        class="hw-textarea"
        id={name}
        name={name}
        rows={8}
        aria-invalid={errors[name] ? 'true' : undefined}
        aria-describedby={describedBy(name, hint, errors[name])}
      >
        {values[name]}
      </textarea>
    ) : (
      <input
        class={`utrecht-textbox utrecht-textbox--html-input${errors[name] ? ' utrecht-textbox--invalid' : ''}`}
        type={type}
        id={name}
        name={name}
        value={values[name]}
        inputmode={inputmode}
        spellcheck={inputmode || type === 'email' ? false : undefined}
        aria-invalid={errors[name] ? 'true' : undefined}
        aria-describedby={describedBy(name, hint, errors[name])}
      />
    )}
  </FieldShell>
);

const OrganisationForm: FC<{
  c: Ctx;
  action: string;
  values: FormValues;
  errors: FieldErrors;
  themes: { slug: string; title: string }[];
  submit: string;
  version?: string;
  /** Fingerprints of the values the form started from (per-field merge on a late save). */
  basis?: Fingerprints | null;
  /** Shown right under the error summary, where the editor's focus lands. */
  notice?: Child;
}> = ({ c, action, values, errors, themes, submit, version, basis, notice }) => (
  <form class="hw-form hw-form--wide" method="post" action={action} novalidate>
    <ErrorSummary errors={errors} />
    {notice}
    <Csrf c={c} />
    {version !== undefined ? <Version value={version} basis={basis} /> : null}
    <Field name="name" values={values} errors={errors} />
    <Field
      name="slug"
      values={values}
      errors={errors}
      hint="Komt in het adres: /netwerk/slug. Laat leeg bij een nieuwe organisatie om het uit de naam te maken."
    />
    <FieldShell name="type" label={LABELS.type} error={errors.type}>
      <select
        class="hw-select"
        id="type"
        name="type"
        aria-invalid={errors.type ? 'true' : undefined}
        aria-describedby={describedBy('type', undefined, errors.type)}
      >
        <option value="" selected={!values.type}>
          Kies een type
        </option>
        {ORGANISATION_TYPES.map((t) => (
          <option value={t} selected={values.type === t}>
            {TYPE_LABEL[t]}
          </option>
        ))}
      </select>
    </FieldShell>
    <Field
      name="description"
      values={values}
      errors={errors}
      type="textarea"
      hint="In gewone woorden, voor professionals. Een witregel begint een nieuwe alinea."
    />
    <fieldset class="hw-fieldset">
      <legend class="utrecht-form-label">Contact</legend>
      <p class="hw-muted">Vul minstens één manier van contact in.</p>
      <Field name="phone" values={values} errors={errors} inputmode="tel" hint="Bijvoorbeeld 088-1234567." />
      <Field name="email" values={values} errors={errors} type="email" />
      <Field name="website" values={values} errors={errors} inputmode="url" hint="We bewaren het adres met https://, zonder volg-parameters." />
      <Field name="address" values={values} errors={errors} label="Adres (niet verplicht)" hint="Straat en nummer, plaats." />
    </fieldset>
    <Field name="municipalities" values={values} errors={errors} hint="Gescheiden door komma’s, bijvoorbeeld: Voorbeeldstad, Beekdal." />
    <CheckboxGroup
      name="themes"
      id="themes"
      idPrefix="thema"
      legend={`${LABELS.themes} (niet verplicht)`}
      options={themes.map((t) => ({ value: t.slug, label: t.title }))}
      checked={values.themes}
      error={errors.themes}
    />
    <div class="utrecht-form-field">
      <label class="hw-choice" for="demo">
        <input type="checkbox" id="demo" name="demo" value="ja" checked={values.demo} />
        Demo-gegevens: dit is een fictieve organisatie
      </label>
    </div>
    {version === undefined ? (
      <div class="utrecht-form-field">
        <label class="hw-choice" for="published">
          <input type="checkbox" id="published" name="published" value="ja" checked={values.published} />
          Meteen publiceren op de site
        </label>
      </div>
    ) : null}
    <button class="utrecht-button utrecht-button--primary-action" type="submit">
      {submit}
    </button>
  </form>
);

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

interface Conflict {
  current: VersionedOrganisation;
  change: { at: Date; by: string | null } | null;
  mine: FormValues;
  /** The fields both editors changed, differently; without: every field that differs (a restore). */
  fields?: string[];
}

const dateTime = new Intl.DateTimeFormat('nl-NL', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Amsterdam' });

const shown = (key: keyof FormValues, v: FormValues) => {
  const value = v[key];
  if (key === 'type') return TYPE_LABEL[value as keyof typeof TYPE_LABEL] ?? String(value);
  if (key === 'website' && typeof value === 'string') return value ? displayUrl(value) : '(leeg)';
  if (Array.isArray(value)) return value.length ? value.join(', ') : '(geen)';
  if (typeof value === 'boolean') return value ? 'Ja' : 'Nee';
  return value || '(leeg)';
};

/** What someone else saved, field by field where it differs from what this editor typed. */
const ConflictNotice: FC<{ conflict: Conflict }> = ({ conflict }) => {
  const theirs = valuesOf(conflict.current);
  const norm = (v: FormValues[keyof FormValues]) => (Array.isArray(v) ? [...v].sort().join(',') : String(v).trim());
  const keys = (Object.keys(LABELS) as (keyof FormValues)[]).filter(
    (k) => k !== 'published' && (conflict.fields ? conflict.fields.includes(k) : norm(theirs[k]) !== norm(conflict.mine[k])),
  );
  return (
    <section class="hw-notice" aria-labelledby="conflict-title">
      <h3 id="conflict-title">Iemand anders heeft deze organisatie intussen gewijzigd</h3>
      <p>
        {conflict.change
          ? `Opgeslagen door ${conflict.change.by ?? 'een onbekende gebruiker'} op ${dateTime.format(conflict.change.at)}.`
          : 'De organisatie is gewijzigd nadat jij de pagina opende.'}
      </p>
      {keys.length ? (
        <>
          <p>Zo staat het er nu (waar het verschilt van jouw invoer):</p>
          <dl class="hw-meta">
            {keys.map((k) => (
              <>
                <dt>{LABELS[k]}</dt>
                <dd>{shown(k, theirs)}</dd>
              </>
            ))}
          </dl>
        </>
      ) : null}
      {conflict.fields ? (
        <p>
          Jullie wijzigden allebei: {conflict.fields.map((f) => LABELS[f as keyof FormValues] ?? f).join(', ')}. Daar staat jouw invoer in het formulier; wat
          alleen jij of alleen de ander wijzigde, is samengevoegd. Kies wat blijft en sla op.
        </p>
      ) : (
        <p>Jouw invoer staat nog in het formulier. Sla je opnieuw op, dan vervang je de versie hierboven door jouw invoer.</p>
      )}
    </section>
  );
};

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
      <form method="post" action={`${action}/${org.published ? 'terugtrekken' : 'publiceren'}`}>
        <Csrf c={c} />
        <Version value={org.version} />
        {org.published ? (
          <p>
            Deze organisatie staat op de site:{' '}
            <a class="utrecht-link" href={orgPath(org)}>
              {orgPath(org)}
            </a>
            .
          </p>
        ) : (
          <p>Deze organisatie staat niet op de site en is niet te vinden met Zoeken.</p>
        )}
        <button class="utrecht-button utrecht-button--secondary-action" type="submit">
          {org.published ? 'Niet meer publiceren' : 'Publiceren'}
        </button>
      </form>
      <p>
        <a class="utrecht-link" href={`${action}/geschiedenis`}>
          Geschiedenis: eerdere versies vergelijken en terugzetten
        </a>
      </p>
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

/** The version the form was opened at; anything malformed counts as stale. */
const versionOf = (body: FormBody) => {
  const v = firstOf(body, 'versie');
  return VERSION_PATTERN.test(v) ? v : '';
};

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
  const version = versionOf(body);
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

for (const [action, published] of [
  ['publiceren', true],
  ['terugtrekken', false],
] as const) {
  networkAdminRoutes.post(`/:id{[0-9]+}/${action}`, async (c) => {
    const org = await loaded(c);
    if (!org) return gone(c);
    const db = c.get('deps').database.db;
    try {
      await setPublished(db, actor(c), org.id, versionOf(await c.req.parseBody()), published);
    } catch (err) {
      if (!(err instanceof NetworkError)) throw err;
      if (err.code === 'not-found') return gone(c);
      return editPage(c, org, { errors: { form: `${err.message} Bekijk de huidige gegevens hieronder en probeer het opnieuw.` }, status: 409 });
    }
    fresh(c);
    return c.redirect(`${ROOT}/${org.id}?melding=${published ? 'gepubliceerd' : 'teruggetrokken'}`, 303);
  });
}

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

networkAdminRoutes.get('/:id{[0-9]+}/geschiedenis', async (c) => {
  const org = await loaded(c);
  return org ? historyPage(subjectOf(c, org), c.get('deps').database.db) : gone(c);
});

networkAdminRoutes.get('/:id{[0-9]+}/vergelijk', async (c) => {
  const org = await loaded(c);
  return org ? comparePage(subjectOf(c, org), c.get('deps').database.db, HISTORY_FIELDS) : gone(c);
});

/** Brings back an old version's details as a new version; publication keeps its own button. */
networkAdminRoutes.post('/:id{[0-9]+}/versies/:rev{[0-9]+}/terugzetten', async (c) => {
  const org = await loaded(c);
  if (!org) return gone(c);
  const db = c.get('deps').database.db;
  const rev = await revisionToRestore(c, db, 'organisation', org.id);
  if (!rev) return gone(c);
  const version = versionOf(await c.req.parseBody());
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
    await deleteOrganisation(c.get('deps').database.db, actor(c), org.id, versionOf(await c.req.parseBody()));
  } catch (err) {
    if (!(err instanceof NetworkError)) throw err;
    if (err.code === 'not-found') return gone(c);
    // Show what it is now, and ask again: the editor confirmed deleting something they had not seen.
    return deletePage(c, org, { form: `${err.message} Controleer de gegevens en bevestig opnieuw als je haar nog steeds wilt verwijderen.` }, 409);
  }
  fresh(c);
  return c.redirect(`${ROOT}?melding=verwijderd`, 303);
});
