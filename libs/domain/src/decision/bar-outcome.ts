import { DirectRange } from './bar-decision';
import { MappingMode } from './mapping-mode';
import { Reason } from './reason';

/** What the mapping rules decided for one BAR, before advice is attached. */
export interface BarOutcome {
  readonly mode: MappingMode;
  readonly reasons: Reason[];
  readonly directRanges: readonly DirectRange[];
  /** Pieces that would need a slot, and the slots that were free (for SLOT_BUDGET advice). */
  readonly slotBudget?: { readonly needed: number; readonly free: number };
}

export function outcome(mode: MappingMode, reasons: Reason[], directRanges: readonly DirectRange[] = []): BarOutcome {
  return { mode, reasons, directRanges };
}
