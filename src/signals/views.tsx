import type { FC } from 'hono/jsx';
import { VeiligThuis } from '../site/views.tsx';
import { formatDate } from '../themes/views.tsx';
import { ErrorSummary } from '../ui/forms.tsx';
import type { Definition, Pattern } from './definition.ts';
import { type Answers, type FieldErrors, fieldName, MAX_LABEL, MAX_NOTE, type Result } from './service.ts';

const Version: FC<{ def: Definition }> = ({ def }) => <p class="hw-muted hw-version">Versie {def.version} van de signalenlijst</p>;

export const SignalsForm: FC<{ def: Definition; answers: Answers; errors?: FieldErrors; today: string; filled?: boolean }> = ({
  def,
  answers,
  errors = {},
  today,
  filled,
}) => {
  const labels: Record<string, string> = { datum: 'Datum', label: 'Label' };
  const firstRadio: Record<string, string> = {};
  for (const d of def.domains) {
    labels[fieldName.note(d)] = `Aantekening bij ${d.title}`;
    labels[fieldName.contexts(d)] = `Situaties bij ${d.title}`;
    for (const s of d.signals) firstRadio[fieldName.signal(s)] = `${fieldName.signal(s)}-${def.scale[0]?.value}`;
  }
  // Error summary links must point at a focusable element: for a radio group, its first radio.
  const summaryErrors = Object.fromEntries(Object.entries(errors).map(([k, v]) => [firstRadio[k] ?? k, v]));
  return (
    <>
      <h1 class="utrecht-heading-1">{def.title}</h1>
      {def.intro.map((p, i) => (
        <p class={i === 0 ? 'hw-lead' : undefined}>{p}</p>
      ))}
      <p>{def.age.text}</p>
      <Version def={def} />
      <p>
        Liever op papier observeren?{' '}
        <a class="utrecht-link" href="/signalenlijst/blanco">
          Open de lege lijst om af te drukken
        </a>
        .
      </p>
      <form
        class="hw-signals"
        method="post"
        action="/signalenlijst/uitslag"
        id="signalenlijst"
        novalidate
        data-version={def.version}
        data-filled={filled ? '1' : undefined}
      >
        <ErrorSummary errors={summaryErrors} labels={labels} />
        <div class="hw-tools" id="hw-tools" hidden>
          <h2 class="utrecht-heading-2 hw-tools__title">Bewaren in deze browser</h2>
          <p>
            Je antwoorden worden automatisch bewaard in deze browser, op dit apparaat. Ze gaan niet naar de server. Werk je op een gedeelde computer? Wis de
            gegevens als je klaar bent.
          </p>
          <p class="hw-overview" id="hw-overview" aria-live="polite"></p>
          <div class="hw-tools__row">
            <label class="utrecht-form-label" for="hw-moment">
              Observatiemoment
            </label>
            <select id="hw-moment" class="hw-select"></select>
          </div>
          <div class="hw-tools__row">
            <button type="button" class="utrecht-button utrecht-button--secondary-action" data-action="new">
              Nieuw observatiemoment
            </button>
            <button type="button" class="utrecht-button utrecht-button--secondary-action" data-action="compare">
              Vergelijk momenten
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
          <p id="hw-message" class="hw-message" role="status"></p>
          <div id="hw-compare" class="hw-compare" hidden></div>
        </div>
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
              Label (niet verplicht)
            </label>
            <p class="hw-muted" id="label-hint">
              Bijvoorbeeld initialen en leeftijd in maanden: “AB, 18 mnd”. Gebruik geen naam. Het label blijft bij jou.
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
        {def.domains.map((d, di) => {
          const contextsName = fieldName.contexts(d);
          const noteName = fieldName.note(d);
          const chosen = answers.contexts[d.id] ?? [];
          return (
            <fieldset class="hw-fieldset hw-domain" id={`domein-${d.id}`} data-domain={d.id}>
              <legend>
                <h2 class="utrecht-heading-2">
                  {di + 1}. {d.title}
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
                  aria-invalid={errors[noteName] ? 'true' : undefined}
                  aria-describedby={errors[noteName] ? `${noteName}-hint ${noteName}-error` : `${noteName}-hint`}
                >
                  {answers.notes[d.id] ?? ''}
                </textarea>
              </div>
            </fieldset>
          );
        })}
        <p class="hw-muted">Er wordt niets op de server bewaard: de uitslag wordt gemaakt en meteen weer vergeten.</p>
        <button class="utrecht-button utrecht-button--primary-action" type="submit">
          Bekijk de uitslag
        </button>
      </form>
    </>
  );
};

/** The answers again as hidden fields, so "Antwoorden aanpassen" works without JS and without storing anything. */
const HiddenAnswers: FC<{ def: Definition; answers: Answers }> = ({ def, answers }) => (
  <>
    <input type="hidden" name="datum" value={answers.date} />
    <input type="hidden" name="label" value={answers.label} />
    {def.domains.map((d) => (
      <>
        {d.signals.map((s) => (
          <input type="hidden" name={fieldName.signal(s)} value={answers.signals[s.id] ?? ''} />
        ))}
        {(answers.contexts[d.id] ?? []).map((c) => (
          <input type="hidden" name={fieldName.contexts(d)} value={c} />
        ))}
        {answers.notes[d.id] ? <input type="hidden" name={fieldName.note(d)} value={answers.notes[d.id]} /> : null}
      </>
    ))}
  </>
);

export const SignalsResult: FC<{ def: Definition; answers: Answers; result: Result }> = ({ def, answers, result }) => {
  const patterns = (['geremd', 'ontremd', 'overig'] as Pattern[]).filter((p) => result.byPattern[p].length > 0);
  return (
    <article class="hw-result">
      <h1 class="utrecht-heading-1">Uitslag van de observatie</h1>
      <dl class="hw-meta">
        <dt>Datum</dt>
        <dd>
          <time datetime={answers.date}>{formatDate(answers.date)}</time>
        </dd>
        {answers.label ? (
          <>
            <dt>Label</dt>
            <dd>{answers.label}</dd>
          </>
        ) : null}
        <dt>Versie</dt>
        <dd>signalenlijst {def.version}</dd>
      </dl>
      <aside class="hw-notice" aria-labelledby="let-op">
        <h2 id="let-op" class="utrecht-heading-3">
          Let op: dit is geen diagnose
        </h2>
        {def.result.disclaimer.map((p) => (
          <p>{p}</p>
        ))}
      </aside>
      <section aria-labelledby="samenvatting">
        <h2 id="samenvatting" class="utrecht-heading-2">
          Samenvatting
        </h2>
        {result.level === 'none' ? (
          <p>{def.result.noSignals}</p>
        ) : (
          <>
            <p>
              Je zag signalen in <strong>{result.withSignals.length}</strong> van de {def.domains.length} domeinen:{' '}
              {result.withSignals.map((d) => d.domain.title).join(', ')}.
            </p>
            <p>{def.result.patternIntro}</p>
            {patterns.map((p) => (
              <section class="hw-pattern" aria-labelledby={`patroon-${p}`}>
                <h3 id={`patroon-${p}`} class="utrecht-heading-3">
                  {def.patterns[p].label}
                </h3>
                <p>{def.patterns[p].description}</p>
                <ul>
                  {result.byPattern[p].map((x) => (
                    <li>
                      {x.domain.title}: {x.signal.text} ({x.frequencyLabel.toLowerCase()})
                    </li>
                  ))}
                </ul>
              </section>
            ))}
          </>
        )}
      </section>
      <section aria-labelledby="per-domein">
        <h2 id="per-domein" class="utrecht-heading-2">
          Per domein
        </h2>
        {result.domains.map((d) => (
          <section class="hw-domain-result" aria-labelledby={`r-${d.domain.id}`} data-domain={d.domain.id}>
            <h3 id={`r-${d.domain.id}`} class="utrecht-heading-3">
              {d.domain.title}
            </h3>
            {d.observed.length ? (
              <ul>
                {d.observed.map((o) => (
                  <li>
                    <strong>{o.frequencyLabel}:</strong> {o.signal.text} <span class="hw-direction">({o.signal.direction})</span>
                  </li>
                ))}
              </ul>
            ) : (
              <p>Geen signalen gezien.</p>
            )}
            {d.contexts.length ? <p>Gezien: {d.contexts.join(', ').toLowerCase()}.</p> : null}
            {d.note ? <p class="hw-note">Aantekening: {d.note}</p> : null}
          </section>
        ))}
      </section>
      <section aria-labelledby="vervolg">
        <h2 id="vervolg" class="utrecht-heading-2">
          Wat kun je nu doen?
        </h2>
        <ul>
          {[
            ...def.result.nextSteps.always,
            ...(result.level !== 'none' ? def.result.nextSteps.someSignals : []),
            ...(result.level === 'pattern' ? def.result.nextSteps.pattern : []),
          ].map((step) => (
            <li>{step}</li>
          ))}
        </ul>
        <ul class="hw-links">
          <li>
            <a class="utrecht-link" href="/meldcode">
              De stappen van de Meldcode
            </a>
          </li>
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
        <VeiligThuis />
      </section>
      <div class="hw-actions hw-no-print">
        <form method="post" action="/signalenlijst/aanpassen">
          <HiddenAnswers def={def} answers={answers} />
          <button type="submit" class="utrecht-button utrecht-button--secondary-action">
            Antwoorden aanpassen
          </button>
        </form>
        <p class="hw-muted">Afdrukken of bewaren als pdf: gebruik de afdrukfunctie van je browser (Ctrl+P of ⌘+P).</p>
      </div>
    </article>
  );
};

export const BlankList: FC<{ def: Definition }> = ({ def }) => (
  <article class="hw-blank">
    <h1 class="utrecht-heading-1">{def.title} (om af te drukken)</h1>
    <p>Vul per signaal in hoe vaak je het zag, en waar. Schrijf geen naam op het formulier. Versie {def.version}.</p>
    <p class="hw-line">Datum: ______________________ Label (geen naam): ______________________</p>
    {def.domains.map((d, i) => (
      <section class="hw-domain-result" aria-labelledby={`b-${d.id}`}>
        <h2 id={`b-${d.id}`} class="utrecht-heading-2">
          {i + 1}. {d.title}
        </h2>
        <p>{d.observe}</p>
        <table class="hw-table hw-blank-table">
          <caption class="hw-visually-hidden">Signalen bij {d.title}</caption>
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
    <aside class="hw-notice" aria-labelledby="blanco-let-op">
      <h2 id="blanco-let-op" class="utrecht-heading-3">
        Let op: dit is geen diagnose
      </h2>
      {def.result.disclaimer.map((p) => (
        <p>{p}</p>
      ))}
    </aside>
    <p class="hw-muted">{def.source}</p>
  </article>
);
