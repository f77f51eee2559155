import { z } from 'zod';
import {
  AFWEGINGSKADER_PATH,
  ANSWERS,
  type Answer,
  EVALUATIE_PATH,
  OUTCOMES,
  type Outcome,
  type OutcomeId,
  type Question,
  type QuestionId,
  questionById,
} from './steps.ts';

/**
 * The afwegingskader's rules: where each answer leads. The questions are asked in a fixed order, so
 * a route either goes on to the next question or ends in an advice. Question 5 is not asked right
 * after question 4: "ja" at question 4 ends in offering help with an evaluation moment, and
 * question 5 is answered at that moment, in the evaluation guide.
 */
const ROUTES: Record<QuestionId, Partial<Record<Answer, QuestionId | OutcomeId>>> = {
  vermoeden: { ja: 'veiligheid', nee: 'geen-vermoeden', twijfel: 'twijfel' },
  veiligheid: { ja: 'melden-onveilig', nee: 'hulp' },
  hulp: { ja: 'medewerking', nee: 'melden-geen-passende-hulp' },
  medewerking: { ja: 'hulp-bieden', nee: 'melden-geen-medewerking' },
  resultaat: { ja: 'hulp-afsluiten', nee: 'melden-onvoldoende-resultaat' },
};

export type GuideId = 'afwegingskader' | 'evaluatie';

export interface Guide {
  id: GuideId;
  path: string;
  /** The questions this guide asks, in order. */
  questions: readonly QuestionId[];
}

export const GUIDES: Record<GuideId, Guide> = {
  afwegingskader: { id: 'afwegingskader', path: AFWEGINGSKADER_PATH, questions: ['vermoeden', 'veiligheid', 'hulp', 'medewerking'] },
  evaluatie: { id: 'evaluatie', path: EVALUATIE_PATH, questions: ['resultaat'] },
};

const isOutcome = (id: QuestionId | OutcomeId): id is OutcomeId => id in OUTCOMES;

export type Decision = { kind: 'question'; question: Question } | { kind: 'advice'; outcome: Outcome };

/**
 * Given the answers so far (to the guide's questions, in order), the question to ask next or the
 * advice they lead to. `undefined` when the answers cannot be given by following the guide: an
 * answer a question does not offer, or answers that go on past an advice.
 */
export function decide(guide: Guide, answers: readonly Answer[]): Decision | undefined {
  let at: QuestionId | OutcomeId = guide.questions[0] as QuestionId;
  for (const answer of answers) {
    if (isOutcome(at)) return undefined;
    const next: QuestionId | OutcomeId | undefined = ROUTES[at][answer];
    if (!next) return undefined;
    at = next;
  }
  return isOutcome(at) ? { kind: 'advice', outcome: OUTCOMES[at] } : { kind: 'question', question: questionById(at) };
}

/** One answered question with the professional's own reasoning ("mijn afweging"), which may be empty. */
export interface AnsweredQuestion {
  question: Question;
  answer: Answer;
  note: string;
}

/** The longest "mijn afweging" per question, in characters, counting a line break as one. */
export const NOTE_MAX = 2000;

/** Line breaks as the browser counts them for maxlength (CR LF is one), surrounding blanks dropped. */
export const normaliseNote = (text: string): string => text.replace(/\r\n?/g, '\n').trim();

export const MISSING_ANSWER: Record<'twee' | 'drie', string> = {
  twee: 'Kies ja of nee.',
  drie: 'Kies ja, nee of ik twijfel.',
};
export const missingAnswerMessage = (q: Question) => (q.answers.length === 3 ? MISSING_ANSWER.drie : MISSING_ANSWER.twee);
export const noteTooLongMessage = (length: number) =>
  `Je afweging is te lang: maximaal ${NOTE_MAX.toLocaleString('nl-NL')} tekens, en het zijn er nu ${length.toLocaleString('nl-NL')}. Maak hem korter.`;

export const ACTIONS = ['volgende', 'terug', 'bijzondere-vorm', 'verder'] as const;

const answer = z.enum(ANSWERS);
const note = z
  .string()
  .transform(normaliseNote)
  .refine((s) => s.length <= NOTE_MAX);

/**
 * The posted state of one screen: the answers given so far as hidden fields named after their
 * question, each with its "mijn afweging" (`afweging-<vraag>`); the answer and reasoning for the
 * question on screen (`antwoord`, `afweging`); and the button pressed (`actie`). Anything else is
 * refused: unknown or repeated fields, answers a question does not offer, a gap in the answers, a
 * reasoning without its answer and answers beyond an advice. None of these can come from our own
 * forms, so they mean a stale page or a tampered form. Only the reasoning on screen may be too
 * long: that is the one thing a person can get wrong here, and it gets its own message.
 */
export function postedStateSchema(guide: Guide) {
  const shape: Record<string, z.ZodType> = {};
  for (const id of guide.questions) {
    shape[id] = answer.optional();
    shape[`afweging-${id}`] = note.optional();
  }
  return z
    .strictObject({
      ...shape,
      antwoord: answer.optional(),
      afweging: z.string().transform(normaliseNote).optional(),
      actie: z.enum(ACTIONS).default('volgende'),
    })
    .transform((raw, ctx) => {
      const form = raw as Record<string, string | undefined> & { actie: (typeof ACTIONS)[number] };
      const answers: AnsweredQuestion[] = [];
      let gap = false;
      for (const id of guide.questions) {
        const a = form[id] as Answer | undefined;
        const n = form[`afweging-${id}`];
        if (a === undefined) {
          gap = true;
          if (n !== undefined) ctx.addIssue({ code: 'custom', message: 'Er is een afweging zonder antwoord.' });
        } else if (gap) ctx.addIssue({ code: 'custom', message: 'Er is een vraag overgeslagen.' });
        else answers.push({ question: questionById(id), answer: a, note: n ?? '' });
      }
      if (
        !decide(
          guide,
          answers.map((a) => a.answer),
        )
      )
        ctx.addIssue({ code: 'custom', message: 'De antwoorden passen niet bij het afwegingskader.' });
      return { answers, current: form.antwoord as Answer | undefined, currentNote: form.afweging ?? '', action: form.actie };
    });
}

export type PostedState = z.infer<ReturnType<typeof postedStateSchema>>;

/** Each guide's schema, built once rather than for every post. */
const SCHEMAS: Record<GuideId, ReturnType<typeof postedStateSchema>> = {
  afwegingskader: postedStateSchema(GUIDES.afwegingskader),
  evaluatie: postedStateSchema(GUIDES.evaluatie),
};

export interface ScreenErrors {
  antwoord?: string;
  afweging?: string;
}

/** What to show. Pure: the route only renders it. */
export type Screen =
  | { kind: 'question'; guide: Guide; answers: AnsweredQuestion[]; question: Question; selected?: Answer; note: string; errors?: ScreenErrors }
  | { kind: 'advice'; guide: Guide; answers: AnsweredQuestion[]; outcome: Outcome }
  | { kind: 'invalid'; guide: Guide };

function screenFor(guide: Guide, answers: AnsweredQuestion[], selected?: Answer, note = ''): Screen {
  const decision = decide(
    guide,
    answers.map((a) => a.answer),
  );
  if (!decision) return { kind: 'invalid', guide };
  return decision.kind === 'question'
    ? { kind: 'question', guide, answers, question: decision.question, selected, note }
    : { kind: 'advice', guide, answers, outcome: decision.outcome };
}

export const firstScreen = (guide: Guide): Screen => screenFor(guide, []);

/** One step of a guide: read the posted form, go forward with the answer, back one question, or out. */
export function nextScreen(guide: Guide, form: Record<string, unknown>): Screen {
  const parsed = SCHEMAS[guide.id].safeParse(form);
  if (!parsed.success) return { kind: 'invalid', guide };
  const { answers, current, currentNote, action } = parsed.data;
  const here = screenFor(guide, answers);
  if (action === 'terug') {
    // Back one question, with the answer and reasoning given there filled in, so "Volgende" returns here.
    const last = answers.at(-1);
    if (!last) return here.kind === 'question' ? { ...here, selected: current, note: currentNote } : here;
    return screenFor(guide, answers.slice(0, -1), last.answer, last.note);
  }
  if (action === 'verder') return here;
  if (action === 'bijzondere-vorm') {
    // The early exit for the special forms of violence: the answers so far go onto the summary.
    if (guide.id !== 'afwegingskader' || here.kind !== 'question') return { kind: 'invalid', guide };
    return { kind: 'advice', guide, answers, outcome: OUTCOMES['bijzondere-vorm'] };
  }
  if (here.kind !== 'question') return current === undefined ? here : { kind: 'invalid', guide };
  const errors: ScreenErrors = {};
  if (current === undefined) errors.antwoord = missingAnswerMessage(here.question);
  else if (!here.question.answers.includes(current)) return { kind: 'invalid', guide };
  if (currentNote.length > NOTE_MAX) errors.afweging = noteTooLongMessage(currentNote.length);
  if (errors.antwoord || errors.afweging) return { ...here, selected: current, note: currentNote, errors };
  return screenFor(guide, [...answers, { question: here.question, answer: current as Answer, note: currentNote }]);
}
