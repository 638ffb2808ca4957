import fc from 'fast-check';
import { Bar, BarKind } from '../pci/bar';
import { formatBdf } from '../pci/bdf';
import { Platform, defaultKernel } from '../pci/host';
import { msixPbaSize, msixTableSize } from '../pci/msix';
import { alignDown, alignUp } from '../pci/page-math';
import { Pe, PciFunction } from '../pci/pe';
import { GuestBar, MSIX_RELOCATIONS, Vm, defaultMachine, defaultMsixEmulation } from '../pci/vm';
import { Scenario } from '../scenario/scenario';

/**
 * Random valid scenarios for property tests. Raw choices are drawn by fast-check, then
 * `build` places BARs so the scenario passes every rule of scenario.md: natural alignment,
 * no overlaps (several small BARs may share one host page, to make remainders busy), index
 * rules, MSI-X inside its BAR, guest BARs aligned to their size.
 */
const SIZES = [0n, 0x100n, 0x800n, 0x1000n, 0x2000n, 0x4000n, 0x10000n, 0x20000n, 0x100000n];
const BLOCK = 0x200000n;

const rawBar = fc.record({
  kind: fc.constantFrom<BarKind>('mem32', 'mem64', 'mem64', 'io'),
  size: fc.constantFrom(...SIZES),
  slot: fc.nat(31),
  packed: fc.boolean(),
  guest: fc.option(fc.nat(63), { nil: undefined }),
});
const rawFunction = fc.record({
  bars: fc.array(rawBar, { maxLength: 4 }),
  rom: fc.boolean(),
  isVf: fc.boolean(),
  msix: fc.option(fc.record({ vectors: fc.integer({ min: 1, max: 64 }), atEnd: fc.boolean() }), { nil: undefined }),
});
const rawScenario = fc.record({
  platform: fc.constantFrom<Platform>('powernv', 'arm64', 'x86_64', 'pseries'),
  pageSize: fc.constantFrom(0x1000n, 0x10000n),
  // vfioPci false one time in eight: it decides every BAR alone, and would hide the other rules.
  kernel: fc.record({
    subPageMmap: fc.boolean(),
    msixMappable: fc.boolean(),
    defaultPageAlignment: fc.boolean(),
    vfioPci: fc.nat(7).map((n) => n !== 0),
  }),
  highBase: fc.boolean(),
  pes: fc.array(
    fc.record({
      alignment: fc.constantFrom<Pe['alignment']>('auto', 'page', 'none'),
      functions: fc.array(rawFunction, { minLength: 1, maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  vm: fc.option(
    fc.record({
      machine: fc.constantFrom('pseries', 'q35', 'virt'),
      noMmap: fc.boolean(),
      relocation: fc.constantFrom(...MSIX_RELOCATIONS),
      kvmMemslots: fc.integer({ min: 1, max: 12 }),
      memslotsUsed: fc.nat(6),
      assignEvery: fc.integer({ min: 1, max: 2 }),
    }),
    { nil: undefined },
  ),
});

type Raw = typeof rawScenario extends fc.Arbitrary<infer T> ? T : never;

export const scenarioArbitrary: fc.Arbitrary<Scenario> = rawScenario.map(build);

function build(raw: Raw): Scenario {
  // Near the top of the 64-bit space half of the time, so bigint paths get exercised.
  const base = raw.highBase ? 0xffff000000000000n : 0x600000000000n;
  let block = 0n;
  let ioNext = 0x1000n;
  const pes: Pe[] = raw.pes.map((rp, p) => {
    const functions: PciFunction[] = rp.functions.map((rf, f) => {
      const bdf = formatBdf({ domain: 0, bus: p + 1, device: f, fn: 0 });
      const bars: Bar[] = [];
      let index = 0;
      let packCursor: bigint | undefined;
      let blockEnd = 0n;
      for (const rb of rf.bars) {
        let kind = rb.kind;
        if (index > 5) break;
        if (kind === 'mem64' && index === 5) kind = 'mem32';
        let size = rb.size;
        if (kind === 'io') {
          size = size === 0n ? 0n : 0x20n;
          bars.push({ index, kind, address: size === 0n ? 0n : ioNext, size, prefetchable: false, fixed: false });
          ioNext += 0x100n;
        } else if (size === 0n) {
          bars.push({ index, kind, address: 0n, size, prefetchable: false, fixed: false });
        } else {
          let address: bigint;
          const packedAt = packCursor === undefined ? undefined : alignUp(packCursor, size);
          if (rb.packed && size < 0x10000n && packedAt !== undefined && packedAt + size <= blockEnd) {
            address = packedAt; // shares a host page with the previous small BAR
          } else {
            const start = base + block * BLOCK;
            const offset = BigInt(rb.slot) * 0x10000n + (rb.packed && size < 0x10000n ? 0x1000n : 0n);
            address = start + alignDown(offset % (BLOCK - 0x20000n), size);
            blockEnd = start + BLOCK;
            block++;
          }
          packCursor = address + size;
          bars.push({ index, kind, address, size, prefetchable: kind === 'mem64', fixed: false });
        }
        index += kind === 'mem64' ? 2 : 1;
      }
      if (rf.rom) {
        bars.push({
          index: 6,
          kind: 'rom',
          address: base + block * BLOCK,
          size: 0x10000n,
          prefetchable: true,
          fixed: false,
        });
        block++;
      }
      const fnc: PciFunction = { bdf, isVf: rf.isVf, bars };
      const host = bars.find((b) => b.kind !== 'io' && b.kind !== 'rom' && b.size >= 0x1000n);
      if (!rf.msix || !host) return fnc;
      const vectors = Math.min(rf.msix.vectors, Number(host.size / 64n));
      const table = msixTableSize(vectors);
      const tableOffset = rf.msix.atEnd ? host.size - alignUp(table + msixPbaSize(vectors), 0x10n) : 0n;
      const pbaOffset = alignUp(tableOffset + table, 8n);
      return { ...fnc, msix: { tableBar: host.index, tableOffset, vectors, pbaBar: host.index, pbaOffset } };
    });
    return {
      id: formatBdf({ domain: 0, bus: p + 1, device: 0, fn: 0 }).slice(0, 7),
      alignment: rp.alignment,
      functions,
    };
  });

  const kernel = { ...defaultKernel(raw.platform), ...raw.kernel, sparseMmap: !raw.kernel.msixMappable };
  const hostFacts = {
    id: 'prop-host',
    platform: raw.platform,
    pageSize: raw.pageSize,
    kernel,
    kvmMemslots: 16,
    reservedRanges: [],
    phbs: [],
  };
  if (!raw.vm) return { host: hostFacts, pes };

  const rv = raw.vm;
  const assigned = pes.filter((_, i) => i % rv.assignEvery === 0);
  const guestBars: GuestBar[] = [];
  raw.pes.forEach((rp, p) => {
    if (!assigned.includes(pes[p])) return;
    rp.functions.forEach((rf, f) => {
      const fnc = pes[p].functions[f];
      fnc.bars.forEach((b, i) => {
        const g = rf.bars[i]?.guest;
        if (g === undefined || b.kind === 'io' || b.kind === 'rom') return;
        // Guest slots are 4K apart so some share a 64K page; aligned to the BAR's size.
        guestBars.push({
          bdf: fnc.bdf,
          index: b.index,
          address: alignUp(0x80000000n + BigInt(g) * 0x1000n, b.size === 0n ? 1n : b.size),
        });
      });
    });
  });
  const machine = rv.machine as Vm['machine'];
  // Relocation to an I/O BAR or an upper half is refused by validation; keep only legal ones.
  const relocation = assigned.every((a) => a.functions.every((f) => !f.msix || legalTarget(f, rv.relocation)))
    ? rv.relocation
    : 'off';
  const kvmMemslots = Math.max(rv.kvmMemslots, rv.memslotsUsed);
  const vm: Vm = {
    id: 'prop-vm',
    machine: machine ?? defaultMachine(raw.platform),
    msixEmulation: defaultMsixEmulation(machine),
    noMmap: rv.noMmap,
    msixRelocation: relocation,
    memslotsUsed: rv.memslotsUsed,
    assignedPes: assigned.map((a) => a.id),
    guestBars,
  };
  return { host: { ...hostFacts, kvmMemslots }, pes, vm };
}

function legalTarget(fnc: PciFunction, relocation: Vm['msixRelocation']): boolean {
  if (relocation === 'off') return true;
  const n = Number(relocation.slice(3));
  return !fnc.bars.some((b) => (b.index === n && b.kind === 'io') || (b.index === n - 1 && b.kind === 'mem64'));
}
