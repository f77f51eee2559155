import { z } from 'zod';
import { markdownBody, themeFrontMatter } from '../content/schema.ts';
import type { ThemeSnapshot } from './queries.ts';

// ---------------------------------------------------------------- the form's schema
/** The same rules as a theme file in content/ (front-matter and body), for the fields the form has. */
const frontMatter = themeFrontMatter.omit({ sources: true, order: true });
const sourceIds = z
  .array(
    z.coerce
      .number()
      .int()
      .positive()
      .max(2 ** 31 - 1),
  )
  .max(20, 'hoogstens 20 bronnen');
export const FIELD_LABELS = {
  title: 'Titel',
  slug: 'Webadres (slug)',
  summary: 'Samenvatting',
  reviewed: 'Laatst inhoudelijk gecontroleerd',
  published: 'Op de site',
  keyFacts: 'Kernfeiten',
  trainingTitle: 'Training: titel',
  trainingText: 'Training: tekst',
  related: 'Verwante thema’s',
  sources: 'Bronnen',
  body: 'Tekst (Markdown)',
} as const;
export type FormField = keyof typeof FIELD_LABELS;

/** What the form posts, as strings, so it can be shown again exactly as typed. */
export interface ThemeFormValues {
  title: string;
  slug: string;
  summary: string;
  /** The review date the theme gets: the stored one, or today when the editor ticked the check (see withReviewDate). */
  reviewed: string;
  /** "Ik heb de inhoud inhoudelijk gecontroleerd": only this moves the review date. */
  reviewedNow: boolean;
  published: boolean;
  keyFacts: string;
  trainingTitle: string;
  trainingText: string;
  related: string[];
  sources: string[];
  body: string;
}
const MAX_FIELD = 200_000;
const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, MAX_FIELD) : Array.isArray(v) && typeof v[0] === 'string' ? v[0].slice(0, MAX_FIELD) : '');
const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string').slice(0, 100);
// Browsers send CRLF from a textarea; we store LF, like the files in content/.
const lf = (s: string) => s.replace(/\r\n?/g, '\n');
export function formValuesFromBody(body: Record<string, unknown>): ThemeFormValues {
  return {
    title: text(body.title),
    slug: text(body.slug).trim(),
    summary: text(body.summary),
    reviewed: text(body.reviewed).trim(),
    reviewedNow: text(body.reviewedNow) === 'ja',
    published: text(body.published) === 'ja',
    keyFacts: lf(text(body.keyFacts)),
    trainingTitle: text(body.trainingTitle),
    trainingText: text(body.trainingText),
    related: list(body.related),
    sources: list(body.sources),
    body: lf(text(body.body)),
  };
}
export function formValuesOf(s: ThemeSnapshot): ThemeFormValues {
  return {
    title: s.title,
    slug: s.slug,
    summary: s.summary,
    reviewed: s.reviewed,
    reviewedNow: false,
    published: s.published,
    keyFacts: s.keyFacts.join('\n'),
    trainingTitle: s.training?.title ?? '',
    trainingText: s.training?.text ?? '',
    related: s.related,
    sources: s.sources.map(String),
    body: s.bodyMd,
  };
}
export const emptyFormValues = (): ThemeFormValues => ({
  title: '',
  slug: '',
  summary: '',
  reviewed: '',
  reviewedNow: false,
  published: false,
  keyFacts: '',
  trainingTitle: '',
  trainingText: '',
  related: [],
  sources: [],
  body: '',
});

/**
 * The review date is never taken from the form: saving keeps the stored date (`current`; a new
 * theme has none), and only an explicit "inhoudelijk gecontroleerd" sets it to today.
 */
export function withReviewDate(values: ThemeFormValues, current: string, today: string): ThemeFormValues {
  return { ...values, reviewed: values.reviewedNow ? today : current };
}
export type FormErrors = Partial<Record<FormField | 'form', string>>;
const errorField = (path: readonly PropertyKey[]): FormField => {
  const [head, sub] = path;
  if (head === 'training') return sub === 'text' ? 'trainingText' : 'trainingTitle';
  return (typeof head === 'string' && head in FIELD_LABELS ? head : 'title') as FormField;
};

/** Validates the form with the content/ schema; errors are whole Dutch sentences naming the field. */
export function parseThemeForm(values: ThemeFormValues): { input?: ThemeInput; errors: FormErrors } {
  const errors: FormErrors = {};
  const add = (field: FormField, message: string) => {
    errors[field] ??= `${FIELD_LABELS[field]}: ${message}`;
  };
  const training = values.trainingTitle.trim() || values.trainingText.trim() ? { title: values.trainingTitle, text: values.trainingText } : undefined;
  const fm = frontMatter.safeParse({
    title: values.title,
    slug: values.slug,
    summary: values.summary,
    reviewed: values.reviewed,
    published: values.published,
    related: values.related,
    keyFacts: values.keyFacts
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
    ...(training ? { training } : {}),
  });
  // A new theme has no review date until someone says the content was checked.
  if (!values.reviewed) add('reviewed', 'vink aan dat je de inhoud inhoudelijk hebt gecontroleerd; het thema krijgt dan de datum van vandaag');
  if (!fm.success) for (const issue of fm.error.issues) add(errorField(issue.path), issue.message);
  const body = markdownBody.safeParse(values.body);
  if (!body.success) add('body', body.error.issues[0]?.message ?? 'is ongeldig');
  const ids = sourceIds.safeParse(values.sources);
  if (!ids.success) add('sources', ids.error.issues[0]?.message ?? 'kies bronnen uit de lijst');
  if (fm.success && new Set(fm.data.related).size !== fm.data.related.length) add('related', 'kies elk thema één keer');
  if (!fm.success || !body.success || !ids.success || Object.keys(errors).length) return { errors };
  return {
    errors,
    input: {
      slug: fm.data.slug,
      title: fm.data.title,
      summary: fm.data.summary,
      bodyMd: body.data.trim(),
      reviewed: fm.data.reviewed,
      published: fm.data.published,
      keyFacts: fm.data.keyFacts,
      training: fm.data.training ?? null,
      related: fm.data.related,
      sourceIds: [...new Set(ids.data)],
    },
  };
}

/** Everything an editor sets on a theme in the form (the order is set in the list). */
export interface ThemeInput {
  slug: string;
  title: string;
  summary: string;
  bodyMd: string;
  reviewed: string;
  published: boolean;
  keyFacts: string[];
  training: { title: string; text: string } | null;
  related: string[];
  sourceIds: number[];
}
