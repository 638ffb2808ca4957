import { AlignmentDecision } from '../decision/alignment-decision';
import { BarDecision } from '../decision/bar-decision';

/** Slot use of the scenario's VM. */
export interface VmSlotSummary {
  readonly id: string;
  readonly slotsUsedBefore: number;
  readonly slotsNeeded: number;
  readonly slotLimit: number;
}

/** Both decisions for a whole host (and its VM), in the order of scenario.md "Output". */
export interface Plan {
  readonly ruleSet: string;
  readonly host: string;
  readonly pes: readonly { readonly id: string; readonly alignment: AlignmentDecision }[];
  readonly bars: readonly BarDecision[];
  readonly vm?: VmSlotSummary;
}
