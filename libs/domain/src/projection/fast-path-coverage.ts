import { isMemBar } from '../pci/bar';
import { Pe } from '../pci/pe';
import { MappingMode } from '../decision/mapping-mode';
import { parseU64 } from '../pci/hex';

/** A stored BAR decision as the read side sees it (wire form). */
export interface BarDecisionView {
  readonly bdf: string;
  readonly index: number;
  readonly mode: MappingMode;
  readonly directRanges: readonly { readonly offset: string; readonly size: string }[];
}

export interface FastPathCoverage {
  /** BARs of functions given to a VM. */
  readonly bars: { readonly total: number; readonly fastPath: number; readonly byMode: Record<string, number> };
  /** Bytes of their memory BARs (mem32, mem64; not I/O, not ROM), 64-bit, as bigint. */
  readonly bytes: { readonly total: bigint; readonly fastPath: bigint; readonly byMode: Record<string, bigint> };
  /** fastPath / total bytes, 0..1; null when no memory BAR byte is given to a VM (nothing to rank). */
  readonly byteShare: number | null;
  /** BARs of functions given to no VM: their own category, outside the share (nobody uses them yet). */
  readonly notAssigned: { readonly bars: number; readonly bytes: bigint; readonly byMode: Record<string, number> };
}

/**
 * How much of the memory BARs that VMs were given the guests reach without a VM exit: DIRECT
 * and DIRECT_PAGE_EXPANDED count the whole BAR, PARTIAL_DIRECT the bytes of its direct ranges
 * (within the BAR). Counts cover every decided BAR; bytes only memory BARs. A BAR of a function
 * that `isAssigned` says no VM holds counts only in `notAssigned`: a host whose idle functions
 * wait for a VM is not slow for it.
 */
export function fastPathCoverage(
  pes: readonly Pe[],
  decisions: readonly BarDecisionView[],
  isAssigned: (bdf: string) => boolean,
): FastPathCoverage {
  const sizes = new Map<string, bigint>();
  for (const pe of pes)
    for (const fn of pe.functions)
      for (const bar of fn.bars) if (isMemBar(bar.kind)) sizes.set(`${fn.bdf}/${bar.index}`, bar.size);
  const byMode: Record<string, number> = {};
  const bytesByMode: Record<string, bigint> = {};
  const idle = { bars: 0, bytes: 0n, byMode: {} as Record<string, number> };
  let bars = 0;
  let fastBars = 0;
  let total = 0n;
  let fast = 0n;
  for (const d of decisions) {
    const size = sizes.get(`${d.bdf}/${d.index}`);
    if (!isAssigned(d.bdf)) {
      idle.bars++;
      idle.byMode[d.mode] = (idle.byMode[d.mode] ?? 0) + 1;
      idle.bytes += size ?? 0n;
      continue;
    }
    bars++;
    byMode[d.mode] = (byMode[d.mode] ?? 0) + 1;
    let direct = 0n;
    if (d.mode === 'DIRECT' || d.mode === 'DIRECT_PAGE_EXPANDED') direct = size ?? 0n;
    else if (d.mode === 'PARTIAL_DIRECT') for (const r of d.directRanges) direct += parseU64(r.size) ?? 0n;
    if (d.mode === 'DIRECT' || d.mode === 'DIRECT_PAGE_EXPANDED' || d.mode === 'PARTIAL_DIRECT') fastBars++;
    if (size === undefined || size === 0n) continue;
    if (direct > size) direct = size;
    total += size;
    fast += direct;
    bytesByMode[d.mode] = (bytesByMode[d.mode] ?? 0n) + size;
  }
  const share = total === 0n ? null : Number((fast * 1_000_000n) / total) / 1_000_000;
  return {
    bars: { total: bars, fastPath: fastBars, byMode },
    bytes: { total, fastPath: fast, byMode: bytesByMode },
    byteShare: share,
    notAssigned: idle,
  };
}
