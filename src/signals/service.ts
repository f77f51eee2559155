import type { SearchDocument } from '../search/service.ts';
import { type Definition, DIRECTIONS, type Direction, type Domain, type Signal } from './definition.ts';

/** What a professional filled in. Lives only in the request (no JS) or in their own browser (JS). */
export interface Answers {
  date: string;
  label: string;
  /** Scale value per signal id; a signal without an answer is absent (nothing is pre-selected). */
  signals: Record<string, string>;
  /** Context values per domain id. */
  contexts: Record<string, string[]>;
  /** Free note per domain id. */
  notes: Record<string, string>;
  /** Answer to the safety question, or '' when not answered. */
  safety: string;
}

export const MAX_NOTE = 1000;
export const MAX_LABEL = 40;

export type FieldErrors = Record<string, string>;

export const fieldName = {
  signal: (s: Signal) => `s-${s.id}`,
  contexts: (d: Domain) => `c-${d.id}`,
  note: (d: Domain) => `n-${d.id}`,
};

export const SAFETY_FIELD = 'veiligheid';

/** A domain's name as shown: plain words first, the familiar term in brackets. */
export const domainName = (d: Domain) => (d.term ? `${d.title} (${d.term})` : d.title);

export function emptyAnswers(_def: Definition, date = ''): Answers {
  return { date, label: '', signals: {}, contexts: {}, notes: {}, safety: '' };
}

/** Browsers submit line breaks as CRLF; counted as one character, as the textarea's maxlength does. */
export const normaliseNote = (note: string) => note.replace(/\r\n?/g, '\n');

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
const asText = (v: unknown): string => (Array.isArray(v) ? String(v[0] ?? '') : v === undefined ? '' : String(v));

/**
 * Reads a posted form. Always returns the answers as typed (so the form can be shown again with
 * them), plus a Dutch message per field that is wrong. Unknown fields are refused, not ignored:
 * they mean the form and the definition disagree.
 */
export function parseAnswers(def: Definition, form: Record<string, unknown>, today: string): { answers: Answers; errors: FieldErrors } {
  const answers = emptyAnswers(def);
  const errors: FieldErrors = {};
  const scaleValues = def.scale.map((s) => s.value);
  const scaleText = def.scale.map((s) => s.label).join(', ');
  const contextValues = def.contexts.map((c) => c.value);
  const signals = new Map(def.domains.flatMap((d) => d.signals.map((s) => [fieldName.signal(s), s] as const)));
  const domains = new Map(def.domains.map((d) => [d.id, d]));

  answers.date = asText(form.datum).trim().slice(0, 20);
  answers.label = asText(form.label).slice(0, 200);
  if (!answers.date) errors.datum = 'Vul de datum van de observatie in.';
  else if (!/^\d{4}-\d{2}-\d{2}$/.test(answers.date) || Number.isNaN(Date.parse(`${answers.date}T00:00:00Z`)))
    errors.datum = 'Vul een geldige datum in, bijvoorbeeld 2026-11-28.';
  else if (answers.date > today) errors.datum = 'De datum van de observatie kan niet in de toekomst liggen.';
  else if (answers.date < '2000-01-01') errors.datum = 'Vul een datum na 1 januari 2000 in.';
  if (answers.label.length > MAX_LABEL) errors.label = `Gebruik voor het label hoogstens ${MAX_LABEL} tekens, bijvoorbeeld initialen en leeftijd in maanden.`;

  const unknown: string[] = [];
  for (const [key, raw] of Object.entries(form)) {
    if (key === 'datum' || key === 'label') continue;
    if (key === SAFETY_FIELD) {
      const value = asText(raw);
      answers.safety = value.slice(0, 40);
      if (value && !def.safety.options.some((o) => o.value === value))
        errors[key] = `Kies bij “${def.safety.question}” een van de antwoorden: ${def.safety.options.map((o) => o.label).join(', ')}.`;
      continue;
    }
    const kind = key.slice(0, 2);
    if (kind === 's-') {
      const signal = signals.get(key);
      if (!signal) {
        unknown.push(key.slice(2));
        continue;
      }
      const value = asText(raw);
      if (value === '') continue;
      answers.signals[signal.id] = value.slice(0, 40);
      if (!scaleValues.includes(value)) errors[key] = `Kies bij “${signal.text}” een van de antwoorden: ${scaleText}.`;
    } else if (kind === 'c-' || kind === 'n-') {
      const domain = domains.get(key.slice(2));
      if (!domain) {
        unknown.push(key.slice(2));
        continue;
      }
      if (kind === 'c-') {
        const values = asList(raw).slice(0, 20);
        answers.contexts[domain.id] = values.map((v) => v.slice(0, 40));
        if (values.some((v) => !contextValues.includes(v))) errors[key] = `Kies bij “${domainName(domain)}” alleen situaties uit de lijst.`;
      } else {
        const note = normaliseNote(asText(raw));
        answers.notes[domain.id] = note.slice(0, MAX_NOTE * 2);
        if (note.length > MAX_NOTE) errors[key] = `De aantekening bij “${domainName(domain)}” is ${note.length} tekens lang. Gebruik er hoogstens ${MAX_NOTE}.`;
      }
    } else {
      unknown.push(key);
    }
  }
  if (unknown.length)
    errors.form = `Het formulier bevat onderdelen die niet in deze versie (${def.version}) van de signalenlijst staan. Laad de pagina opnieuw en vul het formulier opnieuw in.`;
  return { answers, errors };
}

export type DomainStatus = 'signals' | 'no-signals' | 'not-observable' | 'not-filled';

export interface Observed {
  domain: Domain;
  signal: Signal;
  answer: string;
  answerLabel: string;
}

export interface DomainResult {
  domain: Domain;
  /**
   * signals: at least one signal seen; no-signals: answered, none seen; not-observable: every
   * answer was "could not observe"; not-filled: no answer at all (never reported as "no signals").
   */
  status: DomainStatus;
  observed: Observed[];
  notSeen: Signal[];
  notObservable: Signal[];
  unanswered: Signal[];
  contexts: string[];
  note: string;
}

export interface Result {
  domains: DomainResult[];
  /** Domains in which at least one signal was seen, in definition order. */
  withSignals: DomainResult[];
  notFilled: DomainResult[];
  /** True when at least one signal has an answer of any kind. */
  anyAnswer: boolean;
  /** Directions that reach the threshold in `rules.direction`, with the signals that point there. */
  directions: { direction: Direction; signals: Observed[] }[];
  /** none: no signal seen; some: below the discuss threshold; discuss: from `rules.discuss`. */
  level: 'none' | 'some' | 'discuss';
  /** The safety question raises a concern (then, and only then, Veilig Thuis is advised). */
  safetyConcern: boolean;
}

/**
 * The overview rules. No score and no diagnosis: per domain what was seen, how often, where. A
 * direction is named only from the threshold in the definition; next steps are proportional.
 */
export function evaluate(def: Definition, answers: Answers): Result {
  const scale = new Map(def.scale.map((s) => [s.value, s]));
  const contextLabel = new Map(def.contexts.map((c) => [c.value, c.label]));
  let anyDiscussAnswer = false;
  let anyAnswer = false;
  const domains = def.domains.map((domain): DomainResult => {
    const r: DomainResult = { domain, status: 'not-filled', observed: [], notSeen: [], notObservable: [], unanswered: [], contexts: [], note: '' };
    for (const signal of domain.signals) {
      const answer = answers.signals[signal.id];
      const option = answer === undefined ? undefined : scale.get(answer);
      if (!option) r.unanswered.push(signal);
      else if (option.meaning === 'seen') {
        r.observed.push({ domain, signal, answer: option.value, answerLabel: option.label });
        if (option.value === def.rules.discuss.orAnswer) anyDiscussAnswer = true;
      } else if (option.meaning === 'not-seen') r.notSeen.push(signal);
      else r.notObservable.push(signal);
    }
    if (r.unanswered.length < domain.signals.length) anyAnswer = true;
    r.status = r.observed.length ? 'signals' : r.notSeen.length ? 'no-signals' : r.notObservable.length ? 'not-observable' : 'not-filled';
    r.contexts = (answers.contexts[domain.id] ?? []).filter((c) => contextLabel.has(c)).map((c) => contextLabel.get(c) as string);
    r.note = (answers.notes[domain.id] ?? '').trim();
    return r;
  });
  const withSignals = domains.filter((d) => d.status === 'signals');
  const { minSignals, minDomains } = def.rules.direction;
  const directions = DIRECTIONS.map((direction) => ({
    direction,
    signals: withSignals.flatMap((d) => d.observed.filter((o) => o.signal.leansTo === direction)),
  })).filter((x) => x.signals.length >= minSignals && new Set(x.signals.map((o) => o.domain.id)).size >= minDomains);
  const level = withSignals.length === 0 ? 'none' : withSignals.length >= def.rules.discuss.minDomains || anyDiscussAnswer ? 'discuss' : 'some';
  const safetyConcern = def.safety.options.some((o) => o.concern && o.value === answers.safety);
  return { domains, withSignals, notFilled: domains.filter((d) => d.status === 'not-filled'), anyAnswer, directions, level, safetyConcern };
}

/**
 * What the browser script needs to check stored and imported observations: the same field names,
 * values and limits as the form and the server. Sent as a data attribute (no inline script).
 */
export function clientSchema(def: Definition) {
  return {
    version: def.version,
    maxNote: MAX_NOTE,
    maxLabel: MAX_LABEL,
    scale: def.scale.map((s) => ({ value: s.value, label: s.label, meaning: s.meaning })),
    contexts: def.contexts.map((c) => c.value),
    safety: {
      field: SAFETY_FIELD,
      values: def.safety.options.map((o) => o.value),
      labels: Object.fromEntries(def.safety.options.map((o) => [o.value, o.label])),
    },
    domains: def.domains.map((d) => ({
      id: d.id,
      name: domainName(d),
      contexts: fieldName.contexts(d),
      note: fieldName.note(d),
      signals: d.signals.map((s) => ({ field: fieldName.signal(s), text: s.text })),
    })),
  };
}
export type ClientSchema = ReturnType<typeof clientSchema>;

/** The signals list as one search document: found by its name, the areas it looks at and the signals it asks about. */
export function signalsSearchDocument(def: Definition): SearchDocument {
  return {
    kind: 'guide',
    ref: 'signalenlijst',
    title: def.title,
    url: '/signalenlijst',
    summary: def.intro[0] ?? '',
    // Each area with what to look at and the signals the list asks about, as the form shows them: "zoekt geen troost" finds it.
    body: [
      ...def.intro.slice(1),
      ...def.domains.flatMap((d) => [d.term ? `${d.title} (${d.term})` : d.title, d.observe, ...d.signals.map((s) => s.text)]),
    ].join('\n\n'),
    // Also what it is about, in the words a professional searches with: the text says "gehechtheidsgedrag", one word to the search.
    labels: 'signalenlijst observatie observeren gehechtheidsgedrag gehechtheid hechting',
  };
}
