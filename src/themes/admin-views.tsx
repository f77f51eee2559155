import type { Child, FC } from 'hono/jsx';
import { type DiffField, SnapshotDiff, yesNo } from '../audit/history.tsx';
import { renderMarkdown } from '../content/markdown.ts';
import { slugify } from '../content/slug.ts';
import type { Ctx } from '../context.ts';
import type { Fingerprints } from '../db/version.ts';
import { CheckboxGroup, ErrorSummary, TextArea, TextField } from '../ui/forms.tsx';
import { ConflictHead, Csrf, Version } from '../ui/kit.tsx';
import { FIELD_LABELS, type FormErrors, parseThemeForm, type ThemeFormValues } from './form.ts';
import type { listSourcesForPicker, ThemeSnapshot } from './queries.ts';
import { formatDate, ThemePage } from './views.tsx';

export const dateTime = new Intl.DateTimeFormat('nl-NL', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Amsterdam' });

/** Today in Amsterdam as YYYY-MM-DD (a theme's review date). */
export const today = (c: Ctx) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(c.get('deps').now());

export type Options = { themes: { id: number; slug: string; title: string }[]; sources: Awaited<ReturnType<typeof listSourcesForPicker>> };

/** Checked sources first, in the theme's order; then the rest of the library by title. */
export function sourcesInFormOrder(values: ThemeFormValues, all: Options['sources']) {
  const byId = new Map(all.map((s) => [String(s.id), s]));
  const chosen = values.sources.map((id) => byId.get(id)).filter((s) => s !== undefined);
  const chosenIds = new Set(chosen.map((s) => s.id));
  return [...chosen, ...all.filter((s) => !chosenIds.has(s.id))];
}

export const CHECK_LABEL: Record<string, string> = { broken: 'link werkt niet', redirect: 'link verwijst door', unreachable: 'link niet bereikbaar' };

export const ThemeForm: FC<{
  c: Ctx;
  action: string;
  values: ThemeFormValues;
  errors: FormErrors;
  opts: Options;
  selfSlug?: string;
  version?: string;
  /** Fingerprints of the values the form was built from (per-field merge on a late save). */
  basis?: Fingerprints;
  isNew: boolean;
  notice?: Child;
  /** The review date as stored (none for a new theme). */
  storedReviewed?: string;
}> = ({ c, action, values, errors, opts, selfSlug, version, basis, isNew, notice, storedReviewed }) => (
  <form class="hw-form hw-form--wide" method="post" action={action} novalidate data-theme-editor>
    <ErrorSummary errors={errors as Record<string, string>} />
    {notice}
    <Csrf c={c} />
    {version !== undefined ? <Version value={version} basis={basis} /> : null}
    <TextField name="title" label={FIELD_LABELS.title} value={values.title} error={errors.title} />
    <TextField
      name="slug"
      label={FIELD_LABELS.slug}
      value={values.slug}
      error={errors.slug}
      required={false}
      hint={
        isNew
          ? 'Komt in het adres: /themas/slug. Laat leeg om het uit de titel te maken.'
          : 'Komt in het adres: /themas/slug. Wijzig je het, dan werken oude links naar dit thema niet meer.'
      }
    />
    <TextArea
      name="summary"
      label={FIELD_LABELS.summary}
      value={values.summary}
      error={errors.summary}
      rows={3}
      hint="Eén of twee zinnen; staat bovenaan de pagina en in de zoekresultaten."
    />
    <fieldset class="hw-fieldset" id="reviewed" aria-describedby={errors.reviewed ? 'reviewed-error reviewed-hint' : 'reviewed-hint'}>
      <legend class="utrecht-form-label">{FIELD_LABELS.reviewed}</legend>
      <p class="hw-muted" id="reviewed-hint">
        {storedReviewed ? (
          <>
            Nu: <time datetime={storedReviewed}>{formatDate(storedReviewed)}</time>. Deze datum blijft staan als je opslaat, tenzij je hieronder aanvinkt dat je
            de inhoud (feiten, cijfers en bronnen) hebt nagekeken. Dan wordt het vandaag.
          </>
        ) : (
          'Vink aan als je de inhoud (feiten, cijfers en bronnen) hebt nagekeken. Het thema krijgt dan de datum van vandaag.'
        )}
      </p>
      {errors.reviewed ? (
        <p class="hw-field-error" id="reviewed-error">
          {errors.reviewed}
        </p>
      ) : null}
      <div class="utrecht-form-field">
        <label class="hw-choice" for="reviewedNow">
          <input type="checkbox" id="reviewedNow" name="reviewedNow" value="ja" checked={values.reviewedNow} />
          Ik heb de inhoud inhoudelijk gecontroleerd
        </label>
      </div>
    </fieldset>
    <TextArea
      name="body"
      label={FIELD_LABELS.body}
      value={values.body}
      error={errors.body}
      rows={20}
      monospace
      hint="Gebruik ## voor een tussenkop, * voor een opsomming, **vet**, en [linktekst](https://adres). Een witregel begint een nieuwe alinea. HTML wordt niet overgenomen."
    />
    <section class="hw-live-preview" id="live-voorbeeld" aria-labelledby="live-voorbeeld-titel" hidden>
      <h2 class="utrecht-heading-3" id="live-voorbeeld-titel">
        Voorbeeld terwijl je typt
      </h2>
      <p class="hw-visually-hidden" role="status" data-live-status></p>
      <div class="hw-prose" data-live-body></div>
    </section>
    <TextArea
      name="keyFacts"
      label={FIELD_LABELS.keyFacts}
      value={values.keyFacts}
      error={errors.keyFacts}
      rows={5}
      hint="Eén kernfeit per regel, hoogstens 8. Niet verplicht."
    />
    <fieldset class="hw-fieldset">
      <legend class="utrecht-form-label">Training bij dit thema (niet verplicht)</legend>
      <TextField
        name="trainingTitle"
        label={FIELD_LABELS.trainingTitle}
        value={values.trainingTitle}
        error={errors.trainingTitle}
        required={false}
        hint="Heet een gepubliceerde training precies zo, dan linkt het thema naar die training."
      />
      <TextArea name="trainingText" label={FIELD_LABELS.trainingText} value={values.trainingText} error={errors.trainingText} rows={3} />
    </fieldset>
    <CheckboxGroup
      name="related"
      id="related"
      idPrefix="verwant"
      legend={`${FIELD_LABELS.related} (hoogstens 6)`}
      options={opts.themes.filter((t) => t.slug !== selfSlug).map((t) => ({ value: t.slug, label: t.title }))}
      checked={values.related}
      error={errors.related}
    />
    <fieldset class="hw-fieldset" id="sources" aria-describedby={errors.sources ? 'sources-error sources-hint' : 'sources-hint'}>
      <legend class="utrecht-form-label">{FIELD_LABELS.sources} (hoogstens 20)</legend>
      <p class="hw-muted" id="sources-hint">
        Kies uit de{' '}
        <a class="utrecht-link" href="/beheer/bronnen">
          bronnenbibliotheek
        </a>
        . Gekozen bronnen staan bovenaan, in de volgorde van de pagina; nieuw gekozen bronnen komen achteraan.
      </p>
      {errors.sources ? (
        <p class="hw-field-error" id="sources-error">
          {errors.sources}
        </p>
      ) : null}
      {sourcesInFormOrder(values, opts.sources).map((s) => (
        <div class="utrecht-form-field">
          <label class="hw-choice" for={`bron-${s.id}`}>
            <input type="checkbox" id={`bron-${s.id}`} name="sources" value={String(s.id)} checked={values.sources.includes(String(s.id))} />
            <span>
              {s.title} <span class="hw-muted">({s.organisation})</span>
              {s.checkResult && CHECK_LABEL[s.checkResult] ? <strong class="hw-warning"> – {CHECK_LABEL[s.checkResult]}</strong> : null}
            </span>
          </label>
        </div>
      ))}
    </fieldset>
    {isNew ? (
      <div class="utrecht-form-field">
        <label class="hw-choice" for="published">
          <input type="checkbox" id="published" name="published" value="ja" checked={values.published} />
          Meteen publiceren (anders blijft het een concept)
        </label>
      </div>
    ) : null}
    <div class="hw-actions">
      <button class="utrecht-button utrecht-button--primary-action" type="submit" name="actie" value="opslaan">
        {isNew ? 'Thema aanmaken' : 'Wijzigingen opslaan'}
      </button>
      <button class="utrecht-button utrecht-button--secondary-action" type="submit" name="actie" value="voorbeeld">
        Voorbeeld bekijken
      </button>
    </div>
  </form>
);

/** How the public page will look with what is in the form (not saved). */
export async function Preview(props: { c: Ctx; values: ThemeFormValues; opts: Options }) {
  const { values, opts } = props;
  const rendered = renderMarkdown(values.body);
  const bySlug = new Map(opts.themes.map((t) => [t.slug, t]));
  const byId = new Map(opts.sources.map((s) => [String(s.id), s]));
  const theme = {
    slug: values.slug || slugify(values.title) || 'voorbeeld',
    title: values.title || '(zonder titel)',
    summary: values.summary,
    html: rendered.html,
    toc: rendered.toc,
    reviewed: /^\d{4}-\d{2}-\d{2}$/.test(values.reviewed) ? values.reviewed : today(props.c),
    updatedAt: props.c.get('deps').now(),
    keyFacts: values.keyFacts
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
    training: values.trainingTitle.trim() ? { title: values.trainingTitle, text: values.trainingText, href: '/trainingen' } : null,
    sources: values.sources.flatMap((id) => {
      const s = byId.get(id);
      return s ? [{ title: s.title, organisation: s.organisation, url: s.url, description: '' }] : [];
    }),
    related: values.related.flatMap((slug) => {
      const t = bySlug.get(slug);
      return t ? [{ slug: t.slug, title: t.title, summary: '' }] : [];
    }),
  };
  return (
    <section class="hw-preview" aria-labelledby="voorbeeld-titel">
      <h2 class="hw-preview__label" id="voorbeeld-titel">
        Voorbeeld – nog niet opgeslagen
      </h2>
      <ThemePage theme={theme} baseUrl={props.c.get('deps').config.baseUrl} />
    </section>
  );
}
export interface Conflict {
  current: ThemeSnapshot;
  change: { at: Date; by: string | null } | null;
  mine: ThemeFormValues;
  /** The fields both editors changed, differently; without: the whole theme (a restore, an old form). */
  fields?: string[];
}

/** A theme snapshot's fields as they read in a diff: sources by title, yes/no in Dutch. */
export function diffFields(opts: Options): DiffField[] {
  const titles = new Map(opts.sources.map((s) => [s.id, s.title]));
  return [
    { key: 'title', label: FIELD_LABELS.title },
    { key: 'slug', label: FIELD_LABELS.slug },
    { key: 'summary', label: FIELD_LABELS.summary },
    { key: 'reviewed', label: FIELD_LABELS.reviewed },
    { key: 'published', label: FIELD_LABELS.published, text: yesNo },
    { key: 'keyFacts', label: FIELD_LABELS.keyFacts },
    {
      key: 'training',
      label: 'Training',
      text: (v) => {
        const t = v as ThemeSnapshot['training'];
        return t ? `${t.title}\n${t.text}` : '';
      },
    },
    { key: 'related', label: FIELD_LABELS.related },
    { key: 'sources', label: FIELD_LABELS.sources, text: (v) => ((v as number[]) ?? []).map((id) => titles.get(id) ?? `(verwijderde bron #${id})`).join('\n') },
    { key: 'bodyMd', label: FIELD_LABELS.body },
  ];
}

/** What someone else saved, next to what this editor typed. */
export const ConflictNotice: FC<{ conflict: Conflict; opts: Options }> = ({ conflict, opts }) => {
  const mine = parseThemeForm(conflict.mine).input;
  const mineSnapshot: Record<string, unknown> = mine
    ? { ...mine, bodyMd: mine.bodyMd, sources: mine.sourceIds, published: conflict.current.published }
    : { ...conflict.current, bodyMd: conflict.mine.body, title: conflict.mine.title };
  return (
    <section class="hw-notice hw-conflict" aria-labelledby="conflict-title">
      <ConflictHead thing="dit thema" subject="Het thema" change={conflict.change} level={2} />
      <p>
        {conflict.fields
          ? `Jullie wijzigden allebei: ${conflict.fields.map((f) => diffFields(opts).find((d) => d.key === f)?.label ?? f).join(', ')}. Hieronder staat per onderdeel die versie (−) naast jouw invoer (+).`
          : 'Hieronder zie je per onderdeel het verschil tussen die versie (−) en jouw invoer (+).'}
      </p>
      <SnapshotDiff
        before={conflict.current as unknown as Record<string, unknown>}
        after={mineSnapshot}
        fields={diffFields(opts).filter((f) => !conflict.fields || conflict.fields.includes(f.key))}
        headingLevel={3}
      />
      {conflict.fields ? (
        <p>
          Wat alleen jij of alleen de ander wijzigde, is samengevoegd en staat in het formulier. Bij{' '}
          {conflict.fields.length === 1 ? 'dit onderdeel' : 'deze onderdelen'} staat jouw invoer in het formulier: pas het aan of neem de andere versie over, en
          sla op.
        </p>
      ) : (
        <p>
          Jouw invoer staat nog in het formulier. Sla je opnieuw op, dan vervang je de andere versie door jouw invoer. Wil je de andere versie houden? Open het
          thema dan opnieuw.
        </p>
      )}
    </section>
  );
};
