import { AlignmentDecision, Bar, Host, isMemBar, Pe, PciFunction, toHex } from '@barplane/domain';
import { RegionRow } from './region-comparison';

/**
 * Where the kernel put a PE's BARs, seen from its host pages. (Expanded BARs, after barplane's
 * kernel parameter, are checked against the boot before: checkAdviceApplied.)
 */
export type Placement = 'no sub-page BARs' | 'page-start aligned' | 'packed';

/** One PE: barplane's alignment decision beside where the kernel placed the PE's BARs. */
export interface PeRow {
  readonly pe: string;
  readonly functions: readonly string[];
  readonly alignment: AlignmentDecision;
  readonly placement: Placement;
  readonly kernelSays: string;
  readonly agree: boolean;
  readonly difference?: string;
}

/** BARs the alignment policy moves (R2.3, R6.5): memory and ROM, not of a VF, not fixed. */
const movable = (fn: PciFunction, bar: Bar) => bar.kind !== 'io' && bar.size > 0n && !fn.isVf && !bar.fixed;

const pageOf = (address: bigint, P: bigint) => address - (address % P);

/** Sub-page movable BARs that start mid-page or share their page with another MMIO resource of the host. */
function packedBars(pe: Pe, everyMmio: readonly { bdf: string; bar: Bar }[], P: bigint): string[] {
  const found: string[] = [];
  for (const fn of pe.functions) {
    for (const bar of fn.bars) {
      if (!movable(fn, bar) || bar.size >= P) continue;
      const page = pageOf(bar.address, P);
      const neighbour = everyMmio.find(
        (o) => o.bar !== bar && o.bar.address < page + P && o.bar.address + o.bar.size > page,
      );
      if (bar.address % P !== 0n) found.push(`${fn.bdf} BAR ${bar.index} at ${toHex(bar.address)} starts mid-page`);
      else if (neighbour)
        found.push(`${fn.bdf} BAR ${bar.index} shares its page with ${neighbour.bdf} BAR ${neighbour.bar.index}`);
    }
  }
  return found;
}

/** Where the kernel placed `pe`'s BARs: no sub-page BAR, each on a page of its own start, or packed. */
export function placementOf(pe: Pe, pes: readonly Pe[], P: bigint): { placement: Placement; detail: string[] } {
  const everyMmio = pes.flatMap((p) =>
    p.functions.flatMap((fn) =>
      fn.bars.filter((b) => b.kind !== 'io' && b.size > 0n).map((bar) => ({ bdf: fn.bdf, bar })),
    ),
  );
  const subPage = pe.functions.some((fn) => fn.bars.some((b) => movable(fn, b) && b.size < P));
  if (!subPage) return { placement: 'no sub-page BARs', detail: [] };
  const packed = packedBars(pe, everyMmio, P);
  return packed.length > 0 ? { placement: 'packed', detail: packed } : { placement: 'page-start aligned', detail: [] };
}

/** Member memory BARs (movable) whose kernel region has no MMAP flag. */
export function unmappableMemBars(pe: Pe, rows: readonly RegionRow[]): string[] {
  const out: string[] = [];
  for (const fn of pe.functions) {
    for (const bar of fn.bars) {
      if (!isMemBar(bar.kind) || !movable(fn, bar)) continue;
      const row = rows.find((r) => r.bdf === fn.bdf && r.index === bar.index);
      if (row?.kernel && !row.kernel.flags.includes('MMAP')) out.push(`${fn.bdf} BAR ${bar.index}`);
    }
  }
  return out;
}

/**
 * Decision 2 against the kernel. PLATFORM_PAGE_STARTALIGN: every movable BAR starts on a page
 * (and the sub-page ones sit alone in it). NONE: the kernel mmaps every member memory BAR.
 * PARAM_RESIZE: the kernel refuses mmap for exactly `barsGainingMmap` member memory BARs (the
 * follow-up boot with the parameter checks the rest: see checkAdviceApplied).
 */
export function checkAlignment(
  host: Host,
  pes: readonly Pe[],
  pe: Pe,
  alignment: AlignmentDecision,
  rows: readonly RegionRow[],
): PeRow {
  const P = host.pageSize;
  const { placement, detail } = placementOf(pe, pes, P);
  const refused = unmappableMemBars(pe, rows);
  const kernelSays = [
    placement,
    refused.length === 0 ? 'every memory BAR mmap-able' : `no mmap: ${refused.join(', ')}`,
    ...detail,
  ].join('; ');
  let difference: string | undefined;
  switch (alignment.policy) {
    case 'PLATFORM_PAGE_STARTALIGN': {
      const unaligned = pe.functions.flatMap((fn) =>
        fn.bars.filter((b) => movable(fn, b) && b.address % P !== 0n).map((b) => `${fn.bdf} BAR ${b.index}`),
      );
      if (unaligned.length > 0)
        difference = `barplane counts on the platform's page alignment, but these start mid-page: ${unaligned.join(', ')}`;
      break;
    }
    case 'NONE':
      if (refused.length > 0)
        difference = `barplane sees no need to align, but the kernel refuses mmap for ${refused.join(', ')}`;
      break;
    case 'PARAM_RESIZE':
      if (alignment.override === 'auto' && refused.length !== alignment.barsGainingMmap) {
        difference = `barplane counts ${alignment.barsGainingMmap} BARs gaining mmap, the kernel refuses mmap for ${refused.length}`;
      }
      break;
    case 'NOT_APPLICABLE':
      break;
  }
  return {
    pe: pe.id,
    functions: pe.functions.map((fn) => fn.bdf),
    alignment,
    placement,
    kernelSays,
    agree: difference === undefined,
    ...(difference ? { difference } : {}),
  };
}

/** One PE after a boot with barplane's `kernelParameter`: what the recommendation promised, and what the kernel did. */
export interface AdviceRow {
  readonly pe: string;
  readonly kernelParameter: string;
  readonly promised: string;
  readonly kernelSays: string;
  readonly agree: boolean;
  readonly difference?: string;
}

/**
 * PARAM_RESIZE promises (R2.3, method 1): every movable sub-page BAR of the PE becomes one page
 * at a page start, every member memory BAR is then mmap-able, the address space spent is
 * `mmioCost`, and `barsGainingMmap` BARs gain mmap. `before` is the PE of the first boot,
 * `after` the same functions in the boot with the parameter.
 */
export function checkAdviceApplied(
  P: bigint,
  before: { pe: Pe; alignment: AlignmentDecision; rows: readonly RegionRow[] },
  after: { pes: readonly Pe[]; rows: readonly RegionRow[] },
): AdviceRow {
  const fnAfter = new Map(after.pes.flatMap((p) => p.functions.map((f) => [f.bdf, f] as const)));
  const problems: string[] = [];
  let growth = 0n;
  let gained = 0;
  for (const fn of before.pe.functions) {
    const now = fnAfter.get(fn.bdf);
    if (!now) {
      problems.push(`${fn.bdf} is gone`);
      continue;
    }
    for (const bar of fn.bars) {
      if (!movable(fn, bar)) continue;
      const later = now.bars.find((b) => b.index === bar.index);
      if (!later) {
        problems.push(`${fn.bdf} BAR ${bar.index} is gone`);
        continue;
      }
      growth += later.size - bar.size;
      if (bar.size < P && (later.size !== P || later.address % P !== 0n)) {
        problems.push(
          `${fn.bdf} BAR ${bar.index} is ${toHex(later.size)} at ${toHex(later.address)}, not one page at a page start`,
        );
      }
      if (!isMemBar(bar.kind)) continue;
      const mmapBefore =
        before.rows.find((r) => r.bdf === fn.bdf && r.index === bar.index)?.kernel?.flags.includes('MMAP') ?? false;
      const mmapAfter =
        after.rows.find((r) => r.bdf === fn.bdf && r.index === bar.index)?.kernel?.flags.includes('MMAP') ?? false;
      if (!mmapAfter) problems.push(`${fn.bdf} BAR ${bar.index} still has no mmap`);
      if (!mmapBefore && mmapAfter) gained++;
    }
  }
  if (growth !== before.alignment.mmioCost)
    problems.push(`the BARs grew by ${toHex(growth)}, barplane said mmioCost ${toHex(before.alignment.mmioCost)}`);
  if (gained !== before.alignment.barsGainingMmap)
    problems.push(`${gained} BARs gained mmap, barplane said ${before.alignment.barsGainingMmap}`);
  return {
    pe: before.pe.id,
    kernelParameter: before.alignment.kernelParameter ?? '',
    promised: `every sub-page BAR one page; ${before.alignment.barsGainingMmap} gain mmap; cost ${toHex(before.alignment.mmioCost)}`,
    kernelSays: `grew by ${toHex(growth)}; ${gained} gained mmap`,
    agree: problems.length === 0,
    ...(problems.length > 0 ? { difference: problems.join('; ') } : {}),
  };
}
