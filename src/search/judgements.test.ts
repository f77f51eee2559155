// The judged query set of issue #22 (bench/search-judgements.yaml) and the nDCG its measurement uses; no database needed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadJudgements, ndcgAt } from '../../bench/search-quality.ts';

describe('bench/search-judgements.yaml', () => {
  const judgements = loadJudgements();

  it('has at least 60 queries, none twice', () => {
    expect(judgements.length).toBeGreaterThanOrEqual(60);
    const keys = judgements.map((j) => j.q.trim().toLowerCase());
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it('judges at least one relevant document per query, each a search document URL with a grade of 1 to 3', () => {
    for (const j of judgements) {
      expect(j.relevant.length, j.q).toBeGreaterThan(0);
      expect(j.relevant[0]?.grade, j.q).toBe(3);
      for (const r of j.relevant) {
        expect(r.url, j.q).toMatch(/^(\/(themas|trainingen|netwerk|bench)\/\S+|\/meldcode|\/signalenlijst|https?:\/\/\S+)$/);
        expect([1, 2, 3], j.q).toContain(r.grade);
      }
    }
  });

  it('mixes phrases, generated documents and demo content', () => {
    expect(judgements.filter((j) => j.q.startsWith('"')).length).toBeGreaterThanOrEqual(8);
    expect(judgements.some((j) => j.relevant.some((r) => r.url.startsWith('/bench/')))).toBe(true);
    expect(judgements.filter((j) => j.relevant.some((r) => !r.url.startsWith('/bench/'))).length).toBeGreaterThanOrEqual(50);
  });
});

describe('loadJudgements', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hw-judgements-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('grades plain URLs by their place (3, 2, then 1) and keeps explicit grades', () => {
    const path = file('ok.yaml', '- q: a\n  relevant: [/x, /y, /z, /w]\n- q: b\n  relevant: [{ url: /x, grade: 2 }, /y]\n  note: n\n');
    expect(loadJudgements(path)).toEqual([
      {
        q: 'a',
        relevant: [
          { url: '/x', grade: 3 },
          { url: '/y', grade: 2 },
          { url: '/z', grade: 1 },
          { url: '/w', grade: 1 },
        ],
      },
      {
        q: 'b',
        relevant: [
          { url: '/x', grade: 2 },
          { url: '/y', grade: 2 },
        ],
        note: 'n',
      },
    ]);
  });

  it('refuses a query without relevant documents, a query twice and an unknown field', () => {
    expect(() => loadJudgements(file('empty.yaml', '- q: a\n  relevant: []\n'))).toThrow(/relevant/);
    expect(() => loadJudgements(file('twice.yaml', '- q: a\n  relevant: [/x]\n- q: A\n  relevant: [/y]\n'))).toThrow(/dubbele zoekvraag/);
    expect(() => loadJudgements(file('field.yaml', '- q: a\n  relevant: [/x]\n  grade: 3\n'))).toThrow();
  });
});

describe('ndcgAt', () => {
  const relevant = [
    { url: 'a', grade: 3 },
    { url: 'b', grade: 2 },
    { url: 'c', grade: 1 },
  ];
  // Gains 2^grade − 1: a 7, b 3, c 1; discounts 1/log2(rank + 1): 1, 1/log2(3), 1/2.
  const ideal = 7 + 3 / Math.log2(3) + 1 / 2;

  it('is 1 for the ideal order, also with unjudged documents after it', () => {
    expect(ndcgAt(10, ['a', 'b', 'c'], relevant)).toBe(1);
    expect(ndcgAt(10, ['a', 'b', 'c', 'x', 'y'], relevant)).toBe(1);
  });

  it('is below 1 for the reversed order: (1 + 3/log2 3 + 7/2) / (7 + 3/log2 3 + 1/2)', () => {
    const reversed = ndcgAt(10, ['c', 'b', 'a'], relevant);
    expect(reversed).toBeCloseTo((1 + 3 / Math.log2(3) + 7 / 2) / ideal, 12);
    expect(reversed).toBeCloseTo(0.680606, 6);
  });

  it('counts a missing document as nothing: only the best found first', () => {
    expect(ndcgAt(10, ['a', 'x'], relevant)).toBeCloseTo(7 / ideal, 12);
    expect(ndcgAt(10, ['x', 'a'], relevant)).toBeCloseTo(7 / Math.log2(3) / ideal, 12);
  });

  it('is 0 without hits, with only unjudged hits, and for a relevant document past rank k', () => {
    expect(ndcgAt(10, [], relevant)).toBe(0);
    expect(ndcgAt(10, ['x', 'y', 'z'], relevant)).toBe(0);
    expect(ndcgAt(10, [...Array.from({ length: 10 }, (_, i) => `x${i}`), 'a'], relevant)).toBe(0);
  });

  it('judges the ideal by the grades alone: equal grades in any order are ideal', () => {
    const equal = [
      { url: 'a', grade: 3 },
      { url: 'b', grade: 3 },
    ];
    expect(ndcgAt(10, ['b', 'a'], equal)).toBe(1);
  });
});
