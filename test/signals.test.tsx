import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefinitionError, loadDefinition, parseDefinition } from '../src/signals/definition.ts';
import { type Answers, emptyAnswers, evaluate, fieldName, parseAnswers } from '../src/signals/service.ts';
import { SignalsForm, SignalsResult } from '../src/signals/views.tsx';
import { type Backend, backends, createTestApp, tableCounts } from './helpers.ts';

const def = loadDefinition();
const raw = readFileSync('content/signalenlijst.yaml', 'utf8');
const allSignals = def.domains.flatMap((d) => d.signals.map((s) => ({ domain: d, signal: s })));
const none = def.scale[0]?.value as string;
const TODAY = '2026-11-28';

describe('signals list definition', () => {
  it('has seven domains, each with signals in both directions, a three-step scale and the contexts', () => {
    expect(def.domains.map((d) => d.id)).toEqual(['affectie', 'troost', 'hulp', 'cooperatie', 'exploratie', 'controle', 'hereniging']);
    for (const d of def.domains) expect(d.signals.length).toBeGreaterThanOrEqual(2);
    expect(def.scale.map((s) => s.value)).toEqual(['niet', 'soms', 'vaak']);
    expect(def.contexts.map((c) => c.value)).toEqual(['thuis', 'opvang-school', 'consultatiebureau', 'hereniging', 'anders']);
    const patterns = new Set(allSignals.map((x) => x.signal.pattern));
    expect(patterns.has('geremd') && patterns.has('ontremd')).toBe(true);
  });

  it.each([
    ['a missing version', (y: string) => y.replace(/^version: .*$/m, ''), 'veld "version"'],
    ['a bad pattern', (y: string) => y.replace(/pattern: ontremd/, 'pattern: wild'), '.pattern"'],
    ['an unknown field', (y: string) => y.replace(/^title:/m, 'auteur: x\ntitle:'), 'auteur'],
    ['a duplicate signal id', (y: string) => y.replace(/id: troost-niet/, 'id: affectie-weinig'), 'komt twee keer voor'],
    ['a duplicate scale value', (y: string) => y.replace(/value: soms/, 'value: niet'), 'veld "scale"'],
    ['broken YAML', () => 'version: [', 'geen geldige YAML'],
  ])('refuses %s with a message naming the field', (_name, mutate, expected) => {
    expect(() => parseDefinition(mutate(raw))).toThrow(DefinitionError);
    expect(() => parseDefinition(mutate(raw))).toThrow(expected);
  });
});

// Any valid set of answers: each signal gets a scale value, some contexts and notes per domain.
const validAnswers: fc.Arbitrary<Answers> = fc.record({
  date: fc.constant('2026-11-20'),
  label: fc.string({ maxLength: 40 }),
  signals: fc.record(Object.fromEntries(allSignals.map(({ signal }) => [signal.id, fc.constantFrom(...def.scale.map((s) => s.value))]))) as fc.Arbitrary<
    Record<string, string>
  >,
  contexts: fc.dictionary(fc.constantFrom(...def.domains.map((d) => d.id)), fc.uniqueArray(fc.constantFrom(...def.contexts.map((c) => c.value)))),
  notes: fc.dictionary(fc.constantFrom(...def.domains.map((d) => d.id)), fc.string({ maxLength: 1000 })),
});

describe('result rules (property-based)', () => {
  it('any valid answers yield a result that names exactly the domains with signals', async () => {
    await fc.assert(
      fc.asyncProperty(validAnswers, async (answers) => {
        const result = evaluate(def, answers);
        const expected = def.domains.filter((d) => d.signals.some((s) => answers.signals[s.id] !== none)).map((d) => d.id);
        expect(result.withSignals.map((d) => d.domain.id)).toEqual(expected);
        const html = await (<SignalsResult def={def} answers={answers} result={result} />).toString();
        if (expected.length === 0) {
          expect(html).toContain(def.result.noSignals.replace(/'/g, '&#39;').replace(/"/g, '&quot;'));
          expect(html).not.toContain('Je zag signalen in');
        } else {
          const sentence = /Je zag signalen in <strong>(\d+)<\/strong> van de 7 domeinen: ([^.<]*)\./.exec(html);
          expect(Number(sentence?.[1])).toBe(expected.length);
          expect(sentence?.[2]?.split(', ')).toEqual(def.domains.filter((d) => expected.includes(d.id)).map((d) => d.title));
        }
        // No single score, and the pattern steps only when there is a pattern.
        expect(html).not.toMatch(/score/i);
        const patternStep = def.result.nextSteps.pattern[0] as string;
        expect(html.includes(patternStep.slice(0, 30))).toBe(result.level === 'pattern');
      }),
      { numRuns: 200 },
    );
  });

  it('level: none, one domain seen sometimes ("some"), two domains or "vaak" ("pattern")', () => {
    const a = emptyAnswers(def, TODAY);
    expect(evaluate(def, a).level).toBe('none');
    const [first, second] = def.domains;
    a.signals[first?.signals[0]?.id as string] = 'soms';
    expect(evaluate(def, a).level).toBe('some');
    a.signals[first?.signals[0]?.id as string] = 'vaak';
    expect(evaluate(def, a).level).toBe('pattern');
    a.signals[first?.signals[0]?.id as string] = 'soms';
    a.signals[second?.signals[0]?.id as string] = 'soms';
    expect(evaluate(def, a).level).toBe('pattern');
  });

  it('no posted form crashes the parser or the renderer', async () => {
    const names = [
      'datum',
      'label',
      ...allSignals.map((x) => fieldName.signal(x.signal)),
      ...def.domains.flatMap((d) => [fieldName.contexts(d), fieldName.note(d)]),
      's-onbekend',
      'n-onbekend',
      'c-',
      '__proto__',
      'constructor',
    ];
    const value = fc.oneof(
      fc.string({ maxLength: 1200 }),
      fc.constantFrom('niet', 'soms', 'vaak', 'thuis', '2026-02-30', '9999-12-31'),
      fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 12 })), value), async (form) => {
        const { answers, errors } = parseAnswers(def, form, TODAY);
        const html = Object.keys(errors).length
          ? await (<SignalsForm def={def} answers={answers} errors={errors} today={TODAY} />).toString()
          : await (<SignalsResult def={def} answers={answers} result={evaluate(def, answers)} />).toString();
        expect(html.length).toBeGreaterThan(1000);
        expect(html).not.toContain('<script>');
      }),
      { numRuns: 300 },
    );
  });
});

describe.each(backends())('signals list over HTTP on %s', (kind: Backend) => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp(kind);
    t.clock.set(new Date(`${TODAY}T12:00:00Z`));
  });
  afterAll(() => t.close());

  const post = (path: string, fields: [string, string][]) =>
    t.app.request(path, { method: 'POST', body: new URLSearchParams(fields), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });

  const NOTE = 'Kijkt weg bij het ophalen, zoekt geen troost zebrapaard';
  const LABEL = 'QX 18 mnd';
  const valid: [string, string][] = [
    ['datum', '2026-11-20'],
    ['label', LABEL],
    ['s-affectie-weinig', 'vaak'],
    ['s-troost-niet', 'soms'],
    ['c-affectie', 'thuis'],
    ['c-affectie', 'hereniging'],
    ['n-affectie', NOTE],
  ];

  it('the form: one fieldset per domain, a radio per signal and scale step, contexts, notes, version, no name field', async () => {
    const res = await t.app.request('/signalenlijst');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.match(/<fieldset class="hw-fieldset hw-domain"/g)).toHaveLength(7);
    expect(html.match(/type="radio"/g)).toHaveLength(allSignals.length * def.scale.length);
    expect(html.match(/type="checkbox"/g)).toHaveLength(def.domains.length * def.contexts.length);
    expect(html.match(/<textarea/g)).toHaveLength(7);
    expect(html).toContain(`Versie ${def.version}`);
    expect(html).not.toMatch(/name="(naam|name|voornaam|achternaam)"/);
    expect(html).toMatch(/<script type="module" src="\/assets\/signalenlijst\.[0-9a-f]{12}\.js">/);
    expect(html).toContain('method="post" action="/signalenlijst/uitslag"');
  });

  it('the result is rendered in memory: nothing stored, nothing logged, not cacheable', async () => {
    const before = await tableCounts(t.deps.database);
    t.logs.length = 0;
    const res = await post('/signalenlijst/uitslag', valid);
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    expect(res.headers.get('Set-Cookie')).toBeNull();
    expect(res.headers.get('ETag')).toBeNull();
    const html = await res.text();
    expect(html).toContain('Je zag signalen in <strong>2</strong> van de 7 domeinen: Tonen van affectie, Troost zoeken.');
    expect(html).toContain(NOTE);
    expect(html).toContain(LABEL);
    expect(html).toContain('thuis, bij hereniging na scheiding van de ouder');
    expect(html).toContain(`signalenlijst ${def.version}`);
    expect(html).toContain('Let op: dit is geen diagnose');
    expect(html).toContain('href="/meldcode"');
    expect(html).toContain('0800-2000');
    for (const step of def.result.nextSteps.pattern) expect(html).toContain(step.slice(0, 30).replace(/'/g, '&#39;'));
    expect(await tableCounts(t.deps.database)).toEqual(before);
    const logged = t.logs.join('\n');
    expect(logged).not.toContain('zebrapaard');
    expect(logged).not.toContain('QX 18');
    expect(logged).not.toContain('vaak');
    expect(logged).toContain('"path":"/signalenlijst/uitslag"');
  });

  it('the same request twice is rendered twice, never served from a cache', async () => {
    const a = await (await post('/signalenlijst/uitslag', valid)).text();
    const other = await (await post('/signalenlijst/uitslag', [['datum', '2026-11-21']])).text();
    expect(a).toContain('zebrapaard');
    expect(other).not.toContain('zebrapaard');
    expect(other).toContain(def.result.noSignals.slice(0, 30).replace(/'/g, '&#39;'));
  });

  it.each([
    ['a missing date', [['datum', '']], 'datum', 'Vul de datum van de observatie in.'],
    ['a date in the future', [['datum', '2026-12-25']], 'datum', 'kan niet in de toekomst liggen'],
    ['an impossible date', [['datum', '2026-02-31x']], 'datum', 'Vul een geldige datum in'],
    ['a value not on the scale', [['s-hulp-niet', 'altijd']], 's-hulp-niet-niet', 'een van de antwoorden: Niet gezien, Soms, Vaak'],
    ['an oversized note', [['n-troost', 'x'.repeat(1001)]], 'n-troost', 'is 1001 tekens lang. Gebruik er hoogstens 1000.'],
    ['an unknown domain', [['n-slapen', 'iets']], 'foutmeldingen', 'niet in deze versie'],
    ['an unknown context', [['c-hulp', 'zwembad']], 'c-hulp', 'alleen situaties uit de lijst'],
    ['a label that is too long', [['label', 'L'.repeat(41)]], 'label', 'hoogstens 40 tekens'],
  ] as [string, [string, string][], string, string][])(
    '%s: the form again with an error summary linking to the field, answers kept',
    async (_name, bad, anchor, message) => {
      const before = await tableCounts(t.deps.database);
      const fields = new Map<string, [string, string][]>();
      for (const f of valid) fields.set(f[0], [...(fields.get(f[0]) ?? []), f]);
      for (const f of bad) fields.set(f[0], [f]);
      const res = await post('/signalenlijst/uitslag', [...fields.values()].flat());
      expect(res.status).toBe(400);
      expect(res.headers.get('Cache-Control')).toBe('no-store');
      const html = await res.text();
      expect(html).toContain('Er is een probleem');
      expect(html).toContain(message);
      if (anchor !== 'foutmeldingen') {
        expect(html).toMatch(new RegExp(`<a href="#${anchor}">`));
        expect(html).toContain(`id="${anchor}"`);
      }
      // The user's answers are still there.
      expect(html).toMatch(/id="s-affectie-weinig-vaak" name="s-affectie-weinig" value="vaak" checked/);
      expect(html).toMatch(/id="c-affectie-hereniging" name="c-affectie" value="hereniging" checked/);
      if (!bad.some(([k]) => k === 'n-affectie')) expect(html).toContain(NOTE);
      expect(await tableCounts(t.deps.database)).toEqual(before);
    },
  );

  it('hostile text in the label and notes is escaped', async () => {
    const res = await post('/signalenlijst/uitslag', [
      ['datum', '2026-11-20'],
      ['label', '<img src=x onerror=1>'],
      ['n-hulp', '</textarea><script>alert(1)</script>'],
      ['s-hulp-niet', 'soms'],
    ]);
    const html = await res.text();
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('"Antwoorden aanpassen" brings the answers back into the form without storing them', async () => {
    const result = await (await post('/signalenlijst/uitslag', valid)).text();
    const hidden = [...result.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [m[1], m[2]] as [string, string]);
    expect(hidden).toEqual(
      expect.arrayContaining([
        ['n-affectie', NOTE],
        ['c-affectie', 'hereniging'],
        ['s-affectie-weinig', 'vaak'],
      ]),
    );
    const res = await post('/signalenlijst/aanpassen', hidden);
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    const html = await res.text();
    expect(html).toMatch(/value="vaak" checked/);
    expect(html).toContain(NOTE);
    expect(html).toContain(`value="${LABEL}"`);
  });

  it('a blank version for observing on paper lists every signal and the disclaimer', async () => {
    const html = await (await t.app.request('/signalenlijst/blanco')).text();
    for (const { signal } of allSignals) expect(html).toContain(signal.text.replace(/'/g, '&#39;'));
    expect(html).toContain('Let op: dit is geen diagnose');
    expect(html).not.toContain('<form');
  });
});
