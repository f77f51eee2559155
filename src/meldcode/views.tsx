import type { FC } from 'hono/jsx';
import { VeiligThuis } from '../site/views.tsx';
import { ErrorSummary } from '../ui/forms.tsx';
import { answered } from './service.ts';
import {
  AFWEGINGSKADER_PATH,
  ANSWER_LABELS,
  ANSWERS,
  type Answer,
  type Outcome,
  QUESTIONS,
  type Question,
  SECTORS,
  STEPS,
  type Step,
  type StepLink,
} from './steps.ts';

const MISSING_ANSWER = 'Kies ja of nee.';

// Whole class names, so the CSS purger sees them in the source.
const ADVICE_CLASS: Record<Outcome['kind'], string> = { melden: 'hw-advice hw-advice--melden', hulp: 'hw-advice', afsluiten: 'hw-advice' };

const Links: FC<{ links: readonly StepLink[] }> = ({ links }) =>
  links.length ? (
    <ul class="hw-step__links">
      {links.map((l) => (
        <li>
          <a class="utrecht-link" href={l.href}>
            {l.label}
          </a>
        </li>
      ))}
    </ul>
  ) : null;

const StepCard: FC<{ step: Step }> = ({ step }) => (
  <li class="hw-card hw-step" id={`stap-${step.number}`}>
    <h3>
      <span class="hw-step__number">Stap {step.number}</span> {step.title}
    </h3>
    <p>{step.summary}</p>
    <div class="hw-step__cols">
      <div>
        <h4>Wat doe je?</h4>
        <ul>
          {step.todo.map((t) => (
            <li>{t}</li>
          ))}
        </ul>
      </div>
      <div>
        <h4>Wat leg je vast?</h4>
        <ul>
          {step.record.map((t) => (
            <li>{t}</li>
          ))}
        </ul>
      </div>
    </div>
    <Links links={step.links} />
  </li>
);

const sectorList = (() => {
  const names = [...SECTORS];
  const last = names.pop();
  return `${names.join(', ')} en ${last}`;
})();

export const MeldcodeOverview: FC = () => (
  <>
    <h1 class="utrecht-heading-1">Meldcode huiselijk geweld en kindermishandeling</h1>
    <p class="hw-lead">
      Maak je je zorgen over een kind of een gezin? De meldcode helpt je in vijf stappen van een zorg naar een besluit: hulp bieden of organiseren, melden bij
      Veilig Thuis, of allebei.
    </p>
    <VeiligThuis />
    <p>
      <a class="utrecht-link" href={AFWEGINGSKADER_PATH}>
        Direct naar het afwegingskader (stap 4)
      </a>
    </p>
    <section class="hw-facts" aria-labelledby="eigen-meldcode">
      <h2 id="eigen-meldcode">Werk met de meldcode van je eigen sector</h2>
      <p>
        Werk je met kinderen of gezinnen? Dan ben je wettelijk verplicht om met een meldcode te werken. Elke sector heeft een eigen versie, bijvoorbeeld voor de{' '}
        {sectorList}. Voor jou geldt de meldcode van je eigen sector en organisatie. De vijf stappen zijn in elke versie hetzelfde.
      </p>
      <p>
        Sinds 2019 is het <strong>afwegingskader verplicht</strong>. Daarmee beslis je in stap 4 en 5 of je meldt bij Veilig Thuis.
      </p>
      <p>Gaat je zorg over een collega, bijvoorbeeld in de kinderopvang of het onderwijs? Daarvoor staat een aparte route in de meldcode van je sector.</p>
    </section>
    <h2 class="utrecht-heading-2">De vijf stappen</h2>
    <ol class="hw-steps">
      {STEPS.map((step) => (
        <StepCard step={step} />
      ))}
    </ol>
    <section aria-labelledby="afwegingskader">
      <h2 id="afwegingskader" class="utrecht-heading-2">
        Het afwegingskader, vraag voor vraag
      </h2>
      <p>
        Beantwoord de vragen van stap 4 één voor één. Aan het eind zie je het advies en een samenvatting met de datum. Die kun je afdrukken voor je eigen
        dossier. Je antwoorden worden nergens bewaard.
      </p>
      <p>
        <a class="utrecht-button utrecht-button--primary-action hw-button-link" href={AFWEGINGSKADER_PATH}>
          Start het afwegingskader
        </a>
      </p>
    </section>
    <p class="hw-muted">Deze gids helpt je de meldcode toe te passen. Hij vervangt de meldcode van je organisatie en je eigen professionele oordeel niet.</p>
  </>
);

/** The answers so far as hidden fields, named after their question: the whole state of the guide. */
const HiddenAnswers: FC<{ answers: readonly Answer[] }> = ({ answers }) => (
  <>
    {answered(answers).map((a) => (
      <input type="hidden" name={a.question.id} value={a.answer} />
    ))}
  </>
);

const AnswerTable: FC<{ answers: readonly Answer[]; caption: string }> = ({ answers, caption }) => (
  <table class="hw-table hw-answers">
    <caption class="hw-visually-hidden">{caption}</caption>
    <thead>
      <tr>
        <th scope="col">Vraag</th>
        <th scope="col">Antwoord</th>
      </tr>
    </thead>
    <tbody>
      {answered(answers).map((a) => (
        <tr>
          <td>
            {a.question.number}. {a.question.text}
          </td>
          <td>
            <strong>{ANSWER_LABELS[a.answer]}</strong>
          </td>
        </tr>
      ))}
    </tbody>
  </table>
);

const Restart: FC = () => (
  <a class="utrecht-link" href={AFWEGINGSKADER_PATH}>
    Opnieuw beginnen
  </a>
);

export const QuestionScreen: FC<{ answers: readonly Answer[]; question: Question; selected?: Answer; missingAnswer?: boolean }> = ({
  answers,
  question,
  selected,
  missingAnswer,
}) => {
  const firstRadio = `antwoord-${ANSWERS[0]}`;
  return (
    <>
      <h1 class="utrecht-heading-1">
        Afwegingskader: vraag {question.number} van {QUESTIONS.length}
      </h1>
      <p class="hw-muted">Stap 4 van de meldcode, één vraag per scherm. Je antwoorden worden nergens bewaard.</p>
      <VeiligThuis />
      <form method="post" action={AFWEGINGSKADER_PATH} class="hw-guide" novalidate>
        <ErrorSummary errors={missingAnswer ? { [firstRadio]: MISSING_ANSWER } : {}} />
        <HiddenAnswers answers={answers} />
        <fieldset
          class={`hw-fieldset hw-question${missingAnswer ? ' hw-signal--invalid' : ''}`}
          aria-describedby={missingAnswer ? 'vraag-uitleg antwoord-error' : 'vraag-uitleg'}
        >
          <legend>
            <h2 class="utrecht-heading-2">{question.text}</h2>
          </legend>
          <p id="vraag-uitleg">{question.hint}</p>
          {missingAnswer ? (
            <p class="hw-field-error" id="antwoord-error">
              {MISSING_ANSWER}
            </p>
          ) : null}
          <div class="hw-scale">
            {ANSWERS.map((a) => (
              <label class="hw-choice" for={`antwoord-${a}`}>
                <input type="radio" id={`antwoord-${a}`} name="antwoord" value={a} checked={selected === a} />
                {ANSWER_LABELS[a]}
              </label>
            ))}
          </div>
        </fieldset>
        {/* "Volgende" comes first: Enter in the form submits the first button, and that must go forward. */}
        <div class="hw-actions">
          <button type="submit" name="actie" value="volgende" class="utrecht-button utrecht-button--primary-action">
            Volgende
          </button>
          {answers.length ? (
            <>
              <button type="submit" name="actie" value="terug" class="utrecht-button utrecht-button--secondary-action">
                Vorige vraag
              </button>
              <Restart />
            </>
          ) : (
            <a class="utrecht-link" href="/meldcode">
              Terug naar de vijf stappen
            </a>
          )}
        </div>
      </form>
      {answers.length ? (
        <section aria-labelledby="tot-nu-toe">
          <h2 id="tot-nu-toe" class="utrecht-heading-2">
            Je antwoorden tot nu toe
          </h2>
          <AnswerTable answers={answers} caption="Je antwoorden tot nu toe" />
        </section>
      ) : null}
    </>
  );
};

export const AdviceScreen: FC<{ answers: readonly Answer[]; outcome: Outcome; date: { iso: string; label: string } }> = ({ answers, outcome, date }) => (
  <article class="hw-result">
    <h1 class="utrecht-heading-1">Uitkomst van het afwegingskader</h1>
    <VeiligThuis />
    <dl class="hw-meta">
      <dt>Datum</dt>
      <dd>
        <time datetime={date.iso}>{date.label}</time>
      </dd>
      <dt>Onderdeel</dt>
      <dd>Meldcode huiselijk geweld en kindermishandeling, stap 4 en 5</dd>
    </dl>
    <section class={ADVICE_CLASS[outcome.kind]} aria-labelledby="advies" data-outcome={outcome.id}>
      <h2 id="advies" class="utrecht-heading-2">
        Advies: {outcome.title}
      </h2>
      <p>
        <strong>{outcome.reason}</strong>
      </p>
      {outcome.advice.map((p) => (
        <p>{p}</p>
      ))}
    </section>
    <section aria-labelledby="antwoorden">
      <h2 id="antwoorden" class="utrecht-heading-2">
        Je antwoorden
      </h2>
      <AnswerTable answers={answers} caption="Je antwoorden op de vragen van het afwegingskader" />
    </section>
    <section aria-labelledby="vervolg">
      <h2 id="vervolg" class="utrecht-heading-2">
        Volgende stappen
      </h2>
      <ul>
        {outcome.nextSteps.map((s) => (
          <li>{s}</li>
        ))}
      </ul>
      <p>
        Dit advies volgt uit je antwoorden. Het besluit neem je zelf, volgens de meldcode van je eigen sector. Bewaar deze samenvatting met je afwegingen in je
        eigen dossier.
      </p>
    </section>
    <div class="hw-actions hw-no-print">
      <form method="post" action={AFWEGINGSKADER_PATH}>
        <HiddenAnswers answers={answers} />
        <button type="submit" name="actie" value="terug" class="utrecht-button utrecht-button--secondary-action">
          Vorige vraag
        </button>
      </form>
      <Restart />
      <a class="utrecht-link" href="/meldcode">
        Terug naar de vijf stappen
      </a>
      <p class="hw-muted">Afdrukken of bewaren als pdf: gebruik de afdrukfunctie van je browser (Ctrl+P of ⌘+P).</p>
    </div>
  </article>
);

export const InvalidState: FC = () => (
  <>
    <h1 class="utrecht-heading-1">Begin het afwegingskader opnieuw</h1>
    <ErrorSummary
      errors={{
        form: 'De antwoorden in het formulier passen niet bij de vragen van het afwegingskader. Dat kan gebeuren als je een oude pagina opnieuw verstuurt.',
      }}
    />
    <p>Er is niets bewaard en er is niets misgegaan met je gegevens. Begin opnieuw bij de eerste vraag; dat duurt maar een paar minuten.</p>
    <p>
      <a class="utrecht-button utrecht-button--primary-action hw-button-link" href={AFWEGINGSKADER_PATH}>
        Opnieuw beginnen
      </a>
    </p>
    <VeiligThuis />
  </>
);
