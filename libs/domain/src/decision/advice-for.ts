import { Bar } from '../pci/bar';
import { VFIO_PCI_POWER_FIX } from '../pci/kernel-release';
import { PciFunction } from '../pci/pe';
import { Advice } from './advice';
import { AlignmentDecision } from './alignment-decision';
import { BarOutcome } from './bar-outcome';
import { isHostReason } from './reason';

export interface AdviceInput {
  readonly fn: PciFunction;
  readonly bar: Bar;
  readonly outcome: BarOutcome;
  readonly alignment: AlignmentDecision;
  readonly msixMappable: boolean;
  /** The free guest page for this BAR, computed on demand (only guest-placement advice needs it). */
  readonly freeGuestPage: () => bigint | undefined;
  readonly relocation: (fn: PciFunction) => { target: number; barSize: bigint } | undefined;
}

/** The same for every BAR of a host that cannot bind vfio-pci: shared, never mutate it. */
const HOST_KERNEL_ADVICE: readonly Advice[] = Object.freeze([
  Object.freeze({ kind: 'HOST_KERNEL', minimumVersion: VFIO_PCI_POWER_FIX.minimumVersion, commit: VFIO_PCI_POWER_FIX.commit } as const),
]);

/** The advice kinds of domain.md, in table order. */
export function adviceFor(input: AdviceInput): readonly Advice[] {
  const { outcome } = input;
  if (outcome.mode === 'UNAVAILABLE') return HOST_KERNEL_ADVICE;
  const has = (r: string) => outcome.reasons.includes(r as never);
  if (outcome.slotBudget) {
    return [{ kind: 'SLOT_BUDGET', slotsNeeded: outcome.slotBudget.needed, slotsFree: outcome.slotBudget.free }];
  }
  const advice: Advice[] = [];
  const emulated = outcome.mode === 'EMULATED';
  if (emulated && outcome.reasons.some(isHostReason) && input.alignment.policy === 'PARAM_RESIZE') {
    advice.push({ kind: 'HOST_ALIGNMENT', kernelParameter: input.alignment.kernelParameter ?? '' });
  }
  if (emulated && (has('GUEST_SUBPAGE_UNALIGNED') || has('GUEST_PAGE_SHARED'))) {
    const address = input.freeGuestPage();
    if (address !== undefined) advice.push({ kind: 'GUEST_PLACEMENT', address });
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
      });
    }
  }
  return advice;
}
