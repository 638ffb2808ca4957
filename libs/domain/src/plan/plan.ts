import { AlignmentDecision } from '../decision/alignment-decision';
import { BarDecision } from '../decision/bar-decision';
import { FunctionRegions } from '../vfio/plan-regions';

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
  /**
   * Every function's VFIO regions, beside the decisions (`planAnswer`): what `barplane plan`
   * and POST /v1/plans answer. The projector's plans have none: regions are not decisions,
   * so nothing it stores, hashes or publishes carries them.
   */
  readonly regions?: readonly FunctionRegions[];
  readonly vm?: VmSlotSummary;
}
