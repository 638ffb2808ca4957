import { judgeCase } from './case-result';
import { readGuestReport } from './guest-report';
import { PACKED_EVENTS, PACKED_IMPORT, POWERNV_EVENTS, POWERNV_IMPORT } from './testing/lab-fixtures';

const input = (events: unknown[], imported: { scenario: unknown; warnings: readonly string[] }) => ({
  name: 'case',
  machine: 'powernv9',
  kernelBuild: 'ppc64el-6.12-64k',
  kernelPackage: 'linux-image-x=1',
  report: readGuestReport(events),
  imported,
});
const judge = (events: unknown[], imported: { scenario: unknown; warnings: readonly string[] }) =>
  judgeCase(input(events, imported));

describe('judgeCase: PowerNV 64K, a kernel that agrees', () => {
  const result = judge(POWERNV_EVENTS, POWERNV_IMPORT);

  it('finds no disagreement', () => {
    expect(result.disagreements).toEqual([]);
  });

  it('compares every BAR region the kernel or barplane has, and skips config space', () => {
    expect(result.regions.map((r) => [r.bdf, r.index, r.agree])).toEqual([
      ['0000:01:00.0', 0, true],
      ['0003:01:00.0', 0, true],
    ]);
  });

  it('ties each host-side decision to the kernel region (the 16-byte BAR alone in its 64K page is mmap-able)', () => {
    expect(result.bars.map((b) => [b.bdf, b.mode, b.kernelSays])).toEqual([
      ['0000:01:00.0', 'PENDING', '0x4000 RW MMAP MSIX_MAPPABLE'],
      ['0003:01:00.0', 'PENDING', '0x10 RW MMAP'],
    ]);
  });

  it('derives the sub-page reservations the kernel made', () => {
    expect(result.reservations.every((r) => r.agree)).toBe(true);
    expect(result.reservations).toHaveLength(2);
  });

  it('checks the platform alignment against where the kernel put the BARs', () => {
    expect(result.pes.map((p) => [p.pe, p.alignment.policy, p.placement, p.agree])).toEqual([
      ['iommu-0', 'PLATFORM_PAGE_STARTALIGN', 'page-start aligned', true],
      ['iommu-3', 'PLATFORM_PAGE_STARTALIGN', 'page-start aligned', true],
    ]);
  });
});

describe('judgeCase: what a disagreement looks like', () => {
  it('names a region whose flags differ (the kernel refusing mmap where barplane allows it)', () => {
    const events = POWERNV_EVENTS.map((e) =>
      (e as { bdf?: string; type: string }).type === 'device' && (e as { bdf: string }).bdf === '0003:01:00.0'
        ? { ...(e as object), regions: [{ index: 0, size: '0x10', offset: '0x0', flags: ['READ', 'WRITE'], caps: [] }] }
        : e,
    );
    const result = judge(events, POWERNV_IMPORT);
    expect(result.disagreements).toContain('0003:01:00.0 region 0: flags READ|WRITE (kernel) vs READ|WRITE|MMAP');
    expect(
      result.disagreements.some((d) => d.startsWith('0003:01:00.0 BAR 0: PENDING GUEST_BAR_UNMAPPED means mmap')),
    ).toBe(true);
  });

  it('names an import barplane itself refuses', () => {
    const result = judge(POWERNV_EVENTS, { scenario: { host: { id: 'x' } }, warnings: [] });
    expect(result.disagreements[0]).toMatch(/^the import is not a valid scenario: /);
  });

  it('expects vfio-pci to fail on a POWER kernel that cannot bind, and every BAR UNAVAILABLE', () => {
    const host = {
      ...POWERNV_IMPORT.scenario.host,
      kernel: { ...POWERNV_IMPORT.scenario.host.kernel, vfioPci: false },
    };
    const events = [
      { type: 'boot', release: '6.1.0-50-powerpc64le' },
      {
        type: 'bind',
        bdf: '0000:01:00.0',
        bound: false,
        kernel: '[    4.56] vfio-pci: probe of 0000:01:00.0 failed with error -22',
      },
      {
        type: 'bind',
        bdf: '0003:01:00.0',
        bound: false,
        kernel: '[    4.65] vfio-pci: probe of 0003:01:00.0 failed with error -22',
      },
      { type: 'done' },
    ];
    const result = judge(events, { scenario: { ...POWERNV_IMPORT.scenario, host }, warnings: [] });
    expect(result.disagreements).toEqual([]);
    expect(result.bars.map((b) => [b.mode, b.kernelSays])).toEqual([
      ['UNAVAILABLE', 'vfio-pci did not bind: vfio-pci: probe of 0000:01:00.0 failed with error -22'],
      ['UNAVAILABLE', 'vfio-pci did not bind: vfio-pci: probe of 0003:01:00.0 failed with error -22'],
    ]);
  });
});

describe('judgeCase: arm64, BARs the kernel packed into one page', () => {
  const result = judge(PACKED_EVENTS, PACKED_IMPORT);

  it('agrees that the aligned one has a busy remainder and the others start mid-page', () => {
    expect(result.disagreements).toEqual([]);
    expect(result.bars.map((b) => [b.bdf, b.reasons])).toEqual([
      ['0000:00:10.0', ['HOST_PAGE_REMAINDER_BUSY']],
      ['0000:00:11.0', ['HOST_SUBPAGE_UNALIGNED']],
      ['0000:00:14.0', ['HOST_SUBPAGE_UNALIGNED']],
    ]);
  });

  it('recommends the resize for each PE, and sees the packing', () => {
    expect(result.pes.map((p) => [p.alignment.policy, p.placement, p.agree])).toEqual([
      ['PARAM_RESIZE', 'packed', true],
      ['PARAM_RESIZE', 'packed', true],
      ['PARAM_RESIZE', 'packed', true],
    ]);
  });
});
