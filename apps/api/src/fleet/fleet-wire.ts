import type { AdviceJson } from '@barplane/domain/explain/reason-sentences';
import type { MappingMode } from '@barplane/domain/decision/mapping-mode';
import type { Pe } from '@barplane/domain/pci/pe';
import type { functionToJson, hostToJson, scenarioToJson, vmToJson } from '@barplane/domain/scenario/scenario-json';

// The fleet reads in wire form (docs/api.md "Reads"): what HostViews returns, and what the
// DTOs of fleet.dto.ts `implement`, so the OpenAPI document cannot drift from the answers. The
// dashboard's types are generated from that document (dashboard/web/openapi.generated.ts).

/** A 64-bit value, lowercase "0x...". */
export type U64 = string;

/** Fast-path coverage (libs/domain fastPathCoverage) with its 64-bit values as "0x..." strings. */
export interface CoverageWire {
  bars: { total: number; fastPath: number; byMode: Record<string, number> };
  /** Memory BARs only (mem32, mem64): I/O and ROM bytes never count. */
  bytes: { total: U64; fastPath: U64; byMode: Record<string, U64> };
  byteShare: number | null;
  notAssigned: { bars: number; bytes: U64; byMode: Record<string, number> };
}

export type HostWire = ReturnType<typeof hostToJson> & {
  peCount: number;
  functionCount: number;
  vms: string[];
  coverage: CoverageWire;
};

export interface AlignmentWire {
  policy: string;
  override: string;
  kernelParameter: string | null;
  mmioCost: U64;
  barsGainingMmap: number;
  reasons: string[];
}

export interface BarDecisionWire {
  pe: string;
  bdf: string;
  index: number;
  mode: MappingMode;
  reasons: string[];
  slots: number;
  directRanges: { offset: U64; size: U64 }[];
  advice: AdviceJson[];
}

/** A stored decision: the `bars` shape of a plan, plus when, by which rules, and its audit record. */
export interface DecisionWire extends BarDecisionWire {
  hostId: string;
  vmId: string | null;
  decidedAt: string;
  ruleSet: string;
  auditId: string;
}

export interface RegionWire {
  index: number;
  offset: U64;
  size: U64;
  flags: string[];
  caps: string[];
  sparseAreas?: { offset: U64; size: U64 }[];
  subPageReservation?: { start: U64; size: U64 };
}

export type PeFunctionWire = ReturnType<typeof functionToJson> & {
  vfio: { bound: boolean; regions: RegionWire[] };
  decisions: DecisionWire[];
};

export interface PeWire {
  id: string;
  hostId: string;
  alignmentOverride: Pe['alignment'];
  alignment: AlignmentWire | null;
  vmId: string | null;
  /** The PE's own fast-path coverage: its BARs count as assigned only while a VM holds the PE. */
  coverage: CoverageWire;
  functions: PeFunctionWire[];
}

export type VmWire = ReturnType<typeof vmToJson> & {
  hostId: string;
  memslots: { nonBar: number; bars: number; limit: number | null };
  coverage: CoverageWire;
  decisions: DecisionWire[];
};

/** A PE in the fleet overview: its decided BARs by mode, coverage and the bytes its VM reaches only through QEMU. */
export interface FleetPeWire {
  hostId: string;
  id: string;
  vmId: string | null;
  alignmentPolicy: string | null;
  /** Decided BARs of every kind, assigned or not. */
  bars: number;
  byMode: Record<string, number>;
  coverage: CoverageWire;
  /** Memory-BAR bytes given to a VM that trap to QEMU (coverage bytes.total - bytes.fastPath). */
  offFastPathBytes: U64;
}

/** The fleet overview in one read: hosts worst coverage first, PEs worst offenders first, totals. */
export interface FleetWire {
  hosts: HostWire[];
  pes: FleetPeWire[];
  totals: { hosts: number; pes: number; vms: number; coverage: CoverageWire };
}

/** docs/scenario.md: the input of POST /v1/plans. */
export type ScenarioWire = ReturnType<typeof scenarioToJson>;
