import { bar, fn, host, pe, scenario } from '@barplane/domain/testing/scenario-builder';
import { compareQemuRun, guestAddresses, memoryFlatView, mmapOffsets, qemuRunReport } from './qemu-comparison';

/** `info mtree -f` as QEMU 7.2 prints it through HMP (\r\n line ends), cut to what matters. */
const MTREE = [
  'FlatView #0',
  ' AS "cpu-smm-0", root: memory',
  '  00000000febc0000-00000000febc1fff (prio 0, ramd): 0000:01:00.0 BAR 0 mmaps[0]',
  'FlatView #3',
  ' AS "memory", root: system',
  ' AS "cpu-memory-0", root: system',
  ' Root memory region: system',
  '  0000000000000000-000000000009ffff (prio 0, ram): pc.ram KVM',
  '  00000000febc0000-00000000febc1fff (prio 0, ramd): 0000:01:00.0 BAR 0 mmaps[0]',
  '  00000000febc2000-00000000febc240f (prio 0, i/o): msix-table',
  '  00000000febc2410-00000000febc3fff (prio 0, ramd): 0000:01:00.0 BAR 0 mmaps[0] @0000000000002410',
  '  00000000febc9000-00000000febc9fff (prio 0, ramd): 0000:04:00.0 BAR 0 mmaps[0]',
  'FlatView #4',
  ' AS "I/O", root: io',
].join('\r\n');

const QUERY_PCI = [
  {
    bus: 0,
    devices: [
      {
        qdev_id: 'nvme',
        regions: [
          { bar: 0, type: 'memory', address: 0xfebc0000, size: 0x4000 },
          { bar: 2, type: 'memory', address: 0xfebff000, size: 0x1000 },
        ],
      },
      { qdev_id: 'esb', regions: [{ bar: 0, type: 'memory', address: 0xfebc9000, size: 0x10 }] },
      { qdev_id: 'idle', regions: [{ bar: 0, type: 'memory', address: -1, size: 0x1000 }] },
    ],
  },
];

describe('memoryFlatView', () => {
  it('reads the ranges of the flat view the "memory" address space uses', () => {
    const ranges = memoryFlatView(MTREE);
    expect(ranges[0]).toEqual({ start: 0n, end: 0xa0000n, type: 'ram', name: 'pc.ram', offset: 0n });
    // The " @..." suffix is where the range starts inside its region: the BAR offset, whatever the address.
    expect(ranges.filter((r) => r.type === 'ramd').map((r) => [r.start, r.end, r.name, r.offset])).toEqual([
      [0xfebc0000n, 0xfebc2000n, '0000:01:00.0 BAR 0 mmaps[0]', 0n],
      [0xfebc2410n, 0xfebc4000n, '0000:01:00.0 BAR 0 mmaps[0]', 0x2410n],
      [0xfebc9000n, 0xfebca000n, '0000:04:00.0 BAR 0 mmaps[0]', 0n],
    ]);
  });
});

describe('guestAddresses', () => {
  it('gives each device its programmed memory BARs and leaves out the unmapped ones (-1)', () => {
    const a = guestAddresses(QUERY_PCI);
    expect(a.get('nvme')).toEqual(
      new Map([
        [0, 0xfebc0000n],
        [2, 0xfebff000n],
      ]),
    );
    expect(a.get('idle')).toEqual(new Map());
  });
});

describe('mmapOffsets', () => {
  it("reads where each mmap starts inside its BAR from QEMU's trace", () => {
    expect(
      mmapOffsets([
        'vfio_region_mmap Region 0000:01:00.0 BAR 0 mmaps[1] [0x3000 - 0x3fff]',
        'vfio_region_setup Device x',
      ]),
    ).toEqual(new Map([['0000:01:00.0 BAR 0 mmaps[1]', 0x3000n]]));
  });
});

describe('compareQemuRun', () => {
  const nvme = fn('0000:01:00.0', [bar(0, 'mem64', 0xfe000000n, 0x4000n)], {
    msix: { tableBar: 0, tableOffset: 0x2000n, vectors: 65, pbaBar: 0, pbaOffset: 0x3000n },
  });
  const esb = fn('0000:04:00.0', [bar(0, 'mem32', 0xfd600000n, 0x10n)]);
  const x86 = scenario(host('x86_64', 0x1000n), [pe('iommu-7', [nvme]), pe('iommu-10', [esb])]);
  const report = (mtree = MTREE) => ({
    devices: new Map([
      ['nvme', '0000:01:00.0'],
      ['esb', '0000:04:00.0'],
    ]),
    queryPci: QUERY_PCI,
    mtree,
    log: [],
    trace: [],
    errors: [],
  });

  it('agrees where QEMU maps what barplane plans: the table page trapped, the 16-byte BAR grown to its page', () => {
    const { rows, problems } = compareQemuRun(x86, { name: 'seabios' }, report());
    expect(problems).toEqual([]);
    expect(rows.map((r) => [r.bdf, r.qemuMode, r.barplane.mode, r.agree])).toEqual([
      ['0000:01:00.0', 'PARTIAL_DIRECT', 'PARTIAL_DIRECT', true],
      ['0000:04:00.0', 'DIRECT_PAGE_EXPANDED', 'DIRECT_PAGE_EXPANDED', true],
    ]);
    // QEMU maps from 0x2410; KVM can only take whole pages, from 0x3000.
    expect(rows[0].qemuRanges).toEqual([
      { offset: 0n, size: 0x2000n },
      { offset: 0x3000n, size: 0x1000n },
    ]);
  });

  it('says where they differ', () => {
    const withoutEsbMmap = MTREE.replace(
      '(prio 0, ramd): 0000:04:00.0 BAR 0 mmaps[0]',
      '(prio 0, i/o): 0000:04:00.0 BAR 0',
    );
    const { rows } = compareQemuRun(x86, { name: 'seabios' }, report(withoutEsbMmap));
    expect(rows[1]).toMatchObject({ agree: false, qemuMode: 'EMULATED' });
    expect(rows[1].difference).toBe(
      'QEMU EMULATED, barplane DIRECT_PAGE_EXPANDED EXPANDED_TO_PAGE; direct ranges none (QEMU, page-rounded) vs [0x0,0x1000)',
    );
  });

  it('plans a pseries VM without MSI-X emulation, and takes offsets from the regions, not from addresses', () => {
    // pseries: the flat view has CPU addresses (window 0x200000000000), query-pci bus addresses.
    const spapr = MTREE.replace('00000000febc0000-00000000febc1fff (prio 0, ramd): 0000:01:00.0 BAR 0 mmaps[0]\r\n', '')
      .replace('00000000febc2000-00000000febc240f (prio 0, i/o): msix-table\r\n', '')
      .replace(
        '00000000febc2410-00000000febc3fff (prio 0, ramd): 0000:01:00.0 BAR 0 mmaps[0] @0000000000002410',
        '0000200080010000-000020008001ffff (prio 0, ramd): 0000:01:00.0 BAR 0 mmaps[0]',
      );
    const nvme64k = scenario(host('powernv', 0x10000n), [
      pe('iommu-0', [
        fn('0000:01:00.0', [bar(0, 'mem64', 0x600c000000000n, 0x4000n)], {
          msix: { tableBar: 0, tableOffset: 0x2000n, vectors: 65, pbaBar: 0, pbaOffset: 0x3000n },
        }),
      ]),
    ]);
    const pci = [
      {
        bus: 0,
        devices: [{ qdev_id: 'nvme', regions: [{ bar: 0, type: 'memory', address: 0x80010000, size: 0x4000 }] }],
      },
    ];
    const { rows } = compareQemuRun(
      nvme64k,
      { name: 'pseries', machine: 'pseries' },
      { ...report(spapr), devices: new Map([['nvme', '0000:01:00.0']]), queryPci: pci },
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      agree: true,
      qemuMode: 'DIRECT_PAGE_EXPANDED',
      qemuRanges: [{ offset: 0n, size: 0x10000n }],
    });
    expect(rows[0].barplane.reasons).toEqual(['EXPANDED_TO_PAGE']);
  });

  it('names a run that gave no answer', () => {
    expect(compareQemuRun(x86, { name: 'x' }, { ...report(), mtree: undefined }).problems).toEqual([
      'QEMU gave no query-pci or no memory tree',
    ]);
  });
});

describe('qemuRunReport', () => {
  it('collects one run: its devices, QMP answers, QEMU warnings apart from its trace, and errors', () => {
    const r = qemuRunReport(
      [
        { type: 'qemu-device', tag: 'a', id: 'esb', host: '0000:04:00.0' },
        { type: 'qemu-device', tag: 'b', id: 'nvme', host: '0000:01:00.0' },
        { type: 'qmp', tag: 'a', command: '{"execute":"query-pci"}', message: { return: QUERY_PCI } },
        {
          type: 'qmp',
          tag: 'a',
          command: '{"execute":"human-monitor-command","arguments":{"command-line":"info mtree -f"}}',
          message: { return: MTREE },
        },
        { type: 'qemu-log', tag: 'a', line: 'vfio_region_mmap Region 0000:04:00.0 BAR 0 mmaps[0] [0x0 - 0xf]' },
        { type: 'qemu-log', tag: 'a', line: 'Failed to mmap 0000:04:00.0 BAR 0. Performance may be slow' },
        { type: 'error', bdf: 'a', step: 'qtest-read', message: 'Protocol error' },
      ],
      'a',
    );
    expect([...r.devices]).toEqual([['esb', '0000:04:00.0']]);
    expect(r.queryPci).toBe(QUERY_PCI);
    expect(r.mtree).toBe(MTREE);
    expect(r.log).toEqual(['Failed to mmap 0000:04:00.0 BAR 0. Performance may be slow']);
    expect(r.trace).toHaveLength(1);
    expect(r.errors).toEqual(['qtest-read: Protocol error']);
  });
});
