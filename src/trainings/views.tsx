import { raw } from 'hono/html';
import type { FC } from 'hono/jsx';
import { jsonLdScript, sessionEvent } from '../feeds/structured-data.ts';
import { Alert, type AlertType } from '../ui/alert.tsx';
import { ErrorSummary, type FieldErrors, TextField } from '../ui/forms.tsx';
import { formatMoment, formatSessionTime } from './format.ts';
import type { SessionView } from './queries.ts';
import { type Registration, type Session, STATUS_LABEL, type Training } from './service.ts';

export const sessionPath = (t: Training, s: Session) => `/trainingen/${t.slug}/${s.id}`;
const where = (s: Session) => (s.online ? `Online (${s.location})` : s.location);

const SessionSummary: FC<{ training: Training; view: SessionView; headingLevel?: 3 }> = ({ training, view }) => (
  <li class="hw-card hw-session">
    <h3>
      <a class="utrecht-link" href={sessionPath(training, view.session)}>
        {formatSessionTime(view.session.startsAt, view.session.endsAt)}
      </a>
    </h3>
    <p>{where(view.session)}</p>
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

export const TrainingPage: FC<{ training: Training; html: string; sessions: SessionView[] }> = ({ training, html, sessions }) => (
  <article>
    <h1 class="utrecht-heading-1">{training.title}</h1>
    <p class="hw-lead">{training.summary}</p>
    <dl class="hw-meta">
      <dt>Voor wie</dt>
      <dd>{training.audience.join(', ')}</dd>
      <dt>Duur</dt>
      <dd>{training.durationHours === 1 ? '1 uur' : `${training.durationHours} uur`}</dd>
      {training.accreditation ? (
        <>
          <dt>Accreditatie</dt>
          <dd>{training.accreditation}</dd>
        </>
      ) : null}
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
}

/** baseUrl (BASE_URL) makes the URLs in the page's schema.org Event absolute. */
export const SessionPage: FC<{
  training: Training;
  view: SessionView;
  retentionMonths: number;
  baseUrl: string;
  values?: RegistrationValues;
  errors?: FieldErrors;
}> = ({ training, view, retentionMonths, baseUrl, values = {}, errors = {} }) => {
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
        <dd>{where(s)}</dd>
        <dt>Status</dt>
        <dd>
          {STATUS_LABEL[view.status]}
          {view.status === 'open' ? ` (nog ${view.seatsLeft} van de ${s.capacity} plekken vrij)` : ''}
          {view.status === 'vol' && view.waiting ? ` (${view.waiting} ${view.waiting === 1 ? 'persoon' : 'mensen'} op de wachtlijst)` : ''}
        </dd>
        <dt>Aanmelden kan tot</dt>
        <dd>{formatMoment(s.registrationClosesAt)}</dd>
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
          <form class="hw-form" method="post" action={`${sessionPath(training, s)}/aanmelden`} novalidate>
            <ErrorSummary errors={errors} />
            <TextField name="name" label="Naam" autocomplete="name" value={values.name} error={errors.name} hint="Voor de presentielijst en je certificaat." />
            <TextField
              name="email"
              label="E-mailadres"
              type="email"
              autocomplete="email"
              value={values.email}
              error={errors.email}
              hint="Voor de bevestiging, herinneringen en wijzigingen."
            />
            <TextField
              name="organisation"
              label="Organisatie"
              autocomplete="organization"
              value={values.organisation}
              error={errors.organisation}
              hint="Zo weet de trainer uit welke organisaties de deelnemers komen."
            />
            <TextField
              name="role"
              label="Functie"
              autocomplete="organization-title"
              value={values.role}
              error={errors.role}
              hint="Bijvoorbeeld jeugdverpleegkundige of pedagogisch medewerker."
            />
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

/** Which training, when and where: named in every panel that confirms an action on a registration. */
export const SessionFacts: FC<{ training: Training; session: Session }> = ({ training, session }) => (
  <dl class="hw-meta">
    <dt>Training</dt>
    <dd>{training.title}</dd>
    <dt>Wanneer</dt>
    <dd>{formatSessionTime(session.startsAt, session.endsAt)}</dd>
    <dt>Waar</dt>
    <dd>{where(session)}</dd>
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
    {links.length ? (
      <ul>
        {links.map((l) => (
          <li>
            <a class="utrecht-link" href={l.href}>
              {l.label}
            </a>
          </li>
        ))}
      </ul>
    ) : null}
  </>
);

const REG_STATUS: Record<string, string> = {
  held: 'Aangemeld, nog niet bevestigd',
  confirmed: 'Bevestigd',
  waitlisted: 'Op de wachtlijst',
  offered: 'Er is een plek voor je vrij',
  cancelled: 'Afgemeld',
  expired: 'Verlopen',
};

export const ManagePage: FC<{
  token: string;
  registration: Registration;
  session: Session;
  training: Training;
  position: number | null;
  now: Date;
  retentionMonths: number;
  notice?: string;
  error?: string;
}> = ({ token, registration: r, session: s, training, position, now, retentionMonths, notice, error }) => {
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
      <dl class="hw-meta">
        {notice ? null : (
          <>
            <dt>Training</dt>
            <dd>{training.title}</dd>
            <dt>Wanneer</dt>
            <dd>{formatSessionTime(s.startsAt, s.endsAt)}</dd>
            <dt>Waar</dt>
            <dd>{where(s)}</dd>
          </>
        )}
        <dt>Naam</dt>
        <dd>{r.name}</dd>
        <dt>Status</dt>
        <dd>
          {s.status === 'geannuleerd' ? 'De bijeenkomst is geannuleerd' : REG_STATUS[r.status]}
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
      {r.attended && ended ? (
        <p>
          <a class="utrecht-link" href={`${action}/certificaat.pdf`}>
            Certificaat downloaden (pdf)
          </a>
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
      <p>
        We bewaren je naam, e-mailadres, organisatie en functie tot {retentionMonths} maanden na de bijeenkomst. Daarna worden ze automatisch verwijderd. Je
        kunt ze ook nu verwijderen; je aanmelding vervalt dan.
      </p>
      <form method="post" action={action}>
        <input type="hidden" name="actie" value="delete" />
        <button class="utrecht-button utrecht-button--secondary-action hw-danger" type="submit">
          Verwijder mijn gegevens
        </button>
      </form>
    </>
  );
};
