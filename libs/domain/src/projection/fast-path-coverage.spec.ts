import { toHex } from '../pci/hex';
import { bar, fn, pe } from '../testing/scenario-builder';
import { BarDecisionView, fastPathCoverage } from './fast-path-coverage';

const decided = (
  bdf: string,
  index: number,
  mode: BarDecisionView['mode'],
  directRanges: [bigint, bigint][] = [],
): BarDecisionView => ({
  bdf,
  index,
  mode,
  directRanges: directRanges.map(([offset, size]) => ({ offset: toHex(offset), size: toHex(size) })),
});

describe('fast-path coverage', () => {
  // The fleet view's complaint: an Altra host with 5 PEs, 3 of them given to no VM (their
  // BARs PENDING), and the 2 given ones on the fast path, showed 0.0 % and ranked worst.
  const altra = ['0000:01', '0000:02', '0000:03', '0000:04', '0000:05'].map((id, i) =>
    pe(id, [
      fn(`${id}:00.0`, [
        bar(0, 'mem64', 0x10000000n * BigInt(i + 1), 0x4000n),
        bar(2, 'io', 0x1000n * BigInt(i + 1), 0x20n),
      ]),
    ]),
  );
  const assigned = new Set(['0000:01:00.0', '0000:02:00.0']);
  const decisions = altra.flatMap((p) =>
    p.functions.flatMap((f) => [
      decided(f.bdf, 0, assigned.has(f.bdf) ? 'DIRECT' : 'PENDING'),
      decided(f.bdf, 2, 'EMULATED'),
    ]),
  );

  it('counts only the BARs of functions given to a VM; the others are "not assigned"', () => {
    const c = fastPathCoverage(altra, decisions, (bdf) => assigned.has(bdf));
    expect(c.bars).toEqual({ total: 4, fastPath: 2, byMode: { DIRECT: 2, EMULATED: 2 } });
    expect(c.bytes).toEqual({ total: 0x8000n, fastPath: 0x8000n, byMode: { DIRECT: 0x8000n } });
    expect(c.byteShare).toBe(1);
    expect(c.notAssigned).toEqual({ bars: 6, bytes: 0xc000n, byMode: { PENDING: 3, EMULATED: 3 } });
  });

  it('has no share (null, not 0) when nothing is given to a VM, so the host is not ranked as slow', () => {
    const c = fastPathCoverage(altra, decisions, () => false);
    expect(c.byteShare).toBeNull();
    expect(c.bars.total).toBe(0);
    expect(c.notAssigned.bars).toBe(10);
  });

  it('counts the direct ranges of PARTIAL_DIRECT within the BAR, and the share over the assigned bytes', () => {
    const one = [
      pe('a', [
        fn('0000:01:00.0', [bar(0, 'mem64', 0xfcf00000n, 0x4000n)]),
        fn('0000:01:00.1', [bar(0, 'mem64', 0xfcf10000n, 0x4000n)]),
      ]),
    ];
    const c = fastPathCoverage(
      one,
      [
        decided('0000:01:00.0', 0, 'PARTIAL_DIRECT', [
          [0n, 0x2000n],
          [0x3000n, 0x1000n],
        ]),
        decided('0000:01:00.1', 0, 'EMULATED'),
      ],
      () => true,
    );
    expect(c.bytes.fastPath).toBe(0x3000n);
    expect(c.byteShare).toBe(0.375);
    expect(c.notAssigned).toEqual({ bars: 0, bytes: 0n, byMode: {} });
  });
});
