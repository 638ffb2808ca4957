import { Bar, isMemBar } from '../pci/bar';
import { Host } from '../pci/host';
import { log2 } from '../pci/page-math';
import { Pe, PciFunction } from '../pci/pe';
import { AlignmentDecision, AlignmentPolicy } from './alignment-decision';
import { BarOutcome } from './bar-outcome';
import { isHostReason } from './reason';

/** Whether the resize would move this BAR at all: VFs and fixed BARs never count (R6.5). */
function resizable(fn: PciFunction, bar: Bar): boolean {
  return !fn.isVf && !bar.fixed;
}

/**
 * Decision 2 for one PE (R2.1-R2.4, R3.6, R6.5). `pe.functions` must be in BDF order, and
 * `outcomes` holds decision 1's outcome of each of the PE's BARs in decision order.
 */
export function alignmentPolicy(pe: Pe, host: Host, outcomes: readonly BarOutcome[]): AlignmentDecision {
  const P = host.pageSize;
  // Only auto and page overrides on a host without platform alignment look at the BARs.
  const platformDecides =
    host.platform === 'pseries' || (host.platform === 'powernv' && host.kernel.defaultPageAlignment);
  const gaining = platformDecides || pe.alignment === 'none' ? 0 : countGaining(pe, outcomes);
  const policy = choosePolicy(pe, host, gaining > 0);
  const resize = policy === 'PARAM_RESIZE';
  return {
    policy,
    override: pe.alignment,
    kernelParameter: resize ? kernelParameter(pe, P) : null,
    mmioCost: resize || policy === 'PLATFORM_PAGE_STARTALIGN' ? mmioCost(pe, P) : 0n,
    barsGainingMmap: resize ? gaining : 0,
    reasons: [],
  };
}

/** Member memory BARs the resize would make mmap-able: EMULATED by a HOST_* reason, resizable. */
function countGaining(pe: Pe, outcomes: readonly BarOutcome[]): number {
  let gaining = 0;
  let k = 0;
  for (let f = 0; f < pe.functions.length; f++) {
    const fn = pe.functions[f];
    for (let b = 0; b < fn.bars.length; b++) {
      const bar = fn.bars[b];
      // Only the host rules (hostMmapEligibility) give a HOST_* reason, and always first.
      const reason = outcomes[k++].reasons[0];
      if (reason !== undefined && isHostReason(reason) && isMemBar(bar.kind) && resizable(fn, bar)) gaining++;
    }
  }
  return gaining;
}

function choosePolicy(pe: Pe, host: Host, needsAlignment: boolean): AlignmentPolicy {
  if (host.platform === 'pseries') return 'NOT_APPLICABLE';
  if (host.platform === 'powernv' && host.kernel.defaultPageAlignment) return 'PLATFORM_PAGE_STARTALIGN';
  if (pe.alignment === 'none') return 'NONE';
  if (pe.alignment === 'page' || needsAlignment) return 'PARAM_RESIZE';
  return 'NONE';
}

/** Address space that page alignment spends: P - S for every sub-page MMIO BAR it moves. */
function mmioCost(pe: Pe, P: bigint): bigint {
  let cost = 0n;
  for (let f = 0; f < pe.functions.length; f++) {
    const fn = pe.functions[f];
    for (let b = 0; b < fn.bars.length; b++) {
      const bar = fn.bars[b];
      if (bar.kind !== 'io' && resizable(fn, bar) && bar.size > 0n && bar.size < P) cost += P - bar.size;
    }
  }
  return cost;
}

/** `pci=resource_alignment=<order>@<bdf>;...` over every non-VF member, in BDF order (R2.3). */
function kernelParameter(pe: Pe, P: bigint): string {
  const order = log2(P);
  const devices = pe.functions.filter((fn) => !fn.isVf).map((fn) => `${order}@${fn.bdf}`);
  return `pci=resource_alignment=${devices.join(';')}`;
}
