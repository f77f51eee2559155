import { z } from 'zod';
import { SLUG_PATTERN, slugify } from '../content/slug.ts';
import { oneLine } from '../content/text.ts';
import { normaliseUrl } from '../content/url.ts';
import { ORGANISATION_TYPES } from '../db/schema.ts';
import { allOf, type FormBody, fieldErrors, firstOf } from '../ui/forms.tsx';
import type { Organisation } from './queries.ts';

export const uniq = (list: string[]) => [...new Map(list.map((v) => [v.toLocaleLowerCase('nl'), v])).values()];

/** The organisation form: its values, labels and how they become an input for the service (and back). */
export interface FormValues {
  name: string;
  slug: string;
  type: string;
  description: string;
  phone: string;
  email: string;
  website: string;
  address: string;
  municipalities: string;
  themes: string[];
  published: boolean;
  demo: boolean;
}
export type TextKey = Exclude<keyof FormValues, 'themes' | 'published' | 'demo'>;
export const TEXT_KEYS: TextKey[] = ['name', 'slug', 'type', 'description', 'phone', 'email', 'website', 'address', 'municipalities'];

export const LABELS: Record<keyof FormValues, string> = {
  name: 'Naam',
  slug: 'Webadres (slug)',
  type: 'Type organisatie',
  description: 'Wat de organisatie doet voor gezinnen',
  phone: 'Telefoon',
  email: 'E-mailadres',
  website: 'Website',
  address: 'Adres',
  municipalities: 'Gemeenten (werkgebied)',
  themes: 'Thema’s',
  published: 'Op de site',
  demo: 'Demo-gegevens',
};

export const emptyValues = (): FormValues => ({
  name: '',
  slug: '',
  type: '',
  description: '',
  phone: '',
  email: '',
  website: '',
  address: '',
  municipalities: '',
  themes: [],
  published: true,
  demo: false,
});

export const valuesOf = (o: Organisation): FormValues => ({
  name: o.name,
  slug: o.slug,
  type: o.type,
  description: o.description,
  phone: o.phone,
  email: o.email,
  website: o.website,
  address: o.address,
  municipalities: o.municipalities.join(', '),
  themes: o.themes,
  published: o.published,
  demo: o.demo,
});

/** What the editor typed, kept as typed, to show again next to the messages. */
export const valuesFromBody = (body: FormBody): FormValues => ({
  ...(Object.fromEntries(TEXT_KEYS.map((k) => [k, firstOf(body, k)])) as Record<TextKey, string>),
  themes: allOf(body.themes)
    .map((s) => s.slice(0, 100))
    .slice(0, 50),
  published: firstOf(body, 'published') === 'ja',
  demo: firstOf(body, 'demo') === 'ja',
});

const splitList = (v: string) =>
  v
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

/** Form values → the domain input; a blank slug is made from the name. */
export function parseValues(values: FormValues) {
  const slugLeftBlank = !values.slug.trim();
  const parsed = organisationInput.safeParse({
    ...values,
    slug: slugLeftBlank ? slugify(values.name) : values.slug,
    municipalities: splitList(values.municipalities),
  });
  if (parsed.success) return { data: parsed.data, errors: null };
  const errors = fieldErrors(parsed.error);
  // Without a usable name there is nothing to make an address from; the name's message says enough.
  if (slugLeftBlank && errors.name) delete errors.slug;
  return { data: null, errors };
}
const phone = z
  .string()
  .transform(oneLine)
  .pipe(
    z.union([
      z.literal(''),
      z
        .string()
        .max(30, 'Gebruik hoogstens 30 tekens.')
        .regex(/^\+?[0-9][0-9 ()-]*[0-9]$/, 'Vul een telefoonnummer in met alleen cijfers, spaties en streepjes, zoals 088-1234567.')
        .refine((v) => v.replace(/\D/g, '').length >= 4, 'Dit telefoonnummer is te kort.'),
    ]),
  );
const email = z
  .string()
  .transform((v) => oneLine(v).toLowerCase())
  .pipe(
    z.union([z.literal(''), z.string().max(254, 'Dit e-mailadres is te lang.').pipe(z.email('Vul een geldig e-mailadres in, zoals info@organisatie.nl.'))]),
  );

/** Any http(s) address, stored as its canonical https form; `www.x.nl` gets https:// in front. */
const website = z
  .string()
  .transform(oneLine)
  .transform((v, ctx) => {
    if (!v) return '';
    if (v.length > 500) {
      ctx.addIssue({ code: 'custom', message: 'Dit webadres is te lang (hoogstens 500 tekens).' });
      return z.NEVER;
    }
    try {
      const url = normaliseUrl(/^[a-z][a-z0-9+.-]*:/i.test(v) ? v : `https://${v}`);
      if (!new URL(url).hostname.includes('.')) throw new Error('no domain');
      return url;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Vul een geldig webadres in, zoals https://www.organisatie.nl.' });
      return z.NEVER;
    }
  });
const municipality = z
  .string()
  .transform(oneLine)
  .pipe(z.string().min(2, 'Een gemeente heeft een naam van minstens 2 tekens.').max(60, 'Een gemeentenaam heeft hoogstens 60 tekens.'));

/** The fields of an organisation, shared by the editors' form and the demo file. */
export const organisationFields = z.object({
  name: z
    .string({ message: 'Vul de naam in.' })
    .transform(oneLine)
    .pipe(z.string().min(2, 'Vul de naam in (minstens 2 tekens).').max(150, 'Gebruik hoogstens 150 tekens.')),
  slug: z
    .string({ message: 'Vul een webadres (slug) in.' })
    .trim()
    .max(80, 'Gebruik hoogstens 80 tekens.')
    .regex(SLUG_PATTERN, 'Gebruik alleen kleine letters, cijfers en koppeltekens, zoals jgz-voorbeeldstad.'),
  type: z.enum(ORGANISATION_TYPES, { message: 'Kies een type organisatie.' }),
  description: z
    .string({ message: 'Beschrijf wat de organisatie doet voor gezinnen.' })
    .trim()
    .min(20, 'Beschrijf in minstens 20 tekens wat de organisatie doet voor gezinnen.')
    .max(3000, 'Gebruik hoogstens 3000 tekens.'),
  phone: phone.default(''),
  email: email.default(''),
  website: website.default(''),
  address: z.string().transform(oneLine).pipe(z.string().max(200, 'Gebruik hoogstens 200 tekens.')).default(''),
  municipalities: z
    .array(municipality)
    .transform(uniq)
    .pipe(z.array(z.string()).min(1, 'Vul minstens één gemeente in.').max(30, 'Vul hoogstens 30 gemeenten in.')),
  themes: z.array(z.string().regex(SLUG_PATTERN, 'Kies thema’s uit de lijst.')).max(10, 'Kies hoogstens 10 thema’s.').transform(uniq),
  published: z.boolean(),
  demo: z.boolean(),
});
export const needsContact = (v: { phone: string; email: string; website: string }, ctx: z.RefinementCtx) => {
  if (!v.phone && !v.email && !v.website)
    ctx.addIssue({ code: 'custom', path: ['phone'], message: 'Vul minstens één manier van contact in: telefoon, e-mail of website.' });
};
export const organisationInput = organisationFields.superRefine(needsContact);
export type OrganisationInput = z.output<typeof organisationInput>;
