import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends, createTestApp, tableCounts } from '../../test/helpers.ts';
import { DefinitionError, loadDefinition, parseDefinition } from './definition.ts';
import { type Answers, domainName, emptyAnswers, evaluate, fieldName, parseAnswers } from './service.ts';
import { SignalsForm, SignalsResult } from './views.tsx';

const def = loadDefinition();
const raw = readFileSync('content/signalenlijst.yaml', 'utf8');
const allSignals = def.domains.flatMap((d) => d.signals.map((s) => ({ domain: d, signal: s })));
const seenValues = def.scale.filter((s) => s.meaning === 'seen').map((s) => s.value);
const TODAY = '2026-11-28';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;');
/** The text a reader sees: tags, attributes and scripts removed. */
const visibleText = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

const mainOf = (html: string) => html.slice(html.indexOf('<main'), html.indexOf('</main>'));

describe('signals list definition', () => {
  it('has seven domains in plain words, four answers per signal with none pre-selected, the contexts and a safety question', () => {
    expect(def.domains.map((d) => d.id)).toEqual(['affectie', 'troost', 'hulp', 'cooperatie', 'exploratie', 'controle', 'hereniging']);
    expect(def.domains.map(domainName)).toContain('Samenwerken (coöperatie)');
    expect(def.domains.map(domainName)).toContain('Op onderzoek uitgaan (exploratie)');
    for (const d of def.domains) expect(d.signals.length).toBeGreaterThanOrEqual(2);
    expect(def.scale.map((s) => [s.value, s.meaning])).toEqual([
      ['niet', 'not-seen'],
      ['soms', 'seen'],
      ['vaak', 'seen'],
      ['onbekend', 'not-observable'],
    ]);
    expect(def.scale.find((s) => s.value === 'onbekend')?.label).toBe('Kon ik niet observeren');
    expect(def.contexts.map((c) => c.value)).toEqual(['thuis', 'opvang-school', 'consultatiebureau', 'hereniging', 'anders']);
    expect(def.safety.options.filter((o) => o.concern).map((o) => o.value)).toEqual(['twijfel', 'ja']);
  });

  it('reunion avoidance never counts toward a direction; both directions have signals in at least two domains', () => {
    const reunion = def.domains.find((d) => d.id === 'hereniging');
    expect(reunion?.signals.every((s) => s.leansTo === undefined)).toBe(true);
    for (const direction of ['inhibited', 'disinhibited'] as const) {
      const domains = new Set(allSignals.filter((x) => x.signal.leansTo === direction).map((x) => x.domain.id));
      expect(domains.size).toBeGreaterThanOrEqual(def.rules.direction.minDomains);
    }
  });

  it('says it is our own adaptation of Boris & Zeanah (2005; 2016), not the validated LSVG', () => {
    expect(def.basis).toMatch(/eigen bewerking/);
    expect(def.basis).toMatch(/Boris en Zeanah beschreven \(2005; herzien in 2016\)/);
    expect(def.basis).toMatch(/niet gevalideerd en is niet de LSVG/);
    expect(def.lsvg).toMatch(/Lijst Signalen Verstoorde Gehechtheid \(LSVG\)/);
    expect(def.source).toContain('Zeanah, Chesher & Boris (2016)');
  });

  it.each([
    ['a missing version', (y: string) => y.replace(/^version: .*$/m, ''), 'veld "version"'],
    ['a bad direction', (y: string) => y.replace(/leansTo: disinhibited/, 'leansTo: wild'), '.leansTo"'],
    ['an unknown field', (y: string) => y.replace(/^title:/m, 'auteur: x\ntitle:'), 'auteur'],
    ['a duplicate signal id', (y: string) => y.replace(/id: troost-niet/, 'id: affectie-weinig'), 'komt twee keer voor'],
    ['a duplicate scale value', (y: string) => y.replace(/value: soms/, 'value: niet'), 'veld "scale"'],
    ['a scale without "could not observe"', (y: string) => y.replace(/meaning: not-observable/, 'meaning: not-seen'), 'not-observable'],
    ['a discuss threshold on an answer that is no signal', (y: string) => y.replace(/orAnswer: vaak/, 'orAnswer: niet'), 'rules.discuss.orAnswer'],
    ['a threshold of zero', (y: string) => y.replace(/minSignals: 2/, 'minSignals: 0'), 'rules.direction.minSignals'],
    ['broken YAML', () => 'version: [', 'geen geldige YAML'],
  ])('refuses %s with a message naming the field', (_name, mutate, expected) => {
    expect(() => parseDefinition(mutate(raw))).toThrow(DefinitionError);
    expect(() => parseDefinition(mutate(raw))).toThrow(expected);
  });
});

// Any valid set of answers: each signal unanswered or on the scale, contexts and notes per domain, the safety question.
const validAnswers: fc.Arbitrary<Answers> = fc.record({
  date: fc.constant('2026-11-20'),
  label: fc.string({ maxLength: 40 }),
  signals: fc.dictionary(fc.constantFrom(...allSignals.map((x) => x.signal.id)), fc.constantFrom(...def.scale.map((s) => s.value))),
  contexts: fc.dictionary(fc.constantFrom(...def.domains.map((d) => d.id)), fc.uniqueArray(fc.constantFrom(...def.contexts.map((c) => c.value)))),
  notes: fc.dictionary(fc.constantFrom(...def.domains.map((d) => d.id)), fc.string({ maxLength: 1000 })),
  safety: fc.constantFrom('', ...def.safety.options.map((o) => o.value)),
});

/** The rules written out a second time, from the definition's data, to check evaluate() against. */
function expected(answers: Answers) {
  const seen = allSignals.filter((x) => seenValues.includes(answers.signals[x.signal.id] ?? ''));
  const domainsWithSignals = def.domains.filter((d) => seen.some((x) => x.domain.id === d.id)).map((d) => d.id);
  const directions = (['inhibited', 'disinhibited'] as const).filter((dir) => {
    const leaning = seen.filter((x) => x.signal.leansTo === dir);
    return leaning.length >= def.rules.direction.minSignals && new Set(leaning.map((x) => x.domain.id)).size >= def.rules.direction.minDomains;
  });
  const discuss = domainsWithSignals.length >= def.rules.discuss.minDomains || seen.some((x) => answers.signals[x.signal.id] === def.rules.discuss.orAnswer);
  const notFilled = def.domains.filter((d) => d.signals.every((s) => answers.signals[s.id] === undefined)).map((d) => d.id);
  const concern = def.safety.options.some((o) => o.concern && o.value === answers.safety);
  return { domainsWithSignals, directions, level: seen.length === 0 ? 'none' : discuss ? 'discuss' : 'some', notFilled, concern };
}

const render = async (answers: Answers) => {
  const result = evaluate(def, answers);
  return { result, html: await (<SignalsResult def={def} answers={answers} result={result} />).toString() };
};

describe('overview rules (property-based; thresholds from content/signalenlijst.yaml)', () => {
  it('names exactly the domains with signals, and reports every domain without answers as "niet ingevuld", never as "geen signalen"', async () => {
    await fc.assert(
      fc.asyncProperty(validAnswers, async (answers) => {
        const want = expected(answers);
        const { result, html } = await render(answers);
        expect(result.withSignals.map((d) => d.domain.id)).toEqual(want.domainsWithSignals);
        expect(result.notFilled.map((d) => d.domain.id)).toEqual(want.notFilled);
        for (const d of def.domains) {
          const section = new RegExp(`data-domain="${d.id}" data-status="([a-z-]+)"[\\s\\S]*?</section>`).exec(html);
          const text = section?.[0] ?? '';
          if (want.notFilled.includes(d.id)) {
            expect(section?.[1]).toBe('not-filled');
            expect(text).toContain('Niet ingevuld.');
            expect(text).not.toContain('Geen signalen gezien');
          }
        }
        if (want.domainsWithSignals.length === 0) expect(html).not.toContain('Je zag signalen op');
        else {
          const sentence = /Je zag signalen op <strong>(\d+)<\/strong> van de 7 gebieden: ([^<]*)\.<\/p>/.exec(html);
          expect(Number(sentence?.[1])).toBe(want.domainsWithSignals.length);
        }
        if (want.notFilled.length === def.domains.length) expect(html).toContain(esc(def.result.nothingFilled));
        expect(html).not.toMatch(/score/i);
      }),
      { numRuns: 300 },
    );
  });

  it('names a direction only when at least 2 signals in at least 2 domains point there, with the clinician sentence; no DSM-like pattern names', async () => {
    await fc.assert(
      fc.asyncProperty(validAnswers, async (answers) => {
        const want = expected(answers);
        const { result, html } = await render(answers);
        expect(result.directions.map((x) => x.direction)).toEqual(want.directions);
        for (const dir of ['inhibited', 'disinhibited'] as const) expect(html.includes(`data-direction="${dir}"`)).toBe(want.directions.includes(dir));
        expect(html.includes(esc(def.directions.clinician))).toBe(want.directions.length > 0);
        expect(html).not.toMatch(/geremd|ontremd|patroon|reactieve hechtingsstoornis/i);
      }),
      { numRuns: 300 },
    );
  });

  it('reunion answers never change which direction is named', () => {
    const reunion = def.domains.find((d) => d.id === 'hereniging');
    fc.assert(
      fc.property(
        validAnswers,
        fc.dictionary(fc.constantFrom(...(reunion?.signals.map((s) => s.id) ?? [])), fc.constantFrom(...seenValues)),
        (answers, extra) => {
          const before = evaluate(def, answers).directions.map((x) => x.direction);
          const after = evaluate(def, { ...answers, signals: { ...answers.signals, ...extra } }).directions.map((x) => x.direction);
          expect(after).toEqual(before);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('next steps are proportional: colleague first, JGZ from the discuss threshold, Veilig Thuis only with a safety concern', async () => {
    await fc.assert(
      fc.asyncProperty(validAnswers, async (answers) => {
        const want = expected(answers);
        const { result, html } = await render(answers);
        expect(result.level).toBe(want.level);
        expect(result.safetyConcern).toBe(want.concern);
        const has = (text: string) => html.includes(esc(text).slice(0, 40));
        expect(has(def.result.nextSteps.someSignals[0] as string)).toBe(want.level !== 'none');
        expect(has(def.result.nextSteps.discuss[0] as string)).toBe(want.level === 'discuss');
        // The number appears once, in the Veilig Thuis notice, and only when it helps (the site header adds at most one more).
        expect((html.match(/0800-2000/g) ?? []).length).toBe(want.concern ? 1 : 0);
        expect(html.includes('href="/meldcode/afwegingskader"')).toBe(want.concern);
        expect(html).toContain('href="/meldcode"');
        expect(html).toContain('data-rule-of-thumb');
      }),
      { numRuns: 300 },
    );
  });

  it('more answers never lower the level (seeing a signal more often or in another domain never makes the advice lighter)', () => {
    const rank = { none: 0, some: 1, discuss: 2 };
    fc.assert(
      fc.property(validAnswers, fc.constantFrom(...allSignals.map((x) => x.signal.id)), fc.constantFrom(...seenValues), (answers, id, value) => {
        const before = evaluate(def, answers).level;
        if (seenValues.includes(answers.signals[id] ?? '') && value === 'soms') return;
        const after = evaluate(def, { ...answers, signals: { ...answers.signals, [id]: value } }).level;
        expect(rank[after]).toBeGreaterThanOrEqual(rank[before]);
      }),
      { numRuns: 300 },
    );
  });

  it('the rule of thumb on the page states the thresholds of the definition', async () => {
    const { html } = await render(emptyAnswers(def, TODAY));
    const text = visibleText(html);
    expect(text).toContain('Zie je signalen op twee of meer gebieden, of zie je een signaal vaak?');
    expect(text).toContain('ten minste twee signalen op ten minste twee gebieden');
    const changed = parseDefinition(raw.replace(/minSignals: 2/, 'minSignals: 3').replace(/minDomains: 2\n {4}orAnswer/, 'minDomains: 4\n    orAnswer'));
    const other = visibleText(
      await (<SignalsResult def={changed} answers={emptyAnswers(changed, TODAY)} result={evaluate(changed, emptyAnswers(changed, TODAY))} />).toString(),
    );
    expect(other).toContain('Zie je signalen op vier of meer gebieden');
    expect(other).toContain('ten minste drie signalen op ten minste twee gebieden');
  });

  it('no posted form crashes the parser or the renderer', async () => {
    const names = [
      'datum',
      'label',
      'veiligheid',
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
      fc.constantFrom('niet', 'soms', 'vaak', 'onbekend', 'ja', 'thuis', '2026-02-30', '9999-12-31', ''),
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
  const LABEL = 'QX';
  const valid: [string, string][] = [
    ['datum', '2026-11-20'],
    ['label', LABEL],
    ['s-affectie-weinig', 'vaak'],
    ['s-affectie-onderscheid', 'niet'],
    ['s-troost-niet', 'soms'],
    ['s-hulp-niet', 'onbekend'],
    ['c-affectie', 'thuis'],
    ['c-affectie', 'hereniging'],
    ['n-affectie', NOTE],
  ];

  it('the form: a fieldset per domain, four answers per signal and none chosen, contexts, notes with maxlength, the basis, no name field', async () => {
    const res = await t.app.request('/signalenlijst');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.match(/<fieldset class="hw-fieldset hw-domain"/g)).toHaveLength(7);
    const formHtml = html.slice(html.indexOf('<form class="hw-signals"'), html.indexOf('</form>', html.indexOf('<form class="hw-signals"')));
    expect(formHtml.match(/type="radio"/g)).toHaveLength(allSignals.length * 4 + def.safety.options.length);
    expect(formHtml).not.toMatch(/<input[^>]*type="radio"[^>]*checked/);
    expect(formHtml.match(/type="checkbox"/g)).toHaveLength(def.domains.length * def.contexts.length);
    expect(formHtml.match(/<textarea[^>]*maxlength="1000"/g)).toHaveLength(7);
    expect(html).toContain('Kon ik niet observeren');
    expect(html).toContain(`Versie ${def.version}`);
    expect(html).toContain(esc(def.basis));
    expect(html).toContain(esc(def.lsvg));
    expect(html).toContain('Gebruik nooit de naam van het kind');
    expect(html).not.toMatch(/name="(naam|name|voornaam|achternaam)"/);
    expect(html).toMatch(/<script type="module" src="\/assets\/signalenlijst\.[0-9a-f]{12}\.js">/);
    expect(html).toContain('method="post" action="/signalenlijst/overzicht"');
    expect(html).toMatch(/data-schema="\{[^"]*&quot;maxNote&quot;:1000/);
  });

  it('one term throughout: "gebied", never "domein" or "uitslag", in the form, the overview and the blank list', async () => {
    const pages = [
      await (await t.app.request('/signalenlijst')).text(),
      await (await post('/signalenlijst/overzicht', valid)).text(),
      await (await post('/signalenlijst/overzicht', [['datum', '2026-11-20']])).text(),
      await (await t.app.request('/signalenlijst/blanco')).text(),
    ];
    for (const html of pages) {
      const text = visibleText(html);
      expect(text).not.toMatch(/domein|uitslag|Coöperatie |Exploratiegedrag/i);
      expect(text).toMatch(/gebied/);
    }
  });

  it('the overview is rendered in memory: nothing stored, nothing logged, private to this browser', async () => {
    const before = await tableCounts(t.deps.database);
    t.logs.length = 0;
    const res = await post('/signalenlijst/overzicht', valid);
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('private, no-cache');
    expect(res.headers.get('Set-Cookie')).toBeNull();
    expect(res.headers.get('ETag')).toBeNull();
    const html = await res.text();
    expect(html).toContain('Je zag signalen op <strong>2</strong> van de 7 gebieden: Genegenheid tonen (affectie), Troost zoeken.');
    expect(html).toContain(
      'Niet ingevuld: Samenwerken (coöperatie), Op onderzoek uitgaan (exploratie), Wie de leiding neemt (controlerend gedrag), Als de ouder terugkomt (hereniging).',
    );
    expect(html).toMatch(/data-domain="hulp" data-status="not-observable"/);
    expect(html).toContain(NOTE);
    expect(html).toContain(LABEL);
    expect(html).toContain('thuis, bij terugkomst van de ouder na een scheiding');
    expect(html).toContain(`signalenlijst ${def.version}`);
    expect(html).toContain('Let op: dit is geen diagnose');
    expect(html).toContain(esc(def.basis));
    expect(html).toContain('Overzicht van je observatie');
    // Two signals leaning the same way in two domains: named, in neutral words; the other direction not.
    expect(html).toContain('data-direction="inhibited"');
    expect(html).not.toContain('data-direction="disinhibited"');
    // Attachment worries without a safety concern: colleague and JGZ, not Veilig Thuis.
    expect(html).toContain('data-level="discuss"');
    expect(html).toContain('jeugdgezondheidszorg (JGZ)');
    expect(mainOf(html)).not.toContain('0800-2000');
    expect(html).toContain('href="/meldcode"');
    expect(await tableCounts(t.deps.database)).toEqual(before);
    const logged = t.logs.join('\n');
    expect(logged).not.toContain('zebrapaard');
    expect(logged).not.toContain(LABEL);
    expect(logged).not.toContain('vaak');
    expect(logged).toContain('"path":"/signalenlijst/overzicht"');
  });

  it('an empty submission reports every domain as "niet ingevuld", never as "geen signalen"', async () => {
    const res = await post('/signalenlijst/overzicht', [['datum', '2026-11-20']]);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.match(/data-status="not-filled"/g)).toHaveLength(7);
    expect(html.match(/Niet ingevuld\./g)).toHaveLength(7);
    expect(html).not.toContain('Geen signalen gezien');
    expect(html).toContain(esc(def.result.nothingFilled));
    expect(html).not.toContain(esc(def.result.noSignals));
    expect(html).toContain('data-level="none"');
  });

  it('a safety concern adds the Meldcode guide and one Veilig Thuis notice; signals leaning one way in two domains are named neutrally', async () => {
    const res = await post('/signalenlijst/overzicht', [
      ['datum', '2026-11-20'],
      ['s-affectie-onderscheid', 'soms'],
      ['s-exploratie-meegaan', 'soms'],
      ['s-hereniging-vermijden', 'vaak'],
      ['veiligheid', 'twijfel'],
    ]);
    const html = await res.text();
    expect(html).toContain('data-direction="disinhibited"');
    expect(html).not.toContain('data-direction="inhibited"');
    expect(html).toContain(esc(def.directions.clinician));
    expect(html).toContain('href="/meldcode/afwegingskader"');
    // Once in the page's own content; the layout decides about header and footer (never three in all).
    expect(mainOf(html).match(/0800-2000/g)).toHaveLength(1);
  });

  it('the address used before version 2026.3 (/uitslag) still gives the overview', async () => {
    const res = await post('/signalenlijst/uitslag', valid);
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('private, no-cache');
    expect(await res.text()).toContain('Overzicht van je observatie');
  });

  it('a note of 1000 characters with line breaks is accepted: a line break counts once, as in the textarea', async () => {
    const note = `${'a'.repeat(498)}\r\n${'b'.repeat(500)}`;
    const res = await post('/signalenlijst/overzicht', [
      ['datum', '2026-11-20'],
      ['n-troost', note],
    ]);
    expect(res.status).toBe(200);
  });

  it.each([
    ['a missing date', [['datum', '']], 'datum', 'Vul de datum van de observatie in.'],
    ['a date in the future', [['datum', '2026-12-25']], 'datum', 'kan niet in de toekomst liggen'],
    ['an impossible date', [['datum', '2026-02-31x']], 'datum', 'Vul een geldige datum in'],
    ['a value not on the scale', [['s-hulp-niet', 'altijd']], 's-hulp-niet-niet', 'een van de antwoorden: Niet gezien, Soms, Vaak, Kon ik niet observeren'],
    ['a safety answer not offered', [['veiligheid', 'misschien']], 'veiligheid-nee', 'een van de antwoorden: Nee, Ik twijfel, Ja'],
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
      const res = await post('/signalenlijst/overzicht', [...fields.values()].flat());
      expect(res.status).toBe(400);
      expect(res.headers.get('Cache-Control')).toBe('private, no-cache');
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
    const res = await post('/signalenlijst/overzicht', [
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

  it('"Antwoorden aanpassen" brings the answers back into the form without storing them, unanswered signals stay unanswered', async () => {
    const result = await (await post('/signalenlijst/overzicht', [...valid, ['veiligheid', 'nee']])).text();
    const hidden = [...result.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [m[1], m[2]] as [string, string]);
    expect(hidden).toEqual(
      expect.arrayContaining([
        ['n-affectie', NOTE],
        ['c-affectie', 'hereniging'],
        ['s-affectie-weinig', 'vaak'],
        ['s-hulp-niet', 'onbekend'],
        ['veiligheid', 'nee'],
      ]),
    );
    expect(hidden.some(([name]) => name === 's-troost-wisselend')).toBe(false);
    expect(result).toContain('knop Terug');
    const res = await post('/signalenlijst/aanpassen', hidden);
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('private, no-cache');
    const html = await res.text();
    expect(html).toMatch(/value="vaak" checked/);
    expect(html).toMatch(/id="veiligheid-nee" name="veiligheid" value="nee" checked/);
    expect(html).not.toMatch(/name="s-troost-wisselend" value="[a-z]+" checked/);
    expect(html).toContain(NOTE);
    expect(html).toContain(`value="${LABEL}"`);
  });

  it('a blank version for observing on paper lists every signal, the four answers, the safety question and the basis', async () => {
    const html = await (await t.app.request('/signalenlijst/blanco')).text();
    for (const { signal } of allSignals) expect(html).toContain(esc(signal.text));
    expect(html).toContain('Kon ik niet observeren');
    expect(html).toContain(esc(def.safety.question));
    expect(html).toContain('Let op: dit is geen diagnose');
    expect(html).toContain(esc(def.basis));
    expect(html).not.toContain('<form');
  });
});
