// The matrix: machines x kernel builds x device sets, chosen so that every rule of
// docs/domain.md that a kernel decides meets at least one real BAR. `ci: true` marks the
// subset `npm test` runs: PowerNV 64K on 6.12 (the seed's question) and on 6.1 (vfio-pci
// cannot bind), and x86 with this machine's QEMU inside (every code QEMU decides).

/**
 * Device sets. QEMU's emulated devices give real BAR shapes: nvme (16K BAR0 holding the MSI-X
 * table and PBA), e1000e (128K BARs, an I/O BAR, MSI-X in a 16K BAR3, a 256K ROM), virtio-net
 * (a 4K BAR with MSI-X, a 16K 64-bit prefetchable BAR, an I/O BAR, a ROM), i6300esb (one
 * 16-byte BAR), pci-testdev (4K BAR0, an I/O BAR, `membar` a 64-bit prefetchable BAR of the
 * given size), the ICH9 USB controller (one 1K EHCI BAR and three UHCI functions with I/O BARs,
 * all one device).
 */
const USB = { functions: ['ich9-usb-ehci1', 'ich9-usb-uhci1', 'ich9-usb-uhci2', 'ich9-usb-uhci3'] };
const ENDPOINTS = ['nvme,serial=lab0', 'e1000e', 'virtio-net-pci', 'i6300esb', 'pci-testdev,membar=0x1000', USB];
/** Behind a switch (one bus, so one PE, per downstream port) and a PCIe-to-PCI bridge (one PE for its whole bus). */
const TOPOLOGY = [
  { switch: ['i6300esb', 'pci-testdev,membar=0x2000', 'nvme,serial=lab1'] },
  { pciBridge: ['i6300esb', 'i6300esb', 'pci-testdev'] },
  'virtio-net-pci,disable-legacy=on',
];
/** Small BARs on the root bus: Linux packs them into shared pages when it assigns them itself. */
const PACKED = [
  { rootBus: ['i6300esb', 'i6300esb', 'ich9-usb-ehci1', 'pci-testdev', 'i6300esb'] },
  'nvme,serial=lab0',
  'e1000e',
];

/** Devices for QEMU's side (an x86 guest running this machine's QEMU with them as vfio-pci). */
const QEMU_SIDE = [
  'nvme,serial=lab0',
  'e1000e',
  'virtio-net-pci,disable-legacy=on',
  'i6300esb',
  'i6300esb',
  'pci-testdev,membar=0x4000',
];
/** What vfio-pci is asked to take for each device of a run: vendor:device by its id, less a trailing number. */
const MATCH = {
  nvme: '1b36:0010',
  e1000e: '8086:10d3',
  virtio: '1af4:1041',
  esb: '8086:25ab',
  testdev: '1b36:0005',
  ehci: '8086:293a',
};
/** The 64-bit BARs of each device (two registers each when placed); nvme's BAR 2 is QEMU's relocated MSI-X. */
const WIDE = { nvme: [0, 2], testdev: [2], virtio: [4] };

const kindOf = (id) => id.replace(/\d+$/, '');
const deviceIn = (id, slot, props) => ({ id, match: MATCH[kindOf(id)], slot, ...(props ? { props } : {}) });
const placing = (id, bar, address) => ({ id, bar, address, ...(WIDE[kindOf(id)]?.includes(bar) && { wide: true }) });

/**
 * A run's devices in consecutive slots from `first`, in the order `bars` names them, and the guest addresses
 * their BARs are placed at: `{ testdev: { 0: 0x80021000, 2: 0x80030000 } }` places BARs 0 and 2 of `testdev`.
 */
function inSlots(first, bars) {
  const ids = Object.keys(bars);
  const place = ids.flatMap((id) => Object.entries(bars[id]).map(([bar, at]) => placing(id, Number(bar), at)));
  return { devices: ids.map((id, i) => deviceIn(id, first + i)), ...(place.length > 0 ? { place } : {}) };
}

/** A run whose BARs qtest places (config writes where no firmware would), its devices `inSlots(first, bars)`. */
const qtestRun = (run, first, bars) => ({ ...run, firmware: 'qtest', ...inSlots(first, bars) });

/** A run that moves the NVMe's MSI-X table and PBA to a new BAR 2 (x-msix-relocation), both BARs placed. */
function nvmeRelocated(run, slot, bar0, bar2) {
  return {
    ...run,
    firmware: 'qtest',
    msixRelocation: 'bar2',
    devices: [deviceIn('nvme', slot, 'x-msix-relocation=bar2')],
    place: [placing('nvme', 0, bar0), placing('nvme', 2, bar2)],
  };
}

/**
 * QEMU runs inside the x86 guest. Each is one VM: `seabios` lets the firmware place every BAR;
 * `qtest` places them by config writes where no firmware would (a 16-byte BAR mid-page, two BARs
 * in one guest page, a device left undecoded: the e1000e of `placed`). `noMmap` and `msixRelocation` are barplane's VM
 * settings for QEMU's per-device x-no-mmap and x-msix-relocation.
 */
const QEMU_RUNS = [
  { name: 'seabios', firmware: 'seabios', ...inSlots(4, { e1000e: {}, virtio: {}, esb: {}, testdev: {} }) },
  { name: 'no-mmap', firmware: 'seabios', noMmap: true, devices: [deviceIn('e1000e', 4, 'x-no-mmap=on')] },
  // The NVMe only under qtest: SeaBIOS drives it through INTx, and while INTx fires QEMU keeps
  // every mmap of the device off (docs/domain.md, "Not modelled").
  nvmeRelocated({ name: 'relocation' }, 4, 0xe0000000, 0xe0100000),
  qtestRun({ name: 'placed' }, 4, {
    esb0: { 0: 0xe0000000 },
    esb1: { 0: 0xe0000800 },
    testdev: { 0: 0xe0010000, 2: 0xe0100000 },
    virtio: { 1: 0xe0020000, 4: 0xe0040000 },
    nvme: { 0: 0xe0200000 },
    e1000e: {},
  }),
];

/**
 * The same on a 64K host: Debian's ppc64el QEMU inside the PowerNV guest runs a pseries VM
 * (no MSI-X emulation, R4.6) with BARs placed by RTAS config writes: a 16-byte BAR at a 64K
 * page (grown to the page), the NVMe of worked example 6, a 4K BAR at a 4K but not 64K
 * boundary (example 3), and a BAR sharing another's guest page (example 11).
 */
const QEMU_RUNS_64K = [
  qtestRun({ name: 'pseries-placed', machine: 'pseries' }, 1, {
    esb: { 0: 0x80000000 },
    nvme: { 0: 0x80010000 },
    testdev: { 0: 0x80021000, 2: 0x80030000 },
    ehci: { 0: 0x80038000 },
    e1000e: { 0: 0x80040000, 1: 0x80060000, 3: 0x80080000 },
    virtio: { 1: 0x800a0000, 4: 0x800b0000 },
  }),
];

/**
 * And on a 16K arm64 host: Debian's arm64 QEMU inside the virt guest runs a virt VM, which
 * emulates MSI-X (R4.6): worked example 7 at 16K (the NVMe's table traps inside its one page,
 * nothing left for KVM) and its remedy, x-msix-relocation.
 */
const QEMU_RUNS_16K = [
  // Every BAR of a decoding device is placed: one left at 0 would sit outside the host
  // bridge's window, where the CPU cannot reach it and QEMU maps nothing.
  qtestRun({ name: 'virt-placed', machine: 'virt' }, 1, {
    nvme: { 0: 0x10000000 },
    esb: { 0: 0x10004000 },
    testdev: { 0: 0x10009000, 2: 0x10090000 },
    e1000e: { 0: 0x10020000, 1: 0x10040000, 3: 0x10060000 },
    virtio: { 1: 0x10070000, 4: 0x10080000 },
  }),
  nvmeRelocated({ name: 'virt-relocation', machine: 'virt' }, 1, 0x10000000, 0x10100000),
];

/** A case: its name, the machine and kernel it boots, its slots, and the rest (qemu runs, memory, cmdline, ci). */
const labCase = (name, machine, kernel, slots, more = {}) => ({ name, machine, kernel, slots, ...more });

export const CASES = [
  labCase('powernv9-6.12-64k-endpoints', 'powernv9', 'ppc64el-6.12-64k', ENDPOINTS, { ci: true }),
  labCase('powernv9-6.12-64k-qemu', 'powernv9', 'ppc64el-6.12-64k', ENDPOINTS, { qemu: QEMU_RUNS_64K, memory: '4G' }),
  labCase('powernv9-6.12-64k-topology', 'powernv9', 'ppc64el-6.12-64k', TOPOLOGY),
  labCase('powernv9-6.12-4k-endpoints', 'powernv9', 'ppc64el-6.12-4k', ENDPOINTS),
  labCase('powernv9-6.12-4k-topology', 'powernv9', 'ppc64el-6.12-4k', TOPOLOGY),
  labCase('powernv9-6.1-64k-endpoints', 'powernv9', 'ppc64el-6.1', ENDPOINTS, { ci: true }),
  labCase('q35-6.12-endpoints', 'q35', 'amd64-6.12', ENDPOINTS),
  labCase('q35-6.1-endpoints', 'q35', 'amd64-6.1', ENDPOINTS),
  labCase('q35-6.12-qemu', 'q35', 'amd64-6.12', QEMU_SIDE, { qemu: QEMU_RUNS, memory: '2G', ci: true }),
  labCase('q35-6.12-realloc', 'q35', 'amd64-6.12', TOPOLOGY, { cmdline: ['pci=realloc'] }),
  labCase('q35-6.12-topology', 'q35', 'amd64-6.12', TOPOLOGY),
  labCase('virt-6.12-packed', 'virt', 'arm64-6.12', PACKED),
  labCase('virt-6.1-endpoints', 'virt', 'arm64-6.1', ENDPOINTS),
  labCase('virt-6.12-16k-qemu', 'virt', 'arm64-6.12-16k', ENDPOINTS, { qemu: QEMU_RUNS_16K, memory: '3G' }),
  labCase('virt-6.12-16k-packed', 'virt', 'arm64-6.12-16k', PACKED),
];
