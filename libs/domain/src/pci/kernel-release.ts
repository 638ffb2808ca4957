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

const atLeast = (v: KernelVersion, major: number, minor: number) => v.major > major || (v.major === major && v.minor >= minor);

/**
 * The kernel features of docs/domain.md that follow from the version alone (R1.1, R1.5, R2.1, R5.2):
 * sub-page mmap since 4.7, MSIX_MAPPABLE since 4.16 (sparse areas 4.6-4.15), PowerNV's default
 * page alignment since 4.12 (0a701aa63784, "about v4.12" in the reference), 32764/32767 KVM
 * memslots since 5.12 (509 x86, 512 elsewhere before).
 */
export function kernelFeaturesOf(version: KernelVersion, platform: Platform): { kernel: KernelFeatures; kvmMemslots: number } {
  return {
    kernel: {
      subPageMmap: atLeast(version, 4, 7),
      msixMappable: atLeast(version, 4, 16),
      sparseMmap: atLeast(version, 4, 6) && !atLeast(version, 4, 16),
      defaultPageAlignment: platform === 'powernv' && atLeast(version, 4, 12),
    },
    kvmMemslots: atLeast(version, 5, 12) ? defaultKvmMemslots(platform) : platform === 'x86_64' ? 509 : 512,
  };
}

/** Whether vfio-pci can bind the host's functions at all (rule set 1 assumes it always can). */
export function vfioPciBinds(_host: Pick<Host, 'platform' | 'kernel'>): boolean {
  return true;
}
