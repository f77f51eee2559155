import { sourceSchema } from '../content/schema.ts';
import { oneLine } from '../content/text.ts';
import { allOf, type FormBody, firstOf } from '../ui/forms.tsx';
import type { VersionedSource } from './queries.ts';

export const LABELS = {
  title: 'Titel',
  organisation: 'Organisatie',
  url: 'Webadres (URL)',
  description: 'Korte beschrijving',
  themes: 'Thema’s',
} as const;
export type SourceField = keyof typeof LABELS;
export interface SourceInput {
  title: string;
  organisation: string;
  url: string;
  description: string;
  themeIds: number[];
}

/** A source's editable fields as a save compares and merges them (themes as a set, in id order). */
export const sourceFields = (s: SourceInput): SourceInput => ({
  title: s.title,
  organisation: s.organisation,
  url: s.url,
  description: s.description,
  themeIds: [...s.themeIds].sort((a, b) => a - b),
});

/** What an editor typed, as typed (to show again next to the messages). */
export interface SourceFormValues {
  title: string;
  organisation: string;
  url: string;
  description: string;
  themes: string[];
}
const MAX_URL = 2000;

/**
 * The form, checked with the same sourceSchema as the sources in content/, plus what only a form
 * needs: "www.nji.nl" gets https:// in front, the host must be a full domain, the themes must be ids.
 * Messages are whole Dutch sentences ("Titel is verplicht.").
 */
export function parseSourceForm(values: SourceFormValues): { input?: SourceInput; errors: Partial<Record<SourceField, string>> } {
  const errors: Partial<Record<SourceField, string>> = {};
  let url = oneLine(values.url);
  if (url && !/^[a-z][a-z0-9+.-]*:/i.test(url)) url = `https://${url}`;
  const parsed = sourceSchema.safeParse({
    title: oneLine(values.title),
    organisation: oneLine(values.organisation),
    url,
    description: oneLine(values.description),
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]) as SourceField;
      if (errors[field] || !(field in LABELS)) continue;
      const typed = oneLine(String(values[field as keyof SourceFormValues] ?? ''));
      // sourceSchema says "is verplicht" for anything under 2 characters; a typed letter is "too short".
      const message = issue.code === 'too_small' && typed ? 'is te kort (minstens 2 tekens)' : issue.message;
      errors[field] = `${LABELS[field]} ${message}.`;
    }
  }
  if (!oneLine(values.url)) errors.url = `${LABELS.url} is verplicht.`;
  else if (values.url.length > MAX_URL) errors.url = `${LABELS.url} is te lang (max. ${MAX_URL} tekens).`;
  else if (parsed.success && !new URL(parsed.data.url).hostname.includes('.'))
    errors.url = `${LABELS.url} moet een volledig adres zijn, zoals https://www.nji.nl/.`;
  const themeIds = [...new Set(values.themes.map((v) => Number(v)))];
  if (themeIds.some((n) => !Number.isInteger(n) || n <= 0 || n >= 2 ** 31)) errors.themes = 'Kies thema’s uit de lijst.';
  else if (themeIds.length > 50) errors.themes = 'Kies hoogstens 50 thema’s.';
  if (Object.keys(errors).length || !parsed.success) return { errors };
  return { input: { ...parsed.data, themeIds }, errors };
}

/** The source form's values: from a request, from a stored source, and empty. */
export const valuesFromBody = (body: FormBody): SourceFormValues => ({
  title: firstOf(body, 'title'),
  organisation: firstOf(body, 'organisation'),
  url: firstOf(body, 'url'),
  description: firstOf(body, 'description'),
  themes: allOf(body.themes)
    .map((s) => s.slice(0, 20))
    .slice(0, 100),
});
export const valuesOf = (s: VersionedSource): SourceFormValues => ({
  title: s.title,
  organisation: s.organisation,
  url: s.url,
  description: s.description,
  themes: s.themeIds.map(String),
});
export const emptyValues = (): SourceFormValues => ({ title: '', organisation: '', url: '', description: '', themes: [] });
