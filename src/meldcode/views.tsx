import type { FC } from 'hono/jsx';
import { describedBy, ErrorSummary, FieldShell, TextField } from '../ui/forms.tsx';
import { LinkList } from '../ui/link-list.tsx';
import { VeiligThuis } from '../ui/veilig-thuis.tsx';
import { type AnsweredQuestion, GUIDES, type Guide, NOTE_MAX, type ScreenErrors } from './service.ts';
import {
  ACUTE_ROUTES,
  AFWEGINGSKADER_PATH,
  ANSWER_LABELS,
  type Answer,
  EVALUATIE_PATH,
  listText,
  MELDCODE_LEAD,
  MELDCODE_PATH,
  MELDCODE_TITLE,
  type Outcome,
  type Question,
  SECTORS,
  STEPS,
  type Step,
  type StepLink,
  specialFormsText,
} from './steps.ts';

// Whole class names, so the CSS purger sees them in the source.
const ADVICE_CLASS: Record<Outcome['kind'], string> = {
  melden: 'hw-advice hw-advice--melden',
  overleggen: 'hw-advice hw-advice--melden',
  hulp: 'hw-advice',
  afsluiten: 'hw-advice',
};

/** The last words under an advice: a report norm is not a matter of taste, the rest is the professional's decision. */
const CLOSING: Record<Outcome['kind'], string> = {
  melden: 'Volgens de meldnorm van het afwegingskader meld je in deze situatie. Hoe en wanneer, bespreek je met Veilig Thuis.',
  overleggen: 'Dit advies volgt uit de meldcode. Wat je daarna doet, beslis je samen met Veilig Thuis of je aandachtsfunctionaris.',
  hulp: 'Dit advies volgt uit je antwoorden. Het besluit neem je zelf, volgens de meldcode van je eigen organisatie.',
  afsluiten: 'Dit advies volgt uit je antwoorden. Het besluit neem je zelf, volgens de meldcode van je eigen organisatie.',
};

const STEP_NAME: Record<4 | 5, string> = { 4: 'stap 4 van de meldcode: wegen', 5: 'stap 5 van de meldcode: beslissen' };

const Links: FC<{ links: readonly StepLink[] }> = ({ links }) => <LinkList class="hw-step__links" links={links} />;

const StepCard: FC<{ step: Step }> = ({ step }) => (
  <li class="hw-card hw-step" id={`stap-${step.number}`}>
    <h3>
      <span class="hw-step__number">Stap {step.number}</span> {step.title}
    </h3>
    <p>{step.summary}</p>
    {step.warning ? (
      <p class="hw-step__warning">
        <strong>Let op:</strong> {step.warning}
      </p>
    ) : null}
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

/**
 * The numbers a professional may need at once, each with what it is for. Shown on the Meldcode
 * overview and on the network page; it is the Veilig Thuis notice of the page it stands on.
 */
export const AcuteRoutes: FC<{ id?: string; headingLevel?: 2 | 3 }> = ({ id = 'direct-hulp', headingLevel = 2 }) => {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section class="hw-notice hw-acute" id={id} aria-labelledby={`${id}-titel`}>
      <Heading id={`${id}-titel`} class={headingLevel === 2 ? 'utrecht-heading-2' : 'utrecht-heading-3'}>
        Direct hulp of advies
      </Heading>
      <dl class="hw-acute__list">
        {ACUTE_ROUTES.map((r) => (
          <div class="hw-acute__item">
            <dt>
              {r.name}: <a href={r.tel}>{r.display}</a>
            </dt>
            <dd>{r.forWhat}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
};

/** Who works with the meldcode, its reporting norm and the meldrecht: on the overview, and searchable as it is shown (search-document.tsx). */
export const MeldcodeFacts: FC = () => (
  <section class="hw-facts" aria-labelledby="wie-moet">
    <h2 id="wie-moet">Wie werkt met de meldcode?</h2>
    <p>
      De Wet verplichte meldcode huiselijk geweld en kindermishandeling (sinds 1 juli 2013) verplicht{' '}
      <strong>organisaties en zelfstandige professionals</strong> in zes sectoren om een meldcode te hebben en het gebruik ervan te bevorderen:{' '}
      {listText(SECTORS)}. De meldcode gaat ook over huiselijk geweld tegen volwassenen.
    </p>
    <p>
      Werk je volgens de meldcode van je eigen organisatie of beroepsgroep? Die gaat voor. De vijf vragen van het afwegingskader zijn in elke versie hetzelfde.
      Het basismodel verdeelt ze over stap 4 en 5; sommige beroepsgroepen zetten ze alle vijf in stap 5.
    </p>
    <p>
      Sinds 1 januari 2019 hoort het <strong>afwegingskader</strong> bij de meldcode. Daarin staat de norm:{' '}
      <strong>acute of structurele onveiligheid meld je altijd</strong> bij Veilig Thuis. Je meldt ook als je geen passende hulp kunt bieden of organiseren, en
      als de hulp wordt geweigerd of niet tot de nodige veiligheid leidt.
    </p>
    <p>Heb je een beroepsgeheim? Dan mag je toch zonder toestemming melden bij Veilig Thuis (meldrecht).</p>
    <p>
      Gaat je zorg over een medewerker in het onderwijs of de kinderopvang? Bel dan de vertrouwensinspecteurs (zie{' '}
      <a class="utrecht-link" href="#direct-hulp">
        direct hulp of advies
      </a>
      ). Ben je houder van een kinderopvangorganisatie? Dan moet je met hen overleggen bij een vermoeden van een zedendelict of geweld door een medewerker.
    </p>
  </section>
);

export const MeldcodeOverview: FC = () => (
  <>
    <h1 class="utrecht-heading-1">{MELDCODE_TITLE}</h1>
    <p class="hw-lead">{MELDCODE_LEAD}</p>
    <AcuteRoutes />
    <p>
      <a class="utrecht-link" href={AFWEGINGSKADER_PATH}>
        Direct naar het afwegingskader (stap 4 en 5)
      </a>
    </p>
    <MeldcodeFacts />
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
        Beantwoord de vragen van stap 4 en 5 één voor één, en schrijf bij elke vraag je afweging op als je wilt. Aan het eind zie je het advies en een
        samenvatting met de datum, die je kunt afdrukken voor het dossier. Je antwoorden en afwegingen worden nergens bewaard.
      </p>
      <p>
        <a class="utrecht-button utrecht-button--primary-action hw-button-link" href={AFWEGINGSKADER_PATH}>
          Start het afwegingskader
        </a>
      </p>
      <p>
        Bied of organiseer je hulp en is het afgesproken evaluatiemoment gekomen?{' '}
        <a class="utrecht-link" href={EVALUATIE_PATH}>
          Evalueer de hulp met vraag 5
        </a>
        .
      </p>
    </section>
    <p class="hw-muted">Deze gids helpt je de meldcode toe te passen. Hij vervangt de meldcode van je organisatie en je eigen professionele oordeel niet.</p>
  </>
);

/** The answers so far as hidden fields, named after their question, each with its reasoning: the whole state of the guide. */
const HiddenState: FC<{ answers: readonly AnsweredQuestion[] }> = ({ answers }) => (
  <>
    {answers.map((a) => (
      <>
        <input type="hidden" name={a.question.id} value={a.answer} />
        {a.note ? <input type="hidden" name={`afweging-${a.question.id}`} value={a.note} /> : null}
      </>
    ))}
  </>
);

/** The answers with the reasoning, as a list that reads on a phone and on paper. */
const AnswerList: FC<{ answers: readonly AnsweredQuestion[] }> = ({ answers }) => (
  <ol class="hw-answers">
    {answers.map((a) => (
      <li value={a.question.number}>
        <p class="hw-answers__question">{a.question.text}</p>
        <p>
          Antwoord: <strong data-answer={a.answer}>{ANSWER_LABELS[a.answer]}</strong>
        </p>
        <p class="hw-answers__note">{a.note ? <>Mijn afweging: {a.note}</> : <span class="hw-muted">Geen afweging opgeschreven.</span>}</p>
      </li>
    ))}
  </ol>
);

const Restart: FC<{ guide: Guide }> = ({ guide }) => (
  <a class="utrecht-link" href={guide.path}>
    Opnieuw beginnen
  </a>
);

/**
 * The early exit for the special forms of violence: its own form (so Enter in the question's form
 * still means "Volgende"), carrying the answers so far onto the advice's summary.
 */
const SpecialForms: FC<{ guide: Guide; answers: readonly AnsweredQuestion[] }> = ({ guide, answers }) => (
  <form method="post" action={guide.path} class="hw-special">
    <HiddenState answers={answers} />
    <h2 class="utrecht-heading-3">Gaat het om {specialFormsText}?</h2>
    <p>Dan geldt een andere route: neem direct contact op met Veilig Thuis en praat niet eerst met de ouders of de familie.</p>
    <button type="submit" name="actie" value="bijzondere-vorm" class="utrecht-button utrecht-button--secondary-action">
      Het gaat om een van deze vormen
    </button>
  </form>
);

const radioId = (a: Answer) => `antwoord-${a}`;

export const QuestionScreen: FC<{
  guide: Guide;
  answers: readonly AnsweredQuestion[];
  question: Question;
  selected?: Answer;
  note: string;
  errors?: ScreenErrors;
}> = ({ guide, answers, question, selected, note, errors = {} }) => {
  const firstRadio = radioId(question.answers[0] as Answer);
  const summary: Record<string, string> = {};
  if (errors.antwoord) summary[firstRadio] = errors.antwoord;
  if (errors.afweging) summary.afweging = errors.afweging;
  const fieldsetDescribedBy = ['vraag-uitleg', question.definitions ? 'vraag-begrippen' : '', errors.antwoord ? 'antwoord-error' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <>
      <h1 class="utrecht-heading-1">
        {guide.id === 'evaluatie' ? 'Evaluatie van de hulp: vraag 5 van het afwegingskader' : `Afwegingskader: vraag ${question.number} van 5`}
      </h1>
      <p class="hw-muted">
        {guide.id === 'evaluatie'
          ? 'Je bood of organiseerde hulp na vraag 4 en sprak een evaluatiemoment af. Dat moment is nu. Dit hoort bij stap 5 van de meldcode: beslissen.'
          : `Deze vraag hoort bij ${STEP_NAME[question.step]}. Je antwoorden en afwegingen worden nergens bewaard.`}
      </p>
      {guide.id === 'afwegingskader' && !answers.length ? <SpecialForms guide={guide} answers={answers} /> : null}
      <form method="post" action={guide.path} class="hw-guide" novalidate>
        <ErrorSummary errors={summary} />
        <HiddenState answers={answers} />
        <fieldset class={`hw-fieldset hw-question${errors.antwoord ? ' hw-signal--invalid' : ''}`} aria-describedby={fieldsetDescribedBy}>
          <legend>
            <h2 class="utrecht-heading-2">{question.text}</h2>
          </legend>
          <p id="vraag-uitleg">{question.hint}</p>
          {question.definitions ? (
            <dl id="vraag-begrippen" class="hw-definitions">
              {question.definitions.map((d) => (
                <>
                  <dt>{d.term}</dt>
                  <dd>{d.text}</dd>
                </>
              ))}
            </dl>
          ) : null}
          {errors.antwoord ? (
            <p class="hw-field-error" id="antwoord-error">
              {errors.antwoord}
            </p>
          ) : null}
          <div class="hw-scale">
            {question.answers.map((a) => (
              <label class="hw-choice" for={radioId(a)}>
                <input type="radio" id={radioId(a)} name="antwoord" value={a} checked={selected === a} />
                {ANSWER_LABELS[a]}
              </label>
            ))}
          </div>
        </fieldset>
        <FieldShell
          name="afweging"
          label="Mijn afweging (niet verplicht)"
          hint={`Waarom kies je dit antwoord? Je afweging komt op de samenvatting voor het dossier en wordt nergens bewaard. Maximaal ${NOTE_MAX.toLocaleString('nl-NL')} tekens.`}
          error={errors.afweging}
        >
          <textarea
            class="hw-textarea"
            id="afweging"
            name="afweging"
            rows={4}
            maxlength={NOTE_MAX}
            aria-invalid={errors.afweging ? 'true' : undefined}
            aria-describedby={describedBy('afweging', 'hint', errors.afweging)}
          >
            {note}
          </textarea>
        </FieldShell>
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
              <Restart guide={guide} />
            </>
          ) : (
            <a class="utrecht-link" href={MELDCODE_PATH}>
              Terug naar de vijf stappen
            </a>
          )}
        </div>
      </form>
      {guide.id === 'afwegingskader' && answers.length ? <SpecialForms guide={guide} answers={answers} /> : null}
      {answers.length ? (
        <section aria-labelledby="tot-nu-toe">
          <h2 id="tot-nu-toe" class="utrecht-heading-2">
            Je antwoorden tot nu toe
          </h2>
          <AnswerList answers={answers} />
        </section>
      ) : null}
    </>
  );
};

export const AdviceScreen: FC<{ guide: Guide; answers: readonly AnsweredQuestion[]; outcome: Outcome; date: { iso: string; label: string } }> = ({
  guide,
  answers,
  outcome,
  date,
}) => (
  <article class="hw-result">
    <h1 class="utrecht-heading-1">{guide.id === 'evaluatie' ? 'Uitkomst van de evaluatie' : 'Uitkomst van het afwegingskader'}</h1>
    <dl class="hw-meta">
      <dt>Datum</dt>
      <dd>
        <time datetime={date.iso}>{date.label}</time>
      </dd>
      <dt>Onderdeel</dt>
      <dd>
        {guide.id === 'evaluatie'
          ? 'Meldcode huiselijk geweld en kindermishandeling, stap 5: vraag 5 (evaluatie van de hulp)'
          : outcome.id === 'bijzondere-vorm'
            ? 'Meldcode huiselijk geweld en kindermishandeling, bijzondere vormen van geweld (stap 2 en 3)'
            : 'Meldcode huiselijk geweld en kindermishandeling, afwegingskader (stap 4 en 5)'}
      </dd>
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
    <VeiligThuis title={outcome.kind === 'melden' || outcome.kind === 'overleggen' ? 'Bel Veilig Thuis' : undefined} />
    {outcome.id === 'hulp-bieden' ? (
      <section class="hw-evaluation" aria-labelledby="evaluatiemoment-titel">
        <h2 id="evaluatiemoment-titel" class="utrecht-heading-2">
          Evaluatiemoment
        </h2>
        <TextField
          name="evaluatiemoment"
          type="date"
          label="Wanneer evalueer je de hulp?"
          hint="Vul de afgesproken datum in. Die staat alleen op deze pagina en op je afdruk: hij wordt niet verstuurd en nergens bewaard."
          required={false}
        />
        <p class="hw-no-print">
          Is het evaluatiemoment gekomen?{' '}
          <a class="utrecht-link" href={GUIDES.evaluatie.path}>
            Beantwoord vraag 5: evaluatie van de hulp
          </a>
          .
        </p>
      </section>
    ) : null}
    {answers.length ? (
      <section aria-labelledby="antwoorden">
        <h2 id="antwoorden" class="utrecht-heading-2">
          Je antwoorden en afwegingen
        </h2>
        <AnswerList answers={answers} />
      </section>
    ) : null}
    <section aria-labelledby="vervolg">
      <h2 id="vervolg" class="utrecht-heading-2">
        Volgende stappen
      </h2>
      <ul>
        {outcome.nextSteps.map((s) => (
          <li>{s}</li>
        ))}
      </ul>
      <p>{CLOSING[outcome.kind]} Bewaar deze samenvatting met je afwegingen in het dossier.</p>
    </section>
    <div class="hw-actions hw-no-print">
      <form method="post" action={guide.path}>
        <HiddenState answers={answers} />
        {outcome.id === 'bijzondere-vorm' ? (
          <button type="submit" name="actie" value="verder" class="utrecht-button utrecht-button--secondary-action">
            Terug naar de vraag
          </button>
        ) : (
          <button type="submit" name="actie" value="terug" class="utrecht-button utrecht-button--secondary-action">
            {outcome.id === 'twijfel' ? 'Terug naar vraag 1' : 'Vorige vraag'}
          </button>
        )}
      </form>
      <Restart guide={guide} />
      <a class="utrecht-link" href={MELDCODE_PATH}>
        Terug naar de vijf stappen
      </a>
      <p class="hw-muted">Afdrukken of bewaren als pdf: gebruik de afdrukfunctie van je browser (Ctrl+P of ⌘+P).</p>
    </div>
  </article>
);

export const InvalidState: FC<{ guide: Guide }> = ({ guide }) => (
  <>
    <h1 class="utrecht-heading-1">Begin het afwegingskader opnieuw</h1>
    <ErrorSummary
      errors={{
        form: 'De antwoorden in het formulier passen niet bij de vragen van het afwegingskader. Dat kan gebeuren als je een oude pagina opnieuw verstuurt.',
      }}
    />
    <p>Er is niets bewaard en er is niets misgegaan met je gegevens. Begin opnieuw bij de eerste vraag; dat duurt maar een paar minuten.</p>
    <p>
      <a class="utrecht-button utrecht-button--primary-action hw-button-link" href={guide.path}>
        Opnieuw beginnen
      </a>
    </p>
  </>
);
