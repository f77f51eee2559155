import type { FC } from 'hono/jsx';
import type { ThemeSummary } from '../themes/queries.ts';
import { ThemeCards } from '../themes/views.tsx';
import { VeiligThuis } from '../ui/veilig-thuis.tsx';

const QUICK_LINKS = [
  {
    href: '/signalenlijst',
    title: 'Signalenlijst gehechtheidsgedrag',
    text: 'Leg per gebied vast wat je ziet. Er wordt niets over het kind op de server bewaard.',
  },
  { href: '/meldcode', title: 'Meldcode stap voor stap', text: 'Van zorg naar een besluit: de vijf stappen en het afwegingskader.' },
  { href: '/trainingen', title: 'Trainingen', text: 'Leer signalen herkennen en bespreken, samen met collega’s uit de regio.' },
  { href: '/netwerk', title: 'Netwerk in de regio', text: 'Vind de organisaties waarmee je kunt overleggen of samenwerken.' },
];

export const Home: FC<{ themes: ThemeSummary[] }> = ({ themes }) => (
  <>
    <h1 class="utrecht-heading-1">Samen zorgen dat jonge kinderen veilig opgroeien</h1>
    <p class="hw-lead">
      Hechtwerk helpt professionals in de regio die zich zorgen maken over een jong kind. Lees wat hechting is, observeer gedrag gestructureerd, volg de stappen
      van de Meldcode en vind de juiste partner om mee te overleggen.
    </p>
    <VeiligThuis />
    <h2 class="utrecht-heading-2">Direct aan de slag</h2>
    <ul class="hw-grid">
      {QUICK_LINKS.map((q) => (
        <li class="hw-card">
          <h3>
            <a class="utrecht-link" href={q.href}>
              {q.title}
            </a>
          </h3>
          <p>{q.text}</p>
        </li>
      ))}
    </ul>
    <h2 class="utrecht-heading-2">Thema’s</h2>
    <ThemeCards themes={themes} headingLevel={3} />
  </>
);

export const NotFound: FC = () => (
  <>
    <h1 class="utrecht-heading-1">Pagina niet gevonden</h1>
    <p>Deze pagina bestaat niet (meer). Misschien is het adres verkeerd getypt of is de pagina verplaatst.</p>
    <ul>
      <li>
        <a class="utrecht-link" href="/">
          Naar de startpagina
        </a>
      </li>
      <li>
        <a class="utrecht-link" href="/zoeken">
          Zoeken op de site
        </a>
      </li>
      <li>
        <a class="utrecht-link" href="/themas">
          Alle thema’s
        </a>
      </li>
    </ul>
    <VeiligThuis short />
  </>
);

export const ServerError: FC<{ reqId: string; unavailable?: boolean }> = ({ reqId, unavailable }) => (
  <>
    <h1 class="utrecht-heading-1">{unavailable ? 'De site is even niet bereikbaar' : 'Er ging iets mis aan onze kant'}</h1>
    <p>
      {unavailable
        ? 'We kunnen de gegevens op dit moment niet ophalen. Probeer het over een minuut opnieuw.'
        : 'Dit ligt niet aan jou. Probeer het later opnieuw.'}{' '}
      Blijft het misgaan? Noem dan deze referentie: <strong>{reqId}</strong>.
    </p>
    <VeiligThuis short />
  </>
);

export const ComingSoon: FC<{ title: string; intro: string }> = ({ title, intro }) => (
  <>
    <h1 class="utrecht-heading-1">{title}</h1>
    <p class="hw-lead">{intro}</p>
    <p>
      Dit onderdeel van Hechtwerk wordt nu gebouwd en is nog niet beschikbaar. Lees intussen de{' '}
      <a class="utrecht-link" href="/themas">
        thema’s
      </a>{' '}
      of{' '}
      <a class="utrecht-link" href="/zoeken">
        zoek op de site
      </a>
      .
    </p>
    <VeiligThuis />
  </>
);
