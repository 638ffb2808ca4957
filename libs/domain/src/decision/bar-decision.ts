import { Advice } from './advice';
import { MappingMode } from './mapping-mode';
import { Reason } from './reason';

/** A piece of the guest mapping that gets a KVM slot, as an offset from the guest BAR. */
export interface DirectRange {
  readonly offset: bigint;
  readonly size: bigint;
}

export interface BarDecision {
  readonly pe: string;
  readonly bdf: string;
  readonly index: number;
  readonly mode: MappingMode;
  readonly reasons: readonly Reason[];
  readonly slots: number;
  readonly directRanges: readonly DirectRange[];
  readonly advice: readonly Advice[];
}
