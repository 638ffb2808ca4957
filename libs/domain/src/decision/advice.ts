import { ApplyFragment } from './advice-fragments';

/**
 * What an operator can do about a decision (domain.md, "Advice"). `apply` holds the exact
 * text to paste, in the words of the tool that reads it (empty when there is nothing exact).
 */
export type Advice = (
  | { readonly kind: 'HOST_ALIGNMENT'; readonly kernelParameter: string }
  | { readonly kind: 'GUEST_PLACEMENT'; readonly address: bigint }
  | { readonly kind: 'MSIX_RELOCATION'; readonly option: string; readonly target: number; readonly barSize: bigint }
  | { readonly kind: 'SLOT_BUDGET'; readonly slotsNeeded: number; readonly slotsFree: number }
  /** Boot a kernel that binds vfio-pci: `minimumVersion` or later, or one with `commit` backported. */
  | { readonly kind: 'HOST_KERNEL'; readonly minimumVersion: string; readonly commit: string }
) & { readonly apply: readonly ApplyFragment[] };

export type AdviceKind = Advice['kind'];
