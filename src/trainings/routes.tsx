import { Hono } from 'hono';
import { createEvents } from 'ics';
import { z } from 'zod';
import { renderMarkdown } from '../content/markdown.ts';
import type { AppEnv, Ctx } from '../context.ts';
import type { RegisterCode } from '../db/schema.ts';
import { clientKey } from '../http/client-address.ts';
import { countAll } from '../http/rate-limit.ts';
import type { AlertType } from '../ui/alert.tsx';
import { type FieldErrors, fieldErrors } from '../ui/forms.tsx';
import { page } from '../ui/render.tsx';
import { checkRegisterNumber, isRegister, pointsLine, proofOf, registersByTraining, registersOf, type TrainingRegister } from './accreditation.ts';
import { accreditationRoutes } from './accreditation-routes.tsx';
import { certificatePdf } from './certificate.ts';
import { sessionEvent } from './ics.ts';
import { personalData } from './personal-data.ts';
import {
  allPublicSessions,
  isPublic,
  publishedTrainings,
  registrationPage,
  type Session,
  type SessionView,
  sessionsOf,
  sessionViews,
  sessionWithTraining,
  type Training,
  trainingBySlug,
} from './queries.ts';
import { confirm, icsFor, manage, register, TrainingError } from './service.ts';
import { trainingSettings } from './settings.ts';
import { CancelConfirm, DeleteConfirm, linkGonePage, ManagePage, Message, SessionPage, sessionPath, TrainingList, TrainingPage } from './views.tsx';

export const trainingRoutes = new Hono<AppEnv>();

const crumbs = [{ href: '/trainingen', label: 'Trainingen' }];
const noStore = (c: Ctx) => c.header('Cache-Control', 'no-store');

trainingRoutes.get('/', async (c) => {
  const items = await publishedTrainings(c.get('deps').database.db, c.get('deps').now());
  return page(
    c,
    { title: 'Trainingen', description: 'Trainingen voor professionals over hechting en kindermishandeling.', crumbs },
    <TrainingList items={items} />,
  );
});

trainingRoutes.get('/sessie/:file{[0-9]+\\.ics}', async (c) => {
  const id = Number.parseInt(c.req.param('file'), 10);
  // Ids are PostgreSQL integers: a larger number names no session (and would be a database error).
  if (id >= 2 ** 31) return c.notFound();
  const row = await sessionWithTraining(c.get('deps').database.db, id);
  if (!row || !isPublic(row)) return c.notFound();
  return c.body(icsFor(row.session, row.training, trainingSettings(c)), 200, {
    'Content-Type': 'text/calendar; charset=utf-8',
    'Content-Disposition': `attachment; filename="training-${id}.ics"`,
  });
});

const confirmPage = (c: Ctx, token: string) =>
  page(
    c,
    { title: 'Aanmelding bevestigen', crumbs },
    <>
      <h1 class="utrecht-heading-1">Aanmelding bevestigen</h1>
      <p>Klik op de knop om je aanmelding te bevestigen.</p>
      <form method="post" action={`/trainingen/bevestigen/${token}`}>
        <button class="utrecht-button utrecht-button--primary-action" type="submit">
          Bevestig mijn aanmelding
        </button>
      </form>
    </>,
  );

// A GET only shows a button: mail scanners that open links must not confirm anything.
trainingRoutes.get('/bevestigen/:token', (c) => {
  noStore(c);
  return confirmPage(c, c.req.param('token'));
});

trainingRoutes.post('/bevestigen/:token', async (c) => {
  noStore(c);
  const deps = c.get('deps');
  const { outcome, position, manage: manageToken } = await confirm(deps.database.db, c.req.param('token'), trainingSettings(c), deps.now());
  const mine = manageToken ? [{ href: `/trainingen/aanmelding/${manageToken}`, label: 'Bekijk je aanmelding' }] : [];
  const messages: Record<typeof outcome, [string, string[], number, AlertType]> = {
    confirmed: ['Je aanmelding is bevestigd', ['Je hebt een plek. Je krijgt een mail met de gegevens en een agenda-afspraak.'], 200, 'ok'],
    already: ['Je aanmelding was al bevestigd', ['Je hoeft niets meer te doen.'], 200, 'info'],
    waitlisted: [
      'Je staat op de wachtlijst',
      [
        `De gereserveerde plek was verlopen en de bijeenkomst is inmiddels vol. Je staat op de wachtlijst${position ? `, op plaats ${position}` : ''}. Komt er een plek vrij, dan krijg je een mail.`,
      ],
      200,
      'warning',
    ],
    offered: ['Er staat een plek voor je klaar', ['Kijk in je mail: via de link in het aanbod neem je de plek aan.'], 200, 'info'],
    cancelled: ['Deze aanmelding is afgemeld', ['Wil je toch komen? Meld je dan opnieuw aan.'], 409, 'info'],
    'session-cancelled': ['De bijeenkomst is geannuleerd', ['Deze bijeenkomst gaat niet door. Kijk bij de trainingen voor een andere datum.'], 409, 'warning'],
    invalid: [
      'Deze link werkt niet',
      ['De link is verlopen, onvolledig of al vervangen door een nieuwere. Meld je opnieuw aan; we sturen je dan een nieuwe link.'],
      410,
      'error',
    ],
  };
  const [title, lines, status, type] = messages[outcome];
  // The new link to the registration tells which training, when and where, for the confirmation panel.
  const found = manageToken ? await registrationPage(deps.database.db, manageToken, deps.now()) : null;
  return page(
    c,
    { title, crumbs, status },
    <Message
      title={title}
      lines={lines}
      type={type}
      facts={found ? { training: found.training, session: found.session } : undefined}
      links={[...mine, { href: '/trainingen', label: 'Alle trainingen' }]}
    />,
  );
});

async function managePage(c: Ctx, token: string, extra: { notice?: string; error?: string; status?: number } = {}) {
  const deps = c.get('deps');
  noStore(c);
  const found = await registrationPage(deps.database.db, token, deps.now());
  if (!found) return linkGonePage(c, 'De link is verlopen of ongeldig, of de gegevens zijn verwijderd.');
  return page(
    c,
    { title: 'Je aanmelding', crumbs, status: extra.status },
    <ManagePage
      token={token}
      {...found}
      now={deps.now()}
      retentionMonths={deps.config.RETENTION_MONTHS}
      proof={await proofOf(deps.database.db, found.registration.id)}
      proofYears={deps.config.PROOF_RETENTION_YEARS}
      notice={extra.notice}
      error={extra.error}
    />,
  );
}

trainingRoutes.get('/aanmelding/:token', (c) => managePage(c, c.req.param('token')));

const manageForm = z.object({ actie: z.enum(['cancel', 'accept', 'decline', 'delete']), bevestig: z.string().optional() });

trainingRoutes.post('/aanmelding/:token', async (c) => {
  const deps = c.get('deps');
  const token = c.req.param('token');
  const parsed = manageForm.safeParse(await c.req.parseBody());
  if (!parsed.success) return managePage(c, token, { error: 'Deze actie bestaat niet.', status: 400 });
  if ((parsed.data.actie === 'delete' || parsed.data.actie === 'cancel') && parsed.data.bevestig !== 'ja') {
    // Deleting and cancelling are asked first: the page says what happens to the seat and to a certificate.
    noStore(c);
    const found = await registrationPage(deps.database.db, token, deps.now());
    if (!found) return managePage(c, token);
    if (parsed.data.actie === 'cancel')
      return page(
        c,
        { title: 'Afmelden', crumbs },
        <CancelConfirm token={token} training={found.training} session={found.session} registration={found.registration} />,
      );
    const proof = await proofOf(deps.database.db, found.registration.id);
    return page(c, { title: 'Gegevens verwijderen', crumbs }, <DeleteConfirm token={token} training={found.training} session={found.session} proof={proof} />);
  }
  try {
    const notice = await manage(deps.database.db, token, parsed.data.actie, trainingSettings(c), deps.now());
    if (parsed.data.actie === 'delete') {
      noStore(c);
      return page(
        c,
        { title: 'Gegevens verwijderd', crumbs },
        <Message
          title="Je gegevens zijn verwijderd"
          type="ok"
          lines={['Je naam, e-mailadres, organisatie, functie en registratienummer zijn gewist, met het bewijs van je deelname. Deze link werkt niet meer.']}
        />,
      );
    }
    return managePage(c, token, { notice });
  } catch (err) {
    if (err instanceof TrainingError)
      return managePage(c, token, { error: err.message, status: err.code === 'invalid' && err.message.includes('link') ? 410 : 409 });
    throw err;
  }
});

trainingRoutes.get('/aanmelding/:token/agenda.ics', async (c) => {
  const deps = c.get('deps');
  const found = await registrationPage(deps.database.db, c.req.param('token'), deps.now());
  if (!found) return c.notFound();
  noStore(c);
  return c.body(icsFor(found.session, found.training, trainingSettings(c)), 200, {
    'Content-Type': 'text/calendar; charset=utf-8',
    'Content-Disposition': 'attachment; filename="training.ics"',
  });
});

trainingRoutes.get('/aanmelding/:token/certificaat.pdf', async (c) => {
  const deps = c.get('deps');
  const found = await registrationPage(deps.database.db, c.req.param('token'), deps.now());
  if (!found?.registration.attended || found.session.endsAt > deps.now()) return c.notFound();
  const proof = await proofOf(deps.database.db, found.registration.id);
  if (!proof) return c.notFound();
  noStore(c);
  const pdf = await certificatePdf(proof, `${deps.config.baseUrl}/certificaat/${proof.code}`);
  return c.body(pdf as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/pdf', 'Content-Disposition': 'attachment; filename="certificaat.pdf"' });
});

// Everything stored about the registration, as a file (AVG articles 15 and 20): the registrant's own copy.
trainingRoutes.get('/aanmelding/:token/gegevens.json', async (c) => {
  const deps = c.get('deps');
  noStore(c);
  const now = deps.now();
  const found = await registrationPage(deps.database.db, c.req.param('token'), now);
  if (!found) return linkGonePage(c, 'De link is verlopen of ongeldig, of de gegevens zijn verwijderd.');
  return c.body(`${JSON.stringify(await personalData(deps.database.db, found, now), null, 2)}\n`, 200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Disposition': 'attachment; filename="hechtwerk-aanmelding.json"',
  });
});

// Check-in and evaluation pages: before /:slug, whose patterns they would otherwise match.
trainingRoutes.route('/', accreditationRoutes);

trainingRoutes.get('/:slug', async (c) => {
  const deps = c.get('deps');
  const training = await trainingBySlug(deps.database.db, c.req.param('slug'));
  if (!training) return c.notFound();
  const sessions = await sessionsOf(deps.database.db, training.id, deps.now());
  return page(
    c,
    { title: training.title, description: training.summary, crumbs: [...crumbs, { href: `/trainingen/${training.slug}`, label: training.title }] },
    <TrainingPage
      training={training}
      html={renderMarkdown(training.descriptionMd).html}
      sessions={sessions}
      registers={await registersOf(deps.database.db, training.id)}
    />,
  );
});

async function findSession(c: Ctx) {
  const id = Number(c.req.param('session'));
  if (!Number.isInteger(id) || id <= 0 || id >= 2 ** 31) return null;
  const row = await sessionWithTraining(c.get('deps').database.db, id);
  return row && isPublic(row) && row.training.slug === c.req.param('slug') ? row : null;
}

/** The session with its live seat count, as its page shows it. */
async function viewOf(c: Ctx, row: { training: Training; session: Session }) {
  const deps = c.get('deps');
  const [view] = await sessionViews(deps.database.db, [row.session], deps.now());
  return { training: row.training, view: view as SessionView };
}

async function loadSession(c: Ctx) {
  const row = await findSession(c);
  return row ? viewOf(c, row) : null;
}

const sessionCrumbs = (t: { slug: string; title: string }, path: string) => [
  ...crumbs,
  { href: `/trainingen/${t.slug}`, label: t.title },
  { href: path, label: 'Bijeenkomst' },
];

trainingRoutes.get('/:slug/:session{[0-9]+}', async (c) => {
  const found = await loadSession(c);
  if (!found) return c.notFound();
  return page(
    c,
    {
      title: `${found.training.title}: bijeenkomst`,
      description: found.training.summary,
      crumbs: sessionCrumbs(found.training, sessionPath(found.training, found.view.session)),
    },
    <SessionPage
      training={found.training}
      view={found.view}
      registers={await registersOf(c.get('deps').database.db, found.training.id)}
      retentionMonths={c.get('deps').config.RETENTION_MONTHS}
      baseUrl={c.get('deps').config.baseUrl}
    />,
  );
});

const registrationForm = z.object({
  name: z.string({ message: 'Vul je naam in.' }).trim().min(2, 'Vul je naam in (minstens 2 tekens).').max(100, 'Gebruik hoogstens 100 tekens.'),
  email: z
    .string({ message: 'Vul je e-mailadres in.' })
    .trim()
    .toLowerCase()
    .min(1, 'Vul je e-mailadres in.')
    .max(254, 'Dit e-mailadres is te lang.')
    .pipe(z.email('Vul een geldig e-mailadres in, zoals naam@organisatie.nl.')),
  organisation: z.string({ message: 'Vul je organisatie in.' }).trim().min(2, 'Vul je organisatie in.').max(120, 'Gebruik hoogstens 120 tekens.'),
  role: z.string({ message: 'Vul je functie in.' }).trim().min(2, 'Vul je functie in.').max(80, 'Gebruik hoogstens 80 tekens.'),
  consent: z.literal('ja', { message: 'Ga akkoord met de privacyverklaring om je aan te melden.' }),
  register: z.string().max(40).default(''),
  registerNumber: z.string().max(40).default(''),
});

/** The register and number, checked against the registers this training gives points in. */
function registerChoice(
  form: { register: string; registerNumber: string },
  offered: TrainingRegister[],
): { ok: true; register: RegisterCode | null; registerNumber: string | null } | { ok: false; errors: FieldErrors } {
  const register = form.register.trim();
  if (!register) {
    if (form.registerNumber.trim()) return { ok: false, errors: { register: 'Kies het register waar dit nummer bij hoort, of maak het nummer leeg.' } };
    return { ok: true, register: null, registerNumber: null };
  }
  if (!isRegister(register) || !offered.some((r) => r.register === register)) return { ok: false, errors: { register: 'Kies een register uit de lijst.' } };
  const checked = checkRegisterNumber(register, form.registerNumber);
  return checked.ok ? { ok: true, register, registerNumber: checked.value } : { ok: false, errors: { registerNumber: checked.message } };
}

/** Per e-mail address and hour; per client address the limit is REGISTRATION_LIMIT (config). */
export const REGISTRATION_LIMITS = { perEmail: 5, windowMs: 60 * 60 * 1000 };

trainingRoutes.post('/:slug/:session{[0-9]+}/aanmelden', async (c) => {
  const deps = c.get('deps');
  noStore(c);
  // The seat count is only shown when the form comes back with errors: read it only then.
  const row = await findSession(c);
  if (!row) return c.notFound();
  const form = await c.req.parseBody();
  const values = {
    name: String(form.name ?? '').slice(0, 100),
    email: String(form.email ?? '').slice(0, 254),
    organisation: String(form.organisation ?? '').slice(0, 120),
    role: String(form.role ?? '').slice(0, 80),
    consent: form.consent === 'ja',
    register: String(form.register ?? '').slice(0, 40),
    registerNumber: String(form.registerNumber ?? '').slice(0, 40),
  };
  const offered = await registersOf(deps.database.db, row.training.id);
  const path = sessionPath(row.training, row.session);
  const again = async (errors: FieldErrors, status: number) => {
    const found = await viewOf(c, row);
    return page(
      c,
      { title: `Aanmelden: ${found.training.title}`, status, crumbs: sessionCrumbs(found.training, path) },
      <SessionPage
        training={found.training}
        view={found.view}
        registers={offered}
        retentionMonths={deps.config.RETENTION_MONTHS}
        baseUrl={deps.config.baseUrl}
        values={values}
        errors={errors}
      />,
    );
  };
  const sent = (title: string, lines: string[], type: AlertType = 'ok') =>
    page(
      c,
      { title, crumbs: sessionCrumbs(row.training, path) },
      <Message title={title} lines={lines} type={type} facts={row} links={[{ href: '/trainingen', label: 'Alle trainingen' }]} />,
    );
  // One answer whatever happened (a seat held, none held yet, the waiting list, already registered,
  // a bot): the page never tells whether an address was registered already. The mail says the rest.
  const received = (email: string) =>
    sent('Kijk in je mail', [
      'We hebben je aanmelding ontvangen.',
      `Je krijgt een mail op ${email}. Daarin staat of er een plek voor je is of dat je op de wachtlijst staat, en hoe je je aanmelding bevestigt.`,
      'Geen mail gezien? Kijk ook in de map met ongewenste mail. Had je je vandaag al aangemeld, dan staat alles in de mail die je toen kreeg.',
    ]);
  // A filled honeypot is a bot: it sees the usual answer, and nothing is stored or sent.
  if (typeof form.website === 'string' && form.website.trim() !== '') return received(values.email);
  const parsed = registrationForm.safeParse(form);
  const choice = registerChoice(values, offered);
  if (!parsed.success || !choice.ok) return again({ ...(parsed.success ? {} : fieldErrors(parsed.error)), ...(choice.ok ? {} : choice.errors) }, 400);
  const now = deps.now();
  const { windowMs, perEmail } = REGISTRATION_LIMITS;
  const perClient = deps.config.REGISTRATION_LIMIT;
  const limits = await countAll(
    deps.database.db,
    [
      { key: `register:client:${clientKey(c)}`, limit: perClient },
      { key: `register:email:${parsed.data.email}`, limit: perEmail },
    ],
    windowMs,
    now,
  );
  if (!limits.every((l) => l.ok)) {
    c.header('Retry-After', '3600');
    return again({ form: 'Er zijn in korte tijd te veel aanmeldingen gedaan. Probeer het over een uur opnieuw.' }, 429);
  }
  try {
    await register(
      deps.database.db,
      row.session.id,
      {
        name: parsed.data.name,
        email: parsed.data.email,
        organisation: parsed.data.organisation,
        role: parsed.data.role,
        register: choice.register,
        registerNumber: choice.registerNumber,
      },
      trainingSettings(c),
      now,
    );
    return received(parsed.data.email);
  } catch (err) {
    if (err instanceof TrainingError) return again({ form: err.message }, 409);
    throw err;
  }
});

/** All public sessions as one iCalendar feed. */
export async function trainingsFeed(c: Ctx) {
  const rows = await allPublicSessions(c.get('deps').database.db);
  const registers = await registersByTraining(c.get('deps').database.db, [...new Set(rows.map((r) => r.training.id))]);
  const settings = trainingSettings(c);
  const host = new URL(settings.baseUrl).hostname;
  const { error, value } = createEvents(
    rows.map(({ session, training }) =>
      sessionEvent({
        id: session.id,
        title: training.title,
        summary: registers.get(training.id)?.length
          ? `${training.summary}\n\nAccreditatie: ${(registers.get(training.id) ?? []).map(pointsLine).join('; ')}`
          : training.summary,
        startsAt: session.startsAt,
        endsAt: session.endsAt,
        location: session.location,
        online: session.online,
        sequence: session.icsSequence,
        cancelled: session.status === 'geannuleerd',
        url: `${settings.baseUrl}${sessionPath(training, session)}`,
        host,
      }),
    ),
    { calName: 'Hechtwerk trainingen' },
  );
  if (error || value === undefined) throw error ?? new Error('ics feed failed');
  return c.body(
    rows.length ? (value as string) : 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:hechtwerk/trainingen\r\nX-WR-CALNAME:Hechtwerk trainingen\r\nEND:VCALENDAR\r\n',
    200,
    {
      'Content-Type': 'text/calendar; charset=utf-8',
    },
  );
}
