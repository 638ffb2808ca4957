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
const PACKED = [{ rootBus: ['i6300esb', 'i6300esb', 'ich9-usb-ehci1', 'pci-testdev', 'i6300esb'] }, 'nvme,serial=lab0', 'e1000e'];

/** Devices for QEMU's side (an x86 guest running this machine's QEMU with them as vfio-pci). */
const QEMU_SIDE = ['nvme,serial=lab0', 'e1000e', 'virtio-net-pci,disable-legacy=on', 'i6300esb', 'i6300esb', 'pci-testdev,membar=0x4000'];
const NVME = '1b36:0010';
const E1000E = '8086:10d3';
const VIRTIO_NET = '1af4:1041';
const ESB = '8086:25ab';
const TESTDEV = '1b36:0005';

/**
 * QEMU runs inside the x86 guest. Each is one VM: `seabios` lets the firmware place every BAR;
 * `qtest` places them by config writes where no firmware would (a 16-byte BAR mid-page, two BARs
 * in one guest page, a device left undecoded: the e1000e of `placed`). `noMmap` and `msixRelocation` are barplane's VM
 * settings for QEMU's per-device x-no-mmap and x-msix-relocation.
 */
const QEMU_RUNS = [
  {
    name: 'seabios',
    firmware: 'seabios',
    devices: [
      { id: 'e1000e', match: E1000E, slot: 4 },
      { id: 'virtio', match: VIRTIO_NET, slot: 5 },
      { id: 'esb', match: ESB, slot: 6 },
      { id: 'testdev', match: TESTDEV, slot: 7 },
    ],
  },
  { name: 'no-mmap', firmware: 'seabios', noMmap: true, devices: [{ id: 'e1000e', match: E1000E, slot: 4, props: 'x-no-mmap=on' }] },
  // The NVMe only under qtest: SeaBIOS drives it through INTx, and while INTx fires QEMU keeps
  // every mmap of the device off (docs/domain.md, "Not modelled").
  {
    name: 'relocation',
    firmware: 'qtest',
    msixRelocation: 'bar2',
    devices: [{ id: 'nvme', match: NVME, slot: 4, props: 'x-msix-relocation=bar2' }],
    place: [
      { id: 'nvme', bar: 0, address: 0xe0000000, wide: true },
      { id: 'nvme', bar: 2, address: 0xe0100000, wide: true },
    ],
  },
  {
    name: 'placed',
    firmware: 'qtest',
    devices: [
      { id: 'esb0', match: ESB, slot: 4 },
      { id: 'esb1', match: ESB, slot: 5 },
      { id: 'testdev', match: TESTDEV, slot: 6 },
      { id: 'virtio', match: VIRTIO_NET, slot: 7 },
      { id: 'nvme', match: NVME, slot: 8 },
      { id: 'e1000e', match: E1000E, slot: 9 },
    ],
    place: [
      { id: 'esb0', bar: 0, address: 0xe0000000 },
      { id: 'esb1', bar: 0, address: 0xe0000800 },
      { id: 'testdev', bar: 0, address: 0xe0010000 },
      { id: 'testdev', bar: 2, address: 0xe0100000, wide: true },
      { id: 'virtio', bar: 1, address: 0xe0020000 },
      { id: 'virtio', bar: 4, address: 0xe0040000, wide: true },
      { id: 'nvme', bar: 0, address: 0xe0200000, wide: true },
    ],
  },
];

/**
 * The same on a 64K host: Debian's ppc64el QEMU inside the PowerNV guest runs a pseries VM
 * (no MSI-X emulation, R4.6) with BARs placed by RTAS config writes: a 16-byte BAR at a 64K
 * page (grown to the page), the NVMe of worked example 6, a 4K BAR at a 4K but not 64K
 * boundary (example 3), and a BAR sharing another's guest page (example 11).
 */
const EHCI = '8086:293a';
const QEMU_RUNS_64K = [
  {
    name: 'pseries-placed',
    firmware: 'qtest',
    machine: 'pseries',
    devices: [
      { id: 'esb', match: ESB, slot: 1 },
      { id: 'nvme', match: NVME, slot: 2 },
      { id: 'testdev', match: TESTDEV, slot: 3 },
      { id: 'ehci', match: EHCI, slot: 4 },
      { id: 'e1000e', match: E1000E, slot: 5 },
      { id: 'virtio', match: VIRTIO_NET, slot: 6 },
    ],
    place: [
      { id: 'esb', bar: 0, address: 0x80000000 },
      { id: 'nvme', bar: 0, address: 0x80010000, wide: true },
      { id: 'testdev', bar: 0, address: 0x80021000 },
      { id: 'testdev', bar: 2, address: 0x80030000, wide: true },
      { id: 'ehci', bar: 0, address: 0x80038000 },
      { id: 'e1000e', bar: 0, address: 0x80040000 },
      { id: 'e1000e', bar: 1, address: 0x80060000 },
      { id: 'e1000e', bar: 3, address: 0x80080000 },
      { id: 'virtio', bar: 1, address: 0x800a0000 },
      { id: 'virtio', bar: 4, address: 0x800b0000, wide: true },
    ],
  },
];

/**
 * And on a 16K arm64 host: Debian's arm64 QEMU inside the virt guest runs a virt VM, which
 * emulates MSI-X (R4.6): worked example 7 at 16K (the NVMe's table traps inside its one page,
 * nothing left for KVM) and its remedy, x-msix-relocation.
 */
const QEMU_RUNS_16K = [
  {
    name: 'virt-placed',
    firmware: 'qtest',
    machine: 'virt',
    devices: [
      { id: 'nvme', match: NVME, slot: 1 },
      { id: 'esb', match: ESB, slot: 2 },
      { id: 'testdev', match: TESTDEV, slot: 3 },
      { id: 'e1000e', match: E1000E, slot: 4 },
      { id: 'virtio', match: VIRTIO_NET, slot: 5 },
    ],
    place: [
      { id: 'nvme', bar: 0, address: 0x10000000, wide: true },
      { id: 'esb', bar: 0, address: 0x10004000 },
      { id: 'testdev', bar: 0, address: 0x10009000 },
      // Every BAR of a decoding device is placed: one left at 0 would sit outside the host
      // bridge's window, where the CPU cannot reach it and QEMU maps nothing.
      { id: 'testdev', bar: 2, address: 0x10090000, wide: true },
      { id: 'e1000e', bar: 0, address: 0x10020000 },
      { id: 'e1000e', bar: 1, address: 0x10040000 },
      { id: 'e1000e', bar: 3, address: 0x10060000 },
      { id: 'virtio', bar: 1, address: 0x10070000 },
      { id: 'virtio', bar: 4, address: 0x10080000, wide: true },
    ],
  },
  {
    name: 'virt-relocation',
    firmware: 'qtest',
    machine: 'virt',
    msixRelocation: 'bar2',
    devices: [{ id: 'nvme', match: NVME, slot: 1, props: 'x-msix-relocation=bar2' }],
    place: [
      { id: 'nvme', bar: 0, address: 0x10000000, wide: true },
      { id: 'nvme', bar: 2, address: 0x10100000, wide: true },
    ],
  },
];

export const CASES = [
  { name: 'powernv9-6.12-64k-endpoints', machine: 'powernv9', kernel: 'ppc64el-6.12-64k', slots: ENDPOINTS, ci: true },
  { name: 'powernv9-6.12-64k-qemu', machine: 'powernv9', kernel: 'ppc64el-6.12-64k', slots: ENDPOINTS, qemu: QEMU_RUNS_64K, memory: '4G' },
  { name: 'powernv9-6.12-64k-topology', machine: 'powernv9', kernel: 'ppc64el-6.12-64k', slots: TOPOLOGY },
  { name: 'powernv9-6.12-4k-endpoints', machine: 'powernv9', kernel: 'ppc64el-6.12-4k', slots: ENDPOINTS },
  { name: 'powernv9-6.12-4k-topology', machine: 'powernv9', kernel: 'ppc64el-6.12-4k', slots: TOPOLOGY },
  { name: 'powernv9-6.1-64k-endpoints', machine: 'powernv9', kernel: 'ppc64el-6.1', slots: ENDPOINTS, ci: true },
  { name: 'q35-6.12-endpoints', machine: 'q35', kernel: 'amd64-6.12', slots: ENDPOINTS },
  { name: 'q35-6.1-endpoints', machine: 'q35', kernel: 'amd64-6.1', slots: ENDPOINTS },
  { name: 'q35-6.12-qemu', machine: 'q35', kernel: 'amd64-6.12', slots: QEMU_SIDE, qemu: QEMU_RUNS, memory: '2G', ci: true },
  { name: 'q35-6.12-realloc', machine: 'q35', kernel: 'amd64-6.12', slots: TOPOLOGY, cmdline: ['pci=realloc'] },
  { name: 'q35-6.12-topology', machine: 'q35', kernel: 'amd64-6.12', slots: TOPOLOGY },
  { name: 'virt-6.12-packed', machine: 'virt', kernel: 'arm64-6.12', slots: PACKED },
  { name: 'virt-6.1-endpoints', machine: 'virt', kernel: 'arm64-6.1', slots: ENDPOINTS },
  { name: 'virt-6.12-16k-qemu', machine: 'virt', kernel: 'arm64-6.12-16k', slots: ENDPOINTS, qemu: QEMU_RUNS_16K, memory: '3G' },
  { name: 'virt-6.12-16k-packed', machine: 'virt', kernel: 'arm64-6.12-16k', slots: PACKED },
];
