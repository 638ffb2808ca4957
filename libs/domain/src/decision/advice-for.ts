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

export interface AdviceInput {
  readonly fn: PciFunction;
  readonly bar: Bar;
  readonly outcome: BarOutcome;
  readonly alignment: AlignmentDecision;
  readonly msixMappable: boolean;
  /** The host page size (guest placement asks for BARs of whole host pages). */
  readonly pageSize: bigint;
  /** The free guest page for this BAR, computed on demand (only guest-placement advice needs it). */
  readonly freeGuestPage: () => bigint | undefined;
  readonly relocation: (fn: PciFunction) => { target: number; barSize: bigint } | undefined;
}

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

/** The advice kinds of domain.md, in table order. */
export function adviceFor(input: AdviceInput): readonly Advice[] {
  const { outcome } = input;
  if (outcome.mode === 'UNAVAILABLE') return HOST_KERNEL_ADVICE;
  const has = (r: string) => outcome.reasons.includes(r as never);
  if (outcome.slotBudget) {
    return [
      {
        kind: 'SLOT_BUDGET',
        slotsNeeded: outcome.slotBudget.needed,
        slotsFree: outcome.slotBudget.free,
        apply: slotBudgetFragments(input.fn.bdf),
      },
    ];
  }
  const advice: Advice[] = [];
  const emulated = outcome.mode === 'EMULATED';
  if (emulated && outcome.reasons.some(isHostReason) && input.alignment.policy === 'PARAM_RESIZE') {
    const kernelParameter = input.alignment.kernelParameter ?? '';
    advice.push({ kind: 'HOST_ALIGNMENT', kernelParameter, apply: hostAlignmentFragments(kernelParameter) });
  }
  if (emulated && (has('GUEST_SUBPAGE_UNALIGNED') || has('GUEST_PAGE_SHARED'))) {
    const address = input.freeGuestPage();
    if (address !== undefined)
      advice.push({
        kind: 'GUEST_PLACEMENT',
        address,
        apply: guestPlacementFragments(input.fn.vendorDevice, input.pageSize, address),
      });
  }
  if ((emulated || outcome.mode === 'PARTIAL_DIRECT') && has('MSIX_TABLE_TRAPPED') && input.msixMappable) {
    // On older kernels the kernel's cut of the table page stays, so relocating cannot help.
    const relocation = input.relocation(input.fn);
    if (relocation) {
      advice.push({
        kind: 'MSIX_RELOCATION',
        option: `x-msix-relocation=bar${relocation.target}`,
        target: relocation.target,
        barSize: relocation.barSize,
        apply: msixRelocationFragments(input.fn.bdf, relocation.target),
      });
    }
  }
  return advice;
}
