import { DirectRange } from './bar-decision';
import { MappingMode } from './mapping-mode';
import { Reason } from './reason';

/** What the mapping rules decided for one BAR, before advice is attached. Never mutated. */
export interface BarOutcome {
  readonly mode: MappingMode;
  readonly reasons: readonly Reason[];
  readonly directRanges: readonly DirectRange[];
  /** Pieces that would need a slot, and the slots that were free (for SLOT_BUDGET advice). */
  readonly slotBudget: { readonly needed: number; readonly free: number } | undefined;
}

const NONE: readonly DirectRange[] = Object.freeze([]);

/** Every outcome has the same four fields, so the engine's hot loop sees one object shape. */
export function outcome(
  mode: MappingMode,
  reasons: readonly Reason[],
  directRanges: readonly DirectRange[] = NONE,
  slotBudget: BarOutcome['slotBudget'] = undefined,
): BarOutcome {
  return { mode, reasons, directRanges, slotBudget };
}

/** The outcomes that carry nothing BAR-specific are shared: a host has thousands of them. Never mutate them. */
export const SHARED_OUTCOME = {
  unbindable: outcome('UNAVAILABLE', Object.freeze(['VFIO_PCI_UNBINDABLE'] as const)),
  io: outcome('EMULATED', Object.freeze(['IO_BAR'] as const)),
  rom: outcome('EMULATED', Object.freeze(['ROM_BAR'] as const)),
  absent: outcome('ABSENT', Object.freeze(['ZERO_SIZE'] as const)),
  hostSubpage: outcome('EMULATED', Object.freeze(['HOST_SUBPAGE_UNALIGNED'] as const)),
  hostRemainder: outcome('EMULATED', Object.freeze(['HOST_PAGE_REMAINDER_BUSY'] as const)),
  unmapped: outcome('PENDING', Object.freeze(['GUEST_BAR_UNMAPPED'] as const)),
  mmapDisabled: outcome('EMULATED', Object.freeze(['MMAP_DISABLED'] as const)),
  guestSubpage: outcome('EMULATED', Object.freeze(['GUEST_SUBPAGE_UNALIGNED'] as const)),
} satisfies Record<string, BarOutcome>;

export const NO_REASONS: readonly Reason[] = Object.freeze([]);
export const EXPANDED_REASONS: readonly Reason[] = Object.freeze(['EXPANDED_TO_PAGE'] as const);
