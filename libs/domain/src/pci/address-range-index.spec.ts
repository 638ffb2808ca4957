import fc from 'fast-check';
import { AddressRangeIndex, OwnedRange } from './address-range-index';

// The index against the plain definition of overlap, on ranges in any order: starts far apart,
// in one 2K block, near 2^64.
const address = fc.oneof(
  fc.bigInt({ min: 0n, max: 0x1000n }),
  fc.bigInt({ min: 0xffff_ffff_ffff_0000n, max: 0xffff_ffff_ffff_fff0n }),
  fc.bigInt({ min: 0n, max: 0xffff_ffff_ffff_fff0n }),
);
const range = fc
  .tuple(address, fc.bigInt({ min: 0n, max: 0x3000n }), fc.integer())
  .map(([start, size, owner]) => ({ start, end: start + size, owner }));

describe('AddressRangeIndex', () => {
  it('finds exactly the overlapping ranges of other owners, in address order, whatever the input order', () => {
    fc.assert(
      fc.property(fc.array(range, { maxLength: 40 }), range, (ranges, probe) => {
        const index = new AddressRangeIndex<number>(ranges);
        const expected = ranges
          .filter((r) => r.end > r.start && r.start < probe.end && r.end > probe.start && r.owner !== probe.owner)
          .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
        const found = index.overlapping(probe.start, probe.end, probe.owner);
        expect(found.map((r) => r.start)).toEqual(expected.map((r) => r.start));
        expect(new Set(found)).toEqual(new Set(expected as OwnedRange<number>[]));
        expect(index.anyOverlap(probe.start, probe.end, probe.owner)).toBe(expected.length > 0);
      }),
      { numRuns: 500 },
    );
  });
});
