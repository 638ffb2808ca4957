import fc from 'fast-check';
import { formatBdf } from '../pci/bdf';
import { alignDown } from '../pci/page-math';
import { Scenario } from '../scenario/scenario';
import { RW, RWM, region } from '../testing/region-builder';
import { scenarioArbitrary } from '../testing/scenario-arbitrary';
import { bar, fn, host, pe } from '../testing/scenario-builder';
import { deriveRegions } from './derive-regions';
import { planRegions } from './plan-regions';

const P64 = host('powernv', 0x10000n);

/** What apps/vfio-regions would record binding each function, one deriveRegions call at a time. */
function oneByOne(s: Scenario) {
  return s.pes.flatMap((p) =>
    p.functions.map((f) => ({ pe: p.id, bdf: f.bdf, regions: deriveRegions(s.host, f, s.pes) })),
  );
}

/** Valid scenarios plus reserved ranges in the pages of their BARs (reserved ranges may overlap BARs). */
const withReserved = fc
  .tuple(
    scenarioArbitrary,
    fc.array(fc.record({ pick: fc.nat(), sixteenth: fc.nat(15), size: fc.constantFrom(0x100n, 0x1000n) }), {
      maxLength: 3,
    }),
  )
  .map(([s, picks]): Scenario => {
    const bars = s.pes.flatMap((p) => p.functions.flatMap((f) => f.bars)).filter((b) => b.kind !== 'io' && b.size > 0n);
    if (bars.length === 0) return s;
    const P = s.host.pageSize;
    const reservedRanges = picks.map(({ pick, sixteenth, size }) => {
      const start = alignDown(bars[pick % bars.length].address, P) + (P / 16n) * BigInt(sixteenth);
      return { start, end: start + size };
    });
    return { ...s, host: { ...s.host, reservedRanges } };
  });

describe('planRegions', () => {
  it('gives every function in (PE id, BDF) order with deriveRegions(host, fn, pes)', () => {
    const aligned = fn('0000:02:00.1', [bar(2, 'io', 0x1000n, 0x20n), bar(0, 'mem32', 0x3fe080010000n, 0x1000n)]);
    const sibling = fn('0000:02:00.0', [bar(0, 'mem32', 0x3fe080020000n, 0x1000n)]);
    const busy = fn('0000:01:00.0', [bar(0, 'mem32', 0x3fe080021000n, 0x1000n)]);
    const empty = fn('0000:03:00.0', []);
    const s: Scenario = {
      host: P64,
      pes: [pe('0000:02', [aligned, sibling]), pe('0000:03', [empty]), pe('0000:01', [busy])],
    };
    expect(planRegions(s)).toEqual([
      { pe: '0000:01', bdf: '0000:01:00.0', regions: [region(0, 0x1000n, RW)] },
      // Its page also holds 0000:01:00.0's BAR (another PE): no mmap (R1.1).
      { pe: '0000:02', bdf: '0000:02:00.0', regions: [region(0, 0x1000n, RW)] },
      {
        pe: '0000:02',
        bdf: '0000:02:00.1',
        regions: [
          region(0, 0x1000n, RWM, { subPageReservation: { start: 0x3fe080011000n, size: 0xf000n } }),
          region(2, 0x20n, RW),
        ],
      },
      { pe: '0000:03', bdf: '0000:03:00.0', regions: [] },
    ]);
    expect(planRegions(s)).toEqual([...oneByOne(s)].sort((a, b) => (a.bdf < b.bdf ? -1 : 1)));
  });

  it('gives every function no region on a host whose kernel cannot bind vfio-pci', () => {
    const s: Scenario = {
      host: { ...P64, kernel: { ...P64.kernel, vfioPci: false } },
      pes: [pe('0000:01', [fn('0000:01:00.0', [bar(0, 'mem64', 0x3fe080000000n, 0x10000n)])])],
    };
    expect(planRegions(s)).toEqual([{ pe: '0000:01', bdf: '0000:01:00.0', regions: [] }]);
  });

  it('answers what deriveRegions answers for every function of every valid scenario, in decision order', () => {
    fc.assert(
      fc.property(withReserved, (s) => {
        const expected = oneByOne(s).sort((a, b) => (a.pe !== b.pe ? (a.pe < b.pe ? -1 : 1) : a.bdf < b.bdf ? -1 : 1));
        expect(planRegions(s)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('stays linear in the BARs: 20,000 functions with 40,000 BARs well within a second', () => {
    // deriveRegions per function would index all 40,000 BARs 20,000 times: minutes, not milliseconds.
    const pes = Array.from({ length: 5000 }, (_, p) => {
      const functions = Array.from({ length: 4 }, (_, f) => {
        const base = 0x600000000000n + BigInt(p * 4 + f) * 0x40000n;
        const bdf = formatBdf({ domain: p >> 8, bus: p & 0xff, device: 0, fn: f });
        return fn(bdf, [bar(0, 'mem64', base, 0x20000n), bar(2, 'mem32', base + 0x20000n, 0x1000n)]);
      });
      return pe(formatBdf({ domain: p >> 8, bus: p & 0xff, device: 0, fn: 0 }).slice(0, 7), functions);
    });
    const started = performance.now();
    const regions = planRegions({ host: P64, pes });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(regions).toHaveLength(20000);
    expect(regions[0].regions[1]).toMatchObject({
      flags: ['READ', 'WRITE', 'MMAP'],
      subPageReservation: { size: 0xf000n },
    });
  });
});
