import { subtractRanges } from './address-range';
import { AddressRangeIndex } from './address-range-index';
import { compareIds, parseBdf } from './bdf';
import { parseU64, toHex } from './hex';
import { alignDown, alignUp, isPowerOfTwo, log2, pow2Ceil } from './page-math';

describe('hex', () => {
  it('parses hex and decimal strings up to 2^64 - 1 and refuses the rest', () => {
    expect(parseU64('0xfffffffffffff000')).toBe(0xfffffffffffff000n);
    expect(parseU64('0XFF')).toBe(255n);
    expect(parseU64('18446744073709551615')).toBe(0xffffffffffffffffn);
    expect(parseU64('0x10000000000000000')).toBeUndefined();
    expect(parseU64('-1')).toBeUndefined();
    expect(parseU64('0x')).toBeUndefined();
    expect(parseU64('12abc')).toBeUndefined();
  });

  it('prints lowercase hex without leading zeros', () => {
    expect(toHex(0n)).toBe('0x0');
    expect(toHex(0xfffffffffffff000n)).toBe('0xfffffffffffff000');
  });
});

describe('BDF', () => {
  it('canonicalises to dddd:bb:dd.f', () => {
    expect(parseBdf('1:0A:1F.7')).toEqual({ ok: true, bdf: '0001:0a:1f.7' });
    expect(parseBdf('01:00.0')).toEqual({ ok: true, bdf: '0000:01:00.0' });
  });

  it('reads a canonical BDF as it is, and refuses one that only looks canonical', () => {
    expect(parseBdf('0000:1f:1f.7')).toEqual({ ok: true, bdf: '0000:1f:1f.7' });
    expect(parseBdf('0000:00:20.0')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('device above 0x1f'),
    });
    expect(parseBdf('0000:00:00.8')).toMatchObject({ ok: false, problem: expect.stringContaining('function above 7') });
  });

  it('names every part out of range', () => {
    const r = parseBdf('10000:100:20.8');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem).toMatch(/domain above 0xffff, bus above 0xff, device above 0x1f, function above 7/);
  });

  it('orders ids by code point, not locale', () => {
    expect(['b', 'B', 'a'].sort(compareIds)).toEqual(['B', 'a', 'b']);
  });
});

describe('page math', () => {
  it('aligns, rounds to powers of two and takes logs in bigint', () => {
    expect(alignDown(0xf0001234n, 0x10000n)).toBe(0xf0000000n);
    expect(alignUp(0xf0001234n, 0x10000n)).toBe(0xf0010000n);
    expect(pow2Ceil(0x208n)).toBe(0x400n);
    expect(log2(0x10000n)).toBe(16);
    expect(isPowerOfTwo(0x3000n)).toBe(false);
    expect(isPowerOfTwo(1n << 63n)).toBe(true);
  });
});

describe('ranges', () => {
  it('subtracts overlapping holes', () => {
    expect(
      subtractRanges(
        [{ start: 0n, end: 100n }],
        [
          { start: 10n, end: 20n },
          { start: 15n, end: 30n },
          { start: 90n, end: 200n },
        ],
      ),
    ).toEqual([
      { start: 0n, end: 10n },
      { start: 30n, end: 90n },
    ]);
  });

  it('finds overlaps even behind a long range that starts early', () => {
    const index = new AddressRangeIndex([
      { start: 0n, end: 1000n, owner: 'long' },
      { start: 10n, end: 20n, owner: 'a' },
      { start: 500n, end: 510n, owner: 'b' },
    ]);
    expect(index.overlapping(600n, 700n).map((r) => r.owner)).toEqual(['long']);
    expect(index.overlapping(505n, 506n, 'long').map((r) => r.owner)).toEqual(['b']);
    expect(index.overlapping(1000n, 2000n)).toEqual([]);
  });
});
