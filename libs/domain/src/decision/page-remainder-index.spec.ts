import fc from 'fast-check';
import { AddressRangeIndex, OwnedRange } from '../pci/address-range-index';
import { Bar } from '../pci/bar';
import { Host } from '../pci/host';
import { Pe } from '../pci/pe';
import { bar, fn, host, pe } from '../testing/scenario-builder';
import { scenarioArbitrary } from '../testing/scenario-arbitrary';
import { pageRemainderIndex } from './page-remainder-index';

// The index groups sub-page BARs by page; on a valid scenario it must answer the rule's
// question (is anything in [H+S, H+P)?) exactly as an index of every MMIO resource does.
function everyMmio(pes: readonly Pe[], h: Host): AddressRangeIndex<Bar | null> {
  const ranges: OwnedRange<Bar | null>[] = [];
  for (const p of pes)
    for (const f of p.functions)
      for (const b of f.bars) if (b.kind !== 'io') ranges.push({ start: b.address, end: b.address + b.size, owner: b });
  for (const r of h.reservedRanges) ranges.push({ start: r.start, end: r.end, owner: null });
  return new AddressRangeIndex(ranges);
}

function sameAnswers(pes: readonly Pe[], h: Host) {
  const kept = pageRemainderIndex(pes, h);
  const all = everyMmio(pes, h);
  const P = h.pageSize;
  for (const p of pes)
    for (const f of p.functions)
      for (const b of f.bars) {
        if (b.kind === 'io' || b.kind === 'rom' || b.size === 0n || b.size >= P || b.address % P !== 0n) continue;
        if (!h.kernel.vfioPci || !h.kernel.subPageMmap) continue;
        const [start, end] = [b.address + b.size, b.address + P];
        expect(kept.busy(b)).toBe(all.anyOverlap(start, end, b));
      }
}

describe('pageRemainderIndex', () => {
  it('answers the page-remainder question as an index of every MMIO resource, on any valid scenario', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (s) => sameAnswers(s.pes, s.host)),
      { numRuns: 300 },
    );
  });

  // Page numbers are doubles: exact below 2^53 by division, above it by a bigint shift.
  it('keeps pages apart on both sides of 2^53, and sees to the top of the address space', () => {
    const h = host('arm64', 0x10000n, {
      reservedRanges: [
        { start: 0xffff_ffff_fffe_8000n, end: 0xffff_ffff_fffe_9000n },
        { start: 0x6000_0000n, end: 0x6000_0100n }, // over a BAR only, not the rest of its page
        { start: 0x6fff_0000n, end: 0x7000_0000n }, // ends where the next page starts
      ],
    });
    const far = 0x1_0000_0000n << 16n; // 2^16 pages of 64K further on
    const pes = [
      pe('0000:01', [
        fn('0000:01:00.0', [bar(0, 'mem32', 0x4000_0000n, 0x1000n)]), // asked, alone in its page
        fn('0000:01:00.1', [bar(0, 'mem64', 0x4000_0000n + far + 0x8000n, 0x1000n)]), // same bits, other page
        fn('0000:01:00.2', [bar(0, 'mem64', 0x5000_0000n, 0x1000n), bar(2, 'mem64', 0x5000_8000n, 0x100n)]), // busy
        fn('0000:01:00.3', [
          bar(0, 'mem64', 0xffff_ffff_ffff_0000n, 0x100n),
          bar(2, 'mem64', 0xffff_ffff_ffff_f000n, 0x100n),
        ]),
        fn('0000:01:00.4', [bar(0, 'mem64', 0xffff_ffff_fffe_0000n, 0x100n)]), // a reserved range in its rest
        // Just above 2^53, where doubles are 2 apart: a neighbour in the page below is not in its page.
        fn('0000:01:00.5', [
          bar(0, 'mem64', (1n << 53n) + 0x10000n, 0x100n),
          bar(2, 'mem64', (1n << 53n) + 0xff00n, 0x100n),
        ]),
        fn('0000:01:00.6', [
          bar(0, 'mem64', (1n << 53n) + 0x20000n, 0x100n),
          bar(2, 'mem64', (1n << 53n) + 0x2ff00n, 0x100n),
        ]),
        fn('0000:01:00.7', [bar(0, 'mem64', 0x6000_0000n, 0x100n)]),
        fn('0000:01:01.0', [bar(0, 'mem64', 0x7000_0000n, 0x100n)]),
      ]),
    ];
    sameAnswers(pes, h);
    const index = pageRemainderIndex(pes, h);
    expect(pes[0].functions.map((f) => index.busy(f.bars[0]))).toEqual([
      false,
      false,
      true,
      true,
      true,
      false,
      true,
      false,
      false,
    ]);
  });
});
