import { Bar } from './bar';
import { MsixLayout } from './msix';

export const ALIGNMENT_OVERRIDES = ['auto', 'page', 'none'] as const;
export type AlignmentOverride = (typeof ALIGNMENT_OVERRIDES)[number];

export interface PciFunction {
  /** Canonical `dddd:bb:dd.f`. */
  readonly bdf: string;
  readonly vendorDevice?: string;
  /** SR-IOV virtual function: BARs are page multiples (R6.5). */
  readonly isVf: boolean;
  readonly bars: readonly Bar[];
  readonly msix?: MsixLayout;
}

/** Partitionable Endpoint (IOMMU group elsewhere): assigned to one VM whole or not at all. */
export interface Pe {
  readonly id: string;
  readonly alignment: AlignmentOverride;
  readonly functions: readonly PciFunction[];
}
