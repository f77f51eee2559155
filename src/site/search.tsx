import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import type { AppEnv } from '../context.ts';
import { BusyError } from '../search/gate.ts';
import { MAX_QUERY, type SearchOutcome, search, searchQuery } from '../search/service.ts';
import { listThemes, type ThemeSummary } from '../themes/queries.ts';
import { Pager } from '../ui/kit.tsx';
import { LinkList } from '../ui/link-list.tsx';
import { page } from '../ui/render.tsx';

export const searchRoutes = new Hono<AppEnv>();

const KIND_LABEL: Record<string, string> = { theme: 'Thema', source: 'Bron', training: 'Training', organisation: 'Organisatie' };

const SearchForm: FC<{ q: string; invalid?: boolean }> = ({ q, invalid }) => (
  <form class="hw-search" method="get" action="/zoeken">
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
);

const Suggestions: FC<{ themes: ThemeSummary[] }> = ({ themes }) => (
  <>
    <h2 class="utrecht-heading-2">Tips</h2>
    <ul>
      <li>Controleer de spelling, of gebruik een ander woord (bijvoorbeeld “scheiding” in plaats van “echtscheiding”).</li>
      <li>Gebruik minder woorden.</li>
      <li>Zoek op een hele zin met aanhalingstekens, of sluit een woord uit met een minteken: hechting -onveilig.</li>
    </ul>
    <h2 class="utrecht-heading-2">Of begin bij een thema</h2>
    <LinkList links={themes.map((t) => ({ href: `/themas/${t.slug}`, label: t.title }))} />
  </>
);

const Results: FC<{ q: string; outcome: SearchOutcome; themes: ThemeSummary[] }> = ({ q, outcome, themes }) => {
  if (outcome.state === 'empty') {
    return (
      <>
        <p>Typ een of meer woorden en kies Zoeken.</p>
        <Suggestions themes={themes} />
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
        <p role="status">Geen resultaten voor “{q}”.</p>
        <Suggestions themes={themes} />
      </>
    );
  }
  const link = (p: number) => `/zoeken?${new URLSearchParams({ q, p: String(p) })}`;
  return (
    <>
      <p role="status">
        {outcome.more ? `Meer dan ${outcome.total} resultaten` : outcome.total === 1 ? '1 resultaat' : `${outcome.total} resultaten`} voor “{q}”
        {outcome.pages > 1 ? `, pagina ${outcome.page} van ${outcome.pages}` : ''}.
        {outcome.more ? ` We tonen er ${outcome.total}. Voeg een woord toe om gerichter te zoeken.` : ''}
      </p>
      <ol class="hw-results">
        {outcome.hits.map((hit) => (
          <li>
            <span class="hw-kind">{KIND_LABEL[hit.kind] ?? hit.kind}</span>
            <h2>
              <a class="utrecht-link" href={hit.url}>
                {hit.title}
              </a>
            </h2>
            <p>{hit.snippet.map((part, i) => (i % 2 === 1 ? <mark>{part}</mark> : part))}</p>
          </li>
        ))}
      </ol>
      <Pager page={outcome.page} pages={outcome.pages} href={link} prev="Vorige pagina" next="Volgende pagina" />
    </>
  );
};

searchRoutes.get('/', async (c) => {
  const input = searchQuery.parse({ q: c.req.query('q') ?? '', p: c.req.query('p') });
  const { database, searchGate } = c.get('deps');
  const db = database.db;
  let outcome: Awaited<ReturnType<typeof search>>;
  try {
    outcome = await searchGate.run(() => search(db, input));
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
  const themes = outcome.state === 'empty' || (outcome.state === 'results' && outcome.total === 0) ? await listThemes(db) : [];
  const title = input.q && outcome.state === 'results' ? `Zoeken: ${input.q.slice(0, 60)}` : 'Zoeken';
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
      <Results q={input.q} outcome={outcome} themes={themes} />
    </>,
  );
});
