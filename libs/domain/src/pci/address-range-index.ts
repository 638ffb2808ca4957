import { AddressRange } from './address-range';

export interface OwnedRange<T> extends AddressRange {
  readonly owner: T;
}

/**
 * Answers "which ranges overlap [a, b)?" in O(log n + k). Ranges may overlap each other
 * (reserved ranges are not checked against BARs), so a prefix maximum of the ends bounds the
 * backward scan instead of assuming disjointness.
 */
export class AddressRangeIndex<T> {
  private readonly ranges: OwnedRange<T>[];
  private readonly maxEnd: bigint[];

  constructor(ranges: Iterable<OwnedRange<T>>) {
    this.ranges = [];
    for (const r of ranges) if (r.end > r.start) this.ranges.push(r);
    if (!inStartOrder(this.ranges)) sortByStart(this.ranges);
    this.maxEnd = [];
    let max = 0n;
    for (const r of this.ranges) {
      if (r.end > max) max = r.end;
      this.maxEnd.push(max);
    }
  }

  /** Ranges overlapping [start, end), other than those owned by `except`, in address order. */
  overlapping(start: bigint, end: bigint, except?: T): OwnedRange<T>[] {
    const found: OwnedRange<T>[] = [];
    for (let j = this.countStartingBefore(end) - 1; j >= 0 && this.maxEnd[j] > start; j--) {
      const r = this.ranges[j];
      if (r.end > start && r.owner !== except) found.push(r);
    }
    return found.reverse();
  }

  /** Whether any range other than `except`'s overlaps [start, end); allocates nothing. */
  anyOverlap(start: bigint, end: bigint, except?: T): boolean {
    for (let j = this.countStartingBefore(end) - 1; j >= 0 && this.maxEnd[j] > start; j--) {
      const r = this.ranges[j];
      if (r.end > start && r.owner !== except) return true;
    }
    return false;
  }

  private countStartingBefore(end: bigint): number {
    let lo = 0;
    let hi = this.ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ranges[mid].start < end) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function inStartOrder(ranges: readonly AddressRange[]): boolean {
  for (let i = 1; i < ranges.length; i++) if (ranges[i - 1].start > ranges[i].start) return false;
  return true;
}

/**
 * Sorts by start, comparing numbers where it can: the start's 2K block number (exact as a
 * number, addresses being below 2^64) decides unless two starts share a block. A bigint
 * comparator costs several times as much, and a host's BARs and guest BARs run to tens of
 * thousands (the input usually comes in order already, which is checked first).
 */
function sortByStart<R extends AddressRange>(ranges: R[]): void {
  const keyed = ranges.map((r) => ({ r, block: Number(r.start >> 11n) }));
  keyed.sort((x, y) => x.block - y.block || (x.r.start < y.r.start ? -1 : x.r.start > y.r.start ? 1 : 0));
  for (let i = 0; i < keyed.length; i++) ranges[i] = keyed[i].r;
}
