import { planScenario } from '../plan/plan-scenario';
import { Platform } from '../pci/host';
import { bar, fn, host, pe, scenario } from '../testing/scenario-builder';

// Decision 2: which policy each PE gets, given the host and the PE's override.
const unalignedPe = (alignment: 'auto' | 'page' | 'none' = 'auto') =>
  pe(
    '0000:01',
    [
      fn('0000:01:00.0', [bar(0, 'mem32', 0xf0001000n, 0x1000n)]),
      fn('0000:01:00.1', [bar(0, 'mem64', 0xf0100000n, 0x100000n)]),
    ],
    alignment,
  );

function policyOf(platform: Platform, alignment: 'auto' | 'page' | 'none', defaultPageAlignment?: boolean) {
  const h = host(
    platform,
    0x10000n,
    defaultPageAlignment === undefined
      ? {}
      : { kernel: { subPageMmap: true, msixMappable: true, sparseMmap: false, defaultPageAlignment, vfioPci: true } },
  );
  return planScenario(scenario(h, [unalignedPe(alignment)])).pes[0].alignment;
}

describe('decision 2: alignment policy of each PE', () => {
  it('pseries: the hypervisor places BARs, so nothing applies', () => {
    expect(policyOf('pseries', 'page')).toMatchObject({
      policy: 'NOT_APPLICABLE',
      override: 'page',
      mmioCost: 0n,
      kernelParameter: null,
    });
  });

  it('PowerNV with default page alignment wins over any override and reports what it spends', () => {
    expect(policyOf('powernv', 'none')).toMatchObject({
      policy: 'PLATFORM_PAGE_STARTALIGN',
      override: 'none',
      mmioCost: 0xf000n,
      barsGainingMmap: 0,
    });
  });

  it('PowerNV without default alignment is resized like any other host', () => {
    expect(policyOf('powernv', 'auto', false)).toMatchObject({ policy: 'PARAM_RESIZE', barsGainingMmap: 1 });
  });

  it('override none refuses the resize even when a BAR needs it', () => {
    expect(policyOf('arm64', 'none')).toEqual({
      policy: 'NONE',
      override: 'none',
      kernelParameter: null,
      mmioCost: 0n,
      barsGainingMmap: 0,
      reasons: [],
    });
  });

  it('override page asks for the resize even when nothing needs it', () => {
    const h = host('arm64', 0x10000n);
    const aligned = pe('0000:02', [fn('0000:02:00.0', [bar(0, 'mem32', 0xf0000000n, 0x1000n)])], 'page');
    expect(planScenario(scenario(h, [aligned])).pes[0].alignment).toMatchObject({
      policy: 'PARAM_RESIZE',
      kernelParameter: 'pci=resource_alignment=16@0000:02:00.0',
      mmioCost: 0xf000n,
      barsGainingMmap: 0,
    });
  });

  it('VFs and fixed BARs never make a PE need alignment, and the parameter skips VFs', () => {
    const h = host('arm64', 0x10000n);
    const p = pe('0000:03', [
      fn('0000:03:00.0', [bar(0, 'mem32', 0xf0001000n, 0x1000n, { fixed: true })]),
      fn('0000:03:00.1', [bar(0, 'mem64', 0xf0100000n, 0x10000n)], { isVf: true }),
    ]);
    expect(planScenario(scenario(h, [p])).pes[0].alignment.policy).toBe('NONE');
    const forced = planScenario(scenario(h, [{ ...p, alignment: 'page' }])).pes[0].alignment;
    expect(forced).toMatchObject({
      kernelParameter: 'pci=resource_alignment=16@0000:03:00.0',
      mmioCost: 0n,
      barsGainingMmap: 0,
    });
  });

  it('uses the page order of the host: 12 on a 4K host', () => {
    const h = host('x86_64', 0x1000n);
    const p = pe('0000:04', [fn('0000:04:00.0', [bar(0, 'mem32', 0xd1924400n, 0x200n)])]);
    expect(planScenario(scenario(h, [p])).pes[0].alignment).toMatchObject({
      policy: 'PARAM_RESIZE',
      kernelParameter: 'pci=resource_alignment=12@0000:04:00.0',
      mmioCost: 0xe00n,
    });
  });
});
