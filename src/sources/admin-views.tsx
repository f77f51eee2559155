import type { Child, FC } from 'hono/jsx';
import type { Ctx } from '../context.ts';
import type { Fingerprints } from '../db/version.ts';
import { CheckboxGroup, describedBy, ErrorSummary, FieldShell } from '../ui/forms.tsx';
import { ConflictFoot, ConflictHead, Csrf, Version } from '../ui/kit.tsx';
import { LABELS, type SourceField, type SourceFormValues, valuesOf } from './form.ts';
import type { allThemes, ListedSource, Source, VersionedSource } from './queries.ts';

export const ROOT = '/beheer/bronnen';
const dateTime = new Intl.DateTimeFormat('nl-NL', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Amsterdam' });

export type Errors = Partial<Record<SourceField | 'form' | 'bevestig' | 'status' | 'q', string>>;
export type Existing = { id: number; title: string };
export type ThemeOption = Awaited<ReturnType<typeof allThemes>>[number];

// ---------------------------------------------------------------- components

export const DuplicateMessage: FC<{ existing: Existing }> = ({ existing }) => (
  <>
    Deze bron bestaat al:{' '}
    <a class="utrecht-link" href={`${ROOT}/${existing.id}`}>
      {existing.title}
    </a>
  </>
);

/** Error summary (GOV.UK / NL Design System): each message links to its field; a duplicate links to the source that exists. */
export const Summary: FC<{ errors: Errors; existing?: Existing }> = ({ errors, existing }) => (
  <ErrorSummary errors={errors} message={(field) => (field === 'url' && existing ? <DuplicateMessage existing={existing} /> : undefined)} />
);

export const Input: FC<{ name: 'title' | 'organisation' | 'url'; values: SourceFormValues; errors: Errors; existing?: Existing; hint?: string }> = ({
  name,
  values,
  errors,
  existing,
  hint,
}) => {
  const error = errors[name];
  return (
    <FieldShell name={name} label={LABELS[name]} hint={hint} error={name === 'url' && existing ? <DuplicateMessage existing={existing} /> : error}>
      <input
        class={`utrecht-textbox utrecht-textbox--html-input${error ? ' utrecht-textbox--invalid' : ''}`}
        type="text"
        id={name}
        name={name}
        value={values[name]}
        inputmode={name === 'url' ? 'url' : undefined}
        spellcheck={name === 'url' ? false : undefined}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(name, hint, error)}
      />
    </FieldShell>
  );
};

export const SourceForm: FC<{
  c: Ctx;
  action: string;
  values: SourceFormValues;
  errors: Errors;
  existing?: Existing;
  themes: ThemeOption[];
  submit: string;
  version?: string;
  /** Fingerprints of the values the form started from (per-field merge on a late save). */
  basis?: Fingerprints | null;
  notice?: Child;
}> = ({ c, action, values, errors, existing, themes, submit, version, basis, notice }) => (
  <form class="hw-form hw-form--wide" method="post" action={action} novalidate>
    <Summary errors={errors} existing={existing} />
    {notice}
    <Csrf c={c} />
    {version !== undefined ? <Version value={version} basis={basis} /> : null}
    <Input name="title" values={values} errors={errors} />
    <Input name="organisation" values={values} errors={errors} hint="Wie de bron uitgeeft, bijvoorbeeld NJi, NCJ of Rijksoverheid." />
    <Input
      name="url"
      values={values}
      errors={errors}
      existing={existing}
      hint="We bewaren het adres met https://, zonder volg-parameters (zoals utm_source) en zonder #-deel."
    />
    <FieldShell
      name="description"
      label={`${LABELS.description} (niet verplicht)`}
      hint="Hoogstens 300 tekens: wat vindt een professional hier?"
      error={errors.description}
    >
      <textarea
        class="hw-textarea"
        id="description"
        name="description"
        rows={4}
        aria-invalid={errors.description ? 'true' : undefined}
        aria-describedby={describedBy('description', 'hint', errors.description)}
      >
        {values.description}
      </textarea>
    </FieldShell>
    <CheckboxGroup
      name="themes"
      id="themes"
      idPrefix="thema"
      legend={`${LABELS.themes} (niet verplicht)`}
      hint="Bij welke thema’s hoort deze bron? Een nieuw gekozen thema krijgt de bron onderaan zijn lijst met bronnen."
      options={themes.map((t) => ({ value: String(t.id), label: `${t.title}${t.published ? '' : ' (niet gepubliceerd)'}` }))}
      checked={values.themes}
      error={errors.themes}
    />
    <button class="utrecht-button utrecht-button--primary-action" type="submit">
      {submit}
    </button>
  </form>
);

export const RESULT_LABEL: Record<string, string> = {
  ok: 'Werkt',
  redirect: 'Doorverwezen',
  broken: 'Kapot',
  unreachable: 'Niet bereikbaar',
};

// Whole class names, so the CSS purge at start-up sees them.
export const BADGE: Record<string, string> = {
  ok: 'hw-badge hw-badge--ok',
  redirect: 'hw-badge hw-badge--redirect',
  broken: 'hw-badge hw-badge--broken',
  unreachable: 'hw-badge hw-badge--broken',
};

/** The link checker's last answer, in words (never colour alone). */
export const LinkStatus: FC<{ s: Source }> = ({ s }) => {
  if (!s.checkResult || !s.checkedAt)
    return (
      <p class="hw-link-status">
        <span class="hw-badge hw-badge--never">Nog niet gecontroleerd</span>
      </p>
    );
  return (
    <p class="hw-link-status">
      <span class={BADGE[s.checkResult] ?? 'hw-badge'}>
        {RESULT_LABEL[s.checkResult] ?? s.checkResult}
        {s.checkStatus && s.checkResult !== 'ok' ? ` (${s.checkStatus})` : ''}
      </span>{' '}
      {s.checkResult === 'redirect' && s.redirectTo ? (
        <span class="hw-url">
          naar{' '}
          <a class="utrecht-link" href={s.redirectTo}>
            {s.redirectTo}
          </a>
        </span>
      ) : null}
      {s.checkError ? <span> {s.checkError}</span> : null}
      <span class="hw-muted hw-checked-at"> Gecontroleerd op {dateTime.format(s.checkedAt)}.</span>
    </p>
  );
};

export const plural = (n: number, one: string, many: string) => `${n === 0 ? 'geen' : n} ${n === 1 ? one : many}`;
export const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** "3 kapotte links, 2 doorverwijzingen" (and how many were never checked). */
export function countsText(n: { total: number; broken: number; redirect: number; never: number }): string {
  const parts = [plural(n.broken, 'kapotte link', 'kapotte links'), plural(n.redirect, 'doorverwijzing', 'doorverwijzingen')];
  if (n.never) parts.push(`${n.never} nog niet gecontroleerd`);
  return `${n.total === 1 ? '1 bron' : `${n.total} bronnen`} in de bibliotheek. ${capitalise(parts.join(', '))}.`;
}
export const SourceCard: FC<{ s: ListedSource }> = ({ s }) => (
  <li class="hw-card hw-source">
    <h2>
      <a class="utrecht-link" href={`${ROOT}/${s.id}`}>
        {s.title}
      </a>
    </h2>
    <p>{s.organisation}</p>
    <p class="hw-url">{s.url}</p>
    <p>
      {s.themes.length ? (
        <>
          Thema’s:{' '}
          {s.themes.map((t, i) => (
            <>
              {i ? ', ' : ''}
              {t.title}
            </>
          ))}
        </>
      ) : (
        <span class="hw-muted">Nog bij geen enkel thema.</span>
      )}
    </p>
    <LinkStatus s={s} />
  </li>
);
export interface Conflict {
  current: VersionedSource;
  change: { at: Date; by: string | null } | null;
  mine: SourceFormValues;
  /** The form fields both editors changed, differently; without: every field that differs. */
  fields?: SourceField[];
}

/** Both versions side by side, for every field where what is saved now differs from what this editor typed. */
export const ConflictNotice: FC<{ conflict: Conflict; themes: ThemeOption[] }> = ({ conflict, themes }) => {
  const theirs = valuesOf(conflict.current);
  const titles = new Map(themes.map((t) => [String(t.id), t.title]));
  const show = (key: SourceField, v: SourceFormValues) => {
    if (key === 'themes') return v.themes.length ? v.themes.map((id) => titles.get(id) ?? `thema ${id}`).join(', ') : '(geen)';
    return v[key].trim() || '(leeg)';
  };
  const norm = (key: SourceField, v: SourceFormValues) => (key === 'themes' ? [...v.themes].sort().join(',') : v[key].replace(/\s+/g, ' ').trim());
  const keys = (Object.keys(LABELS) as SourceField[]).filter((k) =>
    conflict.fields ? conflict.fields.includes(k) : norm(k, theirs) !== norm(k, conflict.mine),
  );
  return (
    <section class="hw-notice" aria-labelledby="conflict-title">
      <ConflictHead thing="deze bron" subject="De bron" change={conflict.change} />
      {keys.length ? (
        <>
          <p>Waar de opgeslagen versie verschilt van jouw invoer:</p>
          <dl class="hw-meta hw-versions">
            {keys.map((k) => (
              <>
                <dt>{LABELS[k]}</dt>
                <dd>
                  <p>
                    <span class="hw-muted">Nu opgeslagen:</span> {show(k, theirs)}
                  </p>
                  <p>
                    <span class="hw-muted">Jouw invoer:</span> {show(k, conflict.mine)}
                  </p>
                </dd>
              </>
            ))}
          </dl>
        </>
      ) : null}
      <ConflictFoot both={conflict.fields?.map((f) => LABELS[f])} replaces="de opgeslagen versie" />
    </section>
  );
};
