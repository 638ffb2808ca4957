import { AddressRangeIndex } from '../pci/address-range-index';
import { alignUp } from '../pci/page-math';

/**
 * The lowest guest address >= `from` on a host-page boundary whose page overlaps no other
 * guest BAR of the VM (GUEST_PLACEMENT advice).
 */
export function freeGuestPage<T>(from: bigint, pageSize: bigint, guestBars: AddressRangeIndex<T>, self: T): bigint {
  let candidate = alignUp(from, pageSize);
  for (;;) {
    const busy = guestBars.overlapping(candidate, candidate + pageSize, self);
    if (busy.length === 0) return candidate;
    let end = busy[0].end;
    for (const r of busy) if (r.end > end) end = r.end;
    candidate = alignUp(end, pageSize);
  }
}
