import { hostMmapEligibility } from '../decision/host-mmap-eligibility';
import { PageRemainder, pageRemainderOf } from '../decision/page-remainder-index';
import { AddressRangeIndex, OwnedRange } from '../pci/address-range-index';
import { Bar, isMmio } from '../pci/bar';
import { Host } from '../pci/host';
import { vfioPciBinds } from '../pci/kernel-release';
import { msixTableSize } from '../pci/msix';
import { alignDown, alignUp } from '../pci/page-math';
import { Pe, PciFunction } from '../pci/pe';
import {
  VfioRegion,
  VfioRegionCap,
  VfioRegionFlag,
  VfioSparseArea,
  VfioSubPageReservation,
  regionOffset,
} from './vfio-region';

/**
 * The regions vfio-pci reports for `fn` on `host` (R1.1-R1.5): one per BAR index 0..5 and
 * ROM 6 the function has, in index order. `pes` is the rest of the host's topology: the
 * sub-page rule needs the rest of the page free of every other MMIO resource (other
 * functions' BARs and the host's reserved ranges). None on a host whose kernel cannot bind
 * vfio-pci: there is no device fd to ask.
 */
export function deriveRegions(host: Host, fn: PciFunction, pes: readonly Pe[] = []): VfioRegion[] {
  if (!vfioPciBinds(host)) return [];
  return regionsAgainst(host, fn, pageRemainderOf(mmioIndex(host, fn, pes), host.pageSize));
}

/**
 * `deriveRegions` against page-remainder answers built by the caller, so that deriving every
 * function of a host builds them once (planRegions) instead of once per function. Written
 * as a loop over shared flag and capability arrays: a plan derives one region per BAR of
 * the host, and spreads and fresh arrays there cost more than the rules.
 */
export function regionsAgainst(host: Host, fn: PciFunction, remainder: PageRemainder): VfioRegion[] {
  if (!vfioPciBinds(host)) return [];
  const regions: VfioRegion[] = [];
  const bars = inIndexOrder(fn.bars);
  for (let i = 0; i < bars.length; i++) regions.push(regionOf(host, fn, bars[i], remainder));
  return regions;
}

const FLAGS = {
  none: Object.freeze([]),
  read: Object.freeze(['READ']),
  readWrite: Object.freeze(['READ', 'WRITE']),
  mmap: Object.freeze(['READ', 'WRITE', 'MMAP']),
} satisfies Record<string, readonly VfioRegionFlag[]>;
const CAPS = {
  none: Object.freeze([]),
  msixMappable: Object.freeze(['MSIX_MAPPABLE']),
  sparse: Object.freeze(['SPARSE_MMAP']),
} satisfies Record<string, readonly VfioRegionCap[]>;
const OFFSETS = [0, 1, 2, 3, 4, 5, 6].map(regionOffset);

function regionOf(host: Host, fn: PciFunction, bar: Bar, remainder: PageRemainder): VfioRegion {
  const { index, size } = bar;
  const offset = OFFSETS[index] ?? regionOffset(index);
  if (size === 0n) return { index, offset, size, flags: FLAGS.none, caps: CAPS.none };
  if (bar.kind === 'rom') return { index, offset, size, flags: FLAGS.read, caps: CAPS.none };
  const P = host.pageSize;
  if (bar.kind === 'io' || hostMmapEligibility(bar, P, host.kernel, remainder) !== undefined)
    return { index, offset, size, flags: FLAGS.readWrite, caps: CAPS.none };
  const msix = fn.msix?.tableBar === index ? fn.msix : undefined;
  const caps = !msix ? CAPS.none : host.kernel.msixMappable ? CAPS.msixMappable : CAPS.sparse;
  const region: { -readonly [K in keyof VfioRegion]: VfioRegion[K] } = { index, offset, size, flags: FLAGS.mmap, caps };
  if (msix && caps === CAPS.sparse)
    region.sparseAreas = sparseAreas(size, msix.tableOffset, msixTableSize(msix.vectors), P);
  if (size < P) region.subPageReservation = subPageReservation(bar, P);
  return region;
}

function inIndexOrder(bars: readonly Bar[]): readonly Bar[] {
  for (let i = 1; i < bars.length; i++)
    if (bars[i - 1].index > bars[i].index) return [...bars].sort((a, b) => a.index - b.index);
  return bars;
}

/**
 * v4.6-v4.15 `msix_sparse_mmap_cap()` (R1.5): the BAR minus the host pages holding the table.
 * When those pages cover the whole BAR the kernel still reported one area, of size 0.
 */
export function sparseAreas(
  barSize: bigint,
  tableOffset: bigint,
  tableSize: bigint,
  pageSize: bigint,
): VfioSparseArea[] {
  const cutStart = alignDown(tableOffset, pageSize);
  const cutEnd = alignUp(tableOffset + tableSize, pageSize);
  const areas: VfioSparseArea[] = [];
  if (cutStart > 0n) areas.push({ offset: 0n, size: cutStart });
  if (cutEnd < barSize) areas.push({ offset: cutEnd, size: barSize - cutEnd });
  return areas.length > 0 ? areas : [{ offset: 0n, size: 0n }];
}

/** [H+S, floor(H,P)+P): the rest of a sub-page BAR's page, which vfio-pci claims (R1.1). */
function subPageReservation(bar: Bar, pageSize: bigint): VfioSubPageReservation {
  const start = bar.address + bar.size;
  return { start, size: alignDown(bar.address, pageSize) + pageSize - start };
}

/** Every MMIO resource of the host, owned by its BAR (reserved ranges by null); `fn`'s own bars as given. */
function mmioIndex(host: Host, fn: PciFunction, pes: readonly Pe[]): AddressRangeIndex<Bar | null> {
  const ranges: OwnedRange<Bar | null>[] = host.reservedRanges.map((r) => ({
    start: r.start,
    end: r.end,
    owner: null,
  }));
  const functions = [fn, ...pes.flatMap((pe) => pe.functions).filter((other) => other.bdf !== fn.bdf)];
  for (const f of functions) {
    for (const bar of f.bars) {
      if (isMmio(bar.kind) && bar.size > 0n)
        ranges.push({ start: bar.address, end: bar.address + bar.size, owner: bar });
    }
  }
  return new AddressRangeIndex(ranges);
}
