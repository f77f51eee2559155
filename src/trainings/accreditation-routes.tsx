import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import type { AppEnv, Ctx } from '../context.ts';
import { loadSecret } from '../crypto.ts';
import { clientKey } from '../http/client-address.ts';
import { countAll } from '../http/rate-limit.ts';
import { Alert } from '../ui/alert.tsx';
import { ErrorSummary, type FieldErrors, TextField } from '../ui/forms.tsx';
import { page } from '../ui/render.tsx';
import { CHECKIN_OPENS_BEFORE_MS, checkinWindow, proofByCode, REGISTERS, selfCheckIn, validCheckinCode } from './accreditation.ts';
import { evaluationPage, parseAnswers, type Question, SCALE_LABELS, submitEvaluation } from './evaluation.ts';
import { formatDay, formatMoment } from './format.ts';
import { isPublic, type Session, sessionWithTraining, type Training } from './queries.ts';
import { trainingSettings } from './settings.ts';
import { linkGonePage, Message, SessionFacts } from './views.tsx';

export const accreditationRoutes = new Hono<AppEnv>();

const crumbs = [{ href: '/trainingen', label: 'Trainingen' }];
const noStore = (c: Ctx) => c.header('Cache-Control', 'no-store');

// ---------------------------------------------------------------- check-in (the QR code in the room)

/** Attempts per e-mail address and per client address, per hour: a room shares one network, so the client limit is wide. */
export const CHECKIN_LIMITS = { perEmail: 10, perClient: 300, windowMs: 60 * 60_000 };

const CheckinForm: FC<{ action: string; training: Training; session: Session; email?: string; errors?: FieldErrors }> = ({
  action,
  training,
  session,
  email,
  errors = {},
}) => (
  <>
    <h1 class="utrecht-heading-1">Inchecken</h1>
    <SessionFacts training={training} session={session} />
    <form class="hw-form" method="post" action={action} novalidate>
      <ErrorSummary errors={errors} />
      <TextField
        name="email"
        label="Je e-mailadres"
        type="email"
        autocomplete="email"
        value={email}
        error={errors.email}
        hint="Het adres waarmee je je hebt aangemeld. Zo weten we dat je er bent, voor je certificaat en je punten."
      />
      <button class="utrecht-button utrecht-button--primary-action" type="submit">
        Ik ben er
      </button>
    </form>
  </>
);

async function checkinContext(c: Ctx) {
  const sid = Number(c.req.param('sid'));
  if (!Number.isInteger(sid) || sid <= 0 || sid >= 2 ** 31) return null;
  const row = await sessionWithTraining(c.get('deps').database.db, sid);
  if (!row || !isPublic(row)) return null;
  const secret = await loadSecret(c.get('deps').database.db);
  return { ...row, validCode: validCheckinCode(secret, sid, c.req.param('code') ?? '', c.get('deps').now()) };
}

/** Outside the window, or with an old code: a clear message, never a form. */
function closedPage(c: Ctx, row: { training: Training; session: Session }, reason: 'te-vroeg' | 'voorbij' | 'code') {
  const lines = {
    'te-vroeg': [`Inchecken kan vanaf een half uur voor het begin: vanaf ${formatMoment(new Date(row.session.startsAt.getTime() - CHECKIN_OPENS_BEFORE_MS))}.`],
    voorbij: ['De bijeenkomst is afgelopen, daarom kun je niet meer inchecken. Was je er wel? Meld het dan bij de organisatie.'],
    code: ['Deze code is verlopen: de code in de zaal verandert elk kwartier. Scan de code op het scherm opnieuw.'],
  }[reason];
  return page(
    c,
    { title: 'Inchecken kan nu niet', crumbs, status: reason === 'code' ? 410 : 409 },
    <Message title="Inchecken kan nu niet" type="warning" lines={lines} facts={row} />,
  );
}

accreditationRoutes.get('/inchecken/:sid{[0-9]+}/:code', async (c) => {
  noStore(c);
  const row = await checkinContext(c);
  if (!row) return c.notFound();
  const window = checkinWindow(row.session, c.get('deps').now());
  if (window !== 'open') return closedPage(c, row, window);
  if (!row.validCode) return closedPage(c, row, 'code');
  return page(c, { title: 'Inchecken', crumbs }, <CheckinForm action={c.req.path} training={row.training} session={row.session} />);
});

accreditationRoutes.post('/inchecken/:sid{[0-9]+}/:code', async (c) => {
  noStore(c);
  const deps = c.get('deps');
  const row = await checkinContext(c);
  if (!row) return c.notFound();
  const now = deps.now();
  const window = checkinWindow(row.session, now);
  if (window !== 'open') return closedPage(c, row, window);
  if (!row.validCode) return closedPage(c, row, 'code');
  const form = await c.req.parseBody();
  const raw = String(form.email ?? '').slice(0, 254);
  const parsed = z
    .string()
    .trim()
    .toLowerCase()
    .min(1, 'Vul je e-mailadres in.')
    .max(254, 'Dit e-mailadres is te lang.')
    .pipe(z.email('Vul een geldig e-mailadres in, zoals naam@organisatie.nl.'))
    .safeParse(raw);
  const again = (errors: FieldErrors, status: number) =>
    page(
      c,
      { title: 'Inchecken', crumbs, status },
      <CheckinForm action={c.req.path} training={row.training} session={row.session} email={raw} errors={errors} />,
    );
  if (!parsed.success) return again({ email: parsed.error.issues[0]?.message ?? 'Vul je e-mailadres in.' }, 400);
  const limits = await countAll(
    deps.database.db,
    [
      { key: `checkin:client:${clientKey(c)}`, limit: CHECKIN_LIMITS.perClient },
      { key: `checkin:email:${parsed.data}`, limit: CHECKIN_LIMITS.perEmail },
    ],
    CHECKIN_LIMITS.windowMs,
    now,
  );
  if (!limits.every((l) => l.ok)) {
    c.header('Retry-After', '3600');
    return again({ form: 'Er is te vaak geprobeerd in te checken. Meld je bij de trainer.' }, 429);
  }
  const outcome = await selfCheckIn(deps.database.db, row.session.id, parsed.data, trainingSettings(c), now);
  if (outcome === 'unknown')
    return again(
      {
        email:
          'We vinden geen bevestigde aanmelding met dit e-mailadres voor deze bijeenkomst. Gebruik het adres waarmee je je aanmeldde, of meld je bij de trainer.',
      },
      404,
    );
  return page(
    c,
    { title: 'Je bent ingecheckt', crumbs },
    <Message
      title={outcome === 'already' ? 'Je was al ingecheckt' : 'Je bent ingecheckt'}
      type="ok"
      lines={['Welkom! Je aanwezigheid is genoteerd. Na afloop krijg je een mail met een korte evaluatie.']}
      facts={row}
    />,
  );
});

// ---------------------------------------------------------------- evaluation (the personal link in the mail)

const EvaluationForm: FC<{ action: string; questions: Question[]; values: Record<string, string>; errors: FieldErrors }> = ({
  action,
  questions,
  values,
  errors,
}) => (
  <form class="hw-form hw-form--wide" method="post" action={action} novalidate>
    <ErrorSummary errors={errors} />
    {questions.map((q) =>
      q.kind === 'scale' ? (
        <fieldset class={`hw-fieldset hw-rating${errors[q.id] ? ' hw-rating--invalid' : ''}`} id={q.id} tabindex={-1}>
          <legend>{q.text}</legend>
          {errors[q.id] ? (
            <p class="hw-field-error" id={`${q.id}-error`}>
              {errors[q.id]}
            </p>
          ) : null}
          <div class="hw-rating__options">
            {SCALE_LABELS.map((label, i) => (
              <label class="hw-rating__option" for={`${q.id}-${i + 1}`}>
                <input type="radio" id={`${q.id}-${i + 1}`} name={q.id} value={String(i + 1)} checked={values[q.id] === String(i + 1)} />
                <span>{label}</span>
              </label>
            ))}
          </div>
        </fieldset>
      ) : (
        <div class={`utrecht-form-field${errors[q.id] ? ' utrecht-form-field--invalid' : ''}`}>
          <label class="utrecht-form-label" for={q.id}>
            {q.text} (niet verplicht)
          </label>
          {errors[q.id] ? (
            <p class="hw-field-error" id={`${q.id}-error`}>
              {errors[q.id]}
            </p>
          ) : null}
          <textarea class="hw-textarea" id={q.id} name={q.id} rows={5} aria-describedby={errors[q.id] ? `${q.id}-error` : undefined}>
            {values[q.id] ?? ''}
          </textarea>
        </div>
      ),
    )}
    <button class="utrecht-button utrecht-button--primary-action" type="submit">
      Evaluatie versturen
    </button>
  </form>
);

const linkGone = (c: Ctx) => linkGonePage(c, 'De link is verlopen of ongeldig.');
const alreadyAnswered = (c: Ctx, facts: { training: Training; session: Session }) =>
  page(
    c,
    { title: 'Al ingevuld', crumbs },
    <Message title="Je hebt de evaluatie al ingevuld" type="info" lines={['Bedankt! Je kunt de evaluatie één keer invullen.']} facts={facts} />,
  );

const evaluationView = (
  c: Ctx,
  found: NonNullable<Awaited<ReturnType<typeof evaluationPage>>>,
  values: Record<string, string> = {},
  errors: FieldErrors = {},
  status?: number,
) =>
  page(
    c,
    { title: `Evaluatie: ${found.training.title}`, crumbs, status },
    <>
      <h1 class="utrecht-heading-1">Hoe was de training?</h1>
      <SessionFacts training={found.training} session={found.session} />
      <p>
        Geef bij elke uitspraak aan hoe jij erover denkt. Je antwoorden bewaren we zonder je naam of e-mailadres. De trainer ziet alleen de gemiddelden en de
        opmerkingen van de hele groep, en pas als genoeg mensen hebben geantwoord.
      </p>
      <EvaluationForm action={c.req.path} questions={found.questions} values={values} errors={errors} />
    </>,
  );

accreditationRoutes.get('/evaluatie/:token', async (c) => {
  noStore(c);
  const deps = c.get('deps');
  const found = await evaluationPage(deps.database.db, c.req.param('token'), deps.now());
  if (!found) return linkGone(c);
  if (found.answered) return alreadyAnswered(c, found);
  return evaluationView(c, found);
});

accreditationRoutes.post('/evaluatie/:token', async (c) => {
  noStore(c);
  const deps = c.get('deps');
  const token = c.req.param('token');
  const found = await evaluationPage(deps.database.db, token, deps.now());
  if (!found) return linkGone(c);
  if (found.answered) return alreadyAnswered(c, found);
  const form = await c.req.parseBody();
  const { answers, errors } = parseAnswers(found.questions, form);
  if (Object.keys(errors).length) {
    const values = Object.fromEntries(found.questions.map((q) => [q.id, typeof form[q.id] === 'string' ? (form[q.id] as string).slice(0, 2000) : '']));
    return evaluationView(c, found, values, errors, 400);
  }
  const outcome = await submitEvaluation(deps.database.db, token, answers, deps.now());
  if (outcome === 'invalid') return linkGone(c);
  if (outcome === 'already') return alreadyAnswered(c, found);
  return page(
    c,
    { title: 'Bedankt', crumbs },
    <Message title="Bedankt voor je evaluatie" type="ok" lines={['Je antwoorden zijn opgeslagen, zonder je naam.']} facts={found} />,
  );
});

// ---------------------------------------------------------------- /certificaat/<code>

export const certificateRoutes = new Hono<AppEnv>();

/** Anyone with the code checks a certificate: name, training, date, points; nothing else. */
certificateRoutes.get('/:code', async (c) => {
  noStore(c);
  const deps = c.get('deps');
  const proof = await proofByCode(deps.database.db, c.req.param('code'), deps.now());
  const title = 'Certificaat controleren';
  const certCrumbs = [{ href: c.req.path, label: title }];
  if (!proof)
    return page(
      c,
      { title: 'Certificaat niet gevonden', status: 404, crumbs: certCrumbs },
      <>
        <h1 class="utrecht-heading-1">Certificaat niet gevonden</h1>
        <Alert type="warning">
          <p class="hw-alert__lead">Er is geen certificaat met deze controlecode.</p>
          <p>
            Controleer of je de code goed hebt overgenomen, zoals ABCD-EFGH-JKLM. Bestaat het certificaat wel, dan kan het zijn dat de deelnemer haar of zijn
            gegevens heeft laten verwijderen of dat de bewaartermijn voorbij is.
          </p>
        </Alert>
      </>,
    );
  return page(
    c,
    { title, crumbs: certCrumbs },
    <>
      <h1 class="utrecht-heading-1">Certificaat is echt</h1>
      <Alert type="ok">
        <p class="hw-alert__lead">Dit certificaat is uitgegeven door Hechtwerk.</p>
        <dl class="hw-meta">
          <dt>Naam</dt>
          <dd>{proof.name}</dd>
          <dt>Training</dt>
          <dd>{proof.trainingTitle}</dd>
          <dt>Datum</dt>
          <dd>{formatDay(proof.sessionDate)}</dd>
          <dt>Duur</dt>
          <dd>{proof.hours} uur</dd>
          {proof.register && proof.points ? (
            <>
              <dt>Punten</dt>
              <dd>
                {proof.points} {proof.points === 1 ? 'punt' : 'punten'} in {REGISTERS[proof.register as keyof typeof REGISTERS]?.name}
              </dd>
              {proof.accreditationId ? (
                <>
                  <dt>Accreditatienummer</dt>
                  <dd>{proof.accreditationId}</dd>
                </>
              ) : null}
            </>
          ) : null}
          <dt>Controlecode</dt>
          <dd>{proof.code}</dd>
        </dl>
      </Alert>
    </>,
  );
});
