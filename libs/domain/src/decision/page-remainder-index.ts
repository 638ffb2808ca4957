import { AddressRangeIndex, OwnedRange } from '../pci/address-range-index';
import { Bar } from '../pci/bar';
import { Host } from '../pci/host';
import { isAligned, log2 } from '../pci/page-math';
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
  const ranges: OwnedRange<Bar | null>[] = [];
  // A kernel that never mmaps sub-page BARs asks nothing: only reserved ranges are kept then.
  if (kernel.vfioPci && kernel.subPageMmap) {
    const shift = log2(P);
    // Asked pages, by the low 16 bits of their page number (one bit each). A BAR in an asked
    // page is always kept; one in another page with the same bits is kept too, which changes
    // no answer (it is not in the asked page), so the key only has to be cheap, not unique.
    const asked = new Uint32Array(KEYS / 32);
    // One walk over the host's BARs; the second pass reads only the sub-page ones kept here.
    const subPage: Bar[] = [];
    const keys: number[] = [];
    for (let p = 0; p < pes.length; p++)
      for (let f = 0; f < pes[p].functions.length; f++)
        for (let b = 0; b < pes[p].functions[f].bars.length; b++) {
          const bar = pes[p].functions[f].bars[b];
          if (bar.kind === 'io' || bar.size === 0n || bar.size >= P) continue;
          const key = pageKey(bar.address, shift);
          subPage.push(bar);
          keys.push(key);
          if (bar.kind !== 'rom' && isAligned(bar.address, P)) asked[key >>> 5] |= 1 << (key & 31);
        }
    for (let i = 0; i < subPage.length; i++) {
      const key = keys[i];
      if ((asked[key >>> 5] & (1 << (key & 31))) === 0) continue;
      const bar = subPage[i];
      ranges.push({ start: bar.address, end: bar.address + bar.size, owner: bar });
    }
  }
  for (const r of host.reservedRanges) ranges.push({ start: r.start, end: r.end, owner: null });
  return new AddressRangeIndex(ranges);
}

const KEYS = 1 << 16;

/** The low 16 bits of the page number of `address` (pages of 2^shift bytes). */
function pageKey(address: bigint, shift: number): number {
  // Up to 64K pages the page number's low 16 bits are in the address's low 32, which V8
  // reads without allocating; a bigint shift allocates.
  if (shift <= 16) return (Number(BigInt.asUintN(32, address)) >>> shift) & (KEYS - 1);
  return Number(BigInt.asUintN(16, address >> BigInt(shift)));
}
