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

  constructor(ranges: readonly OwnedRange<T>[]) {
    // Arrays made at their final size (a guest's index holds thousands of ranges, and each
    // regrowth of a pushed list copies it); empty ranges are dropped.
    this.ranges = ranges.every(nonEmpty) ? ranges.slice() : ranges.filter(nonEmpty);
    let sorted = true;
    for (let i = 1; i < this.ranges.length && sorted; i++) sorted = this.ranges[i - 1].start <= this.ranges[i].start;
    // Input in address order (guest BARs usually are) needs no sort; the sort is stable, so
    // skipping it keeps the same order.
    if (!sorted) this.ranges.sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
    this.maxEnd = new Array<bigint>(this.ranges.length);
    let max = 0n;
    for (let i = 0; i < this.ranges.length; i++) {
      const r = this.ranges[i];
      if (r.end > max) max = r.end;
      this.maxEnd[i] = max;
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

function nonEmpty(r: AddressRange): boolean {
  return r.end > r.start;
}
