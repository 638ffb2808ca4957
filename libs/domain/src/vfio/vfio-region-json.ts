import { toHex } from '../pci/hex';
import { VfioRegion } from './vfio-region';

/**
 * The wire form of a region (events, read models, plans): 64-bit values as "0x...", the
 * optional fields only when the kernel would report them. The read-only flag and capability
 * lists (shared frozen arrays when derived) go out as they are, not as copies: a plan
 * serializes one region per BAR of the host.
 */
export function regionToJson(r: VfioRegion): Record<string, unknown> {
  const json: Record<string, unknown> = {
    index: r.index,
    offset: toHex(r.offset),
    size: toHex(r.size),
    flags: r.flags,
    caps: r.caps,
  };
  if (r.sparseAreas) json.sparseAreas = r.sparseAreas.map((a) => ({ offset: toHex(a.offset), size: toHex(a.size) }));
  if (r.subPageReservation)
    json.subPageReservation = { start: toHex(r.subPageReservation.start), size: toHex(r.subPageReservation.size) };
  return json;
}
