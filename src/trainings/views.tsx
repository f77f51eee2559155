import { raw } from 'hono/html';
import type { FC } from 'hono/jsx';
import type { Ctx } from '../context.ts';
import type { attendanceProofs } from '../db/schema.ts';
import { Alert, type AlertType } from '../ui/alert.tsx';
import { ConfirmAction } from '../ui/confirm.tsx';
import { ErrorSummary, type FieldErrors, TextField } from '../ui/forms.tsx';
import { LinkList } from '../ui/link-list.tsx';
import { page } from '../ui/render.tsx';
import { jsonLdScript, sessionEvent } from '../ui/structured-data.ts';
import { pointsLine, REGISTERS, registerName, type TrainingRegister } from './accreditation.ts';
import { formatMoment, formatSessionTime } from './format.ts';
import { REGISTRANT_STATUS, type Registration, type Session, type SessionView, STATUS_LABEL, type Training } from './queries.ts';

export const sessionPath = (t: Training, s: Session) => `/trainingen/${t.slug}/${s.id}`;
/** Where a session is held, as every page that shows a session says it. */
export const sessionPlace = (s: Session) => (s.online ? `Online (${s.location})` : s.location);

const SessionSummary: FC<{ training: Training; view: SessionView; headingLevel?: 3 }> = ({ training, view }) => (
  <li class="hw-card hw-session">
    <h3>
      <a class="utrecht-link" href={sessionPath(training, view.session)}>
        {formatSessionTime(view.session.startsAt, view.session.endsAt)}
      </a>
    </h3>
    <p>{sessionPlace(view.session)}</p>
    <p>
      <strong>{STATUS_LABEL[view.status]}</strong>
      {view.status === 'open' ? ` (nog ${view.seatsLeft} ${view.seatsLeft === 1 ? 'plek' : 'plekken'})` : ''}
    </p>
  </li>
);

export const TrainingList: FC<{ items: { training: Training; sessions: SessionView[] }[] }> = ({ items }) => (
  <>
    <h1 class="utrecht-heading-1">Trainingen</h1>
    <p class="hw-lead">Trainingen voor professionals in de regio: leer signalen herkennen, bespreken en er iets mee doen.</p>
    <p>
      <a class="utrecht-link" href="/aanmelden">
        Zo werkt aanmelden
      </a>{' '}
      ·{' '}
      <a class="utrecht-link" href="/trainingen.ics">
        Alle bijeenkomsten in je agenda (iCalendar-feed)
      </a>
    </p>
    {items.length === 0 ? <p>Er staan nu geen trainingen gepland.</p> : null}
    {items.map(({ training, sessions }) => (
      <section class="hw-training" aria-labelledby={`t-${training.slug}`}>
        <h2 id={`t-${training.slug}`} class="utrecht-heading-2">
          <a class="utrecht-link" href={`/trainingen/${training.slug}`}>
            {training.title}
          </a>
        </h2>
        <p>{training.summary}</p>
        {sessions.length ? (
          <ul class="hw-grid">
            {sessions.map((v) => (
              <SessionSummary training={training} view={v} />
            ))}
          </ul>
        ) : (
          <p>Er zijn nu geen bijeenkomsten gepland.</p>
        )}
      </section>
    ))}
  </>
);

const Accreditation: FC<{ training: Training; registers: TrainingRegister[] }> = ({ training, registers }) =>
  registers.length || training.accreditation ? (
    <>
      <dt>Accreditatie</dt>
      {training.accreditation ? <dd>{training.accreditation}</dd> : null}
      {registers.map((r) => (
        <dd>{pointsLine(r)}</dd>
      ))}
    </>
  ) : null;

export const TrainingPage: FC<{ training: Training; html: string; sessions: SessionView[]; registers?: TrainingRegister[] }> = ({
  training,
  html,
  sessions,
  registers = [],
}) => (
  <article>
    <h1 class="utrecht-heading-1">{training.title}</h1>
    <p class="hw-lead">{training.summary}</p>
    <dl class="hw-meta">
      <dt>Voor wie</dt>
      <dd>{training.audience.join(', ')}</dd>
      <dt>Duur</dt>
      <dd>{training.durationHours === 1 ? '1 uur' : `${training.durationHours} uur`}</dd>
      <Accreditation training={training} registers={registers} />
    </dl>
    <div class="hw-prose">{raw(html)}</div>
    <h2 class="utrecht-heading-2">Bijeenkomsten</h2>
    {sessions.length ? (
      <ul class="hw-grid">
        {sessions.map((v) => (
          <SessionSummary training={training} view={v} />
        ))}
      </ul>
    ) : (
      <p>Er zijn nu geen bijeenkomsten gepland. Kijk later nog eens.</p>
    )}
    {training.themes.length ? (
      <>
        <h2 class="utrecht-heading-2">Lees ook</h2>
        <ul>
          {training.themes.map((slug) => (
            <li>
              <a class="utrecht-link" href={`/themas/${slug}`}>
                Thema: {slug.replace(/-/g, ' ')}
              </a>
            </li>
          ))}
        </ul>
      </>
    ) : null}
  </article>
);

export interface RegistrationValues {
  name?: string;
  email?: string;
  organisation?: string;
  role?: string;
  consent?: boolean;
  register?: string;
  registerNumber?: string;
}

/** What a registrant fills in, and why each is asked (data minimisation: nothing else). */
const REGISTRANT_FIELDS = [
  { name: 'name', label: 'Naam', autocomplete: 'name', hint: 'Voor de presentielijst en je certificaat.' },
  { name: 'email', label: 'E-mailadres', type: 'email', autocomplete: 'email', hint: 'Voor de bevestiging, herinneringen en wijzigingen.' },
  { name: 'organisation', label: 'Organisatie', autocomplete: 'organization', hint: 'Zo weet de trainer uit welke organisaties de deelnemers komen.' },
  { name: 'role', label: 'Functie', autocomplete: 'organization-title', hint: 'Bijvoorbeeld jeugdverpleegkundige of pedagogisch medewerker.' },
] as const;

/** baseUrl (BASE_URL) makes the URLs in the page's schema.org Event absolute. */
export const SessionPage: FC<{
  training: Training;
  view: SessionView;
  registers?: TrainingRegister[];
  retentionMonths: number;
  baseUrl: string;
  values?: RegistrationValues;
  errors?: FieldErrors;
}> = ({ training, view, registers = [], retentionMonths, baseUrl, values = {}, errors = {} }) => {
  const s = view.session;
  const canRegister = view.status === 'open' || view.status === 'vol';
  return (
    <article>
      {jsonLdScript(sessionEvent(baseUrl, training, view))}
      <h1 class="utrecht-heading-1">{training.title}</h1>
      <dl class="hw-meta">
        <dt>Wanneer</dt>
        <dd>{formatSessionTime(s.startsAt, s.endsAt)}</dd>
        <dt>Waar</dt>
        <dd>{sessionPlace(s)}</dd>
        <dt>Status</dt>
        <dd>
          {STATUS_LABEL[view.status]}
          {view.status === 'open' ? ` (nog ${view.seatsLeft} van de ${s.capacity} plekken vrij)` : ''}
          {view.status === 'vol' && view.waiting ? ` (${view.waiting} ${view.waiting === 1 ? 'persoon' : 'mensen'} op de wachtlijst)` : ''}
        </dd>
        <dt>Aanmelden kan tot</dt>
        <dd>{formatMoment(s.registrationClosesAt)}</dd>
        <dt>Afmelden via de site kan tot</dt>
        <dd>{formatMoment(s.cancelUntil)}</dd>
        <Accreditation training={training} registers={registers} />
      </dl>
      <p>
        <a class="utrecht-link" href={`/trainingen/sessie/${s.id}.ics`}>
          Zet in agenda
        </a>{' '}
        ·{' '}
        <a class="utrecht-link" href={`/trainingen/${training.slug}`}>
          Over de training
        </a>
      </p>
      {canRegister ? (
        <section aria-labelledby="aanmelden">
          <h2 id="aanmelden" class="utrecht-heading-2">
            {view.status === 'vol' ? 'Aanmelden voor de wachtlijst' : 'Aanmelden'}
          </h2>
          {view.status === 'vol' ? (
            <p>Deze bijeenkomst is vol. Meld je aan voor de wachtlijst: komt er een plek vrij, dan krijg je een aanbod per mail.</p>
          ) : null}
          <p>
            {view.status === 'vol' ? '' : 'Je bevestigt je aanmelding daarna via de link in je mail. '}
            <a class="utrecht-link" href="/aanmelden">
              Lees hoe aanmelden werkt
            </a>
            , ook over de wachtlijst, afmelden en je certificaat.
          </p>
          <form class="hw-form" method="post" action={`${sessionPath(training, s)}/aanmelden`} novalidate>
            <ErrorSummary errors={errors} />
            {REGISTRANT_FIELDS.map((f) => (
              <TextField {...f} value={values[f.name]} error={errors[f.name]} />
            ))}
            {registers.length ? <RegisterFields registers={registers} values={values} errors={errors} /> : null}
            <div class="hw-honeypot" aria-hidden="true">
              <label for="website">Laat dit veld leeg</label>
              <input type="text" id="website" name="website" tabindex={-1} autocomplete="off" />
            </div>
            <div class={`utrecht-form-field${errors.consent ? ' utrecht-form-field--invalid' : ''}`}>
              {errors.consent ? (
                <p class="hw-field-error" id="consent-error">
                  {errors.consent}
                </p>
              ) : null}
              <label class="hw-choice" for="consent">
                <input
                  type="checkbox"
                  id="consent"
                  name="consent"
                  value="ja"
                  checked={values.consent}
                  aria-describedby={errors.consent ? 'consent-error' : undefined}
                />
                <span>
                  Ik ga akkoord met de{' '}
                  <a class="utrecht-link" href="/privacy">
                    privacyverklaring
                  </a>
                  . We bewaren je gegevens tot {retentionMonths} maanden na de bijeenkomst.
                </span>
              </label>
            </div>
            <button class="utrecht-button utrecht-button--primary-action" type="submit">
              {view.status === 'vol' ? 'Zet me op de wachtlijst' : 'Aanmelden'}
            </button>
          </form>
        </section>
      ) : (
        <>
          <ErrorSummary errors={errors} />
          <Alert type={view.status === 'geannuleerd' ? 'warning' : 'info'}>
            <p>{STATUS_LABEL[view.status]}.</p>
          </Alert>
        </>
      )}
    </article>
  );
};

/**
 * Optional: the register for accreditation points and the registration number. Asked only for the
 * points, and said so, so nobody gives a number the network does not need.
 */
const RegisterFields: FC<{ registers: TrainingRegister[]; values: RegistrationValues; errors: FieldErrors }> = ({ registers, values, errors }) => (
  <fieldset class="hw-fieldset" aria-describedby="register-why">
    <legend class="hw-legend">Accreditatiepunten (niet verplicht)</legend>
    <p id="register-why" class="hw-muted">
      Wil je punten voor je registratie? Kies dan je register en vul je registratienummer in. We gebruiken het nummer alleen om je punten na afloop aan het
      register door te geven en zetten het op je certificaat. Dat bewijs van je deelname bewaren we langer dan je aanmelding, zolang registers erom kunnen
      vragen (zie de privacyverklaring). Geen punten nodig? Laat dit dan leeg.
    </p>
    <div class={`utrecht-form-field${errors.register ? ' utrecht-form-field--invalid' : ''}`}>
      <label class="utrecht-form-label" for="register">
        Register
      </label>
      {errors.register ? (
        <p class="hw-field-error" id="register-error">
          {errors.register}
        </p>
      ) : null}
      <select
        class="hw-select"
        id="register"
        name="register"
        aria-invalid={errors.register ? 'true' : undefined}
        aria-describedby={errors.register ? 'register-error' : undefined}
      >
        <option value="">Geen: ik heb geen punten nodig</option>
        {registers.map((r) => (
          <option value={r.register} selected={values.register === r.register}>
            {REGISTERS[r.register].name} ({r.points} {r.points === 1 ? 'punt' : 'punten'})
          </option>
        ))}
      </select>
    </div>
    <TextField
      name="registerNumber"
      label="Registratienummer"
      value={values.registerNumber}
      error={errors.registerNumber}
      hint="Zoals het register het geeft. Een BIG-nummer heeft 11 cijfers."
    />
  </fieldset>
);

/** Which training, when and where: named in every panel that confirms an action on a registration. */
export const SessionFacts: FC<{ training: Training; session: Session }> = ({ training, session }) => (
  <dl class="hw-meta">
    <dt>Training</dt>
    <dd>{training.title}</dd>
    <dt>Wanneer</dt>
    <dd>{formatSessionTime(session.startsAt, session.endsAt)}</dd>
    <dt>Waar</dt>
    <dd>{sessionPlace(session)}</dd>
  </dl>
);

/**
 * The page after a public action (registering, confirming, cancelling): the outcome as its title,
 * then a panel in the alert style of the outcome that says what happened and, when known, for
 * which training, when and where.
 */
export const Message: FC<{
  title: string;
  lines: string[];
  links?: { href: string; label: string }[];
  type?: AlertType;
  facts?: { training: Training; session: Session };
}> = ({ title, lines, links = [], type = 'info', facts }) => (
  <>
    <h1 class="utrecht-heading-1">{title}</h1>
    <Alert type={type} role="status">
      {lines.map((l, i) => (
        <p class={i === 0 ? 'hw-alert__lead' : undefined}>{l}</p>
      ))}
      {facts ? <SessionFacts {...facts} /> : null}
    </Alert>
    <LinkList links={links} />
  </>
);

type Proof = typeof attendanceProofs.$inferSelect;

/** "Verwijder mijn gegevens" asks first, and says what it means for a certificate. */
export const DeleteConfirm: FC<{ token: string; training: Training; session: Session; proof: Proof | null }> = ({ token, training, session, proof }) => (
  <ConfirmAction
    title="Je gegevens verwijderen?"
    action={`/trainingen/aanmelding/${token}`}
    hidden={{ actie: 'delete' }}
    lead="Je naam, e-mailadres, organisatie, functie en registratienummer worden gewist. Dit kun je niet ongedaan maken."
    confirm="Ja, verwijder mijn gegevens"
    back={{ href: `/trainingen/aanmelding/${token}`, label: 'Nee, terug naar mijn aanmelding' }}
  >
    {proof ? (
      <>
        <p>
          Je hebt een certificaat voor deze training (controlecode {proof.code}). Dat certificaat kan daarna niemand meer controleren: het bewijs van je
          deelname wordt ook gewist. Vraagt je register later om bewijs, dan kunnen wij het niet meer geven.
        </p>
        <p>
          Wil je het certificaat houden?{' '}
          <a class="utrecht-link" href={`/trainingen/aanmelding/${token}/certificaat.pdf`}>
            Download het dan eerst
          </a>
          .
        </p>
      </>
    ) : (
      <p>Ben je nog aangemeld, dan vervalt je aanmelding en geven we je plek aan iemand anders.</p>
    )}
    <SessionFacts training={training} session={session} />
  </ConfirmAction>
);

/** The registrant's "Afmelden", asked first: the seat goes to someone else. */
export const CancelConfirm: FC<{ token: string; training: Training; session: Session; registration: Registration }> = ({
  token,
  training,
  session,
  registration,
}) => (
  <ConfirmAction
    title="Afmelden?"
    action={`/trainingen/aanmelding/${token}`}
    hidden={{ actie: 'cancel' }}
    lead={
      registration.status === 'waitlisted'
        ? 'Je staat dan niet meer op de wachtlijst. Wil je later toch komen, dan meld je je opnieuw aan en sluit je achteraan.'
        : 'Je plek gaat naar iemand anders, als er een wachtlijst is meteen. Wil je later toch komen, dan meld je je opnieuw aan, als er dan nog plek is.'
    }
    confirm="Ja, meld me af"
    back={{ href: `/trainingen/aanmelding/${token}`, label: 'Nee, ik blijf aangemeld' }}
  >
    <SessionFacts training={training} session={session} />
  </ConfirmAction>
);

export const ManagePage: FC<{
  token: string;
  registration: Registration;
  session: Session;
  training: Training;
  position: number | null;
  now: Date;
  retentionMonths: number;
  proof?: Proof | null;
  proofYears?: number;
  notice?: string;
  error?: string;
}> = ({ token, registration: r, session: s, training, position, now, retentionMonths, proof, proofYears, notice, error }) => {
  const action = `/trainingen/aanmelding/${token}`;
  const active = ['held', 'confirmed', 'waitlisted', 'offered'].includes(r.status);
  const pastDeadline = now >= s.cancelUntil && r.status === 'confirmed';
  const ended = s.endsAt <= now;
  return (
    <>
      <h1 class="utrecht-heading-1">Je aanmelding</h1>
      {notice ? (
        <Alert type="ok" role="status">
          <p class="hw-alert__lead">{notice}</p>
          <SessionFacts training={training} session={s} />
        </Alert>
      ) : null}
      {error ? (
        <Alert type="error" role="alert" focus>
          <p>{error}</p>
        </Alert>
      ) : null}
      {r.status === 'cancelled' && s.status === 'gepland' && s.startsAt > now ? (
        <p>
          Toch komen?{' '}
          <a class="utrecht-link" href={sessionPath(training, s)}>
            Meld je weer aan
          </a>
          .
        </p>
      ) : null}
      <dl class="hw-meta">
        {notice ? null : (
          <>
            <dt>Training</dt>
            <dd>{training.title}</dd>
            <dt>Wanneer</dt>
            <dd>{formatSessionTime(s.startsAt, s.endsAt)}</dd>
            <dt>Waar</dt>
            <dd>{sessionPlace(s)}</dd>
          </>
        )}
        <dt>Status</dt>
        <dd>
          {s.status === 'geannuleerd' ? 'De bijeenkomst is geannuleerd' : REGISTRANT_STATUS[r.status]}
          {position ? ` (plaats ${position})` : ''}
          {r.status === 'offered' && r.offerExpiresAt ? `, reageer vóór ${formatMoment(r.offerExpiresAt)}` : ''}
        </dd>
      </dl>
      {r.status === 'offered' && s.status === 'gepland' ? (
        <div class="hw-actions">
          <form method="post" action={action}>
            <input type="hidden" name="actie" value="accept" />
            <button class="utrecht-button utrecht-button--primary-action" type="submit">
              Plek aannemen
            </button>
          </form>
          <form method="post" action={action}>
            <input type="hidden" name="actie" value="decline" />
            <button class="utrecht-button utrecht-button--secondary-action" type="submit">
              Nee, bedankt
            </button>
          </form>
        </div>
      ) : null}
      {r.status === 'confirmed' && s.status === 'gepland' ? (
        <p>
          <a class="utrecht-link" href={`${action}/agenda.ics`}>
            Agenda-afspraak downloaden
          </a>
        </p>
      ) : null}
      {r.attended && ended && proof ? (
        <p>
          <a class="utrecht-link" href={`${action}/certificaat.pdf`}>
            Certificaat downloaden (pdf)
          </a>{' '}
          · Controlecode {proof.code}
        </p>
      ) : null}
      {active && !ended && s.status === 'gepland' ? (
        pastDeadline ? (
          <p>
            Afmelden via de site kan niet meer. {s.contact ? `Kun je toch niet komen? Neem contact op: ${s.contact}.` : 'Neem contact op met de organisatie.'}
          </p>
        ) : (
          <form method="post" action={action}>
            <input type="hidden" name="actie" value="cancel" />
            <button class="utrecht-button utrecht-button--secondary-action" type="submit">
              Afmelden
            </button>
          </form>
        )
      ) : null}
      <h2 class="utrecht-heading-2">Je gegevens</h2>
      <dl class="hw-meta">
        <dt>Naam</dt>
        <dd>{r.name}</dd>
        <dt>E-mailadres</dt>
        <dd>{r.email}</dd>
        <dt>Organisatie</dt>
        <dd>{r.organisation}</dd>
        <dt>Functie</dt>
        <dd>{r.role}</dd>
        {r.register ? (
          <>
            <dt>Register</dt>
            <dd>{registerName(r.register)}</dd>
            <dt>Registratienummer</dt>
            <dd>{r.registerNumber}</dd>
          </>
        ) : null}
      </dl>
      <p>
        We bewaren deze gegevens tot {retentionMonths} maanden na de bijeenkomst. Daarna worden ze automatisch verwijderd. Je kunt ze ook nu verwijderen; je
        aanmelding vervalt dan.
      </p>
      <p>
        <a class="utrecht-link" href={`${action}/gegevens.json`} download="hechtwerk-aanmelding.json">
          Download alles wat we over je aanmelding bewaren
        </a>{' '}
        (een JSON-bestand, met de mails die we je stuurden).
      </p>
      {proof ? (
        <p>
          Het bewijs van je deelname voor je register (naam, register, registratienummer, training, datum en punten) bewaren we apart, {proofYears} jaar lang.
          Zo kun je je punten aantonen zolang je register daarom kan vragen.
        </p>
      ) : null}
      <form method="post" action={action}>
        <input type="hidden" name="actie" value="delete" />
        <button class="utrecht-button utrecht-button--secondary-action hw-danger" type="submit">
          Verwijder mijn gegevens
        </button>
      </form>
    </>
  );
};

/** A personal link that no longer works (410): why, and the way to all trainings. */
export const linkGonePage = (c: Ctx, why: string) =>
  page(
    c,
    { title: 'Link werkt niet', crumbs: [{ href: '/trainingen', label: 'Trainingen' }], status: 410 },
    <Message title="Deze link werkt niet" type="error" lines={[why]} links={[{ href: '/trainingen', label: 'Alle trainingen' }]} />,
  );
