import { z } from 'zod';
import type { Ctx } from '../context.ts';
import { REGISTER_CODES } from '../db/schema.ts';
import { allOf, type FieldErrors, fieldErrors, firstOf } from '../ui/forms.tsx';
import { REGISTERS, type TrainingRegister } from './accreditation.ts';
import { type Question, questionsFromText, questionsToText } from './evaluation.ts';
import { amsterdamToUtc, utcToAmsterdamLocal } from './format.ts';
import type { Session, Training } from './queries.ts';

/** The training and session forms: one zod schema each, form values from a stored row or a request, and the checks that need the database (themes that exist, a free slug). */
export const list = (v: unknown) =>
  String(v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export const trainingForm = z.object({
  title: z.string().trim().min(2, 'Vul een titel in.').max(120, 'Gebruik hoogstens 120 tekens.'),
  // Left blank, it is made from the title (withSlug below).
  slug: z
    .string()
    .trim()
    .max(80, 'Gebruik hoogstens 80 tekens.')
    .refine((v) => v === '' || /^[a-z0-9]+(-[a-z0-9]+)*$/.test(v), 'Gebruik alleen kleine letters, cijfers en koppeltekens, zoals hechting-basis.'),
  summary: z.string().trim().min(10, 'Schrijf een korte samenvatting (minstens 10 tekens).').max(300, 'Gebruik hoogstens 300 tekens.'),
  descriptionMd: z.string().max(20_000, 'De beschrijving is te lang (hoogstens 20.000 tekens).').default(''),
  audience: z.string().max(500).transform(list),
  // The ticked boxes of the theme list, joined by commas (trainingBody); checked against the themes that exist in checkThemes.
  themes: z
    .string()
    .max(2000)
    .transform(list)
    .pipe(z.array(z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Kies thema’s uit de lijst.')).max(6, 'Kies hoogstens 6 thema’s.')),
  durationHours: z.coerce
    .number({ message: 'Vul de duur in hele uren in.' })
    .int('Vul de duur in hele uren in.')
    .min(1, 'Minstens 1 uur.')
    .max(200, 'Hoogstens 200 uur.'),
  accreditation: z.string().trim().max(200, 'Gebruik hoogstens 200 tekens.').default(''),
  published: z.preprocess((v) => v === 'ja', z.boolean()),
});

/** The registers' rows of the training form: points and accreditation id per register; no points means not accredited there. */
export const registerFieldsSchema = z
  .object(
    Object.fromEntries(
      REGISTER_CODES.flatMap((code) => [
        [`points-${code}`, z.string().max(10).default('')],
        [`accreditationId-${code}`, z.string().max(200).default('')],
      ]),
    ) as Record<string, z.ZodDefault<z.ZodString>>,
  )
  .transform((v, ctx) => {
    const list: TrainingRegister[] = [];
    for (const code of REGISTER_CODES) {
      const points = (v[`points-${code}`] ?? '').trim();
      const accreditationId = (v[`accreditationId-${code}`] ?? '').trim();
      if (!points) {
        if (accreditationId)
          ctx.addIssue({
            code: 'custom',
            path: [`points-${code}`],
            message: `Vul het aantal punten in voor ${REGISTERS[code].name}, of maak het accreditatienummer leeg.`,
          });
        continue;
      }
      if (!/^\d{1,3}$/.test(points) || Number(points) < 1 || Number(points) > 100) {
        ctx.addIssue({ code: 'custom', path: [`points-${code}`], message: `Vul voor ${REGISTERS[code].name} een heel aantal punten in, van 1 tot 100.` });
        continue;
      }
      if (accreditationId.length > 60) {
        ctx.addIssue({ code: 'custom', path: [`accreditationId-${code}`], message: 'Gebruik hoogstens 60 tekens.' });
        continue;
      }
      list.push({ register: code, points: Number(points), accreditationId });
    }
    return list;
  });

export const questionsField = z
  .string()
  .max(5000, 'Gebruik hoogstens 5000 tekens.')
  .default('')
  .superRefine((v, ctx) => {
    const lines = v.split(/\r?\n/).filter((l) => l.trim());
    if (lines.length > 15) ctx.addIssue({ code: 'custom', message: 'Gebruik hoogstens 15 uitspraken.' });
    if (lines.some((l) => l.trim().length > 200)) ctx.addIssue({ code: 'custom', message: 'Houd elke uitspraak korter dan 200 tekens.' });
  })
  .transform(questionsFromText);

/** The whole training form: the fields, its registers and its evaluation questions. */
export const parseTrainingForm = (form: Record<string, unknown>) => {
  const base = trainingForm.safeParse(form);
  const registers = registerFieldsSchema.safeParse(form);
  const questions = questionsField.safeParse(form.evaluationQuestions ?? '');
  if (!base.success || !registers.success || !questions.success)
    return {
      success: false as const,
      errors: {
        ...(base.success ? {} : fieldErrors(base.error)),
        ...(registers.success ? {} : fieldErrors(registers.error)),
        ...(questions.success ? {} : { evaluationQuestions: questions.error.issues[0]?.message ?? 'Controleer de vragen.' }),
      },
    };
  return { success: true as const, data: { ...(base.data as TrainingInput), registers: registers.data, evaluationQuestions: questions.data } };
};

/** The training form's body: one value per field, the ticked themes joined by commas. */
export const trainingBody = async (c: Ctx) => {
  const body = await c.req.parseBody({ all: true });
  return Object.fromEntries(Object.keys(body).map((k) => [k, k === 'themes' ? allOf(body[k]).join(',') : firstOf(body, k, 20_001)]));
};

export const localTime = (label: string) =>
  z.string({ message: `Vul ${label} in.` }).transform((v, ctx) => {
    const d = amsterdamToUtc(v);
    if (!d) {
      ctx.addIssue({ code: 'custom', message: `Vul ${label} in als datum en tijd.` });
      return z.NEVER;
    }
    return d;
  });

export const sessionForm = z
  .object({
    startsAt: localTime('het begin'),
    endsAt: localTime('het einde'),
    location: z.string().trim().min(2, 'Vul een locatie of de naam van het online platform in.').max(200),
    online: z.preprocess((v) => v === 'ja', z.boolean()),
    capacity: z.coerce
      .number({ message: 'Vul het aantal plekken in.' })
      .int('Vul een heel getal in.')
      .min(1, 'Minstens 1 plek.')
      .max(10_000, 'Hoogstens 10.000 plekken.'),
    registrationOpensAt: localTime('wanneer aanmelden opent'),
    registrationClosesAt: localTime('wanneer aanmelden sluit'),
    cancelUntil: localTime('de uiterste afmelddatum'),
    contact: z.string().trim().max(200).default(''),
  })
  .superRefine((v, ctx) => {
    if (v.endsAt <= v.startsAt) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'Het einde moet na het begin liggen.' });
    if (v.registrationClosesAt <= v.registrationOpensAt)
      ctx.addIssue({ code: 'custom', path: ['registrationClosesAt'], message: 'Aanmelden moet sluiten nadat het opent.' });
    if (v.registrationClosesAt > v.startsAt)
      ctx.addIssue({ code: 'custom', path: ['registrationClosesAt'], message: 'Aanmelden moet uiterlijk bij het begin sluiten.' });
  });

export type Values = Record<string, string>;
export const trainingValues = (t?: Training, registers: TrainingRegister[] = []): Values =>
  t
    ? {
        ...Object.fromEntries(
          registers.flatMap((r) => [
            [`points-${r.register}`, String(r.points)],
            [`accreditationId-${r.register}`, r.accreditationId],
          ]),
        ),
        evaluationQuestions: questionsToText(t.evaluationQuestions),
        title: t.title,
        slug: t.slug,
        summary: t.summary,
        descriptionMd: t.descriptionMd,
        audience: t.audience.join(', '),
        themes: t.themes.join(', '),
        durationHours: String(t.durationHours),
        accreditation: t.accreditation,
        published: t.published ? 'ja' : '',
      }
    : { published: '', durationHours: '3' };
export const sessionValues = (s?: Session): Values =>
  s
    ? {
        startsAt: utcToAmsterdamLocal(s.startsAt),
        endsAt: utcToAmsterdamLocal(s.endsAt),
        location: s.location,
        online: s.online ? 'ja' : '',
        capacity: String(s.capacity),
        registrationOpensAt: utcToAmsterdamLocal(s.registrationOpensAt),
        registrationClosesAt: utcToAmsterdamLocal(s.registrationClosesAt),
        cancelUntil: utcToAmsterdamLocal(s.cancelUntil),
        contact: s.contact,
      }
    : {};

/**
 * A new session's first values, so the editor changes what differs: two weeks from now at 09:30
 * for three hours, 20 seats, registration open from now until the day before, free cancelling
 * until two days before.
 */
export function newSessionValues(now: Date): Values {
  const day = utcToAmsterdamLocal(new Date(now.getTime() + 14 * 86_400_000)).slice(0, 10);
  const startsAt = amsterdamToUtc(`${day}T09:30`) as Date;
  const hours = (h: number) => new Date(startsAt.getTime() + h * 3_600_000);
  return {
    startsAt: utcToAmsterdamLocal(startsAt),
    endsAt: utcToAmsterdamLocal(hours(3)),
    capacity: '20',
    registrationOpensAt: utcToAmsterdamLocal(now),
    registrationClosesAt: utcToAmsterdamLocal(hours(-24)),
    cancelUntil: utcToAmsterdamLocal(hours(-48)),
  };
}

/** A session cannot be planned in the past: refused when it is new, or when its start is moved. */
export const pastStart = (startsAt: Date, now: Date, before?: Date): FieldErrors =>
  startsAt <= now && startsAt.getTime() !== before?.getTime() ? { startsAt: 'Het begin ligt in het verleden. Kies een moment dat nog moet komen.' } : {};
export const formValues = (form: Record<string, unknown>): Values =>
  Object.fromEntries(
    Object.entries(form)
      .filter(([k, v]) => k !== '_csrf' && typeof v === 'string')
      .map(([k, v]) => [k, (v as string).slice(0, 20_000)]),
  );
// ---------------------------------------------------------------- the editors' writes

export interface TrainingInput {
  slug: string;
  title: string;
  summary: string;
  descriptionMd: string;
  audience: string[];
  themes: string[];
  durationHours: number;
  accreditation: string;
  published: boolean;
  /** The registers it is accredited for; left out: unchanged. */
  registers?: TrainingRegister[];
  /** The evaluation's questions; null: the default set; left out: unchanged. */
  evaluationQuestions?: Question[] | null;
}
export interface SessionInput {
  startsAt: Date;
  endsAt: Date;
  location: string;
  online: boolean;
  capacity: number;
  registrationOpensAt: Date;
  registrationClosesAt: Date;
  cancelUntil: Date;
  contact: string;
}
