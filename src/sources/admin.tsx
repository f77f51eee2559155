import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../context.ts';
import { type Fingerprints, fingerprints, formFingerprints, formVersion } from '../db/version.ts';
import { describedBy, FieldShell, firstOf } from '../ui/forms.tsx';
import { actor, Csrf, fresh, idParam, Notice, notFoundPage, Version } from '../ui/kit.tsx';
import { page } from '../ui/render.tsx';
import { type Conflict, ConflictNotice, countsText, type Errors, type Existing, LinkStatus, ROOT, SourceCard, SourceForm, Summary } from './admin-views.tsx';
import { emptyValues, parseSourceForm, type SourceField, type SourceFormValues, sourceFields, valuesFromBody, valuesOf } from './form.ts';
import { checkSources, linkCheckSettings, runningUntil, startBackgroundCheck } from './linkcheck.ts';
import { allThemes, lastChange, linkCounts, listSources, STATUS_FILTERS, type StatusFilter, sourceById, type VersionedSource } from './queries.ts';
import { adoptRedirect, createSource, deleteSource, SourceError, updateSource } from './service.ts';

/** The editors' link library, mounted at /beheer/bronnen (behind login and CSRF, for every role). */
export const sourceAdminRoutes = new Hono<AppEnv>();

const base = [
  { href: '/beheer', label: 'Beheer' },
  { href: ROOT, label: 'Bronnen' },
];
const db = (c: Ctx) => c.get('deps').database.db;
const _dateTime = new Intl.DateTimeFormat('nl-NL', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Amsterdam' });
const settings = (c: Ctx) => linkCheckSettings(c.get('deps').config, c.get('deps').now);

const NOTICES: Record<string, string> = {
  aangemaakt: 'De bron is aangemaakt. De link wordt binnen een paar minuten gecontroleerd.',
  opgeslagen: 'De wijzigingen zijn opgeslagen.',
  verwijderd: 'De bron is verwijderd.',
  gecontroleerd: 'De link is gecontroleerd. De uitkomst staat hieronder.',
  'adres-overgenomen': 'Het nieuwe adres is opgeslagen. De link wordt binnen een paar minuten opnieuw gecontroleerd.',
  'controle-gestart': 'De controle van alle links is gestart. Dat kan een paar minuten duren. Ververs daarna deze pagina om de uitkomst te zien.',
  'controle-bezig': 'Er loopt al een controle van alle links. Ververs deze pagina straks om de uitkomst te zien.',
};
const noticeOf = (c: Ctx) => NOTICES[c.req.query('melding') ?? ''];

// ---------------------------------------------------------------- list

const STATUS_LABEL: Record<StatusFilter, string> = {
  alle: 'Alle bronnen',
  kapot: 'Kapotte links',
  doorverwezen: 'Doorverwezen links',
  nooit: 'Nog nooit gecontroleerd',
};
const MAX_Q = 100;

function parseListQuery(c: Ctx) {
  const errors: Errors = {};
  const rawStatus = (c.req.query('status') ?? '').trim().toLowerCase();
  let status: StatusFilter = 'alle';
  if (rawStatus) {
    if ((STATUS_FILTERS as readonly string[]).includes(rawStatus)) status = rawStatus as StatusFilter;
    else errors.status = 'Deze linkstatus kennen we niet. Kies er een uit de lijst.';
  }
  let q = (c.req.query('q') ?? '')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (q.length > MAX_Q) {
    errors.q = `Je zoekwoorden zijn te lang (${q.length} tekens, hoogstens ${MAX_Q}).`;
    q = '';
  }
  return { status, q, typedQ: (c.req.query('q') ?? '').slice(0, 500), errors };
}

sourceAdminRoutes.get('/', async (c) => {
  const { status, q, typedQ, errors } = parseListQuery(c);
  const now = c.get('deps').now();
  const [list, counts, running] = await Promise.all([listSources(db(c), { status, q }), linkCounts(db(c)), runningUntil(db(c), now)]);
  const filtered = status !== 'alle' || q;
  const hasErrors = Object.keys(errors).length > 0;
  return page(
    c,
    { title: 'Bronnen beheren', status: hasErrors ? 400 : 200, crumbs: base },
    <>
      <h1 class="utrecht-heading-1">Bronnen beheren</h1>
      <Notice text={noticeOf(c)} />
      <p class="hw-lead">{countsText(counts)}</p>
      {running && !c.req.query('melding') ? (
        <p class="hw-notice" role="status">
          Er loopt een controle van alle links. Ververs deze pagina straks om de uitkomst te zien.
        </p>
      ) : null}
      <div class="hw-actions hw-sources-actions">
        <a class="utrecht-button utrecht-button--primary-action hw-button-link" href={`${ROOT}/nieuw`}>
          Nieuwe bron
        </a>
        <form method="post" action={`${ROOT}/controleren`}>
          <Csrf c={c} />
          <button class="utrecht-button utrecht-button--secondary-action" type="submit">
            Controleer alle links
          </button>
        </form>
      </div>
      <Summary errors={errors} />
      <form class="hw-filter" method="get" action={ROOT} novalidate>
        <FieldShell name="status" label="Linkstatus" error={errors.status}>
          <select class="hw-select" id="status" name="status" aria-describedby={describedBy('status', undefined, errors.status)}>
            {STATUS_FILTERS.map((s) => (
              <option value={s} selected={s === status}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </FieldShell>
        <FieldShell name="q" label="Zoek in titel, organisatie of adres" error={errors.q}>
          <input
            class={`utrecht-textbox utrecht-textbox--html-input${errors.q ? ' utrecht-textbox--invalid' : ''}`}
            type="search"
            id="q"
            name="q"
            value={typedQ}
            aria-invalid={errors.q ? 'true' : undefined}
            aria-describedby={describedBy('q', undefined, errors.q)}
          />
        </FieldShell>
        <div class="hw-filter__actions">
          <button class="utrecht-button utrecht-button--secondary-action" type="submit">
            Filter toepassen
          </button>
          <a class="utrecht-link" href={ROOT}>
            Wis filters
          </a>
        </div>
      </form>
      <p class="hw-result-count" role="status">
        {filtered ? `${list.length === 1 ? '1 bron' : `${list.length} bronnen`} gevonden.` : `${list.length === 1 ? '1 bron' : `${list.length} bronnen`}.`}
      </p>
      {list.length ? (
        <ul class="hw-sources">
          {list.map((s) => (
            <SourceCard s={s} />
          ))}
        </ul>
      ) : (
        <p>{filtered ? 'Geen bronnen gevonden met dit filter.' : 'Er staan nog geen bronnen in de bibliotheek.'}</p>
      )}
    </>,
  );
});

sourceAdminRoutes.post('/controleren', async (c) => {
  const deps = c.get('deps');
  const started = await startBackgroundCheck(db(c), settings(c), (err) =>
    deps.log.warn({ job: 'linkcheck', err: { message: (err as Error).message } }, 'link check failed'),
  );
  return c.redirect(`${ROOT}?melding=${started ? 'controle-gestart' : 'controle-bezig'}`, 303);
});

// ---------------------------------------------------------------- new

async function newPage(c: Ctx, values: SourceFormValues, errors: Errors, opts: { status?: number; existing?: Existing } = {}) {
  const themes = await allThemes(db(c));
  return page(
    c,
    { title: 'Nieuwe bron', status: opts.status, crumbs: [...base, { href: `${ROOT}/nieuw`, label: 'Nieuwe bron' }] },
    <>
      <h1 class="utrecht-heading-1">Nieuwe bron</h1>
      <SourceForm c={c} action={`${ROOT}/nieuw`} values={values} errors={errors} existing={opts.existing} themes={themes} submit="Bron opslaan" />
    </>,
  );
}

/** A SourceError as form messages: the field it belongs to, or the whole form. */
const errorsOf = (err: SourceError): Errors => ({ [err.field ?? 'form']: err.message });

sourceAdminRoutes.get('/nieuw', (c) => newPage(c, emptyValues(), {}));

sourceAdminRoutes.post('/nieuw', async (c) => {
  const values = valuesFromBody(await c.req.parseBody({ all: true }));
  const { input, errors } = parseSourceForm(values);
  if (!input) return newPage(c, values, errors, { status: 400 });
  try {
    const id = await createSource(db(c), actor(c), input);
    fresh(c);
    return c.redirect(`${ROOT}/${id}?melding=aangemaakt`, 303);
  } catch (err) {
    if (!(err instanceof SourceError)) throw err;
    return newPage(c, values, errorsOf(err), { status: err.code === 'duplicate' ? 409 : 400, existing: err.existing });
  }
});

// ---------------------------------------------------------------- edit

async function editPage(
  c: Ctx,
  s: VersionedSource,
  opts: {
    values?: SourceFormValues;
    errors?: Errors;
    status?: number;
    version?: string;
    basis?: Fingerprints | null;
    conflict?: Conflict;
    existing?: Existing;
  } = {},
) {
  const themes = await allThemes(db(c));
  const action = `${ROOT}/${s.id}`;
  return page(
    c,
    { title: `${s.title} bewerken`, status: opts.status, crumbs: [...base, { href: action, label: s.title }] },
    <>
      <h1 class="utrecht-heading-1">{s.title}</h1>
      <Notice text={opts.status ? undefined : noticeOf(c)} />
      <h2 class="utrecht-heading-2">Link</h2>
      <p class="hw-url">
        <a class="utrecht-link" href={s.url}>
          {s.url}
        </a>
      </p>
      <LinkStatus s={s} />
      {s.checkResult === 'redirect' && s.redirectTo ? (
        <form method="post" action={`${action}/nieuw-adres`} class="hw-link-action">
          <Csrf c={c} />
          <Version value={s.version} />
          <input type="hidden" name="adres" value={s.redirectTo} />
          <p>De site stuurt bezoekers door naar een ander adres. Werkt dat nieuwe adres goed? Sla het dan op in plaats van het oude.</p>
          <button class="utrecht-button utrecht-button--primary-action" type="submit">
            Gebruik het nieuwe adres
          </button>
        </form>
      ) : null}
      <form method="post" action={`${action}/controleren`} class="hw-link-action">
        <Csrf c={c} />
        <button class="utrecht-button utrecht-button--secondary-action" type="submit">
          Controleer deze link
        </button>
      </form>
      <h2 class="utrecht-heading-2">Gegevens bewerken</h2>
      <SourceForm
        c={c}
        action={action}
        values={opts.values ?? valuesOf(s)}
        errors={opts.errors ?? {}}
        existing={opts.existing}
        themes={themes}
        submit="Wijzigingen opslaan"
        version={opts.version ?? s.version}
        basis={opts.basis ?? fingerprints(sourceFields(s))}
        notice={opts.conflict ? <ConflictNotice conflict={opts.conflict} themes={themes} /> : null}
      />
      <h2 class="utrecht-heading-2">Verwijderen</h2>
      <p>
        <a class="utrecht-link hw-danger" href={`${action}/verwijderen`}>
          {s.title} verwijderen
        </a>
      </p>
    </>,
  );
}

const gone = (c: Ctx) =>
  notFoundPage(c, {
    title: 'Bron niet gevonden',
    heading: 'Deze bron bestaat niet (meer)',
    text: 'Misschien heeft iemand anders haar net verwijderd.',
    back: { href: ROOT, label: 'Naar alle bronnen' },
    crumbs: base,
  });

async function loaded(c: Ctx) {
  const id = idParam(c.req.param('id'));
  return id ? sourceById(db(c), id) : null;
}

sourceAdminRoutes.get('/:id{[0-9]+}', async (c) => {
  const s = await loaded(c);
  return s ? editPage(c, s) : gone(c);
});

sourceAdminRoutes.post('/:id{[0-9]+}', async (c) => {
  const s = await loaded(c);
  if (!s) return gone(c);
  const body = await c.req.parseBody({ all: true });
  const values = valuesFromBody(body);
  const version = formVersion(firstOf(body, 'versie'));
  const basis = formFingerprints(firstOf(body, 'basis'));
  const { input, errors } = parseSourceForm(values);
  // Keep the version and basis the editor started from, so a later save still merges or conflicts.
  if (!input) return editPage(c, s, { values, errors, status: 400, version, basis });
  try {
    await updateSource(db(c), actor(c), s.id, version, input, basis);
  } catch (err) {
    if (!(err instanceof SourceError)) throw err;
    if (err.code === 'not-found') return gone(c);
    if (err.code === 'conflict') {
      const current = await sourceById(db(c), s.id);
      if (!current) return gone(c);
      const fields = err.clash?.fields.map((f) => (f === 'themeIds' ? 'themes' : f) as SourceField);
      const conflict = { current, change: await lastChange(db(c), s.id), mine: values, fields };
      // Per field: the form holds the merge (this editor's input where both changed a field).
      const shown = err.clash ? valuesOf({ ...current, ...err.clash.merged }) : values;
      return editPage(c, current, { values: shown, errors: { form: err.message }, status: 409, conflict });
    }
    return editPage(c, s, { values, errors: errorsOf(err), status: err.code === 'duplicate' ? 409 : 400, version, existing: err.existing });
  }
  fresh(c);
  return c.redirect(`${ROOT}/${s.id}?melding=opgeslagen`, 303);
});

sourceAdminRoutes.post('/:id{[0-9]+}/controleren', async (c) => {
  const s = await loaded(c);
  if (!s) return gone(c);
  await checkSources(db(c), { ...settings(c), ids: [s.id], concurrency: 1 });
  return c.redirect(`${ROOT}/${s.id}?melding=gecontroleerd`, 303);
});

sourceAdminRoutes.post('/:id{[0-9]+}/nieuw-adres', async (c) => {
  const s = await loaded(c);
  if (!s) return gone(c);
  const body = await c.req.parseBody();
  try {
    await adoptRedirect(db(c), actor(c), s.id, formVersion(body.versie), typeof body.adres === 'string' ? body.adres.slice(0, 5000) : '');
  } catch (err) {
    if (!(err instanceof SourceError)) throw err;
    if (err.code === 'not-found') return gone(c);
    const current = (await sourceById(db(c), s.id)) ?? s;
    if (err.code === 'duplicate' && err.existing) {
      const errors = { url: 'Het nieuwe adres hoort al bij een andere bron.' };
      return editPage(c, current, { errors, existing: err.existing, status: 409 });
    }
    const message =
      err.code === 'conflict'
        ? 'De bron of de uitkomst van de controle is veranderd sinds je de pagina opende. Het adres is niet aangepast. Bekijk hieronder hoe het nu staat.'
        : `${err.message} Het adres is niet aangepast.`;
    return editPage(c, current, { errors: { form: message }, status: err.code === 'conflict' ? 409 : 400 });
  }
  fresh(c);
  return c.redirect(`${ROOT}/${s.id}?melding=adres-overgenomen`, 303);
});

// ---------------------------------------------------------------- delete

async function deletePage(c: Ctx, s: VersionedSource, errors: Errors = {}, status?: number) {
  const used = (await allThemes(db(c))).filter((t) => s.themeIds.includes(t.id));
  const action = `${ROOT}/${s.id}/verwijderen`;
  return page(
    c,
    {
      title: `${s.title} verwijderen`,
      status,
      crumbs: [...base, { href: `${ROOT}/${s.id}`, label: s.title }, { href: action, label: 'Verwijderen' }],
    },
    <>
      <h1 class="utrecht-heading-1">{s.title} verwijderen?</h1>
      <Summary errors={errors} />
      <p>De bron verdwijnt uit de bibliotheek en uit de zoekresultaten. Dit kun je niet ongedaan maken.</p>
      {used.length ? (
        <>
          <p>
            <strong>Let op:</strong> {used.length === 1 ? 'dit thema gebruikt' : `deze ${used.length} thema’s gebruiken`} de bron. Verwijder je de bron, dan
            verdwijnt ze ook uit {used.length === 1 ? 'de lijst met bronnen van dit thema' : 'de lijst met bronnen van deze thema’s'}:
          </p>
          <ul>
            {used.map((t) => (
              <li>
                <a class="utrecht-link" href={`/beheer/themas/${t.id}`}>
                  {t.title}
                </a>
                {t.published ? '' : ' (niet gepubliceerd)'}
              </li>
            ))}
          </ul>
          <p>Is de link alleen verhuisd? Pas dan liever het adres aan: de bron blijft dan bij {used.length === 1 ? 'dit thema' : 'deze thema’s'} staan.</p>
        </>
      ) : (
        <p>Geen enkel thema gebruikt deze bron.</p>
      )}
      <form method="post" action={action}>
        <Csrf c={c} />
        <Version value={s.version} />
        <input type="hidden" name="themas" value={s.themeIds.join(',')} />
        {used.length ? (
          <div class={`utrecht-form-field${errors.bevestig ? ' utrecht-form-field--invalid' : ''}`}>
            {errors.bevestig ? (
              <p class="hw-field-error" id="bevestig-error">
                {errors.bevestig}
              </p>
            ) : null}
            <label class="hw-choice" for="bevestig">
              <input type="checkbox" id="bevestig" name="bevestig" value="ja" aria-describedby={errors.bevestig ? 'bevestig-error' : undefined} />
              Ja, haal de bron ook weg bij {used.length === 1 ? 'dit thema' : `deze ${used.length} thema’s`}
            </label>
          </div>
        ) : null}
        <div class="hw-actions">
          <button class="utrecht-button utrecht-button--secondary-action hw-danger" type="submit">
            Ja, verwijder {s.title}
          </button>
          <a class="utrecht-link" href={`${ROOT}/${s.id}`}>
            Nee, terug
          </a>
        </div>
      </form>
    </>,
  );
}

sourceAdminRoutes.get('/:id{[0-9]+}/verwijderen', async (c) => {
  const s = await loaded(c);
  return s ? deletePage(c, s) : gone(c);
});

sourceAdminRoutes.post('/:id{[0-9]+}/verwijderen', async (c) => {
  const s = await loaded(c);
  if (!s) return gone(c);
  const body = await c.req.parseBody();
  const confirmed =
    body.bevestig === 'ja' && typeof body.themas === 'string'
      ? body.themas
          .split(',')
          .filter(Boolean)
          .map(Number)
          .filter((n) => Number.isInteger(n) && n > 0)
      : null;
  try {
    await deleteSource(db(c), actor(c), s.id, formVersion(body.versie), confirmed);
  } catch (err) {
    if (!(err instanceof SourceError)) throw err;
    if (err.code === 'not-found') return gone(c);
    if (err.code === 'confirm') return deletePage(c, s, errorsOf(err), 400);
    const current = (await sourceById(db(c), s.id)) ?? s;
    // Show what it is now, and ask again: the editor confirmed deleting something they had not seen.
    return deletePage(
      c,
      current,
      {
        form: 'Iemand anders heeft deze bron of haar thema’s gewijzigd nadat jij de pagina opende. Er is niets verwijderd. Bekijk hoe het nu staat en bevestig opnieuw.',
      },
      409,
    );
  }
  fresh(c);
  return c.redirect(`${ROOT}?melding=verwijderd`, 303);
});
