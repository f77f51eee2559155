import { allOf, type FormBody, fieldErrors, firstOf } from '../ui/forms.tsx';
import { type Organisation, organisationInput, slugify } from './service.ts';

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

export const splitList = (v: string) =>
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
