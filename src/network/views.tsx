import type { FC } from 'hono/jsx';
import { ORGANISATION_TYPES } from '../db/schema.ts';
import { AcuteRoutes } from '../meldcode/views.tsx';
import { formatDate } from '../themes/views.tsx';
import { ErrorSummary, type FieldErrors } from '../ui/forms.tsx';
import { LinkList } from '../ui/link-list.tsx';
import { displayUrl, type Organisation, shortDescription, TYPE_LABEL, telHref } from './queries.ts';
import { DEMO_MARKER } from './service.ts';

// en-CA formats as YYYY-MM-DD: the calendar day in the Netherlands, for <time datetime>.
const amsterdamDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' });

export const orgPath = (o: Pick<Organisation, 'slug'>) => `/netwerk/${o.slug}`;

const DemoMarker: FC = () => <p class="hw-demo">{DEMO_MARKER}</p>;

interface Option {
  value: string;
  label: string;
}

const FilterSelect: FC<{ name: string; label: string; all: string; options: Option[]; value: string; error?: string }> = ({
  name,
  label,
  all,
  options,
  value,
  error,
}) => (
  <div class={`utrecht-form-field${error ? ' utrecht-form-field--invalid' : ''}`}>
    <label class="utrecht-form-label" for={name}>
      {label}
    </label>
    {error ? (
      <p class="hw-field-error" id={`${name}-error`}>
        {error}
      </p>
    ) : null}
    <select class="hw-select" id={name} name={name} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${name}-error` : undefined}>
      <option value="" selected={!value}>
        {all}
      </option>
      {options.map((o) => (
        <option value={o.value} selected={o.value === value}>
          {o.label}
        </option>
      ))}
    </select>
  </div>
);

export interface NetworkListProps {
  organisations: Organisation[];
  municipalities: string[];
  themes: { slug: string; title: string }[];
  selected: { type: string; gemeente: string; thema: string };
  errors: FieldErrors;
  /** Whether any published organisation is fictional demo data. */
  hasDemo: boolean;
}

function resultSentence(n: number, selected: NetworkListProps['selected'], themes: NetworkListProps['themes']): string {
  const parts: string[] = [];
  if (selected.type) parts.push(`van het type ${TYPE_LABEL[selected.type as keyof typeof TYPE_LABEL] ?? selected.type}`);
  if (selected.gemeente) parts.push(`in ${selected.gemeente}`);
  if (selected.thema) parts.push(`bij het thema ${themes.find((t) => t.slug === selected.thema)?.title ?? selected.thema}`);
  const which = parts.length ? ` ${parts.join(', ')}` : '';
  if (n === 0) return `Geen organisaties gevonden${which}. Kies minder of andere filters.`;
  if (!parts.length) return `${n === 1 ? '1 organisatie' : `${n} organisaties`} in het netwerk.`;
  return `${n === 1 ? '1 organisatie' : `${n} organisaties`} gevonden${which}.`;
}

export const NetworkList: FC<NetworkListProps> = ({ organisations, municipalities, themes, selected, errors, hasDemo }) => (
  <>
    <h1 class="utrecht-heading-1">Netwerk</h1>
    <p class="hw-lead">
      Partnerorganisaties in de regio en wat zij doen voor gezinnen. Zoek met wie je kunt overleggen of samenwerken als je je zorgen maakt over een kind.
    </p>
    <p>
      <a class="utrecht-link" href="#direct-hulp">
        Direct hulp of advies nodig? Naar de telefoonnummers
      </a>
    </p>
    {hasDemo ? (
      <div class="hw-notice">
        <p>
          <strong>Let op: dit zijn grotendeels demo-gegevens.</strong> De organisaties met het label “{DEMO_MARKER}” bestaan niet; hun telefoonnummers en
          adressen zijn verzonnen. Alleen Veilig Thuis is echt.
        </p>
      </div>
    ) : null}
    <ErrorSummary errors={errors} />
    <form class="hw-filter" method="get" action="/netwerk" aria-label="Organisaties filteren">
      {(
        [
          ['type', 'Type organisatie', 'Alle types', ORGANISATION_TYPES.map((t) => ({ value: t, label: TYPE_LABEL[t] }))],
          ['gemeente', 'Gemeente', 'Alle gemeenten', municipalities.map((m) => ({ value: m, label: m }))],
          ['thema', 'Thema', 'Alle thema’s', themes.map((t) => ({ value: t.slug, label: t.title }))],
        ] as const
      ).map(([name, label, all, options]) => (
        <FilterSelect name={name} label={label} all={all} options={options} value={selected[name]} error={errors[name]} />
      ))}
      <div class="hw-filter__actions">
        <button class="utrecht-button utrecht-button--primary-action" type="submit">
          Filter toepassen
        </button>
        <a class="utrecht-link" href="/netwerk">
          Wis filters
        </a>
      </div>
    </form>
    <p role="status">{resultSentence(organisations.length, selected, themes)}</p>
    {organisations.length ? (
      <ul class="hw-grid hw-orgs">
        {organisations.map((o) => (
          <li class="hw-card hw-org">
            <h2>
              <a class="utrecht-link" href={orgPath(o)}>
                {o.name}
              </a>
            </h2>
            <p class="hw-kind">{TYPE_LABEL[o.type]}</p>
            {o.demo ? <DemoMarker /> : null}
            <p>{shortDescription(o.description)}</p>
            <p class="hw-muted">Werkgebied: {o.municipalities.join(', ')}</p>
          </li>
        ))}
      </ul>
    ) : (
      <p>
        <a class="utrecht-link" href="/netwerk">
          Toon alle organisaties
        </a>
      </p>
    )}
    <AcuteRoutes />
  </>
);

const paragraphs = (text: string) =>
  text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);

export const OrganisationPage: FC<{ org: Organisation; themes: { slug: string; title: string }[] }> = ({ org, themes }) => {
  const linked = themes.filter((t) => org.themes.includes(t.slug));
  const updated = amsterdamDay.format(org.updatedAt);
  return (
    <article>
      <h1 class="utrecht-heading-1">{org.name}</h1>
      <p class="hw-kind">{TYPE_LABEL[org.type]}</p>
      {org.demo ? <DemoMarker /> : null}
      <h2 class="utrecht-heading-2">Wat zij doen voor gezinnen</h2>
      {paragraphs(org.description).map((p) => (
        <p>{p}</p>
      ))}
      <h2 class="utrecht-heading-2">Contact</h2>
      <dl class="hw-meta">
        {org.phone ? (
          <>
            <dt>Telefoon</dt>
            <dd>
              <a class="utrecht-link" href={telHref(org.phone)}>
                {org.phone}
              </a>
            </dd>
          </>
        ) : null}
        {org.email ? (
          <>
            <dt>E-mail</dt>
            <dd>
              <a class="utrecht-link" href={`mailto:${org.email}`}>
                {org.email}
              </a>
            </dd>
          </>
        ) : null}
        {org.website ? (
          <>
            <dt>Website</dt>
            <dd>
              <a class="utrecht-link" href={org.website}>
                {displayUrl(org.website)}
              </a>
            </dd>
          </>
        ) : null}
        {org.address ? (
          <>
            <dt>Adres</dt>
            <dd>{org.address}</dd>
          </>
        ) : null}
      </dl>
      <h2 class="utrecht-heading-2">Werkgebied</h2>
      <ul class="hw-tags">
        {org.municipalities.map((m) => (
          <li>
            <a class="utrecht-link" href={`/netwerk?${new URLSearchParams({ gemeente: m })}`}>
              {m}
              <span class="hw-visually-hidden">: alle organisaties in deze gemeente</span>
            </a>
          </li>
        ))}
      </ul>
      {linked.length ? (
        <>
          <h2 class="utrecht-heading-2">Thema’s</h2>
          <LinkList class="hw-tags" links={linked.map((t) => ({ href: `/themas/${t.slug}`, label: t.title }))} />
        </>
      ) : null}
      <p class="hw-muted">
        Laatst bijgewerkt op <time datetime={updated}>{formatDate(updated)}</time>
      </p>
      <p>
        <a class="utrecht-link" href={`/netwerk?${new URLSearchParams({ type: org.type })}`}>
          Meer organisaties van het type {TYPE_LABEL[org.type]}
        </a>
      </p>
    </article>
  );
};
