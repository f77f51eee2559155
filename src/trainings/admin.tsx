import { asc, count, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { audit, sessionSubject } from '../audit/record.ts';
import type { AppEnv, Ctx } from '../context.ts';
import { registrations, trainingSessions, trainings } from '../db/schema.ts';
import { themeOptions } from '../themes/queries.ts';
import { Alert } from '../ui/alert.tsx';
import { ConfirmAction, type ConfirmProps, confirmedCount, countPeople, gets } from '../ui/confirm.tsx';
import { ErrorSummary, type FieldErrors, fieldErrors } from '../ui/forms.tsx';
import { actor, Csrf, csrf, idParam, Notice, StackTable } from '../ui/kit.tsx';
import { page } from '../ui/render.tsx';
import { ATTENDANCE_LABEL, type Attendance, REGISTERS, registersOf } from './accreditation.ts';
import { accreditationAdminRoutes } from './accreditation-admin.tsx';
import { Field, PeopleList, REG_STATUS, SessionFormView, TrainingFormView } from './admin-views.tsx';
import {
  formValues,
  newSessionValues,
  parseTrainingForm,
  pastStart,
  type SessionInput,
  sessionForm,
  sessionValues,
  trainingBody,
  trainingValues,
  type Values,
} from './form.ts';
import { formatMoment, formatSessionTime } from './format.ts';
import {
  affected,
  certificateRecipients,
  certificatesBlocked,
  type Registration,
  STATUS_LABEL,
  sessionRegistrations,
  sessionViews,
  sessionWithTraining,
} from './queries.ts';
import {
  cancelRegistrationByEditor,
  cancelSession,
  completeTraining,
  createSession,
  createTraining,
  messageAll,
  moveRegistration,
  registrationsCsv,
  sendCertificates,
  setAttendance,
  setSessionPublished,
  TrainingError,
  updateSession,
  updateTraining,
} from './service.ts';
import { trainingSettings } from './settings.ts';
import { sessionPath } from './views.tsx';

export const trainingAdminRoutes = new Hono<AppEnv>();
// Attendance, check-in code, evaluation results and accreditation exports per session.
trainingAdminRoutes.route('/', accreditationAdminRoutes);

const base = [
  { href: '/beheer', label: 'Beheer' },
  { href: '/beheer/trainingen', label: 'Trainingen' },
];

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
      <StackTable columns={['Training', 'Bijeenkomsten', 'Op de site']}>
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
      </StackTable>
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
    const id = await createTraining(c.get('deps').database.db, actor(c), completed.data, c.get('deps').now());
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
        <StackTable columns={['Wanneer', 'Status', 'Plekken vrij', 'Wachtlijst']}>
          {sessions.map((v) => (
            <tr>
              <td>
                <a class="utrecht-link" href={`/beheer/trainingen/sessies/${v.session.id}`}>
                  {formatSessionTime(v.session.startsAt, v.session.endsAt)}
                </a>
              </td>
              <td data-label="Status">{v.session.published ? STATUS_LABEL[v.status] : 'Concept, niet op de site'}</td>
              <td data-label="Plekken vrij">
                {v.seatsLeft} van {v.session.capacity}
              </td>
              <td data-label="Wachtlijst">{v.waiting}</td>
            </tr>
          ))}
        </StackTable>
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
    await updateTraining(c.get('deps').database.db, actor(c), id, completed.data, c.get('deps').now());
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
  // A new session is a draft: it goes on the site when an editor publishes it on its page.
  const sid = await createSession(c.get('deps').database.db, actor(c), id, parsed.data as SessionInput, { published: false, now: c.get('deps').now() });
  return c.redirect(`/beheer/trainingen/sessies/${sid}`, 303);
});

async function sessionPage(c: Ctx, sid: number, opts: { values?: Values; errors?: FieldErrors; status?: number; notice?: string; error?: string } = {}) {
  const deps = c.get('deps');
  const db = deps.database.db;
  const row = await sessionWithTraining(db, sid);
  if (!row) return c.notFound();
  const { session, training } = row;
  const [view] = await sessionViews(db, [session], deps.now());
  const regs = await sessionRegistrations(db, sid);
  const others = (await db.select().from(trainingSessions).where(eq(trainingSessions.trainingId, training.id)).orderBy(asc(trainingSessions.startsAt))).filter(
    (s) => s.id !== sid && s.status === 'gepland' && s.published && s.startsAt > deps.now(),
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
      <div class="hw-tools">
        <h2 class="utrecht-heading-2 hw-tools__title">Op de site</h2>
        <form method="post" action={`${action}/${session.published ? 'terugtrekken' : 'publiceren'}`}>
          <Csrf c={c} />
          {session.published ? (
            training.published ? (
              <p>
                Deze bijeenkomst staat op de site:{' '}
                <a class="utrecht-link" href={sessionPath(training, session)}>
                  {sessionPath(training, session)}
                </a>
                .
              </p>
            ) : (
              <p>Deze bijeenkomst is gepubliceerd, maar de training nog niet: hij komt op de site zodra de training gepubliceerd is.</p>
            )
          ) : (
            <p>Deze bijeenkomst is een concept: hij staat niet op de site en niemand kan zich aanmelden. Publiceer hem als de gegevens kloppen.</p>
          )}
          <button class="utrecht-button utrecht-button--secondary-action" type="submit">
            {session.published ? 'Niet meer publiceren' : 'Publiceren'}
          </button>
        </form>
      </div>
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
        <StackTable columns={['Naam', 'Organisatie', 'Status', 'Acties']}>
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
        </StackTable>
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
for (const [path, published] of [
  ['publiceren', true],
  ['terugtrekken', false],
] as const) {
  trainingAdminRoutes.post(`/sessies/:sid{[0-9]+}/${path}`, (c) => {
    const id = sid(c);
    if (!id) return c.notFound();
    return attempt(c, id, async () => {
      const changed = await setSessionPublished(c.get('deps').database.db, actor(c), id, published, c.get('deps').now());
      if (published) return changed ? 'De bijeenkomst is gepubliceerd.' : 'De bijeenkomst was al gepubliceerd.';
      return changed ? 'De bijeenkomst staat niet meer op de site.' : 'De bijeenkomst stond al niet op de site.';
    });
  });
}
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
