import { BarKind, functionToJson, KernelFeatures, Platform } from '@barplane/domain';

/** One BAR as a source showed it; 64-bit values stay bigint until the scenario is written. */
export interface ImportedBar {
  index: number;
  kind: BarKind;
  address: bigint;
  size: bigint;
  prefetchable: boolean;
  fixed: boolean;
}

export interface ImportedMsix {
  tableBar: number;
  tableOffset: bigint;
  vectors: number;
  pbaBar: number;
  pbaOffset: bigint;
}

/** One PCI function as a source showed it, before it is put into a PE. */
export interface ImportedFunction {
  /** Canonical `dddd:bb:dd.f`. */
  bdf: string;
  /** `vvvv:dddd`, when the source gives the ids. */
  vendorDevice?: string;
  isVf: boolean;
  bars: ImportedBar[];
  msix?: ImportedMsix;
  /** IOMMU group number, when the source shows one. */
  iommuGroup?: string;
  /**
   * A PCI-PCI or CardBus bridge (header type 1 or 2): vfio-pci binds only normal (type 0)
   * functions, so a bridge is never a VM's; its BARs still hold MMIO.
   */
  bridge?: boolean;
}

/**
 * What the source cannot tell of its host (from flags or from the running machine): not the domain's HostFacts, which
 * are what the owners know.
 */
export interface HostBasics {
  id: string;
  platform: Platform;
  pageSize: bigint;
  /** `uname -r` of the host's kernel, when the source shows it: the kernel features follow from it. */
  kernelRelease?: string;
}

/**
 * Wire shapes of docs/scenario.md (no `vm`): the domain's own (`functionToJson`), every 64-bit value a
 * lowercase "0x..." string.
 */
export type ScenarioFunctionJson = ReturnType<typeof functionToJson>;

export interface ScenarioPeJson {
  id: string;
  functions: ScenarioFunctionJson[];
}

export interface ImportedScenarioJson {
  host: {
    id: string;
    platform: Platform;
    pageSize: string;
    kernel?: KernelFeatures;
    kvmMemslots?: number;
    reservedRanges?: { start: string; size: string }[];
  };
  pes: ScenarioPeJson[];
}

/** An import: the scenario, plus every fact the source could not give (never in the scenario). */
export interface ImportResult {
  scenario: ImportedScenarioJson;
  warnings: string[];
}

/** The source itself is unusable (unreadable, not the expected format): the CLI's exit 2. */
export class ImportInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportInputError';
  }
}
