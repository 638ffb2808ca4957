import { AddressRange } from './address-range';

export const PLATFORMS = ['powernv', 'pseries', 'x86_64', 'arm64'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const PAGE_SIZES = [0x1000n, 0x4000n, 0x10000n] as const;

export interface KernelFeatures {
  /** >= 4.7: sub-page BARs may be mmapped (R1.1). */
  readonly subPageMmap: boolean;
  /** >= 4.16: MSIX_MAPPABLE, the table page stays in the mmap (R1.5). */
  readonly msixMappable: boolean;
  /** 4.6-4.15; informational: the sparse behaviour follows from msixMappable = false. */
  readonly sparseMmap: boolean;
  /** PowerNV `pnv_pci_default_alignment`: every BAR starts on a page. */
  readonly defaultPageAlignment: boolean;
  /**
   * vfio-pci can bind this host's functions. False on POWER 5.19-6.3: generic VFIO asks
   * iommu_ops for cache coherency and POWER had none until 6.4, so every probe fails -EINVAL.
   */
  readonly vfioPci: boolean;
}

export interface PhbWindow {
  readonly start: bigint;
  readonly size: bigint;
}

/** A PCI host bridge; informational in rule sets 1 and 2. */
export interface Phb {
  readonly domain: string;
  readonly peCount?: number;
  readonly m32Window?: PhbWindow;
  readonly m64Window?: PhbWindow;
}

export interface Host {
  readonly id: string;
  readonly platform: Platform;
  /** Host page size P. */
  readonly pageSize: bigint;
  readonly kernel: KernelFeatures;
  /** KVM_CAP_NR_MEMSLOTS. */
  readonly kvmMemslots: number;
  /** MMIO held by something other than the listed BARs. */
  readonly reservedRanges: readonly AddressRange[];
  readonly phbs: readonly Phb[];
}

/** Defaults of a current kernel (scenario.md, "Input"). */
export function defaultKernel(platform: Platform): KernelFeatures {
  return {
    subPageMmap: true,
    msixMappable: true,
    sparseMmap: false,
    defaultPageAlignment: platform === 'powernv',
    vfioPci: true,
  };
}

/** KVM_USER_MEM_SLOTS since 5.12 (R5.2). */
export function defaultKvmMemslots(platform: Platform): number {
  return platform === 'x86_64' ? 32764 : 32767;
}
