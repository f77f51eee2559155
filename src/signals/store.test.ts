import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadDefinition } from './definition.ts';
import { clientSchema } from './service.ts';
import {
  addMoment,
  applyImport,
  childrenOf,
  emptyStore,
  type Moment,
  momentsOf,
  planImport,
  readImport,
  readStore,
  type Store,
  sameObservation,
  serialise,
} from './store.js';

const def = loadDefinition();
const schema = clientSchema(def);
const NOW = '2026-12-01T10:00:00.000Z';
let counter = 0;
const newId = () => `id-${++counter}`;
const V1 = readFileSync('test/fixtures/signalenlijst-store-2026.2.json', 'utf8');

const radioFields = [...schema.domains.flatMap((d) => d.signals.map((s) => s.field)), schema.safety.field];
const fieldValue: fc.Arbitrary<[string, string | string[]]> = fc.oneof(
  fc.tuple(fc.constantFrom(...schema.domains.flatMap((d) => d.signals.map((s) => s.field))), fc.constantFrom(...schema.scale.map((s) => s.value))),
  fc.tuple(fc.constant(schema.safety.field), fc.constantFrom(...schema.safety.values)),
  fc.tuple(fc.constantFrom(...schema.domains.map((d) => d.contexts)), fc.uniqueArray(fc.constantFrom(...schema.contexts), { minLength: 1 })),
  // Up to the textarea's maxlength, which is the server's limit.
  fc.tuple(fc.constantFrom(...schema.domains.map((d) => d.note)), fc.string({ minLength: 1, maxLength: schema.maxNote })),
);
const child = fc.constantFrom('', 'AB', 'CD', 'groep 2, kind 3');
const date = fc.constantFrom('', '2026-10-01', '2026-11-15', '2026-12-01');
const validMoment: fc.Arbitrary<Moment> = fc.record({
  id: fc.uuid(),
  child,
  date,
  version: fc.constant(def.version),
  savedAt: fc.constant(NOW),
  answers: fc.array(fieldValue, { maxLength: 8 }).map((pairs) => Object.fromEntries(pairs)),
});

describe('signalenlijst store: reading what the browser kept', () => {
  it('a store written by the 2026.2 client: every observation is kept, the 1200-character note trimmed and its original set aside, skipped domains become "not filled in"', () => {
    const { store, changed, migrated, unreadable } = readStore(V1, schema, newId, NOW);
    const old = JSON.parse(V1) as { moments: { id: string; label: string; answers: Record<string, unknown> }[] };
    expect(changed).toBe(true);
    expect(migrated).toBe(true);
    expect(unreadable).toBe(1);
    expect(store.moments.map((m) => m.id)).toEqual(old.moments.map((m) => m.id));
    expect(store.moments.map((m) => m.child)).toEqual(['AB 18 mnd', 'AB 18 mnd', 'CD']);
    const [first, second, third] = store.moments;
    // A real answer is kept; a domain that only had the pre-selected "niet gezien" is now not filled in.
    expect(first?.answers['s-troost-niet']).toBe('vaak');
    expect(first?.answers['s-troost-wisselend']).toBe('niet');
    expect(first?.answers['c-troost']).toEqual(['thuis']);
    expect(first?.answers['s-hulp-niet']).toBeUndefined();
    expect(first?.checkFirst).toBe(true);
    expect(second?.answers['n-affectie']).toHaveLength(1000);
    expect(second?.answers['s-affectie-onderscheid']).toBe('soms');
    expect(third?.answers['n-hulp']).toBe('Vraagt de juf niets.');
    expect(third?.answers['s-hulp-niet']).toBe('soms');
    // The original of the trimmed observation, and a copy of the old text, are set aside.
    expect(store.setAside).toHaveLength(2);
    expect(store.setAside[0]?.reason).toMatch(/^Hersteld: een aantekening was 1200 tekens lang en is ingekort tot 1000\.$/);
    expect(JSON.stringify(store.setAside[0]?.data)).toContain('Z'.repeat(1200));
    expect(store.setAside[1]?.data).toBe(V1);
    // Reading what was written back changes nothing more.
    const again = readStore(serialise(store), schema, newId, NOW);
    expect(again.changed).toBe(false);
    expect(again.store.moments).toEqual(store.moments);
  });

  it.each([
    ['text that is no JSON', '{"format":"hechtwerk-signalenlijst","moments":[{"id":"a"'],
    ['JSON of someone else', '{"hello":"world"}'],
    ['a store from a newer version', '{"format":"hechtwerk-signalenlijst","storeVersion":99,"moments":[]}'],
  ])('%s is set aside as it was, not thrown away', (_name, text) => {
    const { store, changed } = readStore(text, schema, newId, NOW);
    expect(changed).toBe(true);
    expect(store.moments).toEqual([]);
    expect(store.setAside).toHaveLength(1);
    expect(JSON.stringify(store.setAside[0]?.data)).toContain(text.includes('hello') ? 'world' : 'hechtwerk-signalenlijst');
  });

  it('each observation is checked on its own: one unreadable observation does not take the others with it', () => {
    const good = { id: 'g', child: 'AB', date: '2026-11-01', version: def.version, savedAt: NOW, answers: { 's-troost-niet': 'soms' } };
    const text = JSON.stringify({
      format: 'hechtwerk-signalenlijst',
      storeVersion: 2,
      current: 'g',
      moments: [good, 42, { ...good, id: 'h', answers: { 's-troost-niet': 'altijd', 's-slapen': 'x' } }],
      setAside: [],
    });
    const { store, unreadable } = readStore(text, schema, newId, NOW);
    expect(unreadable).toBe(2);
    expect(store.moments.map((m) => m.id)).toEqual(['g', 'h']);
    expect(store.moments[0]?.answers).toEqual({ 's-troost-niet': 'soms' });
    expect(store.moments[1]?.answers).toEqual({});
    expect(store.setAside.map((x) => x.reason)).toEqual([
      'Niet te lezen: het is geen observatie.',
      'Hersteld: een antwoord bij “s-troost-niet” was ongeldig; het onderdeel “s-slapen” staat niet in deze versie van de lijst.',
    ]);
  });
});

describe('signalenlijst store: import and children', () => {
  const store = (): Store => ({
    ...emptyStore(),
    current: 'a',
    moments: [
      { id: 'a', child: 'AB', date: '2026-11-01', version: def.version, savedAt: NOW, answers: { 's-troost-niet': 'soms' } },
      { id: 'b', child: 'CD', date: '2026-10-01', version: def.version, savedAt: NOW, answers: {} },
    ],
  });

  it('a plan shows what would be added and what a replace would remove; "add" never removes anything', () => {
    const file = JSON.stringify({
      format: 'hechtwerk-signalenlijst',
      storeVersion: 2,
      moments: [store().moments[0], { id: 'a', child: 'AB', date: '2026-11-20', version: def.version, savedAt: NOW, answers: { 's-troost-niet': 'vaak' } }],
    });
    const read = readImport(file, schema, newId, NOW);
    if (read.error !== undefined) throw new Error(read.error);
    const s = store();
    const plan = planImport(s, read.moments);
    expect(plan.add).toHaveLength(1);
    expect(plan.duplicates).toBe(1);
    expect(plan.replaced.map((m) => m.id)).toEqual(['a', 'b']);
    applyImport(s, read.moments, 'add', newId);
    expect(s.moments).toHaveLength(3);
    expect(s.moments.slice(0, 2)).toEqual(store().moments);
    expect(s.moments[2]?.id).not.toBe('a');
    expect(momentsOf(s, 'AB').map((m) => m.date)).toEqual(['2026-11-01', '2026-11-20']);
    expect(childrenOf(s)).toEqual(['AB', 'CD']);
  });

  it.each([
    ['{ kapot', 'het is geen geldig JSON-bestand'],
    ['{"format":"iets-anders","moments":[]}', 'dit is geen bestand van de signalenlijst'],
    ['{"format":"hechtwerk-signalenlijst","storeVersion":2,"moments":[]}', 'er staan geen observaties in'],
  ])('an import file %s is refused with a reason', (text, reason) => {
    expect(readImport(text, schema, newId, NOW).error).toBe(reason);
  });
});

type Command =
  | { kind: 'edit'; at: number; pair: [string, string | string[]] }
  | { kind: 'new'; child: string; date: string }
  | { kind: 'reload' }
  | { kind: 'damage'; at: number; how: 'long-note' | 'unknown-field' | 'bad-value' | 'garbage' }
  | { kind: 'damage-json'; cut: number }
  | { kind: 'import'; mode: 'add' | 'replace'; moments: Moment[]; reuse: number[] };

const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('edit' as const), at: fc.nat(), pair: fieldValue }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('new' as const), child, date }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('reload' as const) }), weight: 2 },
  {
    arbitrary: fc.record({ kind: fc.constant('damage' as const), at: fc.nat(), how: fc.constantFrom('long-note', 'unknown-field', 'bad-value', 'garbage') }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('damage-json' as const), cut: fc.nat() }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('import' as const),
      mode: fc.constantFrom('add' as const, 'replace' as const),
      moments: fc.array(validMoment, { minLength: 1, maxLength: 3 }),
      reuse: fc.array(fc.nat(), { maxLength: 2 }),
    }),
    weight: 2,
  },
);

describe('signalenlijst store (property-based)', () => {
  it('for any sequence of edits, reloads, imports and damaged stores, no valid observation is lost without the user choosing it', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 25 }), (commands) => {
        // `saved` is localStorage; `store` the open page; `expected` every valid observation the user has.
        let store = emptyStore();
        let saved: string | null = null;
        let expected = new Map<string, Moment>();
        let asideCount = 0;
        const persist = () => {
          saved = serialise(store);
        };
        const reload = () => {
          const r = readStore(saved, schema, newId, NOW);
          store = r.store;
          if (r.changed) persist();
        };
        const check = (step: Command) => {
          for (const [id, want] of expected) {
            const got = store.moments.find((m) => m.id === id);
            expect(got, `observation ${id} after ${step.kind}`).toBeDefined();
            expect(sameObservation(got as Moment, want), `observation ${id} changed after ${step.kind}`).toBe(true);
          }
          // What was set aside stays until the user discards it.
          expect(store.setAside.length).toBeGreaterThanOrEqual(asideCount);
          asideCount = store.setAside.length;
        };
        for (const step of commands) {
          if (step.kind === 'edit') {
            if (!store.moments.length) continue;
            const m = store.moments[step.at % store.moments.length] as Moment;
            m.answers = { ...m.answers, [step.pair[0]]: step.pair[1] };
            expected.set(m.id, structuredClone(m));
            persist();
          } else if (step.kind === 'new') {
            addMoment(store, { id: newId(), child: step.child, date: step.date, version: def.version, now: NOW });
            const m = store.moments.at(-1) as Moment;
            expected.set(m.id, structuredClone(m));
            persist();
          } else if (step.kind === 'reload') {
            reload();
          } else if (step.kind === 'damage') {
            if (!saved) continue;
            const data = JSON.parse(saved) as { moments: unknown[] };
            if (!data.moments.length) continue;
            const i = step.at % data.moments.length;
            const m = data.moments[i] as Moment;
            if (step.how === 'garbage') {
              data.moments[i] = 42;
              expected.delete(m.id);
            } else {
              const repaired = structuredClone(m);
              if (step.how === 'long-note') {
                m.answers['n-troost'] = 'x'.repeat(1200);
                repaired.answers['n-troost'] = 'x'.repeat(schema.maxNote);
              } else if (step.how === 'unknown-field') m.answers['s-slapen'] = 'soms';
              else {
                const field = radioFields[step.at % radioFields.length] as string;
                m.answers[field] = 'altijd';
                delete repaired.answers[field];
              }
              if (expected.has(m.id)) expected.set(m.id, repaired);
            }
            saved = JSON.stringify(data);
            const before = store.setAside.length;
            reload();
            // The damaged observation's original is set aside, not dropped.
            expect(store.setAside.length).toBeGreaterThan(before);
            expect(JSON.stringify(store.setAside.slice(before))).toContain(step.how === 'garbage' ? '42' : m.id);
            asideCount = Math.min(asideCount, store.setAside.length);
          } else if (step.kind === 'damage-json') {
            if (!saved) continue;
            const text: string = saved;
            // Cut somewhere inside: at least one character stays and at least one goes.
            const damaged = text.slice(0, 1 + (step.cut % (text.length - 1)));
            saved = damaged;
            reload();
            // Nothing readable: the whole text is kept aside as it was (the moments in it are there, not in the list).
            expect(store.setAside.some((x) => x.data === damaged)).toBe(true);
            expected = new Map();
            asideCount = 0;
          } else if (step.kind === 'import') {
            // Some imported observations reuse ids already here, as a file exported earlier would.
            const incoming = step.moments.map((m, j) => {
              const reuse = step.reuse[j];
              const existing = reuse === undefined || !store.moments.length ? undefined : store.moments[reuse % store.moments.length];
              return existing ? { ...m, id: existing.id } : m;
            });
            const file = JSON.stringify({ format: 'hechtwerk-signalenlijst', storeVersion: 2, moments: incoming });
            const read = readImport(file, schema, newId, NOW);
            if (read.error !== undefined) throw new Error(read.error);
            applyImport(store, read.moments, step.mode, newId);
            if (step.mode === 'replace') expected = new Map(read.moments.map((m) => [m.id, structuredClone(m)]));
            for (const m of read.moments) expect(store.moments.some((e) => sameObservation(e, m))).toBe(true);
            for (const m of store.moments) if (!expected.has(m.id)) expected.set(m.id, structuredClone(m));
            persist();
          }
          check(step);
        }
        // And a last reload keeps it all.
        reload();
        check({ kind: 'reload' });
      }),
      { numRuns: 300 },
    );
  });
});
