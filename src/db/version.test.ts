import { describe, expect, it } from 'vitest';
import { fingerprint, fingerprints, formFingerprints, mergeFields } from './version.ts';

describe('per-field merge of two saves from one starting point', () => {
  const base = { title: 'A', summary: 'S', related: ['x', 'y'], published: true };
  const basis = fingerprints(base);

  it('keeps what only one side changed, and what both changed alike', () => {
    const mine = { ...base, title: 'A2', related: ['y'] };
    const current = { ...base, summary: 'S2', published: false };
    expect(mergeFields(basis, mine, current)).toEqual({ merged: { title: 'A2', summary: 'S2', related: ['y'], published: false }, conflicts: [] });
    expect(mergeFields(basis, { ...base, title: 'B' }, { ...base, title: 'B' }).conflicts).toEqual([]);
  });

  it('a field both changed differently conflicts, and holds this editor’s value in the merge', () => {
    const { merged, conflicts } = mergeFields(basis, { ...base, title: 'Mijn', summary: 'S' }, { ...base, title: 'Hun', summary: 'S3' });
    expect(conflicts).toEqual(['title']);
    expect(merged).toEqual({ ...base, title: 'Mijn', summary: 'S3' });
  });

  it('order and type count: a list in another order, or 1 against "1", is a change', () => {
    expect(fingerprint(['x', 'y'])).not.toBe(fingerprint(['y', 'x']));
    expect(fingerprint(1)).not.toBe(fingerprint('1'));
    expect(fingerprint(undefined)).toBe(fingerprint(null));
  });

  it('a missing fingerprint counts as changed on both sides: a conflict unless the values agree', () => {
    expect(mergeFields({}, { title: 'Mijn' }, { title: 'Hun' }).conflicts).toEqual(['title']);
    expect(mergeFields({}, { title: 'Zelfde' }, { title: 'Zelfde' }).conflicts).toEqual([]);
  });

  it('reads the form field strictly: anything but an object of short strings is no basis', () => {
    expect(formFingerprints(JSON.stringify(basis))).toEqual(basis);
    for (const bad of [undefined, '', '{kapot', '[]', 'null', '{"a":1}', JSON.stringify({ a: 'x'.repeat(33) }), `{"a":"${'x'.repeat(5000)}"}`])
      expect(formFingerprints(bad), String(bad).slice(0, 20)).toBeNull();
  });
});
