import type { MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { auditRoutes } from '../audit/log.tsx';
import { exportRoutes, importRoutes } from '../bundle/routes.tsx';
import type { AppEnv, Ctx } from '../context.ts';
import { clientKey } from '../http/client-address.ts';
import { countAll } from '../http/rate-limit.ts';
import { forDisplay, getMail, listOutbox } from '../mail/outbox.ts';
import { networkAdminRoutes } from '../network/admin.tsx';
import { sourceAdminRoutes } from '../sources/admin.tsx';
import { themeAdminRoutes } from '../themes/admin.tsx';
import { trainingAdminRoutes } from '../trainings/admin.tsx';
import { Alert } from '../ui/alert.tsx';
import { ConfirmAction, isConfirmed } from '../ui/confirm.tsx';
import { ErrorSummary, type FieldErrors, fieldErrors, TextField } from '../ui/forms.tsx';
import { StackTable } from '../ui/kit.tsx';
import { page } from '../ui/render.tsx';
import {
  AccountError,
  changePassword,
  endSession,
  inviteUser,
  listUsers,
  login,
  logout,
  peekToken,
  pendingInvites,
  ROLE_LABEL,
  type Role,
  redeemToken,
  requestPasswordReset,
  resetPassword,
  setUserDisabled,
  userById,
} from './accounts.ts';
import { dashboardPage } from './dashboard.tsx';
import { clearSessionCookie, loadSession, preAuthCsrf, setSessionCookie } from './session.tsx';

export const adminRoutes = new Hono<AppEnv>();

const PUBLIC = [/^\/beheer\/inloggen$/, /^\/beheer\/welkom\/[^/]+$/, /^\/beheer\/wachtwoord-vergeten$/, /^\/beheer\/nieuw-wachtwoord\/[^/]+$/];

adminRoutes.use('*', loadSession);
adminRoutes.use('*', async (c, next) => {
  const path = new URL(c.req.url).pathname;
  if (PUBLIC.some((re) => re.test(path))) return next();
  if (!c.get('user')) {
    if (c.req.method !== 'GET') return forbidden(c);
    return c.redirect(`/beheer/inloggen?terug=${encodeURIComponent(path)}`, 303);
  }
  return next();
});

const requireRole =
  (role: Role): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    if (c.get('user')?.role !== role) return forbidden(c);
    return next();
  };

function forbidden(c: Ctx) {
  return page(
    c,
    { title: 'Geen toegang', status: 403 },
    <>
      <h1 class="utrecht-heading-1">Geen toegang</h1>
      <p>Je hebt geen rechten voor deze pagina. Denk je dat dit niet klopt? Vraag het een beheerder.</p>
    </>,
  );
}

/** Only a path inside /beheer may be a return address after login: no open redirects. */
export function safeReturnPath(value: string | undefined): string {
  if (!value) return '/beheer';
  if (!/^\/beheer(\/[A-Za-z0-9\-_/]*)?$/.test(value) || value.includes('//')) return '/beheer';
  return value;
}

const email = z
  .string({ message: 'Vul je e-mailadres in.' })
  .trim()
  .toLowerCase()
  .min(1, 'Vul een e-mailadres in.')
  .max(254, 'Dit e-mailadres is te lang.')
  .pipe(z.email('Vul een geldig e-mailadres in, zoals naam@organisatie.nl.'));
const password = z.string({ message: 'Vul een wachtwoord in.' }).min(1, 'Vul je wachtwoord in.').max(200, 'Dit wachtwoord is te lang.');
const newPassword = z
  .string({ message: 'Kies een wachtwoord.' })
  .min(12, 'Kies een wachtwoord van minstens 12 tekens.')
  .max(200, 'Kies een wachtwoord van hoogstens 200 tekens.');
const name = z.string({ message: 'Vul je naam in.' }).trim().min(2, 'Vul je naam in (minstens 2 tekens).').max(100, 'Gebruik hoogstens 100 tekens.');

const loginForm = z.object({ email, password });

const LoginPage = (props: { csrf: string; email?: string; errors?: FieldErrors; terug: string }) => (
  <>
    <h1 class="utrecht-heading-1">Inloggen voor redacteuren</h1>
    <form class="hw-form" method="post" action={`/beheer/inloggen?terug=${encodeURIComponent(props.terug)}`} novalidate>
      <ErrorSummary errors={props.errors ?? {}} />
      <input type="hidden" name="_csrf" value={props.csrf} />
      <TextField name="email" label="E-mailadres" type="email" autocomplete="username" value={props.email} error={props.errors?.email} />
      <TextField name="password" label="Wachtwoord" type="password" autocomplete="current-password" error={props.errors?.password} />
      <button class="utrecht-button utrecht-button--primary-action" type="submit">
        Inloggen
      </button>
    </form>
    <p>
      <a class="utrecht-link" href="/beheer/wachtwoord-vergeten">
        Wachtwoord vergeten?
      </a>
    </p>
    <p class="hw-muted">Nog geen account? Een beheerder kan je uitnodigen.</p>
  </>
);

adminRoutes.get('/inloggen', (c) => {
  if (c.get('user')) return c.redirect('/beheer', 303);
  const terug = safeReturnPath(c.req.query('terug'));
  return page(c, { title: 'Inloggen', crumbs: [{ href: '/beheer/inloggen', label: 'Inloggen' }] }, <LoginPage csrf={preAuthCsrf(c)} terug={terug} />);
});

adminRoutes.post('/inloggen', async (c) => {
  const deps = c.get('deps');
  const terug = safeReturnPath(c.req.query('terug'));
  const form = await c.req.parseBody();
  const parsed = loginForm.safeParse(form);
  const typedEmail = typeof form.email === 'string' ? form.email.slice(0, 254) : '';
  const again = (errors: FieldErrors, status: number) =>
    page(
      c,
      { title: 'Inloggen', status, crumbs: [{ href: '/beheer/inloggen', label: 'Inloggen' }] },
      <LoginPage csrf={preAuthCsrf(c)} email={typedEmail} errors={errors} terug={terug} />,
    );
  if (!parsed.success) return again(fieldErrors(parsed.error), 400);
  const result = await login(deps.database.db, { ...parsed.data, client: clientKey(c) }, deps.now());
  if (!result.ok) {
    const left = (result.until?.getTime() ?? 0) - deps.now().getTime();
    if (result.reason === 'locked') {
      const minutes = Math.max(1, Math.ceil(left / 60_000));
      c.header('Retry-After', String(Math.ceil(left / 1000)));
      return again({ form: `Te veel mislukte pogingen vanaf dit adres. Probeer het over ${minutes} ${minutes === 1 ? 'minuut' : 'minuten'} opnieuw.` }, 429);
    }
    if (result.reason === 'wait') {
      const seconds = Math.max(1, Math.ceil(left / 1000));
      c.header('Retry-After', String(seconds));
      return again(
        {
          form: `Er is een paar keer een verkeerd wachtwoord gegeven voor dit account. Wacht ${seconds} ${seconds === 1 ? 'seconde' : 'seconden'} en probeer het dan opnieuw.`,
        },
        429,
      );
    }
    // One message for every failure, so the form does not reveal which accounts exist.
    return again({ email: 'Het e-mailadres of het wachtwoord klopt niet.' }, 401);
  }
  // Rotation: a session that was active in this browser ends; the new one has a fresh id.
  const previous = c.get('user');
  if (previous) await endSession(deps.database.db, previous.sessionHash);
  setSessionCookie(c, result.token);
  return c.redirect(terug, 303);
});

adminRoutes.post('/uitloggen', async (c) => {
  const user = c.get('user');
  if (user) await logout(c.get('deps').database.db, user.sessionHash, user.id);
  clearSessionCookie(c);
  return c.redirect('/beheer/inloggen', 303);
});

const welcomeForm = z
  .object({ name, email: email.optional(), password: newPassword, password2: z.string().default('') })
  .refine((v) => v.password === v.password2, { message: 'De twee wachtwoorden zijn niet gelijk.', path: ['password2'] });

const WelcomePage = (props: { csrf: string; action: string; firstAdmin: boolean; email?: string; name?: string; errors?: FieldErrors }) => (
  <>
    <h1 class="utrecht-heading-1">{props.firstAdmin ? 'Eerste beheerder aanmaken' : 'Welkom bij Hechtwerk'}</h1>
    <p>
      {props.firstAdmin
        ? 'Maak het account aan van de eerste beheerder. Daarna kun je anderen uitnodigen.'
        : `Je bent uitgenodigd met het e-mailadres ${props.email}. Kies je naam en een wachtwoord.`}
    </p>
    <form class="hw-form" method="post" action={props.action} novalidate>
      <ErrorSummary errors={props.errors ?? {}} />
      <input type="hidden" name="_csrf" value={props.csrf} />
      <TextField name="name" label="Naam" autocomplete="name" value={props.name} error={props.errors?.name} />
      {props.firstAdmin ? (
        <TextField name="email" label="E-mailadres" type="email" autocomplete="username" value={props.email} error={props.errors?.email} />
      ) : null}
      <TextField
        name="password"
        label="Wachtwoord"
        type="password"
        autocomplete="new-password"
        hint="Minstens 12 tekens. Een zin van een paar woorden werkt goed."
        error={props.errors?.password}
      />
      <TextField name="password2" label="Wachtwoord nog een keer" type="password" autocomplete="new-password" error={props.errors?.password2} />
      <button class="utrecht-button utrecht-button--primary-action" type="submit">
        Account aanmaken
      </button>
    </form>
  </>
);

const expiredLink = (c: Ctx) =>
  page(
    c,
    { title: 'Link verlopen', status: 410 },
    <>
      <h1 class="utrecht-heading-1">Deze link werkt niet meer</h1>
      <p>De link is verlopen of al gebruikt. Vraag een beheerder om een nieuwe uitnodiging.</p>
    </>,
  );

adminRoutes.get('/welkom/:token', async (c) => {
  const deps = c.get('deps');
  const token = c.req.param('token');
  const row = await peekToken(deps.database.db, token, deps.now());
  if (!row) return expiredLink(c);
  return page(
    c,
    { title: 'Account aanmaken' },
    <WelcomePage csrf={preAuthCsrf(c)} action={`/beheer/welkom/${token}`} firstAdmin={row.purpose === 'first-admin'} email={row.email ?? undefined} />,
  );
});

adminRoutes.post('/welkom/:token', async (c) => {
  const deps = c.get('deps');
  const token = c.req.param('token');
  const row = await peekToken(deps.database.db, token, deps.now());
  if (!row) return expiredLink(c);
  const firstAdmin = row.purpose === 'first-admin';
  const form = await c.req.parseBody();
  const parsed = welcomeForm.safeParse(form);
  const errors: FieldErrors = parsed.success ? {} : fieldErrors(parsed.error);
  if (firstAdmin && parsed.success && !parsed.data.email) errors.email = 'Vul een e-mailadres in.';
  const again = (errs: FieldErrors) =>
    page(
      c,
      { title: 'Account aanmaken', status: 400 },
      <WelcomePage
        csrf={preAuthCsrf(c)}
        action={`/beheer/welkom/${token}`}
        firstAdmin={firstAdmin}
        email={firstAdmin ? String(form.email ?? '').slice(0, 254) : (row.email ?? undefined)}
        name={String(form.name ?? '').slice(0, 100)}
        errors={errs}
      />,
    );
  if (!parsed.success || Object.keys(errors).length) return again(errors);
  try {
    await redeemToken(deps.database.db, token, parsed.data, deps.now());
  } catch (err) {
    if (err instanceof AccountError) return again({ [err.field ?? 'form']: err.message });
    throw err;
  }
  return page(
    c,
    { title: 'Account aangemaakt' },
    <>
      <h1 class="utrecht-heading-1">Je account is aangemaakt</h1>
      <p>
        <a class="utrecht-link" href="/beheer/inloggen">
          Log nu in
        </a>{' '}
        met je e-mailadres en wachtwoord.
      </p>
    </>,
  );
});

// ---------------------------------------------------------------- passwords

const changeForm = z
  .object({ current: password, password: newPassword, password2: z.string().default('') })
  .refine((v) => v.password === v.password2, { message: 'De twee wachtwoorden zijn niet gelijk.', path: ['password2'] })
  .refine((v) => v.password !== v.current, { message: 'Kies een ander wachtwoord dan je huidige.', path: ['password'] });

const PasswordFields = (props: { errors?: FieldErrors }) => (
  <>
    <TextField
      name="password"
      label="Nieuw wachtwoord"
      type="password"
      autocomplete="new-password"
      hint="Minstens 12 tekens. Een zin van een paar woorden werkt goed."
      error={props.errors?.password}
    />
    <TextField name="password2" label="Nieuw wachtwoord nog een keer" type="password" autocomplete="new-password" error={props.errors?.password2} />
  </>
);

const passwordCrumbs = [
  { href: '/beheer', label: 'Beheer' },
  { href: '/beheer/wachtwoord', label: 'Wachtwoord wijzigen' },
];

const ChangePasswordPage = (props: { csrf: string; errors?: FieldErrors; done?: boolean }) => (
  <>
    <h1 class="utrecht-heading-1">Wachtwoord wijzigen</h1>
    {props.done ? (
      <Alert type="ok" role="status">
        <p>Je wachtwoord is gewijzigd. Op andere apparaten en in andere browsers ben je uitgelogd.</p>
      </Alert>
    ) : (
      <p>Na het wijzigen ben je overal uitgelogd, behalve hier.</p>
    )}
    <form class="hw-form" method="post" action="/beheer/wachtwoord" novalidate>
      <ErrorSummary errors={props.errors ?? {}} />
      <input type="hidden" name="_csrf" value={props.csrf} />
      <TextField name="current" label="Huidig wachtwoord" type="password" autocomplete="current-password" error={props.errors?.current} />
      <PasswordFields errors={props.errors} />
      <button class="utrecht-button utrecht-button--primary-action" type="submit">
        Wachtwoord wijzigen
      </button>
    </form>
  </>
);

adminRoutes.get('/wachtwoord', (c) =>
  page(c, { title: 'Wachtwoord wijzigen', crumbs: passwordCrumbs }, <ChangePasswordPage csrf={c.get('user')?.csrf ?? ''} />),
);

adminRoutes.post('/wachtwoord', async (c) => {
  const deps = c.get('deps');
  const user = c.get('user');
  if (!user) return forbidden(c);
  const again = (errors: FieldErrors, status: number) =>
    page(c, { title: 'Wachtwoord wijzigen', status, crumbs: passwordCrumbs }, <ChangePasswordPage csrf={user.csrf} errors={errors} />);
  const parsed = changeForm.safeParse(await c.req.parseBody());
  if (!parsed.success) return again(fieldErrors(parsed.error), 400);
  // Guessing the current password here counts as a failed login: the same per-client limit.
  const [limit] = await countAll(deps.database.db, [{ key: `password-change:${user.id}`, limit: 10 }], 15 * 60_000, deps.now());
  if (!limit?.ok) return again({ form: 'Te veel pogingen. Probeer het over een kwartier opnieuw.' }, 429);
  try {
    await changePassword(deps.database.db, user, { current: parsed.data.current, password: parsed.data.password }, deps.now());
  } catch (err) {
    if (err instanceof AccountError) return again({ [err.field ?? 'form']: err.message }, 400);
    throw err;
  }
  return page(c, { title: 'Wachtwoord gewijzigd', crumbs: passwordCrumbs }, <ChangePasswordPage csrf={user.csrf} done />);
});

const forgotCrumbs = [{ href: '/beheer/wachtwoord-vergeten', label: 'Wachtwoord vergeten' }];

const ForgotPage = (props: { csrf: string; email?: string; errors?: FieldErrors; sent?: boolean }) => (
  <>
    <h1 class="utrecht-heading-1">Wachtwoord vergeten</h1>
    {props.sent ? (
      <Alert type="ok" role="status">
        <p>
          Als er een account is met het e-mailadres {props.email}, krijg je binnen een paar minuten een mail met een link om een nieuw wachtwoord te kiezen. De
          link is een uur geldig. Geen mail gezien? Kijk ook in de map met ongewenste mail.
        </p>
      </Alert>
    ) : (
      <>
        <p>Vul het e-mailadres van je account in. Je krijgt dan een mail met een link om een nieuw wachtwoord te kiezen.</p>
        <form class="hw-form" method="post" action="/beheer/wachtwoord-vergeten" novalidate>
          <ErrorSummary errors={props.errors ?? {}} />
          <input type="hidden" name="_csrf" value={props.csrf} />
          <TextField name="email" label="E-mailadres" type="email" autocomplete="username" value={props.email} error={props.errors?.email} />
          <button class="utrecht-button utrecht-button--primary-action" type="submit">
            Stuur me een link
          </button>
        </form>
      </>
    )}
    <p>
      <a class="utrecht-link" href="/beheer/inloggen">
        Terug naar inloggen
      </a>
    </p>
  </>
);

/** Reset requests per client and per address within an hour. */
export const RESET_LIMITS = { windowMs: 60 * 60_000, perClient: 10, perEmail: 3 };

adminRoutes.get('/wachtwoord-vergeten', (c) => page(c, { title: 'Wachtwoord vergeten', crumbs: forgotCrumbs }, <ForgotPage csrf={preAuthCsrf(c)} />));

adminRoutes.post('/wachtwoord-vergeten', async (c) => {
  const deps = c.get('deps');
  const form = await c.req.parseBody();
  const typed = String(form.email ?? '').slice(0, 254);
  const parsed = z.object({ email }).safeParse(form);
  const again = (errors: FieldErrors, status: number) =>
    page(c, { title: 'Wachtwoord vergeten', status, crumbs: forgotCrumbs }, <ForgotPage csrf={preAuthCsrf(c)} email={typed} errors={errors} />);
  if (!parsed.success) return again(fieldErrors(parsed.error), 400);
  const limits = await countAll(
    deps.database.db,
    [
      { key: `reset:client:${clientKey(c)}`, limit: RESET_LIMITS.perClient },
      { key: `reset:email:${parsed.data.email}`, limit: RESET_LIMITS.perEmail },
    ],
    RESET_LIMITS.windowMs,
    deps.now(),
  );
  if (!limits.every((l) => l.ok)) {
    c.header('Retry-After', '3600');
    return again({ form: 'Er is in korte tijd te vaak om een nieuw wachtwoord gevraagd. Probeer het over een uur opnieuw.' }, 429);
  }
  // The same answer whether or not the address has an account.
  await requestPasswordReset(deps.database.db, parsed.data.email, deps.now(), deps.config.baseUrl);
  return page(c, { title: 'Kijk in je mail', crumbs: forgotCrumbs }, <ForgotPage csrf="" email={parsed.data.email} sent />);
});

const resetForm = z
  .object({ password: newPassword, password2: z.string().default('') })
  .refine((v) => v.password === v.password2, { message: 'De twee wachtwoorden zijn niet gelijk.', path: ['password2'] });

const ResetPage = (props: { csrf: string; action: string; email: string; errors?: FieldErrors }) => (
  <>
    <h1 class="utrecht-heading-1">Nieuw wachtwoord kiezen</h1>
    <p>Kies een nieuw wachtwoord voor {props.email}. Daarna ben je overal uitgelogd en log je in met het nieuwe wachtwoord.</p>
    <form class="hw-form" method="post" action={props.action} novalidate>
      <ErrorSummary errors={props.errors ?? {}} />
      <input type="hidden" name="_csrf" value={props.csrf} />
      <PasswordFields errors={props.errors} />
      <button class="utrecht-button utrecht-button--primary-action" type="submit">
        Wachtwoord opslaan
      </button>
    </form>
  </>
);

const expiredReset = (c: Ctx) =>
  page(
    c,
    { title: 'Link verlopen', status: 410 },
    <>
      <h1 class="utrecht-heading-1">Deze link werkt niet meer</h1>
      <p>
        De link is verlopen of al gebruikt.{' '}
        <a class="utrecht-link" href="/beheer/wachtwoord-vergeten">
          Vraag een nieuwe link aan
        </a>
        .
      </p>
    </>,
  );

adminRoutes.get('/nieuw-wachtwoord/:token', async (c) => {
  const deps = c.get('deps');
  const token = c.req.param('token');
  const row = await peekToken(deps.database.db, token, deps.now(), ['reset']);
  if (!row?.email) return expiredReset(c);
  return page(c, { title: 'Nieuw wachtwoord kiezen' }, <ResetPage csrf={preAuthCsrf(c)} action={`/beheer/nieuw-wachtwoord/${token}`} email={row.email} />);
});

adminRoutes.post('/nieuw-wachtwoord/:token', async (c) => {
  const deps = c.get('deps');
  const token = c.req.param('token');
  const row = await peekToken(deps.database.db, token, deps.now(), ['reset']);
  if (!row?.email) return expiredReset(c);
  const parsed = resetForm.safeParse(await c.req.parseBody());
  const again = (errors: FieldErrors) =>
    page(
      c,
      { title: 'Nieuw wachtwoord kiezen', status: 400 },
      <ResetPage csrf={preAuthCsrf(c)} action={`/beheer/nieuw-wachtwoord/${token}`} email={row.email as string} errors={errors} />,
    );
  if (!parsed.success) return again(fieldErrors(parsed.error));
  try {
    await resetPassword(deps.database.db, token, parsed.data.password, deps.now());
  } catch (err) {
    if (err instanceof AccountError) return expiredReset(c);
    throw err;
  }
  // Whoever was logged in in this browser is logged out too: the account's sessions all ended.
  clearSessionCookie(c);
  return page(
    c,
    { title: 'Wachtwoord opgeslagen' },
    <>
      <h1 class="utrecht-heading-1">Je nieuwe wachtwoord is opgeslagen</h1>
      <p>
        <a class="utrecht-link" href="/beheer/inloggen">
          Log nu in
        </a>{' '}
        met je e-mailadres en je nieuwe wachtwoord.
      </p>
    </>,
  );
});

adminRoutes.get('/', (c) => dashboardPage(c));

const inviteForm = z.object({
  email,
  role: z.enum(['beheerder', 'redacteur'], { message: 'Kies een rol.' }),
});

const dateTime = new Intl.DateTimeFormat('nl-NL', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Amsterdam' });

async function usersPage(
  c: Ctx,
  opts: { errors?: FieldErrors; email?: string; role?: string; notice?: string; status?: number; undo?: { id: number; name: string } } = {},
) {
  const deps = c.get('deps');
  const [list, invites] = await Promise.all([listUsers(deps.database.db), pendingInvites(deps.database.db, deps.now())]);
  const me = c.get('user');
  const csrf = me?.csrf ?? '';
  return page(
    c,
    {
      title: 'Gebruikers',
      status: opts.status,
      crumbs: [
        { href: '/beheer', label: 'Beheer' },
        { href: '/beheer/gebruikers', label: 'Gebruikers' },
      ],
    },
    <>
      <h1 class="utrecht-heading-1">Gebruikers</h1>
      {opts.errors?.form ? (
        <Alert type="error" role="alert" focus>
          <p>{opts.errors.form}</p>
        </Alert>
      ) : null}
      {opts.notice ? (
        <Alert type="ok" role="status" class="hw-notice">
          <p>{opts.notice}</p>
          {opts.undo ? (
            // Undo within the page: disabling is the one account action that can be taken back at once.
            <form method="post" action={`/beheer/gebruikers/${opts.undo.id}/inschakelen`}>
              <input type="hidden" name="_csrf" value={csrf} />
              <button class="utrecht-button utrecht-button--secondary-action" type="submit">
                Ongedaan maken: {opts.undo.name} weer inschakelen
              </button>
            </form>
          ) : null}
        </Alert>
      ) : null}
      <StackTable columns={['Naam', 'E-mailadres', 'Rol', 'Status', 'Actie']} caption="Accounts met toegang tot beheer" captionClass="hw-muted">
        {list.map((u) => (
          <tr>
            <td>{u.name}</td>
            <td data-label="E-mailadres">{u.email}</td>
            <td data-label="Rol">{ROLE_LABEL[u.role as Role]}</td>
            <td data-label="Status">{u.disabledAt ? `Uitgeschakeld sinds ${dateTime.format(u.disabledAt)}` : 'Actief'}</td>
            <td data-label="Actie">
              {u.id === me?.id ? (
                'Dit ben jij'
              ) : u.disabledAt ? (
                <form method="post" action={`/beheer/gebruikers/${u.id}/inschakelen`}>
                  <input type="hidden" name="_csrf" value={csrf} />
                  <button class="utrecht-button utrecht-button--secondary-action" type="submit">
                    Inschakelen<span class="hw-visually-hidden"> {u.name}</span>
                  </button>
                </form>
              ) : (
                <a class="utrecht-link hw-danger" href={`/beheer/gebruikers/${u.id}/uitschakelen`}>
                  Uitschakelen<span class="hw-visually-hidden"> {u.name}</span>
                </a>
              )}
            </td>
          </tr>
        ))}
      </StackTable>
      {invites.length ? (
        <>
          <h2 class="utrecht-heading-2">Openstaande uitnodigingen</h2>
          <ul>
            {invites.map((i) => (
              <li>
                {i.email} ({ROLE_LABEL[i.role as Role].toLowerCase()}), geldig tot {dateTime.format(i.expiresAt)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2 class="utrecht-heading-2">Iemand uitnodigen</h2>
      <form class="hw-form" method="post" action="/beheer/gebruikers/uitnodigen" novalidate>
        <ErrorSummary errors={Object.fromEntries(Object.entries(opts.errors ?? {}).filter(([k]) => k !== 'form'))} />
        <input type="hidden" name="_csrf" value={csrf} />
        <TextField name="email" label="E-mailadres" type="email" value={opts.email} error={opts.errors?.email} />
        <div class={`utrecht-form-field${opts.errors?.role ? ' utrecht-form-field--invalid' : ''}`}>
          <label class="utrecht-form-label" for="role">
            Rol
          </label>
          {opts.errors?.role ? (
            <p class="hw-field-error" id="role-error">
              {opts.errors.role}
            </p>
          ) : null}
          <select class="utrecht-select" id="role" name="role" aria-describedby={opts.errors?.role ? 'role-error' : undefined}>
            <option value="redacteur" selected={opts.role !== 'beheerder'}>
              Redacteur: schrijft en publiceert inhoud, beheert trainingen
            </option>
            <option value="beheerder" selected={opts.role === 'beheerder'}>
              Beheerder: alles, plus accounts en instellingen
            </option>
          </select>
        </div>
        <button class="utrecht-button utrecht-button--primary-action" type="submit">
          Uitnodiging versturen
        </button>
      </form>
    </>,
  );
}

adminRoutes.route('/themas', themeAdminRoutes);
adminRoutes.route('/trainingen', trainingAdminRoutes);
adminRoutes.route('/netwerk', networkAdminRoutes);
adminRoutes.route('/bronnen', sourceAdminRoutes);
adminRoutes.use('/audit', requireRole('beheerder'));
adminRoutes.use('/audit/*', requireRole('beheerder'));
adminRoutes.route('/audit', auditRoutes);
adminRoutes.route('/export', exportRoutes);
adminRoutes.use('/import', requireRole('beheerder'));
adminRoutes.use('/import/*', requireRole('beheerder'));
adminRoutes.route('/import', importRoutes);

adminRoutes.use('/gebruikers/*', requireRole('beheerder'));
adminRoutes.use('/gebruikers', requireRole('beheerder'));
adminRoutes.get('/gebruikers', (c) => usersPage(c));

adminRoutes.post('/gebruikers/uitnodigen', async (c) => {
  const deps = c.get('deps');
  const form = await c.req.parseBody();
  const parsed = inviteForm.safeParse(form);
  const typed = { email: String(form.email ?? '').slice(0, 254), role: String(form.role ?? '') };
  if (!parsed.success) return usersPage(c, { ...typed, errors: fieldErrors(parsed.error), status: 400 });
  try {
    await inviteUser(deps.database.db, c.get('user')?.id as number, parsed.data, deps.now(), deps.config.baseUrl);
  } catch (err) {
    if (err instanceof AccountError) return usersPage(c, { ...typed, errors: { [err.field ?? 'form']: err.message }, status: 400 });
    throw err;
  }
  return usersPage(c, { notice: `Uitnodiging aangemaakt voor ${parsed.data.email}. De mail staat in de wachtrij.` });
});

const userId = (c: Ctx) => {
  const id = Number(c.req.param('id'));
  // Ids are PostgreSQL integers: a larger number names no row (and would be a database error).
  return Number.isInteger(id) && id > 0 && id < 2 ** 31 ? id : null;
};

/** Disabling an account asks first: it logs the person out everywhere, at once. */
async function disableConfirm(c: Ctx, id: number) {
  const u = await userById(c.get('deps').database.db, id);
  if (!u) return c.notFound();
  if (u.disabledAt) return usersPage(c, { notice: `Het account van ${u.name} is al uitgeschakeld.` });
  const action = `/beheer/gebruikers/${id}/uitschakelen`;
  return page(
    c,
    {
      title: `Account van ${u.name} uitschakelen?`,
      crumbs: [
        { href: '/beheer', label: 'Beheer' },
        { href: '/beheer/gebruikers', label: 'Gebruikers' },
        { href: action, label: 'Uitschakelen' },
      ],
    },
    <ConfirmAction
      title={`Account van ${u.name} uitschakelen?`}
      action={action}
      lead={`${u.name} (${u.email}) wordt meteen overal uitgelogd en kan niet meer inloggen. Wat ${u.name} heeft gemaakt of gewijzigd blijft staan. Je kunt het account later weer inschakelen.`}
      hidden={{ _csrf: c.get('user')?.csrf ?? '' }}
      confirm={`Ja, schakel ${u.name} uit`}
      back={{ href: '/beheer/gebruikers', label: 'Nee, terug naar de gebruikers' }}
    />,
  );
}
adminRoutes.get('/gebruikers/:id/uitschakelen', (c) => {
  const id = userId(c);
  if (!id) return c.notFound();
  if (id === c.get('user')?.id) return usersPage(c, { errors: { form: 'Je kunt je eigen account niet uitschakelen.' }, status: 400 });
  return disableConfirm(c, id);
});

for (const [action, disabled] of [
  ['uitschakelen', true],
  ['inschakelen', false],
] as const) {
  adminRoutes.post(`/gebruikers/:id/${action}`, async (c) => {
    const deps = c.get('deps');
    const id = userId(c);
    if (!id) return c.notFound();
    // Disabling someone else is confirmed first; one's own account is refused by the service below.
    if (disabled && id !== c.get('user')?.id && !isConfirmed(await c.req.parseBody())) return disableConfirm(c, id);
    try {
      await setUserDisabled(deps.database.db, c.get('user')?.id as number, id, disabled, deps.now());
    } catch (err) {
      if (err instanceof AccountError) return usersPage(c, { errors: { form: err.message }, status: 400 });
      throw err;
    }
    const u = await userById(deps.database.db, id);
    const name = u?.name ?? 'Het account';
    return disabled
      ? usersPage(c, { notice: `Het account van ${name} is uitgeschakeld en overal uitgelogd.`, undo: { id, name } })
      : usersPage(c, { notice: `Het account van ${name} is weer ingeschakeld.` });
  });
}

// Every editor reads the outbox (registrants' mails), but personal links show as "[persoonlijke
// link]" (they are made when a mail is sent) and invitations only to beheerders.
const beheerder = (c: Ctx) => ({ includeRestricted: c.get('user')?.role === 'beheerder' });

adminRoutes.get('/mail', async (c) => {
  const mails = await listOutbox(c.get('deps').database.db, beheerder(c));
  return page(
    c,
    {
      title: 'Uitgaande mail',
      crumbs: [
        { href: '/beheer', label: 'Beheer' },
        { href: '/beheer/mail', label: 'Mail' },
      ],
    },
    <>
      <h1 class="utrecht-heading-1">Uitgaande mail</h1>
      <p>
        {c.get('deps').config.SMTP_URL
          ? 'Mail wordt verstuurd via de ingestelde mailserver. Mislukte verzending wordt automatisch opnieuw geprobeerd.'
          : 'Er is geen mailserver ingesteld (SMTP_URL). Berichten blijven hier staan en worden niet verstuurd.'}
      </p>
      {mails.length ? (
        <StackTable columns={['Aangemaakt', 'Aan', 'Onderwerp', 'Status']}>
          {mails.map((m) => (
            <tr>
              <td>{dateTime.format(m.createdAt)}</td>
              <td data-label="Aan">{m.to}</td>
              <td data-label="Onderwerp">
                <a class="utrecht-link" href={`/beheer/mail/${m.id}`}>
                  {m.subject}
                </a>
              </td>
              <td data-label="Status">{m.status === 'sent' ? 'Verstuurd' : m.status === 'failed' ? `Mislukt: ${m.lastError ?? ''}` : 'Wacht op verzending'}</td>
            </tr>
          ))}
        </StackTable>
      ) : (
        <p>Er is nog geen mail.</p>
      )}
    </>,
  );
});

adminRoutes.get('/mail/:id', async (c) => {
  const id = Number(c.req.param('id'));
  const mail = Number.isInteger(id) && id > 0 && id < 2 ** 31 ? await getMail(c.get('deps').database.db, id, beheerder(c)) : null;
  if (!mail) return c.notFound();
  return page(
    c,
    {
      title: mail.subject,
      crumbs: [
        { href: '/beheer', label: 'Beheer' },
        { href: '/beheer/mail', label: 'Mail' },
        { href: `/beheer/mail/${id}`, label: mail.subject },
      ],
    },
    <>
      <h1 class="utrecht-heading-1">{mail.subject}</h1>
      <p>Aan: {mail.to}</p>
      <pre class="hw-mail">{forDisplay(mail.text)}</pre>
    </>,
  );
});
