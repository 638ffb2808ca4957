import { AddressRangeIndex } from '../pci/address-range-index';
import { U64_LIMIT } from '../pci/hex';
import { alignUp } from '../pci/page-math';

/**
 * The lowest guest address >= `from` on a host-page boundary whose page overlaps no other
 * guest BAR of the VM (GUEST_PLACEMENT advice); undefined when no such page is left below 2^64.
 */
export function freeGuestPage<T>(
  from: bigint,
  pageSize: bigint,
  guestBars: AddressRangeIndex<T>,
  self: T,
): bigint | undefined {
  let candidate = alignUp(from, pageSize);
  for (;;) {
    if (candidate + pageSize > U64_LIMIT) return undefined;
    const busy = guestBars.overlapping(candidate, candidate + pageSize, self);
    if (busy.length === 0) return candidate;
    let end = busy[0].end;
    for (const r of busy) if (r.end > end) end = r.end;
    candidate = alignUp(end, pageSize);
  }
}
