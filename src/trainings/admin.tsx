import { asc, count, eq, like } from 'drizzle-orm';
import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import { audit, sessionSubject } from '../audit/record.ts';
import { slugify } from '../content/slug.ts';
import type { AppEnv, Ctx } from '../context.ts';
import type { Queryable } from '../db/client.ts';
import { REGISTER_CODES, registrations, trainingSessions, trainings } from '../db/schema.ts';
import { themeOptions } from '../themes/editor.ts';
import { Alert } from '../ui/alert.tsx';
import { ConfirmAction, type ConfirmProps, confirmedCount, countPeople, gets } from '../ui/confirm.tsx';
import { allOf, CheckboxGroup, describedBy, ErrorSummary, type FieldErrors, FieldShell, fieldErrors, firstOf, TextArea } from '../ui/forms.tsx';
import { actor, Csrf, csrf, idParam, Notice } from '../ui/kit.tsx';
import { page } from '../ui/render.tsx';
import { ATTENDANCE_LABEL, type Attendance, REGISTERS, registersOf, type TrainingRegister } from './accreditation.ts';
import { accreditationAdminRoutes } from './accreditation-admin.tsx';
import {
  affected,
  cancelRegistrationByEditor,
  cancelSession,
  certificateRecipients,
  certificatesBlocked,
  createSession,
  createTraining,
  messageAll,
  moveRegistration,
  registrationsCsv,
  type SessionInput,
  sendCertificates,
  sessionRegistrations,
  setAttendance,
  type TrainingInput,
  updateSession,
  updateTraining,
} from './editor.ts';
import { DEFAULT_QUESTIONS, questionsFromText, questionsToText } from './evaluation.ts';
import { amsterdamToUtc, formatMoment, formatSessionTime, utcToAmsterdamLocal } from './format.ts';
import { sessionViews, sessionWithTraining } from './queries.ts';
import { type Registration, type Session, STATUS_LABEL, type Training, TrainingError } from './service.ts';
import { trainingSettings } from './settings.ts';

export const trainingAdminRoutes = new Hono<AppEnv>();
// Attendance, check-in code, evaluation results and accreditation exports per session.
trainingAdminRoutes.route('/', accreditationAdminRoutes);

const base = [
  { href: '/beheer', label: 'Beheer' },
  { href: '/beheer/trainingen', label: 'Trainingen' },
];

const list = (v: unknown) =>
  String(v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const trainingForm = z.object({
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
const registerFieldsSchema = z
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

const questionsField = z
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
const parseTrainingForm = (form: Record<string, unknown>) => {
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
const trainingBody = async (c: Ctx) => {
  const body = await c.req.parseBody({ all: true });
  return Object.fromEntries(Object.keys(body).map((k) => [k, k === 'themes' ? allOf(body[k]).join(',') : firstOf(body, k, 20_001)]));
};

/**
 * What the database must confirm: every theme exists (a theme deleted while the form was open is
 * named), and a blank slug is made from the title, numbered when another training has it.
 */
async function completeTraining(db: Queryable, input: TrainingInput, exceptId?: number): Promise<{ data: TrainingInput } | { errors: FieldErrors }> {
  const known = new Set((await themeOptions(db)).map((t) => t.slug));
  const unknown = input.themes.filter((slug) => !known.has(slug));
  if (unknown.length) return { errors: { themes: `Dit thema bestaat niet (meer): ${unknown.join(', ')}. Kies thema’s uit de lijst.` } };
  if (input.slug) return { data: input };
  const base = slugify(input.title) || 'training';
  const taken = new Set(
    (
      await db
        .select({ id: trainings.id, slug: trainings.slug })
        .from(trainings)
        .where(like(trainings.slug, `${base}%`))
    )
      .filter((t) => t.id !== exceptId)
      .map((t) => t.slug),
  );
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base.slice(0, 75)}-${n}`;
  return { data: { ...input, slug } };
}

const localTime = (label: string) =>
  z.string({ message: `Vul ${label} in.` }).transform((v, ctx) => {
    const d = amsterdamToUtc(v);
    if (!d) {
      ctx.addIssue({ code: 'custom', message: `Vul ${label} in als datum en tijd.` });
      return z.NEVER;
    }
    return d;
  });

const sessionForm = z
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

type Values = Record<string, string>;
const trainingValues = (t?: Training, registers: TrainingRegister[] = []): Values =>
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
const sessionValues = (s?: Session): Values =>
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
function newSessionValues(now: Date): Values {
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
const pastStart = (startsAt: Date, now: Date, before?: Date): FieldErrors =>
  startsAt <= now && startsAt.getTime() !== before?.getTime() ? { startsAt: 'Het begin ligt in het verleden. Kies een moment dat nog moet komen.' } : {};
const formValues = (form: Record<string, unknown>): Values =>
  Object.fromEntries(
    Object.entries(form)
      .filter(([k, v]) => k !== '_csrf' && typeof v === 'string')
      .map(([k, v]) => [k, (v as string).slice(0, 20_000)]),
  );

const Field: FC<{ name: string; label: string; values: Values; errors: FieldErrors; type?: string; hint?: string }> = ({
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

const Check: FC<{ name: string; label: string; values: Values }> = ({ name, label, values }) => (
  <div class="utrecht-form-field">
    <label class="hw-choice" for={name}>
      <input type="checkbox" id={name} name={name} value="ja" checked={values[name] === 'ja'} />
      {label}
    </label>
  </div>
);

const TrainingFormView: FC<{
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
      <table class="hw-table hw-registers hw-stack">
        <thead>
          <tr>
            <th scope="col">Register</th>
            <th scope="col">Punten</th>
            <th scope="col">Accreditatienummer</th>
          </tr>
        </thead>
        <tbody>
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
        </tbody>
      </table>
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

const SessionFormView: FC<{ c: Ctx; action: string; values: Values; errors: FieldErrors; submit: string }> = ({ c, action, values, errors, submit }) => (
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

trainingAdminRoutes.get('/', async (c) => {
  const db = c.get('deps').database.db;
  const rows = await db
    .select({ training: trainings, sessions: count(trainingSessions.id) })
    .from(trainings)
    .leftJoin(trainingSessions, eq(trainingSessions.trainingId, trainings.id))
    .groupBy(trainings.id)
    .orderBy(asc(trainings.title));
  return page(
    c,
    { title: 'Trainingen beheren', crumbs: base },
    <>
      <h1 class="utrecht-heading-1">Trainingen beheren</h1>
      <p>
        <a class="utrecht-link" href="/beheer/trainingen/nieuw">
          Nieuwe training
        </a>
      </p>
      <table class="hw-table hw-stack">
        <thead>
          <tr>
            <th scope="col">Training</th>
            <th scope="col">Bijeenkomsten</th>
            <th scope="col">Op de site</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <td>
                <a class="utrecht-link" href={`/beheer/trainingen/${r.training.id}`}>
                  {r.training.title}
                </a>
              </td>
              <td data-label="Bijeenkomsten">{r.sessions}</td>
              <td data-label="Op de site">{r.training.published ? 'Ja' : 'Nee'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>,
  );
});

const newTrainingPage = async (c: Ctx, values: Values, errors: FieldErrors, status?: number) =>
  page(
    c,
    { title: 'Nieuwe training', status, crumbs: [...base, { href: '/beheer/trainingen/nieuw', label: 'Nieuw' }] },
    <>
      <h1 class="utrecht-heading-1">Nieuwe training</h1>
      <TrainingFormView
        c={c}
        action="/beheer/trainingen/nieuw"
        values={values}
        errors={errors}
        submit="Training opslaan"
        themeChoices={await themeOptions(c.get('deps').database.db)}
      />
    </>,
  );

trainingAdminRoutes.get('/nieuw', (c) => newTrainingPage(c, trainingValues(), {}));
trainingAdminRoutes.post('/nieuw', async (c) => {
  const form = await trainingBody(c);
  const parsed = parseTrainingForm(form);
  if (!parsed.success) return newTrainingPage(c, formValues(form), parsed.errors, 400);
  const completed = await completeTraining(c.get('deps').database.db, parsed.data);
  if ('errors' in completed) return newTrainingPage(c, formValues(form), completed.errors, 400);
  try {
    const id = await createTraining(c.get('deps').database.db, actor(c), completed.data);
    c.get('deps').contentVersion.invalidate();
    return c.redirect(`/beheer/trainingen/${id}`, 303);
  } catch (err) {
    if (err instanceof TrainingError) return newTrainingPage(c, formValues(form), { slug: err.message }, 409);
    throw err;
  }
});

async function trainingPage(c: Ctx, id: number, values?: Values, errors: FieldErrors = {}, status?: number, notice?: string) {
  const deps = c.get('deps');
  const [training] = await deps.database.db.select().from(trainings).where(eq(trainings.id, id));
  if (!training) return c.notFound();
  const sessions = await sessionViews(
    deps.database.db,
    await deps.database.db.select().from(trainingSessions).where(eq(trainingSessions.trainingId, id)).orderBy(asc(trainingSessions.startsAt)),
    deps.now(),
  );
  return page(
    c,
    { title: training.title, status, crumbs: [...base, { href: `/beheer/trainingen/${id}`, label: training.title }] },
    <>
      <h1 class="utrecht-heading-1">{training.title}</h1>
      <Notice text={notice} />
      <h2 class="utrecht-heading-2">Bijeenkomsten</h2>
      <p>
        <a class="utrecht-link" href={`/beheer/trainingen/${id}/sessies/nieuw`}>
          Nieuwe bijeenkomst
        </a>
      </p>
      {sessions.length ? (
        <table class="hw-table hw-stack">
          <thead>
            <tr>
              <th scope="col">Wanneer</th>
              <th scope="col">Status</th>
              <th scope="col">Plekken vrij</th>
              <th scope="col">Wachtlijst</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((v) => (
              <tr>
                <td>
                  <a class="utrecht-link" href={`/beheer/trainingen/sessies/${v.session.id}`}>
                    {formatSessionTime(v.session.startsAt, v.session.endsAt)}
                  </a>
                </td>
                <td data-label="Status">{STATUS_LABEL[v.status]}</td>
                <td data-label="Plekken vrij">
                  {v.seatsLeft} van {v.session.capacity}
                </td>
                <td data-label="Wachtlijst">{v.waiting}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>Nog geen bijeenkomsten.</p>
      )}
      <h2 class="utrecht-heading-2">Training bewerken</h2>
      <TrainingFormView
        c={c}
        action={`/beheer/trainingen/${id}`}
        values={values ?? trainingValues(training, await registersOf(deps.database.db, id))}
        errors={errors}
        submit="Wijzigingen opslaan"
        themeChoices={await themeOptions(deps.database.db)}
      />
    </>,
  );
}

trainingAdminRoutes.get('/:id{[0-9]+}', (c) => {
  const id = idParam(c.req.param('id'));
  return id ? trainingPage(c, id) : c.notFound();
});
trainingAdminRoutes.post('/:id{[0-9]+}', async (c) => {
  const id = idParam(c.req.param('id'));
  if (!id) return c.notFound();
  const form = await trainingBody(c);
  const parsed = parseTrainingForm(form);
  if (!parsed.success) return trainingPage(c, id, formValues(form), parsed.errors, 400);
  const completed = await completeTraining(c.get('deps').database.db, parsed.data, id);
  if ('errors' in completed) return trainingPage(c, id, formValues(form), completed.errors, 400);
  try {
    await updateTraining(c.get('deps').database.db, actor(c), id, completed.data);
    c.get('deps').contentVersion.invalidate();
  } catch (err) {
    if (err instanceof TrainingError) return trainingPage(c, id, formValues(form), { slug: err.message }, 409);
    throw err;
  }
  return trainingPage(c, id, undefined, {}, 200, 'De training is opgeslagen.');
});

const newSessionPage = async (c: Ctx, trainingId: number, values: Values, errors: FieldErrors, status?: number) => {
  const [training] = await c.get('deps').database.db.select().from(trainings).where(eq(trainings.id, trainingId));
  if (!training) return c.notFound();
  return page(
    c,
    {
      title: 'Nieuwe bijeenkomst',
      status,
      crumbs: [
        ...base,
        { href: `/beheer/trainingen/${trainingId}`, label: training.title },
        { href: `/beheer/trainingen/${trainingId}/sessies/nieuw`, label: 'Nieuwe bijeenkomst' },
      ],
    },
    <>
      <h1 class="utrecht-heading-1">Nieuwe bijeenkomst: {training.title}</h1>
      <SessionFormView c={c} action={`/beheer/trainingen/${trainingId}/sessies/nieuw`} values={values} errors={errors} submit="Bijeenkomst opslaan" />
    </>,
  );
};
trainingAdminRoutes.get('/:id{[0-9]+}/sessies/nieuw', (c) => {
  const id = idParam(c.req.param('id'));
  return id ? newSessionPage(c, id, newSessionValues(c.get('deps').now()), {}) : c.notFound();
});
trainingAdminRoutes.post('/:id{[0-9]+}/sessies/nieuw', async (c) => {
  const id = idParam(c.req.param('id'));
  if (!id) return c.notFound();
  // A session for a training that does not exist is a 404, not a foreign-key error.
  const [training] = await c.get('deps').database.db.select({ id: trainings.id }).from(trainings).where(eq(trainings.id, id));
  if (!training) return c.notFound();
  const form = await c.req.parseBody();
  const parsed = sessionForm.safeParse(form);
  if (!parsed.success) return newSessionPage(c, id, formValues(form), fieldErrors(parsed.error), 400);
  const past = pastStart(parsed.data.startsAt, c.get('deps').now());
  if (past.startsAt) return newSessionPage(c, id, formValues(form), past, 400);
  const sid = await createSession(c.get('deps').database.db, actor(c), id, parsed.data as SessionInput);
  return c.redirect(`/beheer/trainingen/sessies/${sid}`, 303);
});

const REG_STATUS: Record<string, string> = {
  held: 'Nog niet bevestigd',
  confirmed: 'Bevestigd',
  waitlisted: 'Wachtlijst',
  offered: 'Plek aangeboden',
  cancelled: 'Afgemeld',
  expired: 'Verlopen',
};

async function sessionPage(c: Ctx, sid: number, opts: { values?: Values; errors?: FieldErrors; status?: number; notice?: string; error?: string } = {}) {
  const deps = c.get('deps');
  const db = deps.database.db;
  const row = await sessionWithTraining(db, sid);
  if (!row) return c.notFound();
  const { session, training } = row;
  const [view] = await sessionViews(db, [session], deps.now());
  const regs = await sessionRegistrations(db, sid);
  const others = (await db.select().from(trainingSessions).where(eq(trainingSessions.trainingId, training.id)).orderBy(asc(trainingSessions.startsAt))).filter(
    (s) => s.id !== sid && s.status === 'gepland' && s.startsAt > deps.now(),
  );
  const registers = await registersOf(db, training.id);
  const errors = opts.errors ?? {};
  const action = `/beheer/trainingen/sessies/${sid}`;
  const active = (r: Registration) => ['held', 'confirmed', 'waitlisted', 'offered'].includes(r.status);
  return page(
    c,
    {
      title: `Bijeenkomst ${training.title}`,
      status: opts.status,
      crumbs: [...base, { href: `/beheer/trainingen/${training.id}`, label: training.title }, { href: action, label: 'Bijeenkomst' }],
    },
    <>
      <h1 class="utrecht-heading-1">
        {training.title}: {formatSessionTime(session.startsAt, session.endsAt)}
      </h1>
      {opts.error ? (
        <Alert type="error" role="alert" focus>
          <p>{opts.error}</p>
        </Alert>
      ) : null}
      <Notice text={opts.notice} />
      <p>
        <strong>{view ? STATUS_LABEL[view.status] : ''}</strong> · {view?.seatsLeft} van {session.capacity} plekken vrij · {view?.waiting} op de wachtlijst
      </p>
      <ul class="hw-links">
        <li>
          <a class="utrecht-link" href={`${action}/aanwezigheid`}>
            Aanwezigheid bijhouden (op de dag, ook op je telefoon)
          </a>
        </li>
        <li>
          <a class="utrecht-link" href={`${action}/inchecken`}>
            QR-code om zelf in te checken (voor het scherm in de zaal)
          </a>
        </li>
        <li>
          <a class="utrecht-link" href={`${action}/presentielijst`}>
            Presentielijst (afdrukken en aanwezigheid afvinken)
          </a>
        </li>
        <li>
          <a class="utrecht-link" href={`${action}/evaluatie`}>
            Evaluatie: resultaten
          </a>
        </li>
        {registers.map((r) => (
          <li>
            <a class="utrecht-link" href={`${action}/accreditatie.csv?register=${r.register}`}>
              Accreditatie-export {REGISTERS[r.register].name} (CSV)
            </a>
          </li>
        ))}
        <li>
          <a class="utrecht-link" href={`${action}/export.csv`}>
            Aanmeldingen exporteren (CSV voor Excel)
          </a>
        </li>
      </ul>
      <h2 class="utrecht-heading-2">Aanmeldingen</h2>
      {regs.length ? (
        <table class="hw-table hw-stack">
          <thead>
            <tr>
              <th scope="col">Naam</th>
              <th scope="col">Organisatie</th>
              <th scope="col">Status</th>
              <th scope="col">Acties</th>
            </tr>
          </thead>
          <tbody>
            {regs.map((r) => (
              <tr>
                <td>
                  {r.name ?? '(verwijderd)'}
                  <br />
                  <span class="hw-muted">{r.email}</span>
                </td>
                <td data-label="Organisatie">{r.organisation}</td>
                <td data-label="Status">
                  {REG_STATUS[r.status]}
                  {r.attendance ? `, ${ATTENDANCE_LABEL[r.attendance as Attendance].toLowerCase()}` : ''}
                  {r.register ? (
                    <>
                      <br />
                      <span class="hw-muted">
                        {REGISTERS[r.register as keyof typeof REGISTERS]?.name} {r.registerNumber}
                      </span>
                    </>
                  ) : null}
                </td>
                <td data-label="Acties">
                  {active(r) && session.status === 'gepland' ? (
                    <div class="hw-row-actions">
                      <a class="utrecht-link" href={`/beheer/trainingen/aanmeldingen/${r.id}/afmelden`}>
                        Afmelden<span class="hw-visually-hidden"> {r.name}</span>
                      </a>
                      {others.length ? (
                        <form method="post" action={`/beheer/trainingen/aanmeldingen/${r.id}/verplaatsen`} class="hw-inline-move">
                          <Csrf c={c} />
                          <label class="hw-visually-hidden" for={`naar-${r.id}`}>
                            Verplaats {r.name} naar
                          </label>
                          <select class="hw-select" id={`naar-${r.id}`} name="naar">
                            {others.map((o) => (
                              <option value={String(o.id)}>{formatMoment(o.startsAt)}</option>
                            ))}
                          </select>
                          <button class="utrecht-button utrecht-button--secondary-action" type="submit">
                            Verplaatsen<span class="hw-visually-hidden"> {r.name}</span>
                          </button>
                        </form>
                      ) : null}
                    </div>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>Nog geen aanmeldingen.</p>
      )}
      <h2 class="utrecht-heading-2" id="bericht">
        Bericht aan alle aangemelden
      </h2>
      <form class="hw-form hw-form--wide" method="post" action={`${action}/bericht`} novalidate>
        <ErrorSummary errors={Object.fromEntries(Object.entries(errors).filter(([k]) => k === 'subject' || k === 'body'))} />
        <Csrf c={c} />
        <Field name="subject" label="Onderwerp" values={opts.values ?? {}} errors={errors} />
        <Field name="body" label="Bericht" values={opts.values ?? {}} errors={errors} type="textarea" />
        <p class="hw-muted">Je ziet eerst aan wie het bericht gaat, voordat het wordt verstuurd.</p>
        <button class="utrecht-button utrecht-button--primary-action" type="submit">
          Bericht controleren
        </button>
      </form>
      <h2 class="utrecht-heading-2">Certificaten</h2>
      {session.status !== 'gepland' && !session.certificatesSentAt ? (
        <p>Een geannuleerde bijeenkomst geeft geen certificaten.</p>
      ) : session.certificatesSentAt ? (
        <p>Verstuurd op {formatMoment(session.certificatesSentAt)}.</p>
      ) : (
        <>
          <p>Na afloop: vink eerst de aanwezigen af op de presentielijst. Daarna krijgen zij hun certificaat per mail en op hun eigen pagina.</p>
          <p>
            <a class="utrecht-link" href={`${action}/certificaten`}>
              Certificaten versturen…
            </a>
          </p>
        </>
      )}
      {session.status === 'gepland' ? (
        <>
          <h2 class="utrecht-heading-2">Bijeenkomst wijzigen</h2>
          <p>Verandert de tijd of de plaats, dan krijgt iedereen die is aangemeld een mail met een bijgewerkte agenda-afspraak.</p>
          <SessionFormView
            c={c}
            action={action}
            values={opts.values && 'startsAt' in opts.values ? opts.values : sessionValues(session)}
            errors={errors}
            submit="Wijzigingen opslaan"
          />
          <h2 class="utrecht-heading-2">Bijeenkomst annuleren</h2>
          <p>Iedereen die is aangemeld krijgt een mail en een agenda-afspraak die de afspraak weghaalt. Je ziet eerst wie dat zijn.</p>
          <p>
            <a class="utrecht-link hw-danger" href={`${action}/annuleren`}>
              Bijeenkomst annuleren…
            </a>
          </p>
        </>
      ) : (
        <Alert type="info">
          <p>Deze bijeenkomst is geannuleerd.</p>
        </Alert>
      )}
    </>,
  );
}

const sid = (c: Ctx) => idParam(c.req.param('sid'));
/** A refused action: the session page with the reason (a TrainingError), anything else is a bug. */
const failed = (c: Ctx, id: number, err: unknown) => {
  if (err instanceof TrainingError) return sessionPage(c, id, { error: err.message, status: err.code === 'not-found' ? 404 : 409 });
  throw err;
};
const attempt = async (c: Ctx, id: number, fn: () => Promise<string>) => {
  try {
    return sessionPage(c, id, { notice: await fn() });
  } catch (err) {
    return failed(c, id, err);
  }
};

trainingAdminRoutes.get('/sessies/:sid{[0-9]+}', (c) => {
  const id = sid(c);
  return id ? sessionPage(c, id) : c.notFound();
});
trainingAdminRoutes.post('/sessies/:sid{[0-9]+}', async (c) => {
  const id = sid(c);
  if (!id) return c.notFound();
  const form = await c.req.parseBody();
  const parsed = sessionForm.safeParse(form);
  if (!parsed.success) return sessionPage(c, id, { values: formValues(form), errors: fieldErrors(parsed.error), status: 400 });
  const deps = c.get('deps');
  const before = await sessionWithTraining(deps.database.db, id);
  if (!before) return c.notFound();
  const past = pastStart(parsed.data.startsAt, deps.now(), before.session.startsAt);
  if (past.startsAt) return sessionPage(c, id, { values: formValues(form), errors: past, status: 400 });
  return attempt(c, id, async () => {
    const { mailed } = await updateSession(deps.database.db, actor(c), id, parsed.data as SessionInput, trainingSettings(c), deps.now());
    return mailed ? `Opgeslagen. ${mailed} ${mailed === 1 ? 'persoon krijgt' : 'mensen krijgen'} een mail met de wijziging.` : 'Opgeslagen.';
  });
});
// ------------------------------------------------- confirmed actions on a session
// Cancelling, mailing everyone, sending certificates and unregistering someone each go through a
// page of their own that says what will happen and to whom (src/ui/confirm.tsx). The count shown
// there is checked again under the session's lock: if it changed, nothing happens and the page
// asks again with the new count.

/** A confirmation page under the session's crumbs. */
async function confirmOnSession(
  c: Ctx,
  id: number,
  step: { href: string; label: string },
  props: Omit<ConfirmProps, 'back' | 'action'> & { action?: string },
  status?: number,
) {
  const row = await sessionWithTraining(c.get('deps').database.db, id);
  if (!row) return c.notFound();
  const back = `/beheer/trainingen/sessies/${id}`;
  return page(
    c,
    {
      title: props.title,
      status,
      crumbs: [...base, { href: `/beheer/trainingen/${row.training.id}`, label: row.training.title }, { href: back, label: 'Bijeenkomst' }, step],
    },
    <ConfirmAction
      {...props}
      action={props.action ?? step.href}
      hidden={{ _csrf: csrf(c), ...props.hidden }}
      back={{ href: back, label: 'Nee, terug naar de bijeenkomst' }}
    >
      <p>
        <strong>{row.training.title}</strong>: {formatSessionTime(row.session.startsAt, row.session.endsAt)} · {row.session.location}
      </p>
      {props.children}
    </ConfirmAction>,
  );
}

/** The people a mass action reaches, by name, so the editor sees who they are. */
const PeopleList: FC<{ people: Registration[] }> = ({ people: list }) =>
  list.length ? (
    <ul class="hw-confirm__people">
      {list.map((r) => (
        <li>
          {r.name ?? '(verwijderd)'} <span class="hw-muted">({REG_STATUS[r.status]})</span>
        </li>
      ))}
    </ul>
  ) : null;

/** A changed count or a refusal under the lock: the page again, with what is true now. */
const recheck = (err: unknown) => (err instanceof TrainingError && err.code === 'changed' ? err.message : null);

async function cancelConfirm(c: Ctx, id: number, changed?: string) {
  const people = await affected(c.get('deps').database.db, id);
  return confirmOnSession(
    c,
    id,
    { href: `/beheer/trainingen/sessies/${id}/annuleren`, label: 'Annuleren' },
    {
      title: 'Bijeenkomst annuleren?',
      lead: 'De bijeenkomst gaat niet door. Ze blijft zichtbaar als geannuleerd, en aanmelden kan niet meer. Dit kun je niet ongedaan maken.',
      count: {
        n: people.length,
        text: people.length
          ? `${gets(people.length, 'een mail')} met een agenda-afspraak die de afspraak weghaalt.`
          : 'Er is niemand aangemeld: niemand krijgt een mail.',
      },
      confirm: 'Ja, annuleer de bijeenkomst',
      changed,
      children: <PeopleList people={people} />,
    },
    changed ? 409 : undefined,
  );
}

trainingAdminRoutes.get('/sessies/:sid{[0-9]+}/annuleren', (c) => {
  const id = sid(c);
  return id ? cancelConfirm(c, id) : c.notFound();
});
trainingAdminRoutes.post('/sessies/:sid{[0-9]+}/annuleren', async (c) => {
  const id = sid(c);
  if (!id) return c.notFound();
  const expected = confirmedCount(await c.req.parseBody());
  if (expected === null) return cancelConfirm(c, id);
  const deps = c.get('deps');
  try {
    const { mailed } = await cancelSession(deps.database.db, actor(c), id, trainingSettings(c), deps.now(), expected);
    return sessionPage(c, id, { notice: `De bijeenkomst is geannuleerd. ${gets(mailed, 'bericht')}.` });
  } catch (err) {
    const changed = recheck(err);
    if (changed) return cancelConfirm(c, id, changed);
    return failed(c, id, err);
  }
});

const messageForm = z.object({
  subject: z.string().trim().min(2, 'Vul een onderwerp in.').max(150, 'Gebruik hoogstens 150 tekens.'),
  body: z.string().trim().min(2, 'Schrijf een bericht.').max(5000, 'Gebruik hoogstens 5000 tekens.'),
});
async function messageConfirm(c: Ctx, id: number, message: z.infer<typeof messageForm>, changed?: string) {
  const people = await affected(c.get('deps').database.db, id);
  return confirmOnSession(
    c,
    id,
    { href: `/beheer/trainingen/sessies/${id}#bericht`, label: 'Bericht controleren' },
    {
      title: 'Bericht versturen?',
      action: `/beheer/trainingen/sessies/${id}/bericht`,
      lead: 'Iedereen die is aangemeld of op de wachtlijst staat krijgt dit bericht per mail. Een verstuurd bericht kun je niet terughalen.',
      count: {
        n: people.length,
        text: people.length ? `${gets(people.length, 'een mail')}.` : 'Er is niemand aangemeld: niemand krijgt een mail.',
      },
      hidden: { subject: message.subject, body: message.body },
      confirm: people.length === 1 ? 'Ja, verstuur het bericht' : `Ja, verstuur het aan ${countPeople(people.length)}`,
      changed,
      children: (
        <>
          <h2 class="utrecht-heading-2">Het bericht</h2>
          <dl class="hw-meta">
            <dt>Onderwerp</dt>
            <dd>{message.subject}</dd>
          </dl>
          <pre class="hw-mail">{message.body}</pre>
          <h2 class="utrecht-heading-2">Aan</h2>
          <PeopleList people={people} />
        </>
      ),
    },
    changed ? 409 : undefined,
  );
}
trainingAdminRoutes.post('/sessies/:sid{[0-9]+}/bericht', async (c) => {
  const id = sid(c);
  if (!id) return c.notFound();
  const form = await c.req.parseBody();
  const parsed = messageForm.safeParse(form);
  if (!parsed.success) return sessionPage(c, id, { values: formValues(form), errors: fieldErrors(parsed.error), status: 400 });
  const expected = confirmedCount(form);
  if (expected === null) return messageConfirm(c, id, parsed.data);
  try {
    const n = await messageAll(c.get('deps').database.db, actor(c), id, parsed.data.subject, parsed.data.body, expected);
    return sessionPage(c, id, { notice: `Het bericht staat klaar voor ${countPeople(n)}.` });
  } catch (err) {
    const changed = recheck(err);
    if (changed) return messageConfirm(c, id, parsed.data, changed);
    return failed(c, id, err);
  }
});

async function certificatesConfirm(c: Ctx, id: number, changed?: string) {
  const deps = c.get('deps');
  const row = await sessionWithTraining(deps.database.db, id);
  if (!row) return c.notFound();
  const blocked = certificatesBlocked(row.session, deps.now());
  // Not yet, or already done: the session page says why (a refused POST is a conflict, a look is not).
  if (blocked) return sessionPage(c, id, { error: blocked, status: c.req.method === 'POST' ? 409 : 200 });
  const present = (await certificateRecipients(deps.database.db, id)).map((p) => p.registration);
  return confirmOnSession(
    c,
    id,
    { href: `/beheer/trainingen/sessies/${id}/certificaten`, label: 'Certificaten versturen' },
    {
      title: 'Certificaten versturen?',
      lead: 'Wie op de presentielijst volledig aanwezig is, krijgt een certificaat per mail en op de eigen pagina. Dit gebeurt één keer: wie je later nog afvinkt, krijgt er geen meer.',
      count: {
        n: present.length,
        text: present.length
          ? `${gets(present.length, 'een certificaat')}.`
          : 'Niemand is als volledig aanwezig afgevinkt: niemand krijgt een certificaat. Vink eerst de aanwezigen af op de presentielijst.',
      },
      confirm: present.length === 1 ? 'Ja, verstuur het certificaat' : `Ja, verstuur ${present.length} certificaten`,
      changed,
      children: <PeopleList people={present} />,
    },
    changed ? 409 : undefined,
  );
}
trainingAdminRoutes.get('/sessies/:sid{[0-9]+}/certificaten', (c) => {
  const id = sid(c);
  return id ? certificatesConfirm(c, id) : c.notFound();
});
trainingAdminRoutes.post('/sessies/:sid{[0-9]+}/certificaten', async (c) => {
  const id = sid(c);
  if (!id) return c.notFound();
  const expected = confirmedCount(await c.req.parseBody());
  if (expected === null) return certificatesConfirm(c, id);
  const deps = c.get('deps');
  try {
    const n = await sendCertificates(deps.database.db, actor(c), id, trainingSettings(c), deps.now(), expected);
    return sessionPage(c, id, { notice: `${n} ${n === 1 ? 'certificaat' : 'certificaten'} verstuurd.` });
  } catch (err) {
    const changed = recheck(err);
    if (changed) return certificatesConfirm(c, id, changed);
    return failed(c, id, err);
  }
});
trainingAdminRoutes.get('/sessies/:sid{[0-9]+}/export.csv', async (c) => {
  const id = sid(c);
  if (!id) return c.notFound();
  const db = c.get('deps').database.db;
  const row = await sessionWithTraining(db, id);
  if (!row) return c.notFound();
  await audit(db, actor(c), 'registrations.exported', sessionSubject(row.session, row.training));
  return c.body(registrationsCsv(await sessionRegistrations(db, id)), 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="aanmeldingen-${row.training.slug}-${id}.csv"`,
  });
});

trainingAdminRoutes.get('/sessies/:sid{[0-9]+}/presentielijst', async (c) => {
  const id = sid(c);
  if (!id) return c.notFound();
  const db = c.get('deps').database.db;
  const row = await sessionWithTraining(db, id);
  if (!row) return c.notFound();
  const confirmed = (await sessionRegistrations(db, id)).filter((r) => r.status === 'confirmed');
  return page(
    c,
    {
      title: 'Presentielijst',
      crumbs: [
        ...base,
        { href: `/beheer/trainingen/sessies/${id}`, label: 'Bijeenkomst' },
        { href: `/beheer/trainingen/sessies/${id}/presentielijst`, label: 'Presentielijst' },
      ],
    },
    <>
      <h1 class="utrecht-heading-1">Presentielijst: {row.training.title}</h1>
      <p>
        {formatSessionTime(row.session.startsAt, row.session.endsAt)} · {row.session.location}
      </p>
      <form method="post" action={`/beheer/trainingen/sessies/${id}/presentielijst`}>
        <Csrf c={c} />
        <table class="hw-table hw-presence">
          <thead>
            <tr>
              <th scope="col">Aanwezig</th>
              <th scope="col">Naam</th>
              <th scope="col">Organisatie</th>
              <th scope="col">Handtekening</th>
            </tr>
          </thead>
          <tbody>
            {confirmed.map((r) => (
              <tr>
                <td>
                  <input type="checkbox" id={`aanwezig-${r.id}`} name="aanwezig" value={String(r.id)} checked={r.attended} class="hw-check" />
                  <label class="hw-visually-hidden" for={`aanwezig-${r.id}`}>
                    {r.name} aanwezig
                  </label>
                </td>
                <td>{r.name}</td>
                <td>{r.organisation}</td>
                <td class="hw-sign"></td>
              </tr>
            ))}
          </tbody>
        </table>
        <button class="utrecht-button utrecht-button--primary-action hw-no-print" type="submit">
          Aanwezigheid opslaan
        </button>
      </form>
    </>,
  );
});
trainingAdminRoutes.post('/sessies/:sid{[0-9]+}/presentielijst', async (c) => {
  const id = sid(c);
  if (!id) return c.notFound();
  // Nothing to record (and no audit row) for a session that does not exist.
  if (!(await sessionWithTraining(c.get('deps').database.db, id))) return c.notFound();
  const form = await c.req.parseBody({ all: true });
  const raw = form.aanwezig;
  const ids = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((v) => idParam(String(v))).filter((v): v is number => v !== null);
  await setAttendance(c.get('deps').database.db, actor(c), id, ids, trainingSettings(c), c.get('deps').now());
  return sessionPage(c, id, { notice: `Aanwezigheid opgeslagen: ${ids.length} aanwezig.` });
});

async function registrationSession(c: Ctx) {
  const rid = idParam(c.req.param('rid'));
  if (!rid) return null;
  const [reg] = await c.get('deps').database.db.select().from(registrations).where(eq(registrations.id, rid));
  return reg ?? null;
}
async function unregisterConfirm(c: Ctx, reg: Registration) {
  const active = ['held', 'confirmed', 'waitlisted', 'offered'].includes(reg.status);
  if (!active) return sessionPage(c, reg.sessionId, { error: 'Deze aanmelding is al afgemeld.', status: 409 });
  const name = reg.name ?? 'Deze persoon';
  const seat = reg.status === 'confirmed' || reg.status === 'held' || reg.status === 'offered';
  return confirmOnSession(
    c,
    reg.sessionId,
    { href: `/beheer/trainingen/aanmeldingen/${reg.id}/afmelden`, label: 'Afmelden' },
    {
      title: `${name} afmelden?`,
      lead: seat
        ? `${name} krijgt een mail dat de aanmelding is vervallen. De plek komt vrij en gaat naar wie het eerst op de wachtlijst staat. Dit kun je niet ongedaan maken: wil ${name} toch komen, dan meldt die zich opnieuw aan.`
        : `${name} krijgt een mail en staat dan niet meer op de wachtlijst. Dit kun je niet ongedaan maken.`,
      count: { n: 1, text: `1 persoon krijgt een mail: ${name} (${reg.email ?? ''}).` },
      confirm: `Ja, meld ${name} af`,
    },
  );
}
trainingAdminRoutes.get('/aanmeldingen/:rid{[0-9]+}/afmelden', async (c) => {
  const reg = await registrationSession(c);
  return reg ? unregisterConfirm(c, reg) : c.notFound();
});
trainingAdminRoutes.post('/aanmeldingen/:rid{[0-9]+}/afmelden', async (c) => {
  const reg = await registrationSession(c);
  if (!reg) return c.notFound();
  if (confirmedCount(await c.req.parseBody()) !== 1) return unregisterConfirm(c, reg);
  const deps = c.get('deps');
  return attempt(c, reg.sessionId, async () => {
    await cancelRegistrationByEditor(deps.database.db, actor(c), reg.id, trainingSettings(c), deps.now());
    return `${reg.name ?? 'De aanmelding'} is afgemeld. De plek is vrijgegeven.`;
  });
});
trainingAdminRoutes.post('/aanmeldingen/:rid{[0-9]+}/verplaatsen', async (c) => {
  const reg = await registrationSession(c);
  if (!reg) return c.notFound();
  const deps = c.get('deps');
  const to = idParam(String((await c.req.parseBody()).naar ?? ''));
  return attempt(c, reg.sessionId, async () => {
    if (!to) throw new TrainingError('Kies een bijeenkomst.', 'invalid');
    await moveRegistration(deps.database.db, actor(c), reg.id, to, trainingSettings(c), deps.now());
    return `${reg.name ?? 'De aanmelding'} is verplaatst en krijgt een mail met de nieuwe gegevens.`;
  });
});
