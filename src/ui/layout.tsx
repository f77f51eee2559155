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

/** The Atom feed of theme updates, announced in every page's head. */
export const FEED = { href: '/feed.xml', title: `${SITE_NAME}: thema’s` } as const;

const isCurrent = (path: string, href: string) => path === href || path.startsWith(`${href}/`);

export const Layout: FC<LayoutProps> = (props) => {
  const crumbs = props.crumbs ?? [];
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
              {SITE_NAME}
              <small>Samen tegen kindermishandeling in de regio</small>
            </a>
            <p class="hw-header__help">
              Zorgen om een kind? Veilig Thuis: <a href="tel:08002000">0800-2000</a>
            </p>
          </div>
          <nav class="hw-nav" aria-label="Hoofdmenu">
            <ul class="hw-wrap">
              {NAV.map((item) => (
                <li>
                  <a href={item.href} aria-current={isCurrent(props.path, item.href) ? 'page' : undefined}>
                    {item.label}
                  </a>
                </li>
              ))}
            </ul>
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
          {props.children}
        </main>
        <footer class="hw-footer">
          <div class="hw-wrap hw-footer__grid">
            <section aria-labelledby="footer-vt">
              <h2 id="footer-vt">Veilig Thuis</h2>
              <p>
                Advies of een melding over huiselijk geweld of kindermishandeling:
                <br />
                <a class="hw-phone" href="tel:08002000">
                  0800-2000
                </a>
                <br />
                gratis, dag en nacht bereikbaar. Bij direct gevaar: <a href="tel:112">112</a>.
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
