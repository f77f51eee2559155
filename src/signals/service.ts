import type { Definition, Domain, Pattern, Signal } from './definition.ts';

/** What a professional filled in. Lives only in the request (no JS) or in their own browser (JS). */
export interface Answers {
  date: string;
  label: string;
  /** Scale value per signal id. */
  signals: Record<string, string>;
  /** Context values per domain id. */
  contexts: Record<string, string[]>;
  /** Free note per domain id. */
  notes: Record<string, string>;
}

export const MAX_NOTE = 1000;
export const MAX_LABEL = 40;

export type FieldErrors = Record<string, string>;

export const fieldName = {
  signal: (s: Signal) => `s-${s.id}`,
  contexts: (d: Domain) => `c-${d.id}`,
  note: (d: Domain) => `n-${d.id}`,
};

export function emptyAnswers(def: Definition, date = ''): Answers {
  const none = def.scale[0]?.value ?? '';
  return {
    date,
    label: '',
    signals: Object.fromEntries(def.domains.flatMap((d) => d.signals.map((s) => [s.id, none]))),
    contexts: {},
    notes: {},
  };
}

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
    const kind = key.slice(0, 2);
    if (kind === 's-') {
      const signal = signals.get(key);
      if (!signal) {
        unknown.push(key.slice(2));
        continue;
      }
      const value = asText(raw);
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
        if (values.some((v) => !contextValues.includes(v))) errors[key] = `Kies bij “${domain.title}” alleen situaties uit de lijst.`;
      } else {
        const note = asText(raw);
        answers.notes[domain.id] = note.slice(0, MAX_NOTE * 2);
        if (note.length > MAX_NOTE) errors[key] = `De aantekening bij “${domain.title}” is ${note.length} tekens lang. Gebruik er hoogstens ${MAX_NOTE}.`;
      }
    } else {
      unknown.push(key);
    }
  }
  if (unknown.length)
    errors.form = `Het formulier bevat onderdelen die niet in deze versie (${def.version}) van de signalenlijst staan. Laad de pagina opnieuw en vul het formulier opnieuw in.`;
  return { answers, errors };
}

export interface DomainResult {
  domain: Domain;
  observed: { signal: Signal; frequency: string; frequencyLabel: string }[];
  contexts: string[];
  note: string;
}

export interface Result {
  domains: DomainResult[];
  /** Domains in which at least one signal was seen, in definition order. */
  withSignals: DomainResult[];
  byPattern: Record<Pattern, { domain: Domain; signal: Signal; frequencyLabel: string }[]>;
  level: 'none' | 'some' | 'pattern';
}

/**
 * The result rules. No score: per domain what was seen, how often, where; per pattern which signals
 * point to it. "pattern" level: signals in two or more domains, or any signal seen at the top of the scale.
 */
export function evaluate(def: Definition, answers: Answers): Result {
  const none = def.scale[0]?.value;
  const top = def.scale[def.scale.length - 1]?.value;
  const label = new Map(def.scale.map((s) => [s.value, s.label]));
  const contextLabel = new Map(def.contexts.map((c) => [c.value, c.label]));
  const byPattern: Result['byPattern'] = { geremd: [], ontremd: [], overig: [] };
  let anyTop = false;
  const domains = def.domains.map((domain): DomainResult => {
    const observed = domain.signals
      .filter((s) => {
        const v = answers.signals[s.id];
        return v !== undefined && v !== none && label.has(v);
      })
      .map((signal) => {
        const frequency = answers.signals[signal.id] as string;
        if (frequency === top) anyTop = true;
        const frequencyLabel = label.get(frequency) as string;
        byPattern[signal.pattern].push({ domain, signal, frequencyLabel });
        return { signal, frequency, frequencyLabel };
      });
    return {
      domain,
      observed,
      contexts: (answers.contexts[domain.id] ?? []).filter((c) => contextLabel.has(c)).map((c) => contextLabel.get(c) as string),
      note: (answers.notes[domain.id] ?? '').trim(),
    };
  });
  const withSignals = domains.filter((d) => d.observed.length > 0);
  const level = withSignals.length === 0 ? 'none' : withSignals.length >= 2 || anyTop ? 'pattern' : 'some';
  return { domains, withSignals, byPattern, level };
}
