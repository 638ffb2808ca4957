import { AlignmentOverride } from '../pci/pe';

export const ALIGNMENT_POLICIES = ['PLATFORM_PAGE_STARTALIGN', 'PARAM_RESIZE', 'NONE', 'NOT_APPLICABLE'] as const;
export type AlignmentPolicy = (typeof ALIGNMENT_POLICIES)[number];

/** Decision 2: whether a PE's BARs need page alignment, and what it costs. */
export interface AlignmentDecision {
  readonly policy: AlignmentPolicy;
  readonly override: AlignmentOverride;
  readonly kernelParameter: string | null;
  readonly mmioCost: bigint;
  readonly barsGainingMmap: number;
  /** Empty in rule sets 1 and 2. */
  readonly reasons: readonly string[];
}
