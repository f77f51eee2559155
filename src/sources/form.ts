import { allOf, type FormBody, firstOf } from '../ui/forms.tsx';
import type { SourceFormValues, VersionedSource } from './service.ts';

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
