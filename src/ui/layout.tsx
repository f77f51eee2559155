import { html, raw } from 'hono/html';
import type { Child, FC } from 'hono/jsx';

export interface Crumb {
  href: string;
  label: string;
}

export interface LayoutProps {
  title: string;
  description?: string;
  /** Path of the current page, to mark the active navigation item. */
  path: string;
  /** The section a page belongs to when its path does not say so (/aanmelden: /trainingen), for the navigation. */
  section?: string;
  cssHref: string;
  crumbs?: Crumb[];
  children?: Child;
  /** Extra navigation for a logged-in editor; carries the CSRF token for the logout form. */
  admin?: { csrf: string; isAdmin: boolean; name: string };
  scripts?: string[];
  /** Absolute URL of the page for search engines and link previews (canonical and og:url); page() fills it in. */
  canonical?: string;
  /** Open Graph type: 'article' for a theme, 'website' (the default) for everything else. */
  ogType?: 'website' | 'article';
  /** The region's name beside the wordmark (SITE_REGION) and an optional logo (SITE_LOGO); page() fills them in. */
  site?: { region: string; logo?: string };
}

export const NAV: Crumb[] = [
  { href: '/themas', label: 'Thema’s' },
  { href: '/signalenlijst', label: 'Signalenlijst' },
  { href: '/meldcode', label: 'Meldcode' },
  { href: '/trainingen', label: 'Trainingen' },
  { href: '/netwerk', label: 'Netwerk' },
  { href: '/zoeken', label: 'Zoeken' },
];

/** The editors' menu; `adminOnly` items are for the beheerder role (the routes check it too). */
const ADMIN_NAV: { href: string; label: string; adminOnly?: boolean; also?: string }[] = [
  { href: '/beheer', label: 'Beheer' },
  { href: '/beheer/themas', label: 'Thema’s beheren' },
  { href: '/beheer/bronnen', label: 'Bronnen' },
  { href: '/beheer/trainingen', label: 'Trainingen beheren' },
  { href: '/beheer/netwerk', label: 'Netwerk beheren' },
  { href: '/beheer/export', label: 'Export en import', also: '/beheer/import' },
  { href: '/beheer/mail', label: 'Mail' },
  { href: '/beheer/audit', label: 'Logboek', adminOnly: true },
  { href: '/beheer/gebruikers', label: 'Gebruikers', adminOnly: true },
];

export const SITE_NAME = 'Hechtwerk';

/** Veilig Thuis, the national advice and reporting line, as the site shows and dials it. */
export const VEILIG_THUIS = { display: '0800-2000', tel: 'tel:08002000' } as const;

/** How often a rendered piece of HTML shows the Veilig Thuis number. */
export const veiligThuisCount = (html: string) => html.split(VEILIG_THUIS.display).length - 1;

/** The Atom feed of theme updates, announced in every page's head. */
export const FEED = { href: '/feed.xml', title: `${SITE_NAME}: thema’s` } as const;

const isCurrent = (path: string, href: string) => path === href || path.startsWith(`${href}/`);

/**
 * The page shell. The number of Veilig Thuis is shown at most twice on a page: the header shows it
 * unless the page's own content already shows it twice (a notice and a contact card, say); the
 * footer shows it only on a page whose content does not. So the content is rendered first.
 */
export const Layout: FC<LayoutProps> = async (props) => {
  const crumbs = props.crumbs ?? [];
  const content = String(await html`${props.children}`);
  const inContent = veiligThuisCount(content);
  return (
    <html lang="nl">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title === SITE_NAME ? SITE_NAME : `${props.title} | ${SITE_NAME}`}</title>
        {props.description ? <meta name="description" content={props.description} /> : null}
        {props.canonical ? <link rel="canonical" href={props.canonical} /> : null}
        <meta property="og:type" content={props.ogType ?? 'website'} />
        <meta property="og:site_name" content={SITE_NAME} />
        <meta property="og:locale" content="nl_NL" />
        <meta property="og:title" content={props.title} />
        {props.description ? <meta property="og:description" content={props.description} /> : null}
        {props.canonical ? <meta property="og:url" content={props.canonical} /> : null}
        <link rel="alternate" type="application/atom+xml" title={FEED.title} href={FEED.href} />
        <link rel="stylesheet" href={props.cssHref} />
        <link rel="icon" href="data:," />
        {(props.scripts ?? []).map((src) => (
          <script type="module" src={src} />
        ))}
      </head>
      <body class="utrecht-theme hechtwerk-theme utrecht-document">
        <a class="utrecht-skip-link utrecht-skip-link--visible-on-focus" href="#inhoud">
          Naar de inhoud
        </a>
        <header class="hw-header">
          <div class="hw-wrap hw-header__bar">
            <a class="hw-logo" href="/">
              {props.site?.logo ? <img class="hw-logo__image" src={props.site.logo} alt="" height="40" /> : null}
              <span class="hw-logo__text">
                <span class="hw-logo__name">{SITE_NAME}</span>{' '}
                {props.site?.region ? (
                  <span class="hw-logo__region">
                    {props.site.region}
                    <span class="hw-wide">: samen tegen kindermishandeling</span>
                  </span>
                ) : null}
              </span>
            </a>
            {/* On a phone it reads "Zorgen? 0800-2000"; the words hidden there are still read out. */}
            <a class="hw-help" href={VEILIG_THUIS.tel}>
              Zorgen<span class="hw-wide"> om een kind</span>?{' '}
              {inContent <= 1 ? (
                <>
                  <span class="hw-wide">Veilig Thuis: </span>
                  <span class="hw-help__number">{VEILIG_THUIS.display}</span>
                </>
              ) : (
                'Bel Veilig Thuis'
              )}
            </a>
          </div>
          <nav class="hw-nav" aria-label="Hoofdmenu">
            {/* One row on a phone: the menu opens under its button without any script. From 48rem the list is always shown (app.css). */}
            <details class="hw-menu hw-wrap">
              <summary class="hw-menu__button">Menu</summary>
              <ul class="hw-menu__list">
                {NAV.map((item) => (
                  <li>
                    <a href={item.href} aria-current={isCurrent(props.section ?? props.path, item.href) ? 'page' : undefined}>
                      {item.label}
                    </a>
                  </li>
                ))}
              </ul>
            </details>
          </nav>
          {props.admin ? (
            <nav class="hw-nav hw-nav--admin" aria-label="Beheer">
              <ul class="hw-wrap">
                {ADMIN_NAV.filter((item) => !item.adminOnly || props.admin?.isAdmin).map((item) => (
                  <li>
                    <a
                      href={item.href}
                      aria-current={
                        (
                          item.href === '/beheer'
                            ? props.path === '/beheer'
                            : isCurrent(props.path, item.href) || (item.also && isCurrent(props.path, item.also))
                        )
                          ? 'page'
                          : undefined
                      }
                    >
                      {item.label}
                    </a>
                  </li>
                ))}
                <li>
                  <form method="post" action="/beheer/uitloggen" class="hw-inline-form">
                    <input type="hidden" name="_csrf" value={props.admin.csrf} />
                    <button type="submit" class="hw-nav__button">
                      Uitloggen ({props.admin.name})
                    </button>
                  </form>
                </li>
              </ul>
            </nav>
          ) : null}
        </header>
        <main id="inhoud" tabindex={-1} class="hw-wrap">
          {crumbs.length ? (
            <nav class="utrecht-breadcrumb-nav" aria-label="Kruimelpad">
              <ol class="utrecht-breadcrumb-nav__list">
                <li class="utrecht-breadcrumb-nav__item">
                  <a class="utrecht-breadcrumb-nav__link utrecht-link" href="/">
                    Home
                  </a>
                </li>
                {crumbs.map((c, i) => (
                  <li class="utrecht-breadcrumb-nav__item">
                    {i === crumbs.length - 1 ? (
                      <span aria-current="page">{c.label}</span>
                    ) : (
                      <a class="utrecht-breadcrumb-nav__link utrecht-link" href={c.href}>
                        {c.label}
                      </a>
                    )}
                  </li>
                ))}
              </ol>
            </nav>
          ) : null}
          {raw(content)}
        </main>
        <footer class="hw-footer">
          <div class="hw-wrap hw-footer__grid">
            <section aria-labelledby="footer-vt" id="direct-hulp">
              <h2 id="footer-vt">Direct hulp</h2>
              <p>Veilig Thuis geeft advies en neemt meldingen aan over huiselijk geweld en kindermishandeling, gratis en dag en nacht.</p>
              <p>
                {inContent === 0 ? (
                  <a class="hw-phone" href={VEILIG_THUIS.tel}>
                    {VEILIG_THUIS.display}
                  </a>
                ) : (
                  <a href={VEILIG_THUIS.tel}>Bel Veilig Thuis</a>
                )}
                <br />
                Bij direct gevaar: <a href="tel:112">112</a>.
              </p>
            </section>
            <section aria-labelledby="footer-site">
              <h2 id="footer-site">Over deze site</h2>
              <ul>
                <li>
                  <a href="/over">Over Hechtwerk</a>
                </li>
                <li>
                  <a href="/privacy">Privacyverklaring</a>
                </li>
                <li>
                  <a href="/toegankelijkheid">Toegankelijkheidsverklaring</a>
                </li>
                <li>
                  <a href="/beheer">Inloggen voor redacteuren</a>
                </li>
              </ul>
            </section>
          </div>
        </footer>
      </body>
    </html>
  );
};
