import { AddressRangeIndex, OwnedRange } from '../pci/address-range-index';
import { Bar } from '../pci/bar';
import { Host } from '../pci/host';
import { log2 } from '../pci/page-math';
import { Pe } from '../pci/pe';

/**
 * The MMIO resources the page-remainder rule (decision 1 step 2) can meet on a valid
 * scenario, for `hostMmapEligibility`. Only the pages of page-aligned sub-page BARs are ever
 * asked about, and a BAR of a page or more (naturally aligned) owns whole pages, so it can
 * never share one with another BAR: only sub-page BARs in asked pages matter, and reserved
 * ranges (unchecked against BARs) always count. Built once per host: linear in its BARs.
 */
export function pageRemainderIndex(
  pes: readonly Pe[],
  host: Pick<Host, 'pageSize' | 'kernel' | 'reservedRanges'>,
): AddressRangeIndex<Bar | null> {
  const P = host.pageSize;
  const { kernel } = host;
  // Page numbers are below 2^52 (addresses below 2^64, pages of 4K or more): exact as numbers,
  // and a shift is much cheaper than bigint division.
  const shift = BigInt(log2(P));
  const subPage: Bar[] = [];
  const asked = new Set<number>();
  for (const pe of pes)
    for (const fn of pe.functions)
      for (const bar of fn.bars) {
        if (bar.kind === 'io' || bar.size === 0n || bar.size >= P) continue;
        subPage.push(bar);
        if (kernel.vfioPci && kernel.subPageMmap && bar.kind !== 'rom' && bar.address % P === 0n)
          asked.add(Number(bar.address >> shift));
      }
  const ranges: OwnedRange<Bar | null>[] = [];
  if (asked.size > 0) {
    for (const bar of subPage)
      if (asked.has(Number(bar.address >> shift)))
        ranges.push({ start: bar.address, end: bar.address + bar.size, owner: bar });
  }
  for (const r of host.reservedRanges) ranges.push({ start: r.start, end: r.end, owner: null });
  return new AddressRangeIndex(ranges);
}
