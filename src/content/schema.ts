import { z } from 'zod';
import { normaliseUrl } from './url.ts';

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'alleen kleine letters, cijfers en koppeltekens');
const isoDate = z.iso
  .date('moet een datum zijn als 2026-11-15')
  // PostgreSQL's date type has no year 0; a review date is of our time anyway.
  .refine((d) => d >= '1900-01-01' && d <= '2999-12-31', 'moet een datum tussen 1900 en 2999 zijn');
// YAML turns an unquoted 2026-11-15 into a Date; accept both, keep the ISO string.
const day = z.preprocess((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v), isoDate);

export const sourceSchema = z.object({
  title: z.string().trim().min(2, 'is verplicht').max(200, 'is te lang (max. 200 tekens)'),
  organisation: z.string().trim().min(2, 'is verplicht').max(120, 'is te lang (max. 120 tekens)'),
  url: z
    .string()
    .trim()
    .transform((v, ctx) => {
      try {
        return normaliseUrl(v);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'moet een geldig http(s)-adres zijn' });
        return z.NEVER;
      }
    }),
  description: z.string().trim().max(300, 'is te lang (max. 300 tekens)').default(''),
});

export const themeFrontMatter = z.strictObject({
  title: z.string().trim().min(2, 'is verplicht (min. 2 tekens)').max(120, 'is te lang (max. 120 tekens)'),
  slug,
  summary: z.string().trim().min(10, 'is verplicht (min. 10 tekens)').max(300, 'is te lang (max. 300 tekens)'),
  order: z.number().int('moet een heel getal zijn').min(0, 'is minstens 0').max(1000, 'is hoogstens 1000').default(100),
  reviewed: day,
  published: z.boolean().default(true),
  related: z.array(slug).max(6, 'hoogstens 6 verwante thema’s').default([]),
  training: z
    .strictObject({
      title: z.string().trim().min(2, 'titel van de training is verplicht (min. 2 tekens)').max(120, 'titel van de training is te lang (max. 120 tekens)'),
      text: z.string().trim().min(2, 'tekst over de training is verplicht (min. 2 tekens)').max(300, 'tekst over de training is te lang (max. 300 tekens)'),
    })
    .optional(),
  keyFacts: z
    .array(z.string().trim().min(2, 'een kernfeit is minstens 2 tekens').max(200, 'een kernfeit is hoogstens 200 tekens'))
    .max(8, 'hoogstens 8 kernfeiten')
    .default([]),
  sources: z.array(sourceSchema).max(20, 'hoogstens 20 bronnen').default([]),
});
export type ThemeFrontMatter = z.infer<typeof themeFrontMatter>;

export const pageFrontMatter = z.strictObject({
  title: z.string().trim().min(2).max(120),
  slug,
  summary: z.string().trim().min(10).max(300),
  reviewed: day,
});
export type PageFrontMatter = z.infer<typeof pageFrontMatter>;

export const markdownBody = z
  .string()
  .min(50, 'de tekst is te kort')
  .max(100_000, 'de tekst is te lang')
  .refine((b) => !/^#\s/m.test(b), 'gebruik geen kop van niveau 1 (#): de titel komt uit de front-matter');
