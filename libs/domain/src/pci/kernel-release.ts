import { defaultKvmMemslots, Host, KernelFeatures, Platform } from './host';

/** A kernel release as `uname -r` prints it, reduced to what the rules depend on. */
export interface KernelVersion {
  readonly major: number;
  readonly minor: number;
}

/** "6.12.95+deb12-powerpc64le-64k" -> 6.12; undefined when the text does not start with a version. */
export function parseKernelRelease(release: string): KernelVersion | undefined {
  const m = /^(\d+)\.(\d+)/.exec(release.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

const atLeast = (v: KernelVersion, major: number, minor: number) =>
  v.major > major || (v.major === major && v.minor >= minor);

/**
 * The kernel features of docs/domain.md that follow from the version alone (R1.1, R1.5, R2.1, R5.2):
 * sub-page mmap since 4.7, MSIX_MAPPABLE since 4.16 (sparse areas 4.6-4.15), PowerNV's default
 * page alignment since 4.12 (0a701aa63784, "about v4.12" in the reference), 32764/32767 KVM
 * memslots since 5.12 (509 x86, 512 elsewhere before), and vfio-pci binding everywhere except
 * POWER 5.19-6.3 (see `vfioPciBindsOn`).
 */
export function kernelFeaturesOf(
  version: KernelVersion,
  platform: Platform,
): { kernel: KernelFeatures; kvmMemslots: number } {
  return {
    kernel: {
      subPageMmap: atLeast(version, 4, 7),
      msixMappable: atLeast(version, 4, 16),
      sparseMmap: atLeast(version, 4, 6) && !atLeast(version, 4, 16),
      defaultPageAlignment: platform === 'powernv' && atLeast(version, 4, 12),
      vfioPci: vfioPciBindsOn(version, platform),
    },
    kvmMemslots: atLeast(version, 5, 12) ? defaultKvmMemslots(platform) : platform === 'x86_64' ? 509 : 512,
  };
}

/**
 * 5.19 made generic VFIO ask iommu_ops (e8ae0e140c05 "vfio: Require that devices support DMA
 * cache coherence", 70693f470848 "vfio: Set DMA ownership for VFIO devices"); POWER had none, so
 * the coherency check fails and every vfio-pci probe ends in -EINVAL until 6.4 added them
 * (a940904443e4 "powerpc/iommu: Add iommu_ops to report capabilities and allow blocking
 * domains"). A distribution kernel with that commit backported binds, but the release cannot
 * tell: Debian's 6.1 has not, and failed with -22 in the conformance lab.
 */
function vfioPciBindsOn(version: KernelVersion, platform: Platform): boolean {
  const power = platform === 'powernv' || platform === 'pseries';
  return !(power && atLeast(version, 5, 19) && !atLeast(version, 6, 4));
}

/** The release and the commit that let vfio-pci bind on POWER again (HOST_KERNEL advice). */
export const VFIO_PCI_POWER_FIX = { minimumVersion: '6.4', commit: 'a940904443e4' } as const;

/** Whether vfio-pci can bind the host's functions at all (decision 1, step 0). */
export function vfioPciBinds(host: Pick<Host, 'kernel'>): boolean {
  return host.kernel.vfioPci;
}
