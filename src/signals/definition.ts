import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const id = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'alleen kleine letters, cijfers en koppeltekens');
const text = (max: number) => z.string().trim().min(2, 'is verplicht').max(max, `is te lang (max. ${max} tekens)`);

export const DIRECTIONS = ['inhibited', 'disinhibited'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** How an answer on the scale counts: a signal, looked at and not seen, or not observable. */
export const MEANINGS = ['seen', 'not-seen', 'not-observable'] as const;
export type Meaning = (typeof MEANINGS)[number];

const count = z.number().int().min(1).max(12);

/**
 * The signals list as data: a reviewed revision of the wording, items or rules is a new version
 * of content/signalenlijst.yaml, never a code change. Validated at start-up.
 */
export const definitionSchema = z
  .strictObject({
    version: z.string().regex(/^\d{4}\.\d+$/, 'moet een versie zijn als 2026.1'),
    title: text(120),
    source: text(400),
    /** Our own adaptation, not the LSVG: shown on the form, the overview and every printout. */
    basis: text(400),
    lsvg: text(400),
    intro: z.array(text(600)).min(1).max(6),
    age: z.strictObject({ fromMonths: z.number().int().min(0), toMonths: z.number().int().max(216), text: text(300) }),
    /** The answers per signal. None is pre-selected; `meaning` says how an answer counts. */
    scale: z
      .array(z.strictObject({ value: id, label: text(40), meaning: z.enum(MEANINGS) }))
      .min(3)
      .max(6),
    contexts: z
      .array(z.strictObject({ value: id, label: text(80) }))
      .min(1)
      .max(10),
    safety: z.strictObject({
      question: text(200),
      hint: text(300),
      options: z
        .array(z.strictObject({ value: id, label: text(40), concern: z.boolean() }))
        .min(2)
        .max(4),
    }),
    directions: z.strictObject({
      inhibited: z.strictObject({ label: text(120), text: text(400) }),
      disinhibited: z.strictObject({ label: text(120), text: text(400) }),
      /** Why some signals (reunion avoidance) never count toward a direction. */
      excluded: text(400),
      clinician: text(400),
    }),
    rules: z.strictObject({
      /** A direction is named only when at least `minSignals` signals leaning to it were seen in at least `minDomains` domains. */
      direction: z.strictObject({ minSignals: count, minDomains: count }),
      /** Discuss and consult JGZ from signals in `minDomains` domains, or any answer `orAnswer`. */
      discuss: z.strictObject({ minDomains: count, orAnswer: id }),
    }),
    domains: z
      .array(
        z.strictObject({
          id,
          title: text(80),
          /** The familiar professional term, shown in brackets. */
          term: text(40).optional(),
          observe: text(600),
          signals: z
            .array(
              z.strictObject({
                id,
                text: text(300),
                /** Short name of the direction, e.g. "te weinig" or "zonder onderscheid". */
                direction: text(60),
                /** The direction this signal counts toward, if any. */
                leansTo: z.enum(DIRECTIONS).optional(),
              }),
            )
            .min(2)
            .max(6),
        }),
      )
      .min(1)
      .max(12),
    result: z.strictObject({
      disclaimer: z.array(text(600)).min(1).max(4),
      noSignals: text(600),
      nothingFilled: text(600),
      nextSteps: z.strictObject({
        always: z.array(text(400)).min(1).max(6),
        /** Shown when at least one signal was seen. */
        someSignals: z.array(text(400)).min(1).max(6),
        /** Shown from the `rules.discuss` threshold. */
        discuss: z.array(text(400)).min(1).max(6),
        /** Shown when the safety question raises a concern (with the Meldcode guide and Veilig Thuis). */
        safety: z.array(text(400)).min(1).max(4),
      }),
    }),
  })
  .superRefine((d, ctx) => {
    const seen = new Set<string>();
    d.domains.forEach((domain, i) => {
      if (seen.has(domain.id)) ctx.addIssue({ code: 'custom', path: ['domains', i, 'id'], message: `"${domain.id}" komt twee keer voor` });
      seen.add(domain.id);
      domain.signals.forEach((s, j) => {
        if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['domains', i, 'signals', j, 'id'], message: `"${s.id}" komt twee keer voor` });
        seen.add(s.id);
      });
    });
    const values = d.scale.map((s) => s.value);
    if (new Set(values).size !== values.length) ctx.addIssue({ code: 'custom', path: ['scale'], message: 'waarden moeten uniek zijn' });
    for (const meaning of MEANINGS)
      if (!d.scale.some((s) => s.meaning === meaning)) ctx.addIssue({ code: 'custom', path: ['scale'], message: `mist een antwoord met meaning "${meaning}"` });
    const discuss = d.scale.find((s) => s.value === d.rules.discuss.orAnswer);
    if (discuss?.meaning !== 'seen')
      ctx.addIssue({ code: 'custom', path: ['rules', 'discuss', 'orAnswer'], message: 'moet een antwoord op de schaal zijn dat als signaal telt' });
    if (d.rules.direction.minDomains > d.rules.direction.minSignals)
      ctx.addIssue({ code: 'custom', path: ['rules', 'direction'], message: 'minDomains kan niet groter zijn dan minSignals' });
  });

export type Definition = z.infer<typeof definitionSchema>;
export type Domain = Definition['domains'][number];
export type Signal = Domain['signals'][number];

export class DefinitionError extends Error {}

export function parseDefinition(raw: string, file = 'content/signalenlijst.yaml'): Definition {
  let data: unknown;
  try {
    data = parseYaml(raw);
  } catch (err) {
    throw new DefinitionError(`${file}: geen geldige YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = definitionSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `veld "${i.path.join('.') || '(geheel)'}": ${i.message}`);
    throw new DefinitionError(`${file}: ${problems.join('; ')}`);
  }
  return parsed.data;
}

export function loadDefinition(path = 'content/signalenlijst.yaml'): Definition {
  return parseDefinition(readFileSync(path, 'utf8'), path);
}
