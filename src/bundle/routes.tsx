import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { FC } from 'hono/jsx';
import { audit } from '../audit/record.ts';
import type { AppEnv, Ctx } from '../context.ts';
import { Alert } from '../ui/alert.tsx';
import { StackTable } from '../ui/kit.tsx';
import { page } from '../ui/render.tsx';
import { exportBundle, exportCounts } from './export.ts';
import { BundleRejected, type ImportResult, importBundle, type KindResult, MAX_BUNDLE_BYTES } from './import.ts';

/** Export, mounted at /beheer/export: every editor may download the content. */
export const exportRoutes = new Hono<AppEnv>();
/** Import, mounted at /beheer/import: administrators only (the mount checks the role). */
export const importRoutes = new Hono<AppEnv>();

export const IMPORT_PATH = '/beheer/import';
const MAX_PROBLEMS = 50;
const MB = Math.round(MAX_BUNDLE_BYTES / 1024 / 1024);

const exportCrumbs = [
  { href: '/beheer', label: 'Beheer' },
  { href: '/beheer/export', label: 'Export en import' },
];
const importCrumbs = [...exportCrumbs, { href: IMPORT_PATH, label: 'Importeren' }];

const tooLarge = (c: Ctx) =>
  page(
    c,
    { title: 'Bestand te groot', status: 413 },
    <>
      <h1 class="utrecht-heading-1">Het bestand is te groot</h1>
      <p>Een bundel mag hoogstens {MB} MB zijn. Er is niets veranderd.</p>
      <p>
        <a class="utrecht-link" href={IMPORT_PATH}>
          Terug naar importeren
        </a>
      </p>
    </>,
  );

/**
 * The body limit for the import form only, used by the app's middleware list in place of the
 * global one: a bundle may be up to 5 MB (plus room for the other form fields), every other
 * request stays under the global limit.
 */
export const importBodyLimit: MiddlewareHandler<AppEnv> = bodyLimit({
  maxSize: MAX_BUNDLE_BYTES + 64 * 1024,
  onError: (c) => {
    // The rest of the body was not read: this connection cannot carry another request (see app.tsx).
    c.header('Connection', 'close');
    return tooLarge(c as Context<AppEnv>);
  },
});

// ---------------------------------------------------------------- export

const number = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

exportRoutes.get('/', async (c) => {
  const counts = await exportCounts(c.get('deps').database.db);
  const isAdmin = c.get('user')?.role === 'beheerder';
  return page(
    c,
    { title: 'Inhoud exporteren', crumbs: exportCrumbs },
    <>
      <h1 class="utrecht-heading-1">Inhoud exporteren</h1>
      <p>
        Download alle inhoud die de redactie beheert in één bestand: een bundel. Bewaar het als reservekopie, of zet de inhoud ermee over naar een andere
        installatie van Hechtwerk.
      </p>
      <h2 class="utrecht-heading-2">Wat zit erin</h2>
      <ul>
        <li>
          {number(counts.themes, 'thema', 'thema’s')}, elk als Markdown-bestand zoals in de map content/themas, met verwante thema’s, kernfeiten en bronnen.
        </li>
        <li>{number(counts.sources, 'bron', 'bronnen')}: bij de thema’s, en de bronnen die nog bij geen thema horen.</li>
        <li>{number(counts.organisations, 'partnerorganisatie', 'partnerorganisaties')} uit het netwerk.</li>
      </ul>
      <h2 class="utrecht-heading-2">Wat zit er niet in</h2>
      <p>
        Geen persoonsgegevens: geen accounts, geen aanmeldingen voor trainingen en geen logboek. Trainingen en sessies zitten er ook niet in. Resultaten van de
        linkcontrole ook niet; die worden opnieuw gemaakt.
      </p>
      <form class="hw-bundle-download" method="get" action="/beheer/export/bundel.json">
        <button class="utrecht-button utrecht-button--primary-action" type="submit">
          Bundel downloaden (JSON)
        </button>
      </form>
      <h2 class="utrecht-heading-2">Importeren</h2>
      {isAdmin ? (
        <p>
          Een bundel terugzetten of overnemen van een andere installatie?{' '}
          <a class="utrecht-link" href={IMPORT_PATH}>
            Inhoud importeren
          </a>
        </p>
      ) : (
        <p>Een bundel importeren kan alleen een beheerder.</p>
      )}
    </>,
  );
});

exportRoutes.get('/bundel.json', async (c) => {
  const deps = c.get('deps');
  const now = deps.now();
  const bundle = await exportBundle(deps.database.db, now);
  const day = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Amsterdam' }).format(now);
  const fileName = `hechtwerk-bundel-${day}.json`;
  await audit(
    deps.database.db,
    c.get('user')?.id ?? null,
    'bundle.exported',
    { kind: 'bundle', label: fileName },
    {
      themes: bundle.themes.length,
      sources: bundle.sources.length,
      organisations: bundle.organisations.length,
    },
  );
  c.header('Content-Disposition', `attachment; filename="${fileName}"`);
  c.header('Cache-Control', 'no-store');
  return c.body(`${JSON.stringify(bundle, null, 2)}\n`, 200, { 'Content-Type': 'application/json; charset=utf-8' });
});

// ---------------------------------------------------------------- import

const FILE_FIELD = 'bundel';

const ImportForm: FC<{ csrf: string; error?: string; again?: boolean }> = ({ csrf, error, again }) => (
  <form class="hw-form hw-bundle-form" method="post" action={IMPORT_PATH} enctype="multipart/form-data" novalidate>
    <input type="hidden" name="_csrf" value={csrf} />
    <div class={`utrecht-form-field${error ? ' utrecht-form-field--invalid' : ''}`}>
      <label class="utrecht-form-label" for={FILE_FIELD}>
        {again ? 'Kies het bestand opnieuw' : 'Bundelbestand'}
      </label>
      <p class="hw-muted" id={`${FILE_FIELD}-hint`}>
        Een .json-bestand dat je bij Exporteren hebt gedownload, hoogstens {MB} MB.
      </p>
      {error ? (
        <p class="hw-field-error" id={`${FILE_FIELD}-error`}>
          {error}
        </p>
      ) : null}
      <input
        class="hw-file-input"
        type="file"
        id={FILE_FIELD}
        name={FILE_FIELD}
        accept=".json,application/json"
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={`${FILE_FIELD}-hint${error ? ` ${FILE_FIELD}-error` : ''}`}
      />
    </div>
    <div class="hw-actions hw-bundle-actions">
      <button class="utrecht-button utrecht-button--secondary-action" type="submit" name="actie" value="controleren">
        Controleer eerst
      </button>
      <button class="utrecht-button utrecht-button--primary-action" type="submit" name="actie" value="importeren">
        Importeren
      </button>
    </div>
  </form>
);

const Explanation: FC = () => (
  <ul>
    <li>Eerst controleren we de hele bundel. Klopt er iets niet, dan zie je alle problemen en verandert er niets.</li>
    <li>Thema’s en organisaties met dezelfde slug, en bronnen met hetzelfde webadres, worden bijgewerkt. Wat nieuw is, wordt toegevoegd.</li>
    <li>Wat niet in de bundel staat, blijft staan zoals het is. Er wordt niets verwijderd.</li>
    <li>Elke wijziging komt in de versiegeschiedenis van het thema of de organisatie, en de import komt in het logboek.</li>
    <li>Met ‘Controleer eerst’ zie je wat er zou veranderen, zonder iets op te slaan.</li>
  </ul>
);

interface ImportPageOptions {
  status?: number;
  problems?: string[];
  fieldError?: string;
}

function importPage(c: Ctx, opts: ImportPageOptions = {}) {
  const problems = opts.problems ?? [];
  const shown = problems.slice(0, MAX_PROBLEMS);
  return page(
    c,
    { title: problems.length || opts.fieldError ? 'Inhoud importeren: er is een probleem' : 'Inhoud importeren', status: opts.status, crumbs: importCrumbs },
    <>
      <h1 class="utrecht-heading-1">Inhoud importeren</h1>
      {problems.length || opts.fieldError ? (
        <div class="hw-error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} id="foutmeldingen" autofocus>
          <h2 id="error-summary-title">Er is een probleem</h2>
          <p>De bundel is niet geïmporteerd. Er is niets veranderd.</p>
          <ul class="hw-problems">
            {opts.fieldError ? (
              <li>
                <a href={`#${FILE_FIELD}`}>{opts.fieldError}</a>
              </li>
            ) : null}
            {shown.map((p) => (
              <li>{p}</li>
            ))}
            {problems.length > shown.length ? <li>En nog {number(problems.length - shown.length, 'ander probleem', 'andere problemen')}.</li> : null}
          </ul>
          {problems.length ? (
            <p>
              Los {problems.length === 1 ? 'dit' : 'deze'} in het bestand op en <a href={`#${FILE_FIELD}`}>kies het bestand opnieuw</a>.
            </p>
          ) : null}
        </div>
      ) : null}
      <p>Zet inhoud terug uit een bundel die bij Exporteren is gemaakt, hier of in een andere installatie van Hechtwerk.</p>
      <Explanation />
      <ImportForm
        csrf={c.get('user')?.csrf ?? ''}
        error={opts.fieldError ?? (problems.length ? 'Los de problemen hierboven op in het bestand en kies het opnieuw.' : undefined)}
      />
    </>,
  );
}

importRoutes.get('/', (c) => importPage(c));

const KINDS: { key: 'themes' | 'sources' | 'organisations'; label: string }[] = [
  { key: 'themes', label: 'Thema’s' },
  { key: 'sources', label: 'Bronnen' },
  { key: 'organisations', label: 'Organisaties' },
];
const MAX_NAMES = 100;

const Names: FC<{ label: string; names: string[] }> = ({ label, names }) =>
  names.length ? (
    <p class="hw-line">
      <strong>{label}:</strong> {names.slice(0, MAX_NAMES).join(', ')}
      {names.length > MAX_NAMES ? ` en nog ${names.length - MAX_NAMES}` : ''}
    </p>
  ) : null;

function resultPage(c: Ctx, result: ImportResult, fileName: string) {
  const dry = result.dryRun;
  const total = (k: KindResult) => k.new.length + k.changed.length;
  const anything = KINDS.some(({ key }) => total(result[key]) > 0);
  const title = dry ? 'Controle: de bundel is in orde' : 'De bundel is geïmporteerd';
  return page(
    c,
    { title, crumbs: importCrumbs },
    <>
      <h1 class="utrecht-heading-1">{title}</h1>
      <Alert type={dry ? 'info' : 'ok'} role="status" class="hw-notice">
        <p>
          {dry
            ? anything
              ? `Er is nog niets veranderd. Dit zou de import van ${fileName} doen:`
              : `Er is nog niets veranderd. De bundel ${fileName} is gelijk aan wat er al staat; importeren zou niets veranderen.`
            : anything
              ? `De inhoud uit ${fileName} staat nu op de site.`
              : `De bundel ${fileName} was gelijk aan wat er al stond. Er is niets veranderd.`}
        </p>
        <p>Wat niet in de bundel {dry ? 'staat, blijft' : 'stond, is blijven'} staan zoals het was.</p>
      </Alert>
      <StackTable
        columns={['Soort', 'Nieuw', 'Gewijzigd', 'Ongewijzigd']}
        class="hw-bundle-result"
        caption={dry ? 'Wat de import zou doen' : 'Wat de import heeft gedaan'}
        captionClass="hw-muted"
      >
        {KINDS.map(({ key, label }) => (
          <tr>
            <th scope="row">{label}</th>
            <td data-label="Nieuw">{result[key].new.length}</td>
            <td data-label="Gewijzigd">{result[key].changed.length}</td>
            <td data-label="Ongewijzigd">{result[key].unchanged}</td>
          </tr>
        ))}
      </StackTable>
      {KINDS.filter(({ key }) => total(result[key]) > 0).map(({ key, label }) => (
        <>
          <h2 class="utrecht-heading-2">{label}</h2>
          <Names label="Nieuw" names={result[key].new} />
          <Names label="Gewijzigd" names={result[key].changed} />
        </>
      ))}
      {dry && anything ? (
        <>
          <h2 class="utrecht-heading-2">Nu importeren</h2>
          <p>Klopt dit? Kies hetzelfde bestand nog een keer en klik op Importeren.</p>
          <ImportForm csrf={c.get('user')?.csrf ?? ''} again />
        </>
      ) : (
        <p>
          <a class="utrecht-link" href="/beheer">
            Terug naar beheer
          </a>
        </p>
      )}
    </>,
  );
}

importRoutes.post('/', async (c) => {
  const deps = c.get('deps');
  const body = await c.req.parseBody();
  const file = body[FILE_FIELD];
  const dryRun = body.actie === 'controleren';
  if (!(file instanceof File) || (file.size === 0 && !file.name)) return importPage(c, { status: 400, fieldError: 'Kies een bundelbestand (.json).' });
  if (file.size === 0) return importPage(c, { status: 400, fieldError: 'Het gekozen bestand is leeg. Kies een bundel die je bij Exporteren hebt gedownload.' });
  if (file.size > MAX_BUNDLE_BYTES) return importPage(c, { status: 413, fieldError: `Het bestand is te groot. Een bundel mag hoogstens ${MB} MB zijn.` });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
  } catch {
    return importPage(c, { status: 400, fieldError: 'Het bestand is geen tekstbestand (UTF-8). Kies de bundel die je bij Exporteren hebt gedownload.' });
  }
  const fileName = file.name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').slice(0, 120) || 'bundel';
  try {
    const result = await importBundle(deps.database.db, text, { actorId: c.get('user')?.id ?? null, dryRun, fileName });
    // This instance serves fresh public pages at once (others within a second).
    if (!dryRun) deps.contentVersion.invalidate();
    return resultPage(c, result, fileName);
  } catch (err) {
    if (err instanceof BundleRejected) return importPage(c, { status: err.status, problems: err.problems });
    throw err;
  }
});
