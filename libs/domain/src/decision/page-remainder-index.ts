import { AddressRangeIndex } from '../pci/address-range-index';
import { Bar } from '../pci/bar';
import { Host } from '../pci/host';
import { alignDown, alignUp, log2 } from '../pci/page-math';
import { Pe } from '../pci/pe';

/**
 * The question of decision 1 step 2 (R1.1): is anything other than `bar` (a page-aligned BAR
 * smaller than a page) in the rest of its page, [H+S, H+P)? vfio-pci claims that rest with a
 * dummy resource, which fails when anything is there.
 */
export interface PageRemainder {
  busy(bar: Bar): boolean;
}

/**
 * The page-remainder answers of a whole valid scenario, built once per host in one walk over
 * its BARs. On a valid scenario BARs are naturally aligned and never overlap, so a BAR of a
 * page or more owns whole pages and a sub-page BAR lies inside one page; a page-aligned
 * sub-page BAR starts its page, so anything else in its page is in its remainder. The rule is
 * then: another sub-page BAR (memory or ROM, not empty) in the same page, or a reserved range
 * (unchecked against BARs) in the remainder. Grouping sub-page BARs by page replaced an
 * address-sorted index of them (sorting ~12,000 bigint ranges, 4.6 ms of a 41 ms plan).
 */
export function pageRemainderIndex(
  pes: readonly Pe[],
  host: Pick<Host, 'pageSize' | 'kernel' | 'reservedRanges'>,
): PageRemainder {
  const P = host.pageSize;
  const shared = new Set<Bar>();
  // A kernel that never mmaps sub-page BARs asks nothing.
  if (host.kernel.vfioPci && host.kernel.subPageMmap) {
    const subPage: Bar[] = [];
    for (let p = 0; p < pes.length; p++)
      for (let f = 0; f < pes[p].functions.length; f++)
        for (let b = 0; b < pes[p].functions[f].bars.length; b++) {
          const bar = pes[p].functions[f].bars[b];
          if (bar.kind !== 'io' && bar.size !== 0n && bar.size < P) subPage.push(bar);
        }
    // Counted by a hash of their page number first, then only those whose hash is met twice
    // grouped by exact page number: most of a host's sub-page BARs are alone in their page
    // and cost no hash-table entry (a map of every one: 4 ms per 13,000). The table has room
    // for four times the BARs: a 50-function host zeroes 256 bytes, not 64 KB.
    const bits = Math.min(16, Math.max(8, Math.ceil(Math.log2(4 * subPage.length + 1))));
    const seen = new Uint8Array(1 << bits);
    const keys = new Uint32Array(subPage.length);
    const pageSize = Number(P);
    for (let i = 0; i < subPage.length; i++) {
      const key = (keys[i] = pageHash(subPage[i].address, pageSize) >>> (32 - bits));
      if (seen[key] < 2) seen[key]++;
    }
    const pageOf = pageNumber(P);
    let lastInPage: Map<number, Bar> | undefined; // the last BAR seen in each page
    for (let i = 0; i < subPage.length; i++) {
      if (seen[keys[i]] < 2) continue;
      const bar = subPage[i];
      const page = pageOf(bar.address);
      const before = (lastInPage ??= new Map()).get(page);
      lastInPage.set(page, bar);
      if (before !== undefined) shared.add(before).add(bar);
    }
  }
  return new SubPageNeighbours(shared, host.reservedRanges, P);
}

/** What `pageRemainderIndex` keeps: the sub-page BARs that share a page, and the reserved ranges. */
class SubPageNeighbours implements PageRemainder {
  private readonly reserved: AddressRangeIndex<null>;
  /**
   * The reserved ranges grown to whole pages, less one at the start: a page-aligned H is in a
   * page some reserved range touches exactly when [H, H) overlaps one of these
   * (start < H < end), which asks without the two bigint sums (allocations) of the exact test.
   */
  private readonly reservedPages: AddressRangeIndex<null>;

  constructor(
    private readonly shared: ReadonlySet<Bar>,
    reservedRanges: Host['reservedRanges'],
    private readonly pageSize: bigint,
  ) {
    this.reserved = new AddressRangeIndex(reservedRanges.map((r) => ({ start: r.start, end: r.end, owner: null })));
    this.reservedPages = new AddressRangeIndex(
      reservedRanges.map((r) => ({
        start: alignDown(r.start, pageSize) - 1n,
        end: alignUp(r.end, pageSize),
        owner: null,
      })),
    );
  }

  busy(bar: Bar): boolean {
    if (this.shared.has(bar)) return true;
    if (!this.reservedPages.anyOverlap(bar.address, bar.address)) return false;
    return this.reserved.anyOverlap(bar.address + bar.size, bar.address + this.pageSize);
  }
}

/**
 * The page-remainder question asked of an index of MMIO resources owned by their BAR (reserved
 * ranges by null): exact on any input, for one function's regions (`deriveRegions`).
 */
export function pageRemainderOf(mmio: AddressRangeIndex<Bar | null>, pageSize: bigint): PageRemainder {
  return { busy: (bar) => mmio.anyOverlap(bar.address + bar.size, bar.address + pageSize, bar) };
}

const EXACT_DOUBLE = 1n << 53n;

/**
 * A 32-bit hash of the page number of `address`: the same for every address of a page. Mixed
 * from all its bits: hosts repeat low address bits in each PHB's window, and a key of the low
 * bits alone sent most BARs to the exact pass. Addresses from 2^53 on share hash 0 (rare: the
 * exact pass sorts them out).
 */
function pageHash(address: bigint, pageSize: number): number {
  if (address >= EXACT_DOUBLE) return 0;
  const page = Math.floor(Number(address) / pageSize);
  return (Math.imul(page | 0, 0x9e3779b1) ^ Math.imul((page / 0x1_0000_0000) | 0, 0x85ebca6b)) >>> 0;
}

/**
 * The page number of an address, as a number (exact: below 2^53 the address is an exact double
 * and so is its quotient by a power of two; above, the shifted bigint is below 2^52). The
 * common case converts without allocating; a bigint shift allocates.
 */
function pageNumber(pageSize: bigint): (address: bigint) => number {
  const P = Number(pageSize);
  const shift = BigInt(log2(pageSize));
  return (address) => (address < EXACT_DOUBLE ? Math.floor(Number(address) / P) : Number(address >> shift));
}
