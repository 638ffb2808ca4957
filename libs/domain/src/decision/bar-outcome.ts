import { DirectRange } from './bar-decision';
import { MappingMode } from './mapping-mode';
import { Reason } from './reason';

/** What the mapping rules decided for one BAR, before advice is attached. Never mutated. */
export interface BarOutcome {
  readonly mode: MappingMode;
  readonly reasons: readonly Reason[];
  readonly directRanges: readonly DirectRange[];
  /** Pieces that would need a slot, and the slots that were free (for SLOT_BUDGET advice). */
  readonly slotBudget?: { readonly needed: number; readonly free: number };
}

const NONE: readonly DirectRange[] = Object.freeze([]);

export function outcome(mode: MappingMode, reasons: readonly Reason[], directRanges: readonly DirectRange[] = NONE): BarOutcome {
  return { mode, reasons, directRanges };
}

/** The outcomes that carry nothing BAR-specific are shared: a host has thousands of them. */
export const SHARED_OUTCOME = {
  io: Object.freeze(outcome('EMULATED', Object.freeze(['IO_BAR'] as const))),
  rom: Object.freeze(outcome('EMULATED', Object.freeze(['ROM_BAR'] as const))),
  absent: Object.freeze(outcome('ABSENT', Object.freeze(['ZERO_SIZE'] as const))),
  hostSubpage: Object.freeze(outcome('EMULATED', Object.freeze(['HOST_SUBPAGE_UNALIGNED'] as const))),
  hostRemainder: Object.freeze(outcome('EMULATED', Object.freeze(['HOST_PAGE_REMAINDER_BUSY'] as const))),
  unmapped: Object.freeze(outcome('PENDING', Object.freeze(['GUEST_BAR_UNMAPPED'] as const))),
  mmapDisabled: Object.freeze(outcome('EMULATED', Object.freeze(['MMAP_DISABLED'] as const))),
  guestSubpage: Object.freeze(outcome('EMULATED', Object.freeze(['GUEST_SUBPAGE_UNALIGNED'] as const))),
} satisfies Record<string, BarOutcome>;

export const NO_REASONS: readonly Reason[] = Object.freeze([]);
export const EXPANDED_REASONS: readonly Reason[] = Object.freeze(['EXPANDED_TO_PAGE'] as const);
