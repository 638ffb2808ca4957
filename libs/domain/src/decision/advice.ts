/** What an operator can do about a decision (domain.md, "Advice"). */
export type Advice =
  | { readonly kind: 'HOST_ALIGNMENT'; readonly kernelParameter: string }
  | { readonly kind: 'GUEST_PLACEMENT'; readonly address: bigint }
  | { readonly kind: 'MSIX_RELOCATION'; readonly option: string; readonly target: number; readonly barSize: bigint }
  | { readonly kind: 'SLOT_BUDGET'; readonly slotsNeeded: number; readonly slotsFree: number };

export type AdviceKind = Advice['kind'];
