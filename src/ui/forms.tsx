import type { Child, FC } from 'hono/jsx';
import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

/** First Dutch message per field from a failed zod parse. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? 'form');
    out[key] ??= issue.message;
  }
  return out;
}

/** Error summary at the top of a form, each message a link to its field (GOV.UK / NL Design System pattern). */
export const ErrorSummary: FC<{
  errors: Partial<FieldErrors>;
  labels?: Record<string, string>;
  message?: (field: string, text: string) => Child | undefined;
}> = ({ errors, labels = {}, message: custom }) => {
  const entries = Object.entries(errors).flatMap(([field, text]) => (text ? [[field, text] as const] : []));
  if (!entries.length) return null;
  return (
    // autofocus moves keyboard and screen-reader users to the summary without any script.
    <div class="hw-error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} id="foutmeldingen" autofocus>
      <h2 id="error-summary-title">Er is een probleem</h2>
      <ul>
        {entries.map(([field, message]) => (
          <li>
            {custom?.(field, message) ?? (field === 'form' ? message : <a href={`#${field}`}>{labels[field] ? `${labels[field]}: ${message}` : message}</a>)}
          </li>
        ))}
      </ul>
    </div>
  );
};

export const TextField: FC<{
  name: string;
  label: string;
  value?: string;
  error?: string;
  type?: 'text' | 'email' | 'password' | 'date';
  autocomplete?: string;
  hint?: string;
  required?: boolean;
}> = ({ name, label, value, error, type = 'text', autocomplete, hint, required = true }) => {
  return (
    <FieldShell name={name} label={label} hint={hint} error={error}>
      <input
        class={`utrecht-textbox utrecht-textbox--html-input${error ? ' utrecht-textbox--invalid' : ''}`}
        type={type}
        id={name}
        name={name}
        value={type === 'password' ? undefined : value}
        autocomplete={autocomplete}
        required={required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(name, hint, error)}
      />
    </FieldShell>
  );
};

export const describedBy = (name: string, hint?: string, error?: string) =>
  [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined;

/** Label, hint and error around any control; the control gets id=name and aria-describedby={describedBy(...)}. */
export const FieldShell: FC<{ name: string; label: string; hint?: string; error?: Child; children?: Child }> = ({ name, label, hint, error, children }) => (
  <div class={`utrecht-form-field${error ? ' utrecht-form-field--invalid' : ''}`}>
    <label class="utrecht-form-label" for={name}>
      {label}
    </label>
    {hint ? (
      <p class="hw-muted" id={`${name}-hint`}>
        {hint}
      </p>
    ) : null}
    {error ? (
      <p class="hw-field-error" id={`${name}-error`}>
        {error}
      </p>
    ) : null}
    {children}
  </div>
);

/** A multi-line text field in a FieldShell. */
export const TextArea: FC<{ name: string; label: string; value: string; error?: string; hint?: string; rows?: number; monospace?: boolean }> = ({
  name,
  label,
  value,
  error,
  hint,
  rows = 6,
  monospace,
}) => (
  <FieldShell name={name} label={label} hint={hint} error={error}>
    <textarea
      class={`hw-textarea${monospace ? ' hw-textarea--code' : ''}`}
      id={name}
      name={name}
      rows={rows}
      aria-invalid={error ? 'true' : undefined}
      aria-describedby={describedBy(name, hint, error)}
    >
      {value}
    </textarea>
  </FieldShell>
);

/**
 * A choice of several from a fixed list (themes, related themes, sources): a fieldset of
 * checkboxes, so nothing can be typed that does not exist. `id` is the fieldset's, for the error
 * summary's link; each box's id is `${idPrefix}-${option.value}`.
 */
export const CheckboxGroup: FC<{
  name: string;
  id: string;
  idPrefix: string;
  legend: string;
  options: { value: string; label: Child }[];
  checked: string[];
  error?: string;
  hint?: Child;
}> = ({ name, id, idPrefix, legend, options, checked, error, hint }) => {
  const described = [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset class="hw-fieldset" id={id} aria-describedby={described}>
      <legend class="utrecht-form-label">{legend}</legend>
      {hint ? (
        <p class="hw-muted" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="hw-field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      {options.map((o) => (
        <div class="utrecht-form-field">
          <label class="hw-choice" for={`${idPrefix}-${o.value}`}>
            <input type="checkbox" id={`${idPrefix}-${o.value}`} name={name} value={o.value} checked={checked.includes(o.value)} />
            {o.label}
          </label>
        </div>
      ))}
    </fieldset>
  );
};

/** A form body as Hono parses it with `{ all: true }`: a repeated field is a list. */
export type FormBody = Record<string, string | File | (string | File)[]>;
/** Every text value of a field (a checkbox group sends one per ticked box). */
export const allOf = (v: FormBody[string] | undefined): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((s): s is string => typeof s === 'string');
/** The first text value of a field, cut to `max` characters ('' when absent). */
export const firstOf = (body: FormBody, key: string, max = 5000) => (allOf(body[key])[0] ?? '').slice(0, max);
