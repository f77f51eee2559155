import { and, asc, eq, ilike } from 'drizzle-orm';
import { Hono } from 'hono';
import { raw } from 'hono/html';
import QRCode from 'qrcode';
import { audit, sessionSubject } from '../audit/record.ts';
import type { AppEnv, Ctx } from '../context.ts';
import { loadSecret } from '../crypto.ts';
import { likeLiteral } from '../db/client.ts';
import { registrations } from '../db/schema.ts';
import { actor, Csrf, idParam, StackTable } from '../ui/kit.tsx';
import { page } from '../ui/render.tsx';
import {
  ATTENDANCE,
  ATTENDANCE_LABEL,
  type Attendance,
  accreditationCsv,
  accreditationRows,
  CHECKIN_OPENS_BEFORE_MS,
  checkinCode,
  checkinWindow,
  isRegister,
  markAttendance,
  registersOf,
} from './accreditation.ts';
import { evaluationCsv, evaluationResults } from './evaluation.ts';
import { formatMoment, formatSessionTime } from './format.ts';
import { sessionWithTraining } from './queries.ts';
import { settingsFrom } from './settings.ts';

export const accreditationAdminRoutes = new Hono<AppEnv>();

const sessionCrumbs = (sid: number, extra: { href: string; label: string }) => [
  { href: '/beheer', label: 'Beheer' },
  { href: '/beheer/trainingen', label: 'Trainingen' },
  { href: `/beheer/trainingen/sessies/${sid}`, label: 'Bijeenkomst' },
  extra,
];

async function loadSession(c: Ctx) {
  const sid = idParam(c.req.param('sid'));
  if (!sid) return null;
  const row = await sessionWithTraining(c.get('deps').database.db, sid);
  return row ? { sid, ...row } : null;
}

function attendanceScripts(c: Ctx): string[] {
  return c
    .get('deps')
    .assets.scripts.filter((s) => s.path.startsWith('/assets/aanwezigheid.'))
    .map((s) => s.path);
}

// ---------------------------------------------------------------- attendance list

accreditationAdminRoutes.get('/sessies/:sid{[0-9]+}/aanwezigheid', async (c) => {
  const found = await loadSession(c);
  if (!found) return c.notFound();
  const { sid, session, training } = found;
  const db = c.get('deps').database.db;
  // Control characters (NUL among them, which PostgreSQL text cannot hold) read as spaces, as in the other filters.
  const q = (c.req.query('q') ?? '')
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .trim()
    .slice(0, 100);
  const saved = idParam(c.req.query('opgeslagen'));
  const people = await db
    .select()
    .from(registrations)
    .where(and(eq(registrations.sessionId, sid), eq(registrations.status, 'confirmed'), q ? ilike(registrations.name, `%${likeLiteral(q)}%`) : undefined))
    .orderBy(asc(registrations.name), asc(registrations.id));
  const savedRow = saved ? people.find((p) => p.id === saved) : undefined;
  const action = `/beheer/trainingen/sessies/${sid}/aanwezigheid`;
  const marked = people.filter((p) => p.attendance).length;
  return page(
    c,
    {
      title: `Aanwezigheid: ${training.title}`,
      crumbs: sessionCrumbs(sid, { href: action, label: 'Aanwezigheid' }),
      scripts: attendanceScripts(c),
    },
    <>
      <h1 class="utrecht-heading-1">Aanwezigheid</h1>
      <p>
        {training.title} · {formatSessionTime(session.startsAt, session.endsAt)}
      </p>
      <p class="hw-notice" role="status" aria-live="polite" data-attendance-status>
        {savedRow ? `${savedRow.name}: ${ATTENDANCE_LABEL[savedRow.attendance as Attendance]?.toLowerCase()} opgeslagen.` : ''}
      </p>
      <form class="hw-search-inline" method="get" action={action}>
        <label class="utrecht-form-label" for="q">
          Zoek op naam
        </label>
        <div class="hw-tools__row">
          <input class="utrecht-textbox utrecht-textbox--html-input" type="search" id="q" name="q" value={q} />
          <button class="utrecht-button utrecht-button--secondary-action" type="submit">
            Zoeken
          </button>
          {q ? (
            <a class="utrecht-link" href={action}>
              Iedereen tonen
            </a>
          ) : null}
        </div>
      </form>
      <p>
        {q ? `${people.length} gevonden voor “${q}”.` : `${people.length} bevestigde aanmeldingen, ${marked} gemarkeerd.`} Deels: later gekomen of eerder
        weggegaan; alleen wie er helemaal was, krijgt een certificaat.
      </p>
      {people.length ? (
        <ul class="hw-attendance">
          {people.map((p) => (
            <li class="hw-attendance__row" id={`r-${p.id}`}>
              <div class="hw-attendance__who">
                <strong>{p.name}</strong>
                <span class="hw-muted">{p.organisation}</span>
                <span class="hw-muted" data-attendance-label>
                  {p.attendance ? ATTENDANCE_LABEL[p.attendance as Attendance] : 'Nog niet gemarkeerd'}
                  {p.checkedInAt ? ' (zelf ingecheckt)' : ''}
                </span>
              </div>
              <form class="hw-attendance__buttons" method="post" action={`${action}/${p.id}`} data-attendance>
                <Csrf c={c} />
                <input type="hidden" name="q" value={q} />
                {ATTENDANCE.map((value) => (
                  <button
                    class={`hw-att hw-att--${value}`}
                    type="submit"
                    name="aanwezigheid"
                    value={value}
                    aria-pressed={p.attendance === value ? 'true' : 'false'}
                  >
                    {ATTENDANCE_LABEL[value]}
                    <span class="hw-visually-hidden"> {p.name}</span>
                  </button>
                ))}
              </form>
            </li>
          ))}
        </ul>
      ) : (
        <p>{q ? 'Niemand gevonden met deze naam.' : 'Nog geen bevestigde aanmeldingen.'}</p>
      )}
    </>,
  );
});

accreditationAdminRoutes.post('/sessies/:sid{[0-9]+}/aanwezigheid/:rid{[0-9]+}', async (c) => {
  const found = await loadSession(c);
  const rid = idParam(c.req.param('rid'));
  if (!found || !rid) return c.notFound();
  const form = await c.req.parseBody();
  const value = String(form.aanwezigheid ?? '');
  const wantsJson = (c.req.header('Accept') ?? '').includes('application/json');
  if (!(ATTENDANCE as readonly string[]).includes(value)) {
    return wantsJson ? c.json({ error: 'Kies aanwezig, deels of afwezig.' }, 400) : c.text('Kies aanwezig, deels of afwezig.', 400);
  }
  const deps = c.get('deps');
  const done = await markAttendance(deps.database.db, actor(c), found.sid, rid, value as Attendance, settingsFrom(deps), deps.now());
  if (!done) return wantsJson ? c.json({ error: 'Deze aanmelding staat niet (meer) bevestigd op deze bijeenkomst.' }, 404) : c.notFound();
  if (wantsJson) return c.json({ attendance: value, label: ATTENDANCE_LABEL[value as Attendance] });
  const q = String(form.q ?? '').slice(0, 100);
  const query = new URLSearchParams({ ...(q ? { q } : {}), opgeslagen: String(rid) });
  return c.redirect(`/beheer/trainingen/sessies/${found.sid}/aanwezigheid?${query}#r-${rid}`, 303);
});

// ---------------------------------------------------------------- QR code for the room

accreditationAdminRoutes.get('/sessies/:sid{[0-9]+}/inchecken', async (c) => {
  const found = await loadSession(c);
  if (!found) return c.notFound();
  const { sid, session, training } = found;
  const deps = c.get('deps');
  const now = deps.now();
  const window = checkinWindow(session, now);
  const url = `${deps.config.baseUrl}/trainingen/inchecken/${sid}/${checkinCode(await loadSecret(deps.database.db), sid, now)}`;
  const svg = window === 'open' ? await QRCode.toString(url, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' }) : '';
  c.header('Cache-Control', 'no-store');
  return page(
    c,
    {
      title: `Inchecken: ${training.title}`,
      crumbs: sessionCrumbs(sid, { href: `/beheer/trainingen/sessies/${sid}/inchecken`, label: 'Inchecken' }),
      scripts: attendanceScripts(c),
    },
    <>
      <h1 class="utrecht-heading-1">Inchecken: {training.title}</h1>
      <p>{formatSessionTime(session.startsAt, session.endsAt)}</p>
      {window === 'open' ? (
        <>
          <p class="hw-lead">Scan de code met je telefoon en vul het e-mailadres in waarmee je je hebt aangemeld.</p>
          <div class="hw-qr" role="img" aria-label="QR-code om in te checken" data-checkin-qr>
            {raw(svg)}
          </div>
          <p class="hw-muted">
            Of typ het adres: <span class="hw-break">{url}</span>
          </p>
          <p class="hw-muted">
            De code verandert elk kwartier; deze pagina ververst zichzelf elke minuut (zonder JavaScript: ververs de pagina zelf). Inchecken kan tot het einde
            van de bijeenkomst.
          </p>
        </>
      ) : window === 'te-vroeg' ? (
        <p class="hw-notice">
          Inchecken kan vanaf een half uur voor het begin: vanaf {formatMoment(new Date(session.startsAt.getTime() - CHECKIN_OPENS_BEFORE_MS))}. Open deze
          pagina dan opnieuw.
        </p>
      ) : (
        <p class="hw-notice">Deze bijeenkomst is afgelopen of geannuleerd. Inchecken kan niet meer.</p>
      )}
    </>,
  );
});

// ---------------------------------------------------------------- evaluation results

accreditationAdminRoutes.get('/sessies/:sid{[0-9]+}/evaluatie', async (c) => {
  const found = await loadSession(c);
  if (!found) return c.notFound();
  const { sid, session, training } = found;
  const deps = c.get('deps');
  const min = deps.config.EVALUATION_MIN_RESPONSES;
  const r = await evaluationResults(deps.database.db, sid, training, min);
  return page(
    c,
    { title: `Evaluatie: ${training.title}`, crumbs: sessionCrumbs(sid, { href: `/beheer/trainingen/sessies/${sid}/evaluatie`, label: 'Evaluatie' }) },
    <>
      <h1 class="utrecht-heading-1">Evaluatie</h1>
      <p>
        {training.title} · {formatSessionTime(session.startsAt, session.endsAt)}
      </p>
      <p>
        {r.invited} {r.invited === 1 ? 'deelnemer' : 'deelnemers'} uitgenodigd, {r.responses} {r.responses === 1 ? 'reactie' : 'reacties'}. Na afloop krijgt
        iedereen die aanwezig of deels aanwezig was een mail met een persoonlijke link.
      </p>
      {r.shown ? (
        <>
          <StackTable
            columns={['Uitspraak', 'Gemiddeld (1–5)']}
            caption="Gemiddelde score per uitspraak, van 1 (helemaal oneens) tot 5 (helemaal eens)"
            captionClass="hw-visually-hidden"
          >
            {r.questions
              .filter((q) => q.kind === 'scale')
              .map((q) => (
                <tr>
                  <td>{q.text}</td>
                  <td data-label="Gemiddeld (1–5)">
                    {r.averages[q.id] === null || r.averages[q.id] === undefined ? '–' : String(r.averages[q.id]).replace('.', ',')}
                  </td>
                </tr>
              ))}
          </StackTable>
          <h2 class="utrecht-heading-2">Opmerkingen</h2>
          {r.comments.length ? (
            <ul class="hw-comments">
              {r.comments.map((text) => (
                <li>{text}</li>
              ))}
            </ul>
          ) : (
            <p>Geen opmerkingen.</p>
          )}
          <p>
            <a class="utrecht-link" href={`/beheer/trainingen/sessies/${sid}/evaluatie.csv`}>
              Alle antwoorden exporteren (CSV voor Excel)
            </a>
          </p>
        </>
      ) : (
        <p class="hw-notice">
          De resultaten verschijnen vanaf {min} reacties, zodat geen antwoord naar één persoon te herleiden is. Nu: {r.responses}.
        </p>
      )}
    </>,
  );
});

accreditationAdminRoutes.get('/sessies/:sid{[0-9]+}/evaluatie.csv', async (c) => {
  const found = await loadSession(c);
  if (!found) return c.notFound();
  const deps = c.get('deps');
  const r = await evaluationResults(deps.database.db, found.sid, found.training, deps.config.EVALUATION_MIN_RESPONSES);
  if (!r.shown) return c.text(`De resultaten zijn er pas vanaf ${deps.config.EVALUATION_MIN_RESPONSES} reacties.`, 409);
  await audit(deps.database.db, actor(c), 'evaluation.exported', sessionSubject(found.session, found.training));
  return c.body(await evaluationCsv(deps.database.db, found.sid, r.questions), 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="evaluatie-${found.training.slug}-${found.sid}.csv"`,
  });
});

// ---------------------------------------------------------------- accreditation export

accreditationAdminRoutes.get('/sessies/:sid{[0-9]+}/accreditatie.csv', async (c) => {
  const found = await loadSession(c);
  if (!found) return c.notFound();
  const register = c.req.query('register') ?? '';
  const db = c.get('deps').database.db;
  if (!isRegister(register) || !(await registersOf(db, found.training.id)).some((r) => r.register === register))
    return c.text('Deze training is niet geaccrediteerd voor dit register.', 404);
  await audit(db, actor(c), 'accreditation.exported', sessionSubject(found.session, found.training), { register });
  return c.body(accreditationCsv(await accreditationRows(db, found.sid, register)), 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="accreditatie-${register}-${found.training.slug}-${found.sid}.csv"`,
  });
});
