/** A half-open range [start, end) of addresses or offsets. */
export interface AddressRange {
  readonly start: bigint;
  readonly end: bigint;
}

export function overlaps(a: AddressRange, b: AddressRange): boolean {
  return a.start < b.end && b.start < a.end;
}

/** `areas` minus the union of `holes`, keeping non-empty pieces in order. */
export function subtractRanges(areas: readonly AddressRange[], holes: readonly AddressRange[]): AddressRange[] {
  if (holes.length === 0) return areas.slice();
  const sorted =
    holes.length === 1 ? holes : holes.slice().sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
  const pieces: AddressRange[] = [];
  for (const area of areas) {
    let cursor = area.start;
    for (const hole of sorted) {
      if (hole.end <= cursor || hole.start >= area.end) continue;
      if (hole.start > cursor) pieces.push({ start: cursor, end: hole.start });
      if (hole.end > cursor) cursor = hole.end;
      if (cursor >= area.end) break;
    }
    if (cursor < area.end) pieces.push({ start: cursor, end: area.end });
  }
  return pieces;
}
