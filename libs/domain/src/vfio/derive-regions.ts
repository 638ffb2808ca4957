import { hostMmapEligibility } from '../decision/host-mmap-eligibility';
import { AddressRangeIndex, OwnedRange } from '../pci/address-range-index';
import { Bar, isMmio } from '../pci/bar';
import { Host } from '../pci/host';
import { vfioPciBinds } from '../pci/kernel-release';
import { msixTableSize } from '../pci/msix';
import { alignDown, alignUp } from '../pci/page-math';
import { Pe, PciFunction } from '../pci/pe';
import { VfioRegion, VfioRegionFlag, VfioSparseArea, regionOffset } from './vfio-region';

/**
 * The regions vfio-pci reports for `fn` on `host` (R1.1-R1.5): one per BAR index 0..5 and
 * ROM 6 the function has, in index order. `pes` is the rest of the host's topology: the
 * sub-page rule needs the rest of the page free of every other MMIO resource (other
 * functions' BARs and the host's reserved ranges). None on a host whose kernel cannot bind
 * vfio-pci: there is no device fd to ask.
 */
export function deriveRegions(host: Host, fn: PciFunction, pes: readonly Pe[] = []): VfioRegion[] {
  if (!vfioPciBinds(host)) return [];
  const mmio = mmioIndex(host, fn, pes);
  const P = host.pageSize;
  return [...fn.bars]
    .sort((a, b) => a.index - b.index)
    .map((bar) => {
      const base = { index: bar.index, offset: regionOffset(bar.index), size: bar.size };
      if (bar.size === 0n) return { ...base, flags: [], caps: [] };
      if (bar.kind === 'rom') return { ...base, flags: ['READ'], caps: [] };
      const mmap = bar.kind !== 'io' && hostMmapEligibility(bar, P, host.kernel, mmio) === undefined;
      const flags: VfioRegionFlag[] = mmap ? ['READ', 'WRITE', 'MMAP'] : ['READ', 'WRITE'];
      if (!mmap) return { ...base, flags, caps: [] };
      const region: VfioRegion = { ...base, flags, caps: [], ...subPageReservation(bar, P) };
      if (fn.msix?.tableBar !== bar.index) return region;
      if (host.kernel.msixMappable) return { ...region, caps: ['MSIX_MAPPABLE'] };
      return { ...region, caps: ['SPARSE_MMAP'], sparseAreas: sparseAreas(bar.size, fn.msix.tableOffset, msixTableSize(fn.msix.vectors), P) };
    });
}

/**
 * v4.6-v4.15 `msix_sparse_mmap_cap()` (R1.5): the BAR minus the host pages holding the table.
 * When those pages cover the whole BAR the kernel still reported one area, of size 0.
 */
export function sparseAreas(barSize: bigint, tableOffset: bigint, tableSize: bigint, pageSize: bigint): VfioSparseArea[] {
  const cutStart = alignDown(tableOffset, pageSize);
  const cutEnd = alignUp(tableOffset + tableSize, pageSize);
  const areas: VfioSparseArea[] = [];
  if (cutStart > 0n) areas.push({ offset: 0n, size: cutStart });
  if (cutEnd < barSize) areas.push({ offset: cutEnd, size: barSize - cutEnd });
  return areas.length > 0 ? areas : [{ offset: 0n, size: 0n }];
}

function subPageReservation(bar: Bar, pageSize: bigint): Pick<VfioRegion, 'subPageReservation'> {
  if (bar.size >= pageSize) return {};
  const start = bar.address + bar.size;
  return { subPageReservation: { start, size: alignDown(bar.address, pageSize) + pageSize - start } };
}

/** Every MMIO resource of the host, owned by its BAR (reserved ranges by null); `fn`'s own bars as given. */
function mmioIndex(host: Host, fn: PciFunction, pes: readonly Pe[]): AddressRangeIndex<Bar | null> {
  const ranges: OwnedRange<Bar | null>[] = host.reservedRanges.map((r) => ({ start: r.start, end: r.end, owner: null }));
  const functions = [fn, ...pes.flatMap((pe) => pe.functions).filter((other) => other.bdf !== fn.bdf)];
  for (const f of functions) {
    for (const bar of f.bars) {
      if (isMmio(bar.kind) && bar.size > 0n) ranges.push({ start: bar.address, end: bar.address + bar.size, owner: bar });
    }
  }
  return new AddressRangeIndex(ranges);
}
