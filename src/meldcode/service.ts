import { z } from 'zod';
import { ANSWERS, type Answer, OUTCOMES, type Outcome, type OutcomeId, QUESTION_IDS, QUESTIONS, type Question, type QuestionId } from './steps.ts';

/**
 * The afwegingskader's rules: where each answer leads. The questions are asked in a fixed order, so
 * a route either goes on to the next question or ends in an advice. Every "nee" after the first
 * question ends in a report, except at the safety question, which is asked the other way round:
 * there "ja" (there is acute or structural unsafety) means report.
 */
const ROUTES: Record<QuestionId, Record<Answer, QuestionId | OutcomeId>> = {
  vermoeden: { ja: 'veiligheid', nee: 'geen-vermoeden' },
  veiligheid: { ja: 'melden-onveilig', nee: 'hulp' },
  hulp: { ja: 'medewerking', nee: 'melden-geen-passende-hulp' },
  medewerking: { ja: 'resultaat', nee: 'melden-geen-medewerking' },
  resultaat: { ja: 'hulp-en-volgen', nee: 'melden-onvoldoende-resultaat' },
};

const questionById = new Map(QUESTIONS.map((q) => [q.id, q]));
const isQuestion = (id: QuestionId | OutcomeId): id is QuestionId => questionById.has(id as QuestionId);

export type Decision = { kind: 'question'; question: Question } | { kind: 'advice'; outcome: Outcome };

/**
 * Given the answers so far (to question 1, 2, … in order), the question to ask next or the advice
 * they lead to. `undefined` when the answers go on past an advice: such a state cannot be reached
 * by following the afwegingskader.
 */
export function decide(answers: readonly Answer[]): Decision | undefined {
  let at: QuestionId | OutcomeId = 'vermoeden';
  for (const answer of answers) {
    if (!isQuestion(at)) return undefined;
    at = ROUTES[at][answer];
  }
  return isQuestion(at) ? { kind: 'question', question: questionById.get(at) as Question } : { kind: 'advice', outcome: OUTCOMES[at] };
}

export interface AnsweredQuestion {
  question: Question;
  answer: Answer;
}

/** The answers paired with their questions, for the summary. */
export const answered = (answers: readonly Answer[]): AnsweredQuestion[] =>
  answers.slice(0, QUESTIONS.length).map((answer, i) => ({ question: QUESTIONS[i] as Question, answer }));

const answer = z.enum(ANSWERS, { error: 'Kies ja of nee.' });

/**
 * The posted state of one screen: the answers given so far as hidden fields named after their
 * question, the answer to the question on screen (`antwoord`) and the button pressed (`actie`).
 * Anything else is refused: unknown fields, repeated fields, values other than ja/nee, a gap in
 * the answers (a question skipped) and answers beyond an advice. None of these can come from our
 * own forms, so they mean a stale page or a tampered form.
 */
export const postedStateSchema = z
  .strictObject({
    ...(Object.fromEntries(QUESTION_IDS.map((id) => [id, answer.optional()])) as Record<QuestionId, z.ZodOptional<typeof answer>>),
    antwoord: answer.optional(),
    actie: z.enum(['volgende', 'terug']).default('volgende'),
  })
  .transform((form, ctx) => {
    const answers: Answer[] = [];
    let gap = false;
    for (const id of QUESTION_IDS) {
      const a = form[id];
      if (a === undefined) gap = true;
      else if (gap) {
        ctx.addIssue({ code: 'custom', message: 'Er is een vraag overgeslagen.' });
        return z.NEVER;
      } else answers.push(a);
    }
    if (!decide(answers)) {
      ctx.addIssue({ code: 'custom', message: 'Er zijn antwoorden na het einde van het afwegingskader.' });
      return z.NEVER;
    }
    return { answers, current: form.antwoord, action: form.actie };
  });

export type PostedState = z.infer<typeof postedStateSchema>;

/** What to show after a post. Pure: the route only renders it. */
export type Screen =
  | { kind: 'question'; answers: Answer[]; question: Question; selected?: Answer; missingAnswer?: boolean }
  | { kind: 'advice'; answers: Answer[]; outcome: Outcome }
  | { kind: 'invalid' };

function screenFor(answers: Answer[], selected?: Answer): Screen {
  const decision = decide(answers);
  if (!decision) return { kind: 'invalid' };
  return decision.kind === 'question'
    ? { kind: 'question', answers, question: decision.question, selected }
    : { kind: 'advice', answers, outcome: decision.outcome };
}

export const firstScreen = (): Screen => screenFor([]);

/** One step of the guide: read the posted form, go forward with the answer or back one question. */
export function nextScreen(form: Record<string, unknown>): Screen {
  const parsed = postedStateSchema.safeParse(form);
  if (!parsed.success) return { kind: 'invalid' };
  const { answers, current, action } = parsed.data;
  if (action === 'terug') {
    // Back one question, with the answer given there already chosen so "Volgende" returns here.
    const last = answers.at(-1);
    return screenFor(answers.slice(0, -1), last);
  }
  const here = screenFor(answers);
  if (here.kind === 'advice') return current === undefined ? here : { kind: 'invalid' };
  if (here.kind !== 'question') return here;
  if (current === undefined) return { ...here, missingAnswer: true };
  return screenFor([...answers, current]);
}
