import type { Child, FC } from 'hono/jsx';
import type { Ctx } from '../context.ts';
import { ORGANISATION_TYPES } from '../db/schema.ts';
import type { Fingerprints } from '../db/version.ts';
import { CheckboxGroup, describedBy, ErrorSummary, type FieldErrors, FieldShell } from '../ui/forms.tsx';
import { ConflictFoot, ConflictHead, Csrf, Version } from '../ui/kit.tsx';
import { type FormValues, LABELS, type TextKey, valuesOf } from './form.ts';
import { displayUrl, TYPE_LABEL, type VersionedOrganisation } from './queries.ts';

export const Field: FC<{
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

export const OrganisationForm: FC<{
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
export interface Conflict {
  current: VersionedOrganisation;
  change: { at: Date; by: string | null } | null;
  mine: FormValues;
  /** The fields both editors changed, differently; without: every field that differs (a restore). */
  fields?: string[];
}

export const dateTime = new Intl.DateTimeFormat('nl-NL', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Amsterdam' });

export const shown = (key: keyof FormValues, v: FormValues) => {
  const value = v[key];
  if (key === 'type') return TYPE_LABEL[value as keyof typeof TYPE_LABEL] ?? String(value);
  if (key === 'website' && typeof value === 'string') return value ? displayUrl(value) : '(leeg)';
  if (Array.isArray(value)) return value.length ? value.join(', ') : '(geen)';
  if (typeof value === 'boolean') return value ? 'Ja' : 'Nee';
  return value || '(leeg)';
};

/** What someone else saved, field by field where it differs from what this editor typed. */
export const ConflictNotice: FC<{ conflict: Conflict }> = ({ conflict }) => {
  const theirs = valuesOf(conflict.current);
  const norm = (v: FormValues[keyof FormValues]) => (Array.isArray(v) ? [...v].sort().join(',') : String(v).trim());
  const keys = (Object.keys(LABELS) as (keyof FormValues)[]).filter(
    (k) => k !== 'published' && (conflict.fields ? conflict.fields.includes(k) : norm(theirs[k]) !== norm(conflict.mine[k])),
  );
  return (
    <section class="hw-notice" aria-labelledby="conflict-title">
      <ConflictHead thing="deze organisatie" subject="De organisatie" change={conflict.change} />
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
      <ConflictFoot both={conflict.fields?.map((f) => LABELS[f as keyof FormValues] ?? f)} replaces="de versie hierboven" />
    </section>
  );
};
