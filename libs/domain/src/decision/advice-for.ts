import { Bar } from '../pci/bar';
import { VFIO_PCI_POWER_FIX } from '../pci/kernel-release';
import { PciFunction } from '../pci/pe';
import { Advice } from './advice';
import {
  guestPlacementFragments,
  hostAlignmentFragments,
  msixRelocationFragments,
  slotBudgetFragments,
} from './advice-fragments';
import { AlignmentDecision } from './alignment-decision';
import { BarOutcome } from './bar-outcome';
import { isHostReason } from './reason';

/** What advice depends on beyond the BAR and its outcome: the same for every BAR of a PE. */
export interface AdviceContext {
  readonly alignment: AlignmentDecision;
  /** `hostAlignmentAdvice(alignment)`, made once for all the PE's BARs. */
  readonly hostAlignment: Advice | undefined;
  readonly msixMappable: boolean;
  /** The host page size (guest placement asks for BARs of whole host pages). */
  readonly pageSize: bigint;
  /** The free guest page for a BAR, computed on demand (only guest-placement advice needs it). */
  readonly freeGuestPage: (fn: PciFunction, bar: Bar) => bigint | undefined;
  readonly relocation: (fn: PciFunction) => { target: number; barSize: bigint } | undefined;
}

/** Most decisions carry no advice: they share this empty list. */
export const NO_ADVICE: readonly Advice[] = Object.freeze([]);

/**
 * The same for every BAR of a host that cannot bind vfio-pci: shared, never mutate it. A kernel upgrade has no text to
 * paste.
 */
const HOST_KERNEL_ADVICE: readonly Advice[] = Object.freeze([
  Object.freeze({
    kind: 'HOST_KERNEL',
    minimumVersion: VFIO_PCI_POWER_FIX.minimumVersion,
    commit: VFIO_PCI_POWER_FIX.commit,
    apply: Object.freeze([]),
  } as const),
]);

/**
 * HOST_ALIGNMENT advice of a PE whose policy is PARAM_RESIZE: the same for each of its BARs a
 * host rule emulates, so made once per PE and shared (frozen).
 */
export function hostAlignmentAdvice(alignment: AlignmentDecision): Advice | undefined {
  if (alignment.policy !== 'PARAM_RESIZE') return undefined;
  const kernelParameter = alignment.kernelParameter ?? '';
  const apply = Object.freeze(hostAlignmentFragments(kernelParameter).map((f) => Object.freeze(f)));
  return Object.freeze({ kind: 'HOST_ALIGNMENT', kernelParameter, apply });
}

/**
 * The advice kinds of domain.md, in table order. Called for every EMULATED, PARTIAL_DIRECT and
 * UNAVAILABLE BAR of a host, so it allocates only for advice it gives.
 */
export function adviceFor(outcome: BarOutcome, fn: PciFunction, bar: Bar, ctx: AdviceContext): readonly Advice[] {
  if (outcome.mode === 'UNAVAILABLE') return HOST_KERNEL_ADVICE;
  const { reasons } = outcome;
  if (outcome.slotBudget) {
    return [
      {
        kind: 'SLOT_BUDGET',
        slotsNeeded: outcome.slotBudget.needed,
        slotsFree: outcome.slotBudget.free,
        apply: slotBudgetFragments(fn.bdf),
      },
    ];
  }
  let advice: Advice[] | undefined;
  const emulated = outcome.mode === 'EMULATED';
  if (emulated && ctx.hostAlignment && reasons.some(isHostReason)) advice = [ctx.hostAlignment];
  if (emulated && (reasons.includes('GUEST_SUBPAGE_UNALIGNED') || reasons.includes('GUEST_PAGE_SHARED'))) {
    const address = ctx.freeGuestPage(fn, bar);
    if (address !== undefined)
      (advice ??= []).push({
        kind: 'GUEST_PLACEMENT',
        address,
        apply: guestPlacementFragments(fn.vendorDevice, ctx.pageSize, address),
      });
  }
  if ((emulated || outcome.mode === 'PARTIAL_DIRECT') && reasons.includes('MSIX_TABLE_TRAPPED') && ctx.msixMappable) {
    // On older kernels the kernel's cut of the table page stays, so relocating cannot help.
    const relocation = ctx.relocation(fn);
    if (relocation) {
      (advice ??= []).push({
        kind: 'MSIX_RELOCATION',
        option: `x-msix-relocation=bar${relocation.target}`,
        target: relocation.target,
        barSize: relocation.barSize,
        apply: msixRelocationFragments(fn.bdf, relocation.target),
      });
    }
  }
  return advice ?? NO_ADVICE;
}
