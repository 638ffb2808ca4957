import { canonicalJson } from '../audit/audit-chain';
import { structuralEqual } from './structural-equal';

describe('structuralEqual', () => {
  const outcome = {
    pe: '0000:01',
    bdf: '0000:01:00.0',
    index: 0,
    mode: 'DIRECT_PAGE_EXPANDED',
    reasons: ['EXPANDED_TO_PAGE'],
    slots: 1,
    directRanges: [{ offset: '0x0', size: '0x10000' }],
    advice: [],
  };

  it('holds for the same content in another key order (a jsonb read-back)', () => {
    const readBack = JSON.parse(canonicalJson(outcome)) as unknown;
    expect(structuralEqual(outcome, readBack)).toBe(true);
    expect(structuralEqual(readBack, outcome)).toBe(true);
  });

  it.each([
    ['a changed leaf', { ...outcome, mode: 'EMULATED' }],
    ['a missing key', (({ slots: _s, ...rest }) => rest)(outcome)],
    ['an extra key', { ...outcome, extra: null }],
    ['a longer array', { ...outcome, reasons: ['EXPANDED_TO_PAGE', 'KVM_PAGE_TRIM'] }],
    ['a changed nested value', { ...outcome, directRanges: [{ offset: '0x0', size: '0x1000' }] }],
    ['an array for an object', { ...outcome, directRanges: { 0: { offset: '0x0', size: '0x10000' } } }],
    ['a string for a number', { ...outcome, index: '0' }],
    ['null for an object', { ...outcome, directRanges: null }],
  ])('fails for %s, both ways', (_name, other) => {
    expect(structuralEqual(outcome, other)).toBe(false);
    expect(structuralEqual(other, outcome)).toBe(false);
  });

  it('compares bigints by value', () => {
    expect(structuralEqual({ size: 0x1000n }, { size: 0x1000n })).toBe(true);
    expect(structuralEqual({ size: 0x1000n }, { size: 0x2000n })).toBe(false);
  });

  it('counts a key holding undefined as absent, as JSON does', () => {
    expect(structuralEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(structuralEqual({ a: 1 }, { a: 1, b: undefined })).toBe(true);
    expect(structuralEqual({ a: undefined }, { b: undefined })).toBe(true);
    expect(structuralEqual({ a: 1, b: undefined }, { a: 1, c: 2 })).toBe(false);
  });

  it('agrees with comparing canonical texts on generated values', () => {
    // A small deterministic generator: nested objects, arrays and scalars, then one mutation.
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const value = (depth: number): unknown => {
      const pick = depth > 2 ? rnd(4) : rnd(6);
      if (pick === 0) return rnd(3) === 0 ? null : rnd(5);
      if (pick === 1) return `s${rnd(4)}`;
      if (pick === 2) return rnd(2) === 0;
      if (pick === 3) return rnd(2) === 0 ? 0 : '0';
      if (pick === 4) return Array.from({ length: rnd(3) }, () => value(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = rnd(4); i > 0; i--) o[`k${rnd(5)}`] = value(depth + 1);
      return o;
    };
    let equal = 0;
    for (let i = 0; i < 2000; i++) {
      const a = value(0);
      const b = rnd(2) === 0 ? (JSON.parse(canonicalJson(a)) as unknown) : value(0);
      const expected = canonicalJson(a) === canonicalJson(b);
      if (expected) equal++;
      expect(structuralEqual(a, b)).toBe(expected);
    }
    expect(equal).toBeGreaterThan(500);
    expect(equal).toBeLessThan(2000);
  });
});
