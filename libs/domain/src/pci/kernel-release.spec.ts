import { Platform, defaultKernel } from './host';
import { kernelFeaturesOf, parseKernelRelease, vfioPciBinds } from './kernel-release';

describe('parseKernelRelease', () => {
  it('reads major and minor from the releases Debian kernels report', () => {
    expect(parseKernelRelease('6.12.95+deb12-powerpc64le-64k')).toEqual({ major: 6, minor: 12 });
    expect(parseKernelRelease('6.1.0-50-amd64\n')).toEqual({ major: 6, minor: 1 });
    expect(parseKernelRelease('4.9.0-19-powerpc64le')).toEqual({ major: 4, minor: 9 });
  });

  it('gives nothing for text that is not a release', () => {
    expect(parseKernelRelease('')).toBeUndefined();
    expect(parseKernelRelease('linux')).toBeUndefined();
  });
});

describe('kernelFeaturesOf', () => {
  it('gives a current kernel every feature and the 5.12 memslot limits', () => {
    expect(kernelFeaturesOf({ major: 6, minor: 12 }, 'powernv')).toEqual({
      kernel: { subPageMmap: true, msixMappable: true, sparseMmap: false, defaultPageAlignment: true, vfioPci: true },
      kvmMemslots: 32767,
    });
    expect(kernelFeaturesOf({ major: 6, minor: 1 }, 'x86_64')).toEqual({
      kernel: { subPageMmap: true, msixMappable: true, sparseMmap: false, defaultPageAlignment: false, vfioPci: true },
      kvmMemslots: 32764,
    });
  });

  it('follows each boundary of the reference: 4.6, 4.7, 4.12, 4.16, 5.12', () => {
    const at = (major: number, minor: number, platform: 'powernv' | 'x86_64' = 'powernv') =>
      kernelFeaturesOf({ major, minor }, platform);
    expect(at(4, 5).kernel).toEqual({
      subPageMmap: false,
      msixMappable: false,
      sparseMmap: false,
      defaultPageAlignment: false,
      vfioPci: true,
    });
    expect(at(4, 6).kernel).toEqual({
      subPageMmap: false,
      msixMappable: false,
      sparseMmap: true,
      defaultPageAlignment: false,
      vfioPci: true,
    });
    expect(at(4, 7).kernel.subPageMmap).toBe(true);
    expect(at(4, 11).kernel.defaultPageAlignment).toBe(false);
    expect(at(4, 12).kernel.defaultPageAlignment).toBe(true);
    expect(at(4, 15).kernel).toMatchObject({ msixMappable: false, sparseMmap: true });
    expect(at(4, 16).kernel).toMatchObject({ msixMappable: true, sparseMmap: false });
    expect(at(5, 11, 'x86_64').kvmMemslots).toBe(509);
    expect(at(5, 11).kvmMemslots).toBe(512);
    expect(at(5, 12, 'x86_64').kvmMemslots).toBe(32764);
  });

  const binds = (major: number, minor: number, platform: Platform) =>
    kernelFeaturesOf({ major, minor }, platform).kernel.vfioPci;

  it('cannot bind vfio-pci on POWER from 5.19 (e8ae0e140c05, 70693f470848) until 6.4 (a940904443e4)', () => {
    for (const platform of ['powernv', 'pseries'] as const) {
      expect([
        binds(5, 18, platform),
        binds(5, 19, platform),
        binds(6, 1, platform),
        binds(6, 3, platform),
        binds(6, 4, platform),
        binds(6, 12, platform),
      ]).toEqual([true, false, false, false, true, true]);
    }
    expect(binds(4, 9, 'powernv')).toBe(true);
  });

  it('binds vfio-pci on x86_64 and arm64 whatever the version', () => {
    for (const platform of ['x86_64', 'arm64'] as const) {
      for (const [major, minor] of [
        [4, 5],
        [5, 18],
        [5, 19],
        [6, 1],
        [6, 3],
        [6, 4],
        [6, 12],
      ])
        expect(binds(major, minor, platform)).toBe(true);
    }
  });
});

describe('vfioPciBinds', () => {
  it('reads the kernel feature: the Debian 6.1 ppc64el kernel of the conformance lab cannot bind, 6.12 can', () => {
    const host = (release: string, platform: Platform) => ({
      kernel: kernelFeaturesOf(parseKernelRelease(release)!, platform).kernel,
    });
    expect(vfioPciBinds(host('6.1.0-50-powerpc64le', 'powernv'))).toBe(false);
    expect(vfioPciBinds(host('6.12.95+deb12-powerpc64le-64k', 'powernv'))).toBe(true);
    expect(vfioPciBinds(host('6.1.0-50-amd64', 'x86_64'))).toBe(true);
    expect(vfioPciBinds({ kernel: defaultKernel('powernv') })).toBe(true);
  });
});
