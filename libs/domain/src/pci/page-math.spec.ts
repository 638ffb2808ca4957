import fc from 'fast-check';
import { alignDown, alignUp, isAligned, pow2Ceil } from './page-math';

// The allocation-free forms against the plain bigint definitions, on values up to 2^64
// (BAR and guest addresses, offsets) and every page size and BAR alignment.
const value = fc.oneof(
  fc.bigInt({ min: 0n, max: 0x10_0000n }),
  fc.bigInt({ min: 0xffff_ffff_ffff_0000n, max: 0xffff_ffff_ffff_ffffn }),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  fc.bigInt({ min: 0n, max: 0xffff_ffffn }).map((v) => v << 16n),
);
const align = fc.integer({ min: 0, max: 32 }).map((bits) => 1n << BigInt(bits));

describe('page math', () => {
  it('isAligned is value % align === 0n', () => {
    fc.assert(
      fc.property(value, align, (v, a) => expect(isAligned(v, a)).toBe(v % a === 0n)),
      { numRuns: 2000 },
    );
  });

  it('alignDown and alignUp round to the multiple below and above, returning aligned values as they are', () => {
    fc.assert(
      fc.property(value, align, (v, a) => {
        expect(alignDown(v, a)).toBe(v - (v % a));
        expect(alignUp(v, a)).toBe(v % a === 0n ? v : v - (v % a) + a);
      }),
      { numRuns: 2000 },
    );
    expect(alignUp(0xffff_ffff_ffff_f001n, 0x1000n)).toBe(1n << 64n);
  });

  it('pow2Ceil is the smallest power of two at or above the value', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 1n << 64n }), (v) => {
        let p = 1n;
        while (p < v) p <<= 1n;
        expect(pow2Ceil(v)).toBe(p);
      }),
      { numRuns: 2000 },
    );
    expect(pow2Ceil(0x10000n)).toBe(0x10000n);
    expect(pow2Ceil(0x10001n)).toBe(0x20000n);
  });
});
