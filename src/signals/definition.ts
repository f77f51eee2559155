import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const id = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'alleen kleine letters, cijfers en koppeltekens');
const text = (max: number) => z.string().trim().min(2, 'is verplicht').max(max, `is te lang (max. ${max} tekens)`);

export const PATTERNS = ['geremd', 'ontremd', 'overig'] as const;
export type Pattern = (typeof PATTERNS)[number];

/**
 * The signals list as data: a reviewed revision of the wording, items or rules is a new version
 * of content/signalenlijst.yaml, never a code change. Validated at start-up.
 */
export const definitionSchema = z
  .strictObject({
    version: z.string().regex(/^\d{4}\.\d+$/, 'moet een versie zijn als 2026.1'),
    title: text(120),
    source: text(400),
    intro: z.array(text(600)).min(1).max(6),
    age: z.strictObject({ fromMonths: z.number().int().min(0), toMonths: z.number().int().max(216), text: text(300) }),
    /** The frequency scale; the first option means "not seen" and is never a signal. */
    scale: z
      .array(z.strictObject({ value: id, label: text(40) }))
      .min(2)
      .max(6),
    contexts: z
      .array(z.strictObject({ value: id, label: text(80) }))
      .min(1)
      .max(10),
    patterns: z.strictObject({
      geremd: z.strictObject({ label: text(80), description: text(600) }),
      ontremd: z.strictObject({ label: text(80), description: text(600) }),
      overig: z.strictObject({ label: text(80), description: text(600) }),
    }),
    domains: z
      .array(
        z.strictObject({
          id,
          title: text(80),
          observe: text(600),
          signals: z
            .array(
              z.strictObject({
                id,
                text: text(300),
                /** Short name of the direction, e.g. "te weinig" or "zonder onderscheid". */
                direction: text(60),
                pattern: z.enum(PATTERNS),
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
      patternIntro: text(600),
      nextSteps: z.strictObject({
        always: z.array(text(400)).min(1).max(6),
        /** Shown when at least one signal was observed. */
        someSignals: z.array(text(400)).min(1).max(6),
        /** Shown when signals were seen in several domains or often: a pattern worth acting on. */
        pattern: z.array(text(400)).min(1).max(6),
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
