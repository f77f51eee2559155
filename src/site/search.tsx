import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import type { AppEnv } from '../context.ts';
import type { Queryable } from '../db/client.ts';
import type { ContentVersion } from '../db/content-version.ts';
import { type OrganisationHitInfo, searchLabels, telHref } from '../network/queries.ts';
import { BusyError } from '../search/gate.ts';
import { KIND_LABEL, MAX_QUERY, type SearchHit, type SearchOutcome, search, searchQuery } from '../search/service.ts';
import { ELLIPSIS, SNIPPET_WORDS } from '../search/snippet.ts';
import { type SourceInfo, sourceInfo } from '../sources/service.ts';
import { listThemes, type ThemeSummary } from '../themes/queries.ts';
import { formatMoment } from '../trainings/format.ts';
import { recentNextSessions, type SessionView, STATUS_LABEL } from '../trainings/queries.ts';
import { LIST_COUNTS_MS } from '../trainings/seat-cache.ts';
import { sessionPlace } from '../trainings/views.tsx';
import { suggestScript } from '../ui/assets.ts';
import { Pager } from '../ui/kit.tsx';
import { LinkList } from '../ui/link-list.tsx';
import { page } from '../ui/render.tsx';
import { siteOf, suggestRoute } from './suggest.ts';

export const searchRoutes = new Hono<AppEnv>();

searchRoutes.get('/suggesties', suggestRoute);

/**
 * The search form. Its script (src/site/suggest.client.js) turns the field into a combobox with
 * suggestions while typing; without it the form is a plain GET form.
 */
const SearchForm: FC<{ q: string; invalid?: boolean }> = ({ q, invalid }) => (
  <>
    <form class="hw-search" method="get" action="/zoeken" data-suggest="/zoeken/suggesties">
      <div class="utrecht-form-field">
        <label class="utrecht-form-label" for="q">
          Zoekterm
        </label>
        <input
          class="utrecht-textbox utrecht-textbox--html-input"
          type="search"
          id="q"
          name="q"
          value={q}
          aria-invalid={invalid ? 'true' : undefined}
          aria-describedby={invalid ? 'q-error' : undefined}
        />
      </div>
      <button class="utrecht-button utrecht-button--primary-action" type="submit">
        Zoeken
      </button>
    </form>
    <script type="module" src={suggestScript.path} />
  </>
);

/** Tips for a search that found nothing (not before a search, nor for one that had no word to look for: spelling is not the matter there), and the themes. */
const Suggestions: FC<{ themes: ThemeSummary[]; tips?: boolean }> = ({ themes, tips = true }) => (
  <>
    {tips ? (
      <>
        <h2 class="utrecht-heading-2">Tips</h2>
        <ul>
          <li>Controleer de spelling, of gebruik een algemener woord (bijvoorbeeld “kind” in plaats van “kleuter”).</li>
          <li>Gebruik minder woorden.</li>
          <li>Zoek op een hele zin met aanhalingstekens, of sluit een woord uit met een minteken: hechting -onveilig.</li>
        </ul>
      </>
    ) : null}
    <h2 class="utrecht-heading-2">{tips ? 'Of begin bij een thema' : 'Begin bij een thema'}</h2>
    <LinkList links={themes.map((t) => ({ href: `/themas/${t.slug}`, label: t.title }))} />
  </>
);

/** What the page adds to hits from what it knows of them: an organisation's labels and number, a training's next session, a source's publisher and description. */
interface HitExtras {
  organisations: Map<string, OrganisationHitInfo>;
  sessions: Map<string, SessionView>;
  sources: Map<string, SourceInfo>;
}
const NO_EXTRAS: HitExtras = { organisations: new Map(), sessions: new Map(), sources: new Map() };

/**
 * A source hit's snippet: where its words are, unless that is only its publisher (the lead of its
 * search document, all a title match brings): then its description, as far as a snippet goes.
 */
const LEADING_ELLIPSIS = new RegExp(`^${ELLIPSIS}\\s*`);
function sourceSnippet(hit: SearchHit, info: SourceInfo | undefined): string[] {
  const text = hit.snippet.join('').replace(LEADING_ELLIPSIS, '').trim();
  if (!info?.description || (text && text !== info.organisation)) return hit.snippet;
  const words = info.description.split(/\s+/).filter(Boolean);
  return [words.length > SNIPPET_WORDS ? `${words.slice(0, SNIPPET_WORDS).join(' ')} ${ELLIPSIS}` : words.join(' ')];
}

/** What else was searched: synonyms beside the typed terms, what an abbreviation searched only by its meaning stands for (RAD), and what else was left out. */
function searchedAlso(outcome: Extract<SearchOutcome, { state: 'results' }>): string {
  const instead = new Set(outcome.meanings.flatMap((m) => m.as));
  const also = outcome.expanded.filter((e) => !instead.has(e));
  return (
    (also.length ? ` Ook gezocht op: ${also.join(', ')}.` : '') +
    outcome.meanings.map((m) => ` Gezocht op wat “${m.typed}” betekent: ${m.as.join(', ')}.`).join('') +
    (outcome.alsoLeftOut.length ? ` Ook weggelaten: ${outcome.alsoLeftOut.join(', ')}.` : '')
  );
}

/** "Resultaten voor hechting. Zoek in plaats daarvan op hechtng." or "Bedoelde je: hechting?" */
const Spelling: FC<{ outcome: Extract<SearchOutcome, { state: 'results' }> }> = ({ outcome }) => {
  if (outcome.corrected) {
    const literal = `/zoeken?${new URLSearchParams({ q: outcome.corrected.from, letterlijk: '1' })}`;
    return (
      <p class="hw-spelling">
        Resultaten voor <strong>{outcome.corrected.to}</strong>. Zoek in plaats daarvan op{' '}
        <a class="utrecht-link" href={literal}>
          {outcome.corrected.from}
        </a>
        .
      </p>
    );
  }
  if (outcome.suggestion)
    return (
      <p class="hw-spelling">
        Bedoelde je:{' '}
        <a class="utrecht-link" href={`/zoeken?${new URLSearchParams({ q: outcome.suggestion })}`}>
          {outcome.suggestion}
        </a>
        ?
      </p>
    );
  return null;
};

/** Who published a source, and the website it leads to. */
const SourceMeta: FC<{ info?: SourceInfo; site?: string }> = ({ info, site }) => {
  const parts = [info?.organisation ? `Uitgever: ${info.organisation}` : '', site ? `Website: ${site}` : ''].filter(Boolean);
  return parts.length ? <p class="hw-result-meta">{parts.join(' · ')}</p> : null;
};

const Results: FC<{ q: string; literal: boolean; outcome: SearchOutcome; themes: ThemeSummary[]; extra?: HitExtras }> = ({
  q,
  literal,
  outcome,
  themes,
  extra = NO_EXTRAS,
}) => {
  if (outcome.state === 'empty') {
    return (
      <>
        <p>Typ een of meer woorden en kies Zoeken.</p>
        <Suggestions themes={themes} tips={false} />
      </>
    );
  }
  if (outcome.state === 'only-left-out' || outcome.state === 'no-words' || outcome.state === 'only-common-words') {
    // Nothing to search for: why, in a sentence, then the themes (and, where words were left out, the tips).
    const nothing = {
      'only-left-out': (
        <>
          Met “{q}” blijft er geen woord over om op te zoeken: een woord met een minteken ervoor sluiten we uit, en woorden als “de” en “een” slaan we over. Typ
          ook een woord waarop we zoeken, bijvoorbeeld: hechting -baby.
        </>
      ),
      'no-words': <>In “{q}” staat geen woord om op te zoeken. Typ een of meer woorden, bijvoorbeeld: hechting.</>,
      'only-common-words': (
        <>
          Op “{q}” zoeken we niet: woorden als “de”, “het” en “een” staan op bijna elke pagina. Typ een woord dat zegt waar het over gaat, bijvoorbeeld:
          hechting of meldcode.
        </>
      ),
    } as const;
    return (
      <>
        <p role="status" class="hw-search-status">
          {nothing[outcome.state]}
        </p>
        <Suggestions themes={themes} tips={outcome.state === 'only-left-out'} />
      </>
    );
  }
  if (outcome.state === 'too-long') {
    return (
      <p id="q-error" class="hw-field-error">
        Je zoekvraag is {outcome.length} tekens lang. Gebruik er hoogstens {MAX_QUERY}.
      </p>
    );
  }
  if (outcome.total === 0) {
    return (
      <>
        <p role="status" class="hw-search-status">
          Geen resultaten voor “{q}”.{searchedAlso(outcome)}
        </p>
        <Spelling outcome={outcome} />
        <Suggestions themes={themes} />
      </>
    );
  }
  const shown = outcome.corrected?.to ?? q;
  // A literal search stays literal on its other pages.
  const link = (p: number) => `/zoeken?${new URLSearchParams({ q, p: String(p), ...(literal ? { letterlijk: '1' } : {}) })}`;
  return (
    <>
      <Spelling outcome={outcome} />
      <p role="status" class="hw-search-status">
        {outcome.partial ? (outcome.partialWords ? `Geen resultaten voor “${q}”. Wel ` : `Geen resultaten met alle zoekwoorden van “${q}”. Wel `) : ''}
        {outcome.more
          ? `${outcome.partial ? 'meer' : 'Meer'} dan ${outcome.total} resultaten`
          : outcome.total === 1
            ? '1 resultaat'
            : `${outcome.total} resultaten`}
        {outcome.partial ? outcome.partialWords ? ' met een of meer van de woorden waarop we zochten' : ' met een deel ervan' : <> voor “{shown}”</>}
        {outcome.pages > 1 ? `, pagina ${outcome.page} van ${outcome.pages}` : ''}.
        {outcome.pastEnd ? ` Een pagina ${outcome.pastEnd} is er niet: dit is ${outcome.pages > 1 ? 'de laatste' : 'de enige'}.` : ''}
        {outcome.more ? ` We tonen er ${outcome.total}.${outcome.partial ? '' : ' Voeg een woord toe om gerichter te zoeken.'}` : ''}
        {searchedAlso(outcome)}
      </p>
      <ol class="hw-results">
        {outcome.hits.map((hit) => {
          const next = extra.sessions.get(hit.ref);
          const org = hit.kind === 'organisation' ? extra.organisations.get(hit.ref) : undefined;
          const labels = org?.labels ?? [];
          return (
            <li>
              <span class="hw-kind">{KIND_LABEL[hit.kind] ?? hit.kind}</span>
              <h2>
                <a class="utrecht-link" href={hit.url}>
                  {hit.title}
                </a>
              </h2>
              <p>
                {(hit.kind === 'source' ? sourceSnippet(hit, extra.sources.get(hit.ref)) : hit.snippet).map((part, i) =>
                  i % 2 === 1 ? <mark>{part}</mark> : part,
                )}
              </p>
              {hit.kind === 'source' ? <SourceMeta info={extra.sources.get(hit.ref)} site={siteOf(hit.url)} /> : null}
              {hit.missing?.length ? <p class="hw-result-meta">Ontbreekt: {hit.missing.join(', ')}</p> : null}
              {labels.length ? (
                <ul class="hw-labels" aria-label="Kenmerken">
                  {labels.map((l) => (
                    <li>{l}</li>
                  ))}
                </ul>
              ) : null}
              {org?.phone ? (
                // The number itself, to call from the results ("veilig thuis telefoonnummer"), as the organisation's page gives it.
                <p class="hw-result-meta">
                  Telefoon:{' '}
                  <a class="utrecht-link" href={telHref(org.phone)}>
                    {org.phone}
                  </a>
                </p>
              ) : null}
              {hit.kind === 'training' ? (
                <p class="hw-result-meta">
                  {next
                    ? `Eerstvolgende bijeenkomst: ${formatMoment(next.session.startsAt)}, ${sessionPlace(next.session)}. ${next.status === 'open' ? (next.seatsLeft === 1 ? 'Nog 1 plek vrij.' : `Nog ${next.seatsLeft} plekken vrij.`) : `${STATUS_LABEL[next.status]}.`}`
                    : 'Er is nu geen bijeenkomst gepland.'}
                </p>
              ) : null}
            </li>
          );
        })}
      </ol>
      <Pager page={outcome.page} pages={outcome.pages} href={link} prev="Vorige pagina" next="Volgende pagina" />
    </>
  );
};

searchRoutes.get('/', async (c) => {
  const input = searchQuery.parse({ q: c.req.query('q') ?? '', p: c.req.query('p'), letterlijk: c.req.query('letterlijk') });
  const { database, searchGate, synonyms } = c.get('deps');
  const db = database.db;
  let outcome: Awaited<ReturnType<typeof search>>;
  try {
    outcome = await searchGate.run(() => search(db, input, synonyms));
  } catch (err) {
    if (!(err instanceof BusyError)) throw err;
    c.header('Retry-After', '2');
    c.header('Cache-Control', 'no-store');
    return page(
      c,
      { title: 'Zoeken is even druk', status: 503, canonicalPath: '/zoeken', crumbs: [{ href: '/zoeken', label: 'Zoeken' }] },
      <>
        <h1 class="utrecht-heading-1">Zoeken is even druk</h1>
        <p class="utrecht-paragraph">Er wordt nu veel gezocht. Probeer het over een paar seconden opnieuw; je zoekvraag staat nog in het veld.</p>
        <SearchForm q={input.q} invalid={false} />
      </>,
    );
  }
  // The themes are only suggested when there is nothing to show: one query less for every hit list.
  const themes = outcome.state === 'results' ? (outcome.total === 0 ? await listThemes(db) : []) : outcome.state === 'too-long' ? [] : await listThemes(db);
  // What the results are for (the correction, if shown instead), and which page of them.
  const title =
    input.q && outcome.state === 'results'
      ? `Zoeken: ${(outcome.corrected?.to ?? input.q).slice(0, 60)}${outcome.page > 1 ? `, pagina ${outcome.page}` : ''}`
      : 'Zoeken';
  const extra = outcome.state === 'results' ? await hitExtras(db, c.get('deps').contentVersion, outcome.hits, c.get('deps').now()) : NO_EXTRAS;
  // A training hit shows its next session and free seats as they are now: the page is kept by the
  // page cache and nginx for a second at most, as the trainings list's seat counts are (LIST_COUNTS_MS).
  if (outcome.state === 'results' && outcome.hits.some((h) => h.kind === 'training')) c.header('Cache-Control', `public, max-age=${LIST_COUNTS_MS / 1000}`);
  return page(
    c,
    {
      title,
      description: 'Zoek in de thema’s, bronnen en trainingen van Hechtwerk.',
      // Every query and results page is one page to a search engine: the search page itself.
      canonicalPath: '/zoeken',
      crumbs: [{ href: '/zoeken', label: 'Zoeken' }],
    },
    <>
      <h1 class="utrecht-heading-1">Zoeken</h1>
      <SearchForm q={input.q} invalid={outcome.state === 'too-long'} />
      <Results q={input.q} literal={input.letterlijk} outcome={outcome} themes={themes} extra={extra} />
    </>,
  );
});

/**
 * The organisations' labels and numbers change only with content: read once per content version. A training's
 * next session and free seats are at most a second old (recentNextSessions, for published trainings
 * alone), as the page that shows them is (its max-age).
 */
// Per app (its content version tracker): several apps may run in one process, each on its own database.
const labelsByApp = new WeakMap<ContentVersion, { version: number; value: Promise<Map<string, OrganisationHitInfo>> }>();

const sourcesByApp = new WeakMap<ContentVersion, { version: number; value: Promise<Map<string, SourceInfo>> }>();

/** What `load` reads, once per content version (a failed read is tried again by the next caller). */
async function perVersion<T>(
  cache: WeakMap<ContentVersion, { version: number; value: Promise<T> }>,
  contentVersion: ContentVersion,
  load: () => Promise<T>,
): Promise<T> {
  const version = await contentVersion.current();
  let known = cache.get(contentVersion);
  if (known?.version !== version) {
    const value = load();
    known = { version, value };
    cache.set(contentVersion, known);
    value.catch(() => {
      if (cache.get(contentVersion)?.value === value) cache.delete(contentVersion);
    });
  }
  return known.value;
}

const labelsOf = (db: Queryable, contentVersion: ContentVersion) => perVersion(labelsByApp, contentVersion, () => searchLabels(db));
const sourcesOf = (db: Queryable, contentVersion: ContentVersion) => perVersion(sourcesByApp, contentVersion, () => sourceInfo(db));

async function hitExtras(db: Queryable, contentVersion: ContentVersion, hits: SearchHit[], now: Date): Promise<HitExtras> {
  const refs = (kind: string) => hits.filter((h) => h.kind === kind).map((h) => h.ref);
  const orgs = refs('organisation');
  const trainings = refs('training');
  const sources = refs('source');
  if (!orgs.length && !trainings.length && !sources.length) return NO_EXTRAS;
  const [labels, sessions, sourceMap] = await Promise.all([
    orgs.length ? labelsOf(db, contentVersion) : NO_EXTRAS.organisations,
    trainings.length ? recentNextSessions(db, trainings, now) : NO_EXTRAS.sessions,
    sources.length ? sourcesOf(db, contentVersion) : NO_EXTRAS.sources,
  ]);
  return { organisations: labels, sessions, sources: sourceMap };
}
