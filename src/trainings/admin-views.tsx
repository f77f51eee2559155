import type { FC } from 'hono/jsx';
import type { Ctx } from '../context.ts';
import { REGISTER_CODES } from '../db/schema.ts';
import { CheckboxGroup, describedBy, ErrorSummary, type FieldErrors, FieldShell, TextArea } from '../ui/forms.tsx';
import { Csrf, StackTable } from '../ui/kit.tsx';
import { REGISTERS } from './accreditation.ts';
import { DEFAULT_QUESTIONS } from './evaluation.ts';
import { list, type Values } from './form.ts';
import type { Registration } from './queries.ts';

export const Field: FC<{ name: string; label: string; values: Values; errors: FieldErrors; type?: string; hint?: string }> = ({
  name,
  label,
  values,
  errors,
  type = 'text',
  hint,
}) =>
  type === 'textarea' ? (
    <TextArea name={name} label={label} value={values[name] ?? ''} error={errors[name]} hint={hint} rows={10} />
  ) : (
    <FieldShell name={name} label={label} hint={hint} error={errors[name]}>
      <input
        class="utrecht-textbox utrecht-textbox--html-input"
        type={type}
        id={name}
        name={name}
        value={values[name] ?? ''}
        aria-invalid={errors[name] ? 'true' : undefined}
        aria-describedby={describedBy(name, hint, errors[name])}
      />
    </FieldShell>
  );

export const Check: FC<{ name: string; label: string; values: Values }> = ({ name, label, values }) => (
  <div class="utrecht-form-field">
    <label class="hw-choice" for={name}>
      <input type="checkbox" id={name} name={name} value="ja" checked={values[name] === 'ja'} />
      {label}
    </label>
  </div>
);

export const TrainingFormView: FC<{
  c: Ctx;
  action: string;
  values: Values;
  errors: FieldErrors;
  submit: string;
  themeChoices: { slug: string; title: string }[];
}> = ({ c, action, values, errors, submit, themeChoices }) => (
  <form class="hw-form hw-form--wide" method="post" action={action} novalidate>
    <ErrorSummary errors={errors} />
    <Csrf c={c} />
    <Field name="title" label="Titel" values={values} errors={errors} />
    <Field
      name="slug"
      label="Webadres (slug)"
      values={values}
      errors={errors}
      hint="Komt in het adres: /trainingen/slug. Laat je het leeg, dan maken we het uit de titel."
    />
    <Field name="summary" label="Samenvatting" values={values} errors={errors} />
    <Field name="descriptionMd" label="Beschrijving (Markdown)" values={values} errors={errors} type="textarea" />
    <Field name="audience" label="Voor wie" values={values} errors={errors} hint="Beroepsgroepen, gescheiden door komma’s." />
    <CheckboxGroup
      name="themes"
      id="themes"
      idPrefix="thema"
      legend="Thema’s (hoogstens 6)"
      options={themeChoices.map((t) => ({ value: t.slug, label: t.title }))}
      checked={list(values.themes)}
      error={errors.themes}
    />
    <Field name="durationHours" label="Duur in uren" values={values} errors={errors} type="number" />
    <Field name="accreditation" label="Accreditatie (niet verplicht)" values={values} errors={errors} hint="Een korte toelichting, zoals: aangevraagd." />
    <fieldset class="hw-fieldset">
      <legend class="hw-legend">Registers en punten</legend>
      <p class="hw-muted">Vul de punten in bij elk register waarvoor de training geaccrediteerd is. Laat de rest leeg.</p>
      <StackTable columns={['Register', 'Punten', 'Accreditatienummer']} class="hw-registers">
        {REGISTER_CODES.map((code) => (
          <tr>
            <th scope="row">{REGISTERS[code].name}</th>
            <td data-label="Punten">
              {errors[`points-${code}`] ? (
                <p class="hw-field-error" id={`points-${code}-error`}>
                  {errors[`points-${code}`]}
                </p>
              ) : null}
              <input
                class="utrecht-textbox utrecht-textbox--html-input hw-short"
                type="text"
                inputmode="numeric"
                id={`points-${code}`}
                name={`points-${code}`}
                value={values[`points-${code}`] ?? ''}
                aria-label={`Punten ${REGISTERS[code].name}`}
                aria-invalid={errors[`points-${code}`] ? 'true' : undefined}
                aria-describedby={errors[`points-${code}`] ? `points-${code}-error` : undefined}
              />
            </td>
            <td data-label="Accreditatienummer">
              {errors[`accreditationId-${code}`] ? (
                <p class="hw-field-error" id={`accreditationId-${code}-error`}>
                  {errors[`accreditationId-${code}`]}
                </p>
              ) : null}
              <input
                class="utrecht-textbox utrecht-textbox--html-input"
                type="text"
                id={`accreditationId-${code}`}
                name={`accreditationId-${code}`}
                value={values[`accreditationId-${code}`] ?? ''}
                aria-label={`Accreditatienummer ${REGISTERS[code].name}`}
                aria-invalid={errors[`accreditationId-${code}`] ? 'true' : undefined}
                aria-describedby={errors[`accreditationId-${code}`] ? `accreditationId-${code}-error` : undefined}
              />
            </td>
          </tr>
        ))}
      </StackTable>
    </fieldset>
    <Field
      name="evaluationQuestions"
      label="Evaluatie: uitspraken (niet verplicht)"
      values={values}
      errors={errors}
      type="textarea"
      hint={`Eén uitspraak per regel; deelnemers geven elk een score van 1 tot 5, en er is altijd een open vraag voor opmerkingen. Leeg: de standaardvragen (${DEFAULT_QUESTIONS.filter(
        (q) => q.kind === 'scale',
      )
        .map((q) => q.text)
        .join(' ')}).`}
    />
    <Check name="published" label="Gepubliceerd op de site (zet dit pas aan als de training klaar is)" values={values} />
    <button class="utrecht-button utrecht-button--primary-action" type="submit">
      {submit}
    </button>
  </form>
);

export const SessionFormView: FC<{ c: Ctx; action: string; values: Values; errors: FieldErrors; submit: string }> = ({ c, action, values, errors, submit }) => (
  <form class="hw-form hw-form--wide" method="post" action={action} novalidate>
    <ErrorSummary errors={errors} />
    <Csrf c={c} />
    <Field name="startsAt" label="Begin (Nederlandse tijd)" values={values} errors={errors} type="datetime-local" />
    <Field name="endsAt" label="Einde (Nederlandse tijd)" values={values} errors={errors} type="datetime-local" />
    <Field name="location" label="Locatie" values={values} errors={errors} hint="Adres, of bij online: het platform." />
    <Check name="online" label="Online bijeenkomst" values={values} />
    <Field name="capacity" label="Aantal plekken" values={values} errors={errors} type="number" />
    <Field name="registrationOpensAt" label="Aanmelden opent" values={values} errors={errors} type="datetime-local" />
    <Field name="registrationClosesAt" label="Aanmelden sluit" values={values} errors={errors} type="datetime-local" />
    <Field name="cancelUntil" label="Afmelden via de site kan tot" values={values} errors={errors} type="datetime-local" />
    <Field
      name="contact"
      label="Contact na de afmelddatum"
      values={values}
      errors={errors}
      hint="E-mailadres of telefoonnummer voor wie daarna niet kan komen."
    />
    <button class="utrecht-button utrecht-button--primary-action" type="submit">
      {submit}
    </button>
  </form>
);
export const REG_STATUS: Record<string, string> = {
  held: 'Nog niet bevestigd',
  confirmed: 'Bevestigd',
  waitlisted: 'Wachtlijst',
  offered: 'Plek aangeboden',
  cancelled: 'Afgemeld',
  expired: 'Verlopen',
};

/** The people a mass action reaches, by name, so the editor sees who they are. */
export const PeopleList: FC<{ people: Registration[] }> = ({ people: list }) =>
  list.length ? (
    <ul class="hw-confirm__people">
      {list.map((r) => (
        <li>
          {r.name ?? '(verwijderd)'} <span class="hw-muted">({REG_STATUS[r.status]})</span>
        </li>
      ))}
    </ul>
  ) : null;
