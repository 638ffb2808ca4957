/**
 * Guest events and imported scenarios as the lab records them, cut down from real runs
 * (.run/conformance/<case>/console.log): a 64K PowerNV host with an NVMe (16K BAR with the MSI-X
 * table) and a 16-byte i6300esb BAR, and an arm64 host whose kernel packed three of them into one page.
 */
import { scenarioBar, scenarioFn } from './scenario-json';

/** A `device` event of the lab's guest: what VFIO_DEVICE_GET_INFO said of `bdf` in `group`, and its regions. */
const vfioDevice = (bdf: string, group: string, regions: object[]) => ({
  type: 'device',
  bdf,
  group,
  flags: 3,
  numRegions: 9,
  numIrqs: 5,
  regions,
});

/** A region of a `device` event that VFIO_DEVICE_GET_REGION_INFO reported without capabilities. */
const plainRegion = (index: number, size: string, offset: string, flags: string[], rawFlags: number) => ({
  index,
  size,
  offset,
  flags,
  rawFlags,
  caps: [],
});

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
  vfioDevice('0000:01:00.0', '0', [
    {
      index: 0,
      size: '0x4000',
      offset: '0x0',
      flags: ['READ', 'WRITE', 'MMAP', 'CAPS'],
      rawFlags: 15,
      caps: [{ id: 3, type: 'MSIX_MAPPABLE' }],
    },
    plainRegion(1, '0x0', '0x10000000000', [], 0),
    plainRegion(6, '0x0', '0x60000000000', [], 0),
    plainRegion(7, '0x1000', '0x70000000000', ['READ', 'WRITE'], 3),
    { index: 8, errno: 22 },
  ]),
  vfioDevice('0003:01:00.0', '3', [plainRegion(0, '0x10', '0x0', ['READ', 'WRITE', 'MMAP'], 7)]),
  { type: 'iomem', start: '0x600c000004000', end: '0x600c00000ffff', name: 'vfio sub-page reserved' },
  { type: 'iomem', start: '0x600c180000010', end: '0x600c18000ffff', name: 'vfio sub-page reserved' },
  { type: 'done' },
];

/** An i6300esb watchdog: one 16-byte BAR (`size` when the kernel gave it a page). */
const esb = (bdf: string, address: string, size = '0x10') =>
  scenarioFn(bdf, '8086:25ab', [scenarioBar(0, 'mem32', false, address, size)]);

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
          scenarioFn('0000:01:00.0', '1b36:0010', [scenarioBar(0, 'mem64', false, '0x600c000000000', '0x4000')], {
            tableBar: 0,
            tableOffset: '0x2000',
            vectors: 65,
            pbaBar: 0,
            pbaOffset: '0x3000',
          }),
        ],
      },
      { id: 'iommu-3', functions: [esb('0003:01:00.0', '0x600c180000000')] },
    ],
  },
  warnings: [],
};

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

const esbDevice = (bdf: string, group: string, mmap: boolean) =>
  vfioDevice(bdf, group, [
    plainRegion(0, '0x10', '0x0', mmap ? ['READ', 'WRITE', 'MMAP'] : ['READ', 'WRITE'], mmap ? 7 : 3),
  ]);

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
      { id: 'iommu-2', functions: [esb('0000:00:10.0', '0x10402000', '0x1000')] },
      { id: 'iommu-3', functions: [esb('0000:00:11.0', '0x10403000', '0x1000')] },
      { id: 'iommu-6', functions: [esb('0000:00:14.0', '0x10405000', '0x1000')] },
    ],
  },
  warnings: [],
};

const pageDevice = (bdf: string, group: string) =>
  vfioDevice(bdf, group, [plainRegion(0, '0x1000', '0x0', ['READ', 'WRITE', 'MMAP'], 7)]);

export const PACKED_AFTER_EVENTS: unknown[] = [
  { type: 'host', pageSize: 4096 },
  pageDevice('0000:00:10.0', '2'),
  pageDevice('0000:00:11.0', '3'),
  pageDevice('0000:00:14.0', '6'),
  { type: 'done' },
];
