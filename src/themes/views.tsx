import { raw } from 'hono/html';
import type { FC } from 'hono/jsx';
import { veiligThuisCount } from '../ui/layout.tsx';
import { jsonLdScript, themeArticle } from '../ui/structured-data.ts';
import { VeiligThuis } from '../ui/veilig-thuis.tsx';
import type { ThemeDetail, ThemeSummary } from './queries.ts';

const dateFormat = new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Amsterdam' });
export const formatDate = (iso: string) => dateFormat.format(new Date(`${iso}T12:00:00Z`));

export const ThemeCards: FC<{ themes: ThemeSummary[]; headingLevel?: 2 | 3 }> = ({ themes, headingLevel = 2 }) => (
  <ul class="hw-grid">
    {themes.map((t) => (
      <li class="hw-card">
        {headingLevel === 2 ? (
          <h2>
            <a class="utrecht-link" href={`/themas/${t.slug}`}>
              {t.title}
            </a>
          </h2>
        ) : (
          <h3>
            <a class="utrecht-link" href={`/themas/${t.slug}`}>
              {t.title}
            </a>
          </h3>
        )}
        <p>{t.summary}</p>
      </li>
    ))}
  </ul>
);

export const ThemeList: FC<{ themes: ThemeSummary[] }> = ({ themes }) => (
  <>
    <h1 class="utrecht-heading-1">Thema’s</h1>
    <p class="hw-lead">Achtergrond voor professionals die zich zorgen maken over een jong kind: wat weten we, wat zie je, en wat kun je doen?</p>
    <ThemeCards themes={themes} />
  </>
);

/** A theme whose own text already gives the Veilig Thuis number needs no notice that repeats it. */
const namesVeiligThuis = (theme: ThemeDetail) => veiligThuisCount([theme.html, ...theme.keyFacts, ...theme.sources.map((s) => s.description)].join('\n')) > 0;

/** baseUrl (BASE_URL) makes the URLs in the page's schema.org data absolute. */
export const ThemePage: FC<{ theme: ThemeDetail; baseUrl: string }> = ({ theme, baseUrl }) => (
  <article>
    {jsonLdScript(themeArticle(baseUrl, theme))}
    <h1 class="utrecht-heading-1">{theme.title}</h1>
    <p class="hw-lead">{theme.summary}</p>
    <p class="hw-muted">
      Laatst inhoudelijk gecontroleerd op <time datetime={theme.reviewed}>{formatDate(theme.reviewed)}</time>
    </p>
    <div class="hw-layout">
      <aside class="hw-layout__aside">
        {theme.toc.length ? (
          <nav class="hw-toc" aria-labelledby="toc-heading">
            <h2 id="toc-heading">Op deze pagina</h2>
            <ol>
              {theme.toc.map((h) => (
                <li>
                  <a class="utrecht-link" href={`#${h.id}`}>
                    {h.text}
                  </a>
                </li>
              ))}
              {theme.sources.length ? (
                <li>
                  <a class="utrecht-link" href="#bronnen">
                    Bronnen
                  </a>
                </li>
              ) : null}
            </ol>
          </nav>
        ) : null}
      </aside>
      <div class="hw-prose">
        {theme.keyFacts.length ? (
          <section class="hw-facts" aria-labelledby="kernfeiten">
            <h2 id="kernfeiten">Kernfeiten</h2>
            <ul>
              {theme.keyFacts.map((f) => (
                <li>{f}</li>
              ))}
            </ul>
          </section>
        ) : null}
        {/* Markdown rendered with raw HTML disabled (see content/markdown.ts): safe to insert. */}
        {raw(theme.html)}
        {namesVeiligThuis(theme) ? null : <VeiligThuis />}
        {theme.training ? (
          <section class="hw-cta" aria-labelledby="training-cta">
            <h2 id="training-cta">Training: {theme.training.title}</h2>
            <p>{theme.training.text}</p>
            <p>
              <a href={theme.training.href}>Bekijk de training “{theme.training.title}” en meld je aan</a>
            </p>
          </section>
        ) : null}
        {theme.sources.length ? (
          <section aria-labelledby="bronnen">
            <h2 id="bronnen">Bronnen</h2>
            <ul class="hw-sources">
              {theme.sources.map((s) => (
                <li>
                  <a class="utrecht-link" href={s.url}>
                    {s.title}
                  </a>{' '}
                  <span class="hw-muted">({s.organisation})</span>
                  {s.description ? <br /> : null}
                  {s.description}
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        {theme.related.length ? (
          <section aria-labelledby="verwant">
            <h2 id="verwant">Verwante thema’s</h2>
            <ThemeCards themes={theme.related} headingLevel={3} />
          </section>
        ) : null}
      </div>
    </div>
  </article>
);
