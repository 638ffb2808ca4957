/** What an operator can do about a decision (domain.md, "Advice"). */
export type Advice =
  | { readonly kind: 'HOST_ALIGNMENT'; readonly kernelParameter: string }
  | { readonly kind: 'GUEST_PLACEMENT'; readonly address: bigint }
  | { readonly kind: 'MSIX_RELOCATION'; readonly option: string; readonly target: number; readonly barSize: bigint }
  | { readonly kind: 'SLOT_BUDGET'; readonly slotsNeeded: number; readonly slotsFree: number }
  /** Boot a kernel that binds vfio-pci: `minimumVersion` or later, or one with `commit` backported. */
  | { readonly kind: 'HOST_KERNEL'; readonly minimumVersion: string; readonly commit: string };

export type AdviceKind = Advice['kind'];
