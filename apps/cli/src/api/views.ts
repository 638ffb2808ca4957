import { AdviceJson } from '@barplane/domain';

// The API's read views as the CLI uses them (docs/api.md "Reads"; apps/api/src/fleet/host-views.ts).

export interface CoverageView {
  bars: { total: number; fastPath: number; byMode: Record<string, number> };
  bytes: { total: string; fastPath: string; byMode: Record<string, string> };
  /** null when no memory BAR byte is given to a VM. */
  byteShare: number | null;
  /** BARs of functions given to no VM: outside the counts above. */
  notAssigned: { bars: number; bytes: string; byMode: Record<string, number> };
}

export interface HostView {
  id: string;
  platform: string;
  pageSize: string;
  kernel: { subPageMmap?: boolean; msixMappable?: boolean; vfioPci?: boolean; [k: string]: unknown };
  kvmMemslots: number;
  peCount: number;
  functionCount: number;
  vms: string[];
  coverage: CoverageView;
  [k: string]: unknown;
}

export interface AlignmentView {
  policy: string;
  override: string;
  kernelParameter: string | null;
  mmioCost: string;
  barsGainingMmap: number;
  reasons: string[];
}

export interface BarDecisionView {
  pe: string;
  bdf: string;
  index: number;
  mode: string;
  reasons: string[];
  slots: number;
  directRanges: { offset: string; size: string }[];
  advice: AdviceJson[];
  vmId: string | null;
  decidedAt: string;
  auditId: string;
}

export interface BarView {
  index: number;
  kind: string;
  address: string;
  size: string;
  prefetchable?: boolean;
  fixed?: boolean;
}

export interface FunctionView {
  bdf: string;
  vendorDevice?: string;
  isVf: boolean;
  bars: BarView[];
  vfio: { bound: boolean };
  decisions: BarDecisionView[];
}

export interface PeView {
  id: string;
  hostId: string;
  alignmentOverride: string;
  alignment: AlignmentView | null;
  vmId: string | null;
  functions: FunctionView[];
}
