/**
 * Guest events and imported scenarios as the lab records them, cut down from real runs
 * (.run/conformance/<case>/console.log): a 64K PowerNV host with an NVMe (16K BAR with the MSI-X
 * table) and a 16-byte i6300esb BAR, and an arm64 host whose kernel packed three of them into one page.
 */
export const POWERNV_EVENTS: unknown[] = [
  {
    type: 'boot',
    release: '6.12.95+deb12-powerpc64le-64k',
    machine: 'ppc64le',
    cmdline: 'console=hvc0 quiet loglevel=1',
  },
  { type: 'bind', bdf: '0000:01:00.0', bound: true },
  { type: 'bind', bdf: '0003:01:00.0', bound: true },
  { type: 'host', pageSize: 65536 },
  { type: 'group', group: '0', iommu: 'SPAPR_TCE_v2' },
  {
    type: 'device',
    bdf: '0000:01:00.0',
    group: '0',
    flags: 3,
    numRegions: 9,
    numIrqs: 5,
    regions: [
      {
        index: 0,
        size: '0x4000',
        offset: '0x0',
        flags: ['READ', 'WRITE', 'MMAP', 'CAPS'],
        rawFlags: 15,
        caps: [{ id: 3, type: 'MSIX_MAPPABLE' }],
      },
      { index: 1, size: '0x0', offset: '0x10000000000', flags: [], rawFlags: 0, caps: [] },
      { index: 6, size: '0x0', offset: '0x60000000000', flags: [], rawFlags: 0, caps: [] },
      { index: 7, size: '0x1000', offset: '0x70000000000', flags: ['READ', 'WRITE'], rawFlags: 3, caps: [] },
      { index: 8, errno: 22 },
    ],
  },
  {
    type: 'device',
    bdf: '0003:01:00.0',
    group: '3',
    flags: 3,
    numRegions: 9,
    numIrqs: 5,
    regions: [{ index: 0, size: '0x10', offset: '0x0', flags: ['READ', 'WRITE', 'MMAP'], rawFlags: 7, caps: [] }],
  },
  { type: 'iomem', start: '0x600c000004000', end: '0x600c00000ffff', name: 'vfio sub-page reserved' },
  { type: 'iomem', start: '0x600c180000010', end: '0x600c18000ffff', name: 'vfio sub-page reserved' },
  { type: 'done' },
];

export const POWERNV_IMPORT = {
  scenario: {
    host: {
      id: 'powernv9-6.12-64k',
      platform: 'powernv',
      pageSize: '0x10000',
      kernel: { subPageMmap: true, msixMappable: true, sparseMmap: false, defaultPageAlignment: true, vfioPci: true },
      kvmMemslots: 32767,
    },
    pes: [
      {
        id: 'iommu-0',
        functions: [
          {
            bdf: '0000:01:00.0',
            vendorDevice: '1b36:0010',
            isVf: false,
            bars: [
              {
                index: 0,
                kind: 'mem64',
                prefetchable: false,
                fixed: false,
                address: '0x600c000000000',
                size: '0x4000',
              },
            ],
            msix: { tableBar: 0, tableOffset: '0x2000', vectors: 65, pbaBar: 0, pbaOffset: '0x3000' },
          },
        ],
      },
      {
        id: 'iommu-3',
        functions: [
          {
            bdf: '0003:01:00.0',
            vendorDevice: '8086:25ab',
            isVf: false,
            bars: [
              { index: 0, kind: 'mem32', prefetchable: false, fixed: false, address: '0x600c180000000', size: '0x10' },
            ],
          },
        ],
      },
    ],
  },
  warnings: [],
};

const esb = (bdf: string, address: string) => ({
  bdf,
  vendorDevice: '8086:25ab',
  isVf: false,
  bars: [{ index: 0, kind: 'mem32', prefetchable: false, fixed: false, address, size: '0x10' }],
});

/** arm64 virt: Linux assigned the BARs itself and packed three 16-byte BARs into one 4K page. */
export const PACKED_IMPORT = {
  scenario: {
    host: { id: 'virt-6.12', platform: 'arm64', pageSize: '0x1000' },
    pes: [
      { id: 'iommu-2', functions: [esb('0000:00:10.0', '0x10404000')] },
      { id: 'iommu-3', functions: [esb('0000:00:11.0', '0x10404010')] },
      { id: 'iommu-6', functions: [esb('0000:00:14.0', '0x10404020')] },
    ],
  },
  warnings: [],
};

const esbDevice = (bdf: string, group: string, mmap: boolean) => ({
  type: 'device',
  bdf,
  group,
  flags: 3,
  numRegions: 9,
  numIrqs: 5,
  regions: [
    {
      index: 0,
      size: '0x10',
      offset: '0x0',
      flags: mmap ? ['READ', 'WRITE', 'MMAP'] : ['READ', 'WRITE'],
      rawFlags: mmap ? 7 : 3,
      caps: [],
    },
  ],
});

export const PACKED_EVENTS: unknown[] = [
  { type: 'boot', release: '6.12.95+deb12-arm64', machine: 'aarch64', cmdline: '' },
  { type: 'bind', bdf: '0000:00:10.0', bound: true },
  { type: 'bind', bdf: '0000:00:11.0', bound: true },
  { type: 'bind', bdf: '0000:00:14.0', bound: true },
  { type: 'host', pageSize: 4096 },
  esbDevice('0000:00:10.0', '2', false),
  esbDevice('0000:00:11.0', '3', false),
  esbDevice('0000:00:14.0', '6', false),
  { type: 'done' },
];

/** The same functions booted again with barplane's kernel parameter: each BAR one page of its own. */
export const PACKED_AFTER_IMPORT = {
  scenario: {
    host: { id: 'virt-6.12+advice', platform: 'arm64', pageSize: '0x1000' },
    pes: [
      {
        id: 'iommu-2',
        functions: [
          {
            ...esb('0000:00:10.0', '0x10402000'),
            bars: [
              { index: 0, kind: 'mem32', prefetchable: false, fixed: false, address: '0x10402000', size: '0x1000' },
            ],
          },
        ],
      },
      {
        id: 'iommu-3',
        functions: [
          {
            ...esb('0000:00:11.0', '0x10403000'),
            bars: [
              { index: 0, kind: 'mem32', prefetchable: false, fixed: false, address: '0x10403000', size: '0x1000' },
            ],
          },
        ],
      },
      {
        id: 'iommu-6',
        functions: [
          {
            ...esb('0000:00:14.0', '0x10405000'),
            bars: [
              { index: 0, kind: 'mem32', prefetchable: false, fixed: false, address: '0x10405000', size: '0x1000' },
            ],
          },
        ],
      },
    ],
  },
  warnings: [],
};

const pageDevice = (bdf: string, group: string) => ({
  type: 'device',
  bdf,
  group,
  flags: 3,
  numRegions: 9,
  numIrqs: 5,
  regions: [{ index: 0, size: '0x1000', offset: '0x0', flags: ['READ', 'WRITE', 'MMAP'], rawFlags: 7, caps: [] }],
});

export const PACKED_AFTER_EVENTS: unknown[] = [
  { type: 'host', pageSize: 4096 },
  pageDevice('0000:00:10.0', '2'),
  pageDevice('0000:00:11.0', '3'),
  pageDevice('0000:00:14.0', '6'),
  { type: 'done' },
];
