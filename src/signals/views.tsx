import type { FC } from 'hono/jsx';
import { formatDate } from '../themes/views.tsx';
import { ErrorSummary } from '../ui/forms.tsx';
import { VeiligThuis } from '../ui/veilig-thuis.tsx';
import type { Definition } from './definition.ts';
import {
  type Answers,
  clientSchema,
  type DomainResult,
  domainName,
  type FieldErrors,
  fieldName,
  MAX_LABEL,
  MAX_NOTE,
  type Result,
  SAFETY_FIELD,
} from './service.ts';

const Version: FC<{ def: Definition }> = ({ def }) => <p class="hw-muted hw-version">Versie {def.version} van de signalenlijst</p>;

const NUMBER_WORDS = ['nul', 'één', 'twee', 'drie', 'vier', 'vijf', 'zes', 'zeven', 'acht', 'negen', 'tien', 'elf', 'twaalf'];
const inWords = (n: number) => NUMBER_WORDS[n] ?? String(n);
const plural = (n: number, one: string, more: string) => `${n} ${n === 1 ? one : more}`;

/** Our own adaptation, not the LSVG: on the form, the overview, the blank list and the printed comparison. */
export const Basis: FC<{ def: Definition; id: string }> = ({ def, id }) => (
  <aside class="hw-basis" aria-labelledby={id}>
    <h2 id={id} class="utrecht-heading-3">
      Over deze lijst
    </h2>
    <p>{def.basis}</p>
    <p>{def.lsvg}</p>
  </aside>
);

/** The thresholds of the overview, written out from the definition so page and rules cannot drift apart. */
/** The warning on the result and on the blank list: an observation, not a diagnosis, and what it rests on. */
const NotADiagnosis: FC<{ def: Definition; id: string }> = ({ def, id }) => (
  <aside class="hw-notice" aria-labelledby={id}>
    <h2 id={id} class="utrecht-heading-3">
      Let op: dit is geen diagnose
    </h2>
    {def.result.disclaimer.map((p) => (
      <p>{p}</p>
    ))}
    <p>{def.basis}</p>
    <p>{def.lsvg}</p>
  </aside>
);

export const RuleOfThumb: FC<{ def: Definition }> = ({ def }) => {
  const { discuss, direction } = def.rules;
  const orAnswer = def.scale.find((s) => s.value === discuss.orAnswer)?.label.toLowerCase() ?? discuss.orAnswer;
  return (
    <div class="hw-rule" data-rule-of-thumb>
      <h3 class="utrecht-heading-3">Vuistregels voor dit overzicht</h3>
      <ul>
        <li>
          Zie je signalen op {inWords(discuss.minDomains)} of meer gebieden, of zie je een signaal {orAnswer}? Bespreek het dan met een collega of de
          aandachtsfunctionaris, en overleg met de JGZ.
        </li>
        <li>
          Dat signalen dezelfde kant op wijzen, staat er pas als ten minste {inWords(direction.minSignals)} signalen op ten minste{' '}
          {inWords(direction.minDomains)} gebieden dat doen. {def.directions.excluded}
        </li>
        <li>Veilig Thuis en de Meldcode noemen we als je twijfelt of het kind veilig is.</li>
      </ul>
    </div>
  );
};

export const SignalsForm: FC<{ def: Definition; answers: Answers; errors?: FieldErrors; today: string; filled?: boolean }> = ({
  def,
  answers,
  errors = {},
  today,
  filled,
}) => {
  const labels: Record<string, string> = { datum: 'Datum', label: 'Kind', [SAFETY_FIELD]: 'Veiligheid' };
  const firstRadio: Record<string, string> = { [SAFETY_FIELD]: `${SAFETY_FIELD}-${def.safety.options[0]?.value}` };
  for (const d of def.domains) {
    labels[fieldName.note(d)] = `Aantekening bij ${domainName(d)}`;
    labels[fieldName.contexts(d)] = `Situaties bij ${domainName(d)}`;
    for (const s of d.signals) firstRadio[fieldName.signal(s)] = `${fieldName.signal(s)}-${def.scale[0]?.value}`;
  }
  // Error summary links must point at a focusable element: for a radio group, its first radio.
  const summaryErrors = Object.fromEntries(Object.entries(errors).map(([k, v]) => [firstRadio[k] ?? k, v]));
  const safetyError = errors[SAFETY_FIELD];
  return (
    <>
      <div id="hw-form-view">
        <h1 class="utrecht-heading-1" id="hw-form-title" tabindex={-1}>
          {def.title}
        </h1>
        {def.intro.map((p, i) => (
          <p class={i === 0 ? 'hw-lead' : undefined}>{p}</p>
        ))}
        <p>{def.age.text}</p>
        <Basis def={def} id="over-de-lijst" />
        <Version def={def} />
        <p>
          Liever op papier observeren?{' '}
          <a class="utrecht-link" href="/signalenlijst/blanco">
            Open de lege lijst om af te drukken
          </a>
          .
        </p>
        <section class="hw-tools" id="hw-tools" aria-labelledby="hw-tools-title" hidden>
          <h2 class="utrecht-heading-2 hw-tools__title" id="hw-tools-title">
            Observaties op dit apparaat
          </h2>
          <p id="hw-storage-note">
            Je antwoorden worden bewaard in deze browser, op dit apparaat, en gaan nooit naar de server. Ze blijven staan tot je ze wist: met de knop “Wis alle
            gegevens” hieronder, of door de websitegegevens van deze site in je browser te wissen. Ze verlopen niet vanzelf.
          </p>
          <div class="hw-choice-row">
            <label class="hw-choice" for="hw-ephemeral">
              <input type="checkbox" id="hw-ephemeral" aria-describedby="hw-ephemeral-hint" />
              Niets bewaren op dit apparaat
            </label>
            <p class="hw-muted" id="hw-ephemeral-hint">
              Voor een gedeelde computer. Je antwoorden staan dan alleen in deze geopende pagina. Sluit je de pagina, dan zijn ze weg.
            </p>
          </div>
          <p class="hw-overview" id="hw-overview" aria-live="polite"></p>
          <div class="hw-tools__row">
            <label class="utrecht-form-label" for="hw-moment">
              Observatiemoment
            </label>
            <select id="hw-moment" class="hw-select"></select>
          </div>
          <div class="hw-tools__row">
            <button type="button" class="utrecht-button utrecht-button--secondary-action" data-action="new" aria-expanded="false" aria-controls="hw-new">
              Nieuw observatiemoment
            </button>
            <button type="button" class="utrecht-button utrecht-button--secondary-action" data-action="compare">
              Vergelijk momenten van dit kind
            </button>
            <button type="button" class="utrecht-button utrecht-button--secondary-action" data-action="export">
              Exporteren naar bestand
            </button>
            <label class="utrecht-button utrecht-button--secondary-action hw-file">
              Importeren uit bestand
              <input type="file" accept="application/json,.json" id="hw-import" />
            </label>
            <button type="button" class="utrecht-button utrecht-button--secondary-action hw-danger" data-action="clear">
              Wis alle gegevens
            </button>
          </div>
          <div id="hw-new" class="hw-panel" hidden>
            <fieldset class="hw-signal">
              <legend>Voor welk kind is het nieuwe observatiemoment?</legend>
              <div class="hw-scale">
                <label class="hw-choice" for="hw-new-same">
                  <input type="radio" name="hw-new-child" id="hw-new-same" value="same" />
                  <span id="hw-new-same-label">Hetzelfde kind</span>
                </label>
                <label class="hw-choice" for="hw-new-other">
                  <input type="radio" name="hw-new-child" id="hw-new-other" value="other" />
                  Een ander kind
                </label>
              </div>
            </fieldset>
            <div class="utrecht-form-field" id="hw-new-label-field" hidden>
              <label class="utrecht-form-label" for="hw-new-label">
                Label van het andere kind (initialen of een code, geen naam)
              </label>
              <input class="utrecht-textbox utrecht-textbox--html-input" type="text" id="hw-new-label" maxlength={MAX_LABEL} autocomplete="off" />
            </div>
            <p class="hw-field-error" id="hw-new-error" hidden></p>
            <div class="hw-tools__row">
              <button type="button" class="utrecht-button utrecht-button--primary-action" data-action="new-start">
                Begin het nieuwe moment
              </button>
              <button type="button" class="utrecht-button utrecht-button--secondary-action" data-action="new-cancel">
                Annuleren
              </button>
            </div>
          </div>
          <div id="hw-import-choice" class="hw-panel" tabindex={-1} hidden></div>
          <div id="hw-set-aside" class="hw-panel hw-panel--warning" hidden></div>
          <p id="hw-message" class="hw-message" role="status"></p>
        </section>
        <section id="hw-compare" class="hw-compare" aria-labelledby="hw-compare-title" hidden></section>
        <form
          class="hw-signals"
          method="post"
          action="/signalenlijst/overzicht"
          id="signalenlijst"
          novalidate
          data-version={def.version}
          data-schema={JSON.stringify(clientSchema(def))}
          data-filled={filled ? '1' : undefined}
        >
          <ErrorSummary errors={summaryErrors} labels={labels} />
          <fieldset class="hw-fieldset">
            <legend>
              <h2 class="utrecht-heading-2">Observatie</h2>
            </legend>
            <div class={`utrecht-form-field${errors.datum ? ' utrecht-form-field--invalid' : ''}`}>
              <label class="utrecht-form-label" for="datum">
                Datum van de observatie
              </label>
              {errors.datum ? (
                <p class="hw-field-error" id="datum-error">
                  {errors.datum}
                </p>
              ) : null}
              <input
                class="utrecht-textbox utrecht-textbox--html-input hw-date"
                type="date"
                id="datum"
                name="datum"
                value={answers.date}
                max={today || undefined}
                required
                aria-invalid={errors.datum ? 'true' : undefined}
                aria-describedby={errors.datum ? 'datum-error' : undefined}
              />
            </div>
            <div class={`utrecht-form-field${errors.label ? ' utrecht-form-field--invalid' : ''}`}>
              <label class="utrecht-form-label" for="label">
                Kind: initialen of een eigen code (niet verplicht)
              </label>
              <p class="hw-muted" id="label-hint">
                Gebruik nooit de naam van het kind. Kies initialen of een code die alleen jij kent, zoals “AB” of “groep 2, kind 3”. Met hetzelfde label houd je
                de observaties van één kind bij elkaar. Het label blijft bij jou.
              </p>
              {errors.label ? (
                <p class="hw-field-error" id="label-error">
                  {errors.label}
                </p>
              ) : null}
              <input
                class="utrecht-textbox utrecht-textbox--html-input"
                type="text"
                id="label"
                name="label"
                value={answers.label}
                maxlength={MAX_LABEL}
                autocomplete="off"
                aria-invalid={errors.label ? 'true' : undefined}
                aria-describedby={errors.label ? 'label-hint label-error' : 'label-hint'}
              />
            </div>
          </fieldset>
          <p>
            Kies bij elk signaal wat je zag. Kon je iets niet bekijken, kies dan “{def.scale.find((s) => s.meaning === 'not-observable')?.label}”. Een signaal
            zonder antwoord staat in het overzicht als “niet ingevuld”.
          </p>
          {def.domains.map((d, di) => {
            const contextsName = fieldName.contexts(d);
            const noteName = fieldName.note(d);
            const chosen = answers.contexts[d.id] ?? [];
            return (
              <fieldset class="hw-fieldset hw-domain" id={`domein-${d.id}`} data-domain={d.id}>
                <legend>
                  <h2 class="utrecht-heading-2">
                    {di + 1}. {domainName(d)}
                  </h2>
                </legend>
                <p>{d.observe}</p>
                {d.signals.map((s) => {
                  const name = fieldName.signal(s);
                  const error = errors[name];
                  return (
                    <fieldset class={`hw-signal${error ? ' hw-signal--invalid' : ''}`} aria-describedby={error ? `${name}-error` : undefined}>
                      <legend>
                        {s.text} <span class="hw-direction">({s.direction})</span>
                      </legend>
                      {error ? (
                        <p class="hw-field-error" id={`${name}-error`}>
                          {error}
                        </p>
                      ) : null}
                      <div class="hw-scale">
                        {def.scale.map((option) => (
                          <label class="hw-choice" for={`${name}-${option.value}`}>
                            <input
                              type="radio"
                              id={`${name}-${option.value}`}
                              name={name}
                              value={option.value}
                              checked={answers.signals[s.id] === option.value}
                            />
                            {option.label}
                          </label>
                        ))}
                      </div>
                    </fieldset>
                  );
                })}
                <fieldset class={`hw-signal${errors[contextsName] ? ' hw-signal--invalid' : ''}`} id={contextsName}>
                  <legend>Waar zag je dit? (meerdere antwoorden mogelijk)</legend>
                  {errors[contextsName] ? <p class="hw-field-error">{errors[contextsName]}</p> : null}
                  <div class="hw-scale">
                    {def.contexts.map((c) => (
                      <label class="hw-choice" for={`${contextsName}-${c.value}`}>
                        <input type="checkbox" id={`${contextsName}-${c.value}`} name={contextsName} value={c.value} checked={chosen.includes(c.value)} />
                        {c.label}
                      </label>
                    ))}
                  </div>
                </fieldset>
                <div class={`utrecht-form-field${errors[noteName] ? ' utrecht-form-field--invalid' : ''}`}>
                  <label class="utrecht-form-label" for={noteName}>
                    Aantekening bij {d.title.toLowerCase()} (niet verplicht)
                  </label>
                  <p class="hw-muted" id={`${noteName}-hint`}>
                    Beschrijf feitelijk wat je zag, in welke situatie. Hoogstens {MAX_NOTE} tekens.
                  </p>
                  {errors[noteName] ? (
                    <p class="hw-field-error" id={`${noteName}-error`}>
                      {errors[noteName]}
                    </p>
                  ) : null}
                  <textarea
                    class="utrecht-textarea hw-textarea"
                    id={noteName}
                    name={noteName}
                    rows={3}
                    maxlength={MAX_NOTE}
                    aria-invalid={errors[noteName] ? 'true' : undefined}
                    aria-describedby={errors[noteName] ? `${noteName}-hint ${noteName}-error` : `${noteName}-hint`}
                  >
                    {answers.notes[d.id] ?? ''}
                  </textarea>
                  <p class="hw-count" id={`${noteName}-count`} data-count-for={noteName} aria-hidden="true" hidden></p>
                </div>
              </fieldset>
            );
          })}
          <fieldset class="hw-fieldset" id="veiligheid-groep">
            <legend>
              <h2 class="utrecht-heading-2">Veiligheid</h2>
            </legend>
            <fieldset
              class={`hw-signal${safetyError ? ' hw-signal--invalid' : ''}`}
              aria-describedby={safetyError ? `${SAFETY_FIELD}-hint ${SAFETY_FIELD}-error` : `${SAFETY_FIELD}-hint`}
            >
              <legend>{def.safety.question}</legend>
              <p class="hw-muted" id={`${SAFETY_FIELD}-hint`}>
                {def.safety.hint}
              </p>
              {safetyError ? (
                <p class="hw-field-error" id={`${SAFETY_FIELD}-error`}>
                  {safetyError}
                </p>
              ) : null}
              <div class="hw-scale">
                {def.safety.options.map((o) => (
                  <label class="hw-choice" for={`${SAFETY_FIELD}-${o.value}`}>
                    <input type="radio" id={`${SAFETY_FIELD}-${o.value}`} name={SAFETY_FIELD} value={o.value} checked={answers.safety === o.value} />
                    {o.label}
                  </label>
                ))}
              </div>
            </fieldset>
          </fieldset>
          <p class="hw-count-live hw-visually-hidden" id="hw-count-live" aria-live="polite"></p>
          <p class="hw-muted">
            Er wordt niets op de server bewaard: het overzicht wordt gemaakt en meteen weer vergeten. Zonder JavaScript kan je browser het overzicht wel even in
            zijn eigen geheugen houden, zodat de knop Terug werkt. Werk je op een gedeelde computer? Sluit dan de browser als je klaar bent.
          </p>
          <button class="utrecht-button utrecht-button--primary-action" type="submit">
            Bekijk het overzicht
          </button>
        </form>
      </div>
      <div id="hw-result-view" hidden></div>
    </>
  );
};

/** The answers again as hidden fields, so "Antwoorden aanpassen" works without JS and without storing anything. */
const HiddenAnswers: FC<{ def: Definition; answers: Answers }> = ({ def, answers }) => (
  <>
    <input type="hidden" name="datum" value={answers.date} />
    <input type="hidden" name="label" value={answers.label} />
    {answers.safety ? <input type="hidden" name={SAFETY_FIELD} value={answers.safety} /> : null}
    {def.domains.map((d) => (
      <>
        {d.signals.map((s) => (answers.signals[s.id] ? <input type="hidden" name={fieldName.signal(s)} value={answers.signals[s.id]} /> : null))}
        {(answers.contexts[d.id] ?? []).map((c) => (
          <input type="hidden" name={fieldName.contexts(d)} value={c} />
        ))}
        {answers.notes[d.id] ? <input type="hidden" name={fieldName.note(d)} value={answers.notes[d.id]} /> : null}
      </>
    ))}
  </>
);

const names = (list: DomainResult[]) => list.map((d) => domainName(d.domain)).join(', ');

const DomainSection: FC<{ d: DomainResult }> = ({ d }) => {
  const rest = [
    d.notSeen.length && d.status !== 'no-signals' ? `niet gezien: ${plural(d.notSeen.length, 'signaal', 'signalen')}` : '',
    d.notObservable.length && d.status !== 'not-observable' ? `kon je niet observeren: ${plural(d.notObservable.length, 'signaal', 'signalen')}` : '',
    d.unanswered.length && d.status !== 'not-filled' ? `niet ingevuld: ${plural(d.unanswered.length, 'signaal', 'signalen')}` : '',
  ].filter(Boolean);
  return (
    <section class="hw-domain-result" aria-labelledby={`r-${d.domain.id}`} data-domain={d.domain.id} data-status={d.status}>
      <h3 id={`r-${d.domain.id}`} class="utrecht-heading-3">
        {domainName(d.domain)}
      </h3>
      {d.status === 'signals' ? (
        <ul>
          {d.observed.map((o) => (
            <li>
              <strong>{o.answerLabel}:</strong> {o.signal.text} <span class="hw-direction">({o.signal.direction})</span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="hw-status">
          {d.status === 'no-signals' ? 'Geen signalen gezien.' : d.status === 'not-observable' ? 'Kon je niet observeren.' : 'Niet ingevuld.'}
        </p>
      )}
      {rest.length ? <p class="hw-muted">Verder {rest.join('; ')}.</p> : null}
      {d.contexts.length ? <p>Gezien: {d.contexts.join(', ').toLowerCase()}.</p> : null}
      {d.note ? <p class="hw-note">Aantekening: {d.note}</p> : null}
    </section>
  );
};

export const SignalsResult: FC<{ def: Definition; answers: Answers; result: Result }> = ({ def, answers, result }) => {
  const steps = [
    ...def.result.nextSteps.always,
    ...(result.level !== 'none' ? def.result.nextSteps.someSignals : []),
    ...(result.level === 'discuss' ? def.result.nextSteps.discuss : []),
  ];
  return (
    <article class="hw-result" id="overzicht" data-level={result.level}>
      <h1 class="utrecht-heading-1" id="overzicht-titel" tabindex={-1}>
        Overzicht van je observatie
      </h1>
      <dl class="hw-meta">
        <dt>Datum</dt>
        <dd>
          <time datetime={answers.date}>{formatDate(answers.date)}</time>
        </dd>
        {answers.label ? (
          <>
            <dt>Kind</dt>
            <dd>{answers.label}</dd>
          </>
        ) : null}
        <dt>Versie</dt>
        <dd>signalenlijst {def.version}</dd>
      </dl>
      <NotADiagnosis def={def} id="let-op" />
      <section aria-labelledby="samenvatting">
        <h2 id="samenvatting" class="utrecht-heading-2">
          Samenvatting
        </h2>
        {!result.anyAnswer ? (
          <p>{def.result.nothingFilled}</p>
        ) : result.level === 'none' ? (
          <p>{def.result.noSignals}</p>
        ) : (
          <p>
            Je zag signalen op <strong>{result.withSignals.length}</strong> van de {def.domains.length} gebieden: {names(result.withSignals)}.
          </p>
        )}
        {result.anyAnswer && result.notFilled.length ? <p>Niet ingevuld: {names(result.notFilled)}.</p> : null}
        {result.directions.map((x) => (
          <section class="hw-leaning" aria-labelledby={`richting-${x.direction}`} data-direction={x.direction}>
            <h3 id={`richting-${x.direction}`} class="utrecht-heading-3">
              Signalen die dezelfde kant op wijzen: {def.directions[x.direction].label}
            </h3>
            <p>{def.directions[x.direction].text}</p>
            <ul>
              {x.signals.map((o) => (
                <li>
                  {domainName(o.domain)}: {o.signal.text} ({o.answerLabel.toLowerCase()})
                </li>
              ))}
            </ul>
            <p>{def.directions.clinician}</p>
          </section>
        ))}
      </section>
      <section aria-labelledby="per-gebied">
        <h2 id="per-gebied" class="utrecht-heading-2">
          Per gebied
        </h2>
        {result.domains.map((d) => (
          <DomainSection d={d} />
        ))}
      </section>
      <section aria-labelledby="vervolg">
        <h2 id="vervolg" class="utrecht-heading-2">
          Wat kun je nu doen?
        </h2>
        <ul>
          {steps.map((step) => (
            <li>{step}</li>
          ))}
        </ul>
        {result.safetyConcern ? (
          <div class="hw-safety-steps" data-safety>
            {def.result.nextSteps.safety.map((p) => (
              <p>
                <strong>{p}</strong>
              </p>
            ))}
            <ul class="hw-links">
              <li>
                <a class="utrecht-link" href="/meldcode">
                  De Meldcode stap voor stap
                </a>
              </li>
              <li>
                <a class="utrecht-link" href="/meldcode/afwegingskader">
                  Het afwegingskader: moet je melden?
                </a>
              </li>
            </ul>
            <VeiligThuis />
          </div>
        ) : (
          <p>
            Twijfel je ook of het kind veilig is? Volg dan{' '}
            <a class="utrecht-link" href="/meldcode">
              de Meldcode stap voor stap
            </a>
            .
          </p>
        )}
        <RuleOfThumb def={def} />
        <ul class="hw-links">
          <li>
            <a class="utrecht-link" href="/themas/hechting">
              Meer over hechting
            </a>
          </li>
          <li>
            <a class="utrecht-link" href="/trainingen">
              De training Hechting voor professionals
            </a>
          </li>
        </ul>
      </section>
      <div class="hw-actions hw-no-print">
        <form method="post" action="/signalenlijst/aanpassen" id="hw-edit-answers">
          <HiddenAnswers def={def} answers={answers} />
          <button type="submit" class="utrecht-button utrecht-button--secondary-action">
            Antwoorden aanpassen
          </button>
        </form>
        <p class="hw-muted">
          Met “Antwoorden aanpassen” of de knop Terug van je browser ga je terug naar het formulier met je antwoorden. Vraagt je browser of je het formulier
          opnieuw wilt versturen? Dat kan geen kwaad: er wordt niets bewaard.
        </p>
        <p class="hw-muted">Afdrukken of bewaren als pdf: gebruik de afdrukfunctie van je browser (Ctrl+P of ⌘+P).</p>
      </div>
    </article>
  );
};

export const BlankList: FC<{ def: Definition }> = ({ def }) => (
  <article class="hw-blank">
    <h1 class="utrecht-heading-1">{def.title} (om af te drukken)</h1>
    <p>Kies per signaal wat je zag, en waar. Schrijf geen naam op het formulier. Versie {def.version}.</p>
    <p class="hw-line">Datum: ______________________ Kind (initialen of code, geen naam): ______________________</p>
    {def.domains.map((d, i) => (
      <section class="hw-domain-result" aria-labelledby={`b-${d.id}`}>
        <h2 id={`b-${d.id}`} class="utrecht-heading-2">
          {i + 1}. {domainName(d)}
        </h2>
        <p>{d.observe}</p>
        <table class="hw-table hw-blank-table">
          <caption class="hw-visually-hidden">Signalen bij {domainName(d)}</caption>
          <thead>
            <tr>
              <th scope="col">Signaal</th>
              {def.scale.map((o) => (
                <th scope="col">{o.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {d.signals.map((s) => (
              <tr>
                <th scope="row">
                  {s.text} ({s.direction})
                </th>
                {def.scale.map(() => (
                  <td class="hw-box">☐</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <p>Gezien: {def.contexts.map((c) => `☐ ${c.label}`).join('   ')}</p>
        <p class="hw-line">Aantekening: ____________________________________________________________</p>
      </section>
    ))}
    <section class="hw-domain-result" aria-labelledby="b-veiligheid">
      <h2 id="b-veiligheid" class="utrecht-heading-2">
        Veiligheid
      </h2>
      <p>
        {def.safety.question} {def.safety.options.map((o) => `☐ ${o.label}`).join('   ')}
      </p>
    </section>
    <NotADiagnosis def={def} id="blanco-let-op" />
    <p class="hw-muted">{def.source}</p>
  </article>
);
