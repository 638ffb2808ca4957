// The matrix: machines x kernel builds x device sets, chosen so that every rule of
// docs/domain.md that a kernel decides meets at least one real BAR. `ci: true` marks the
// subset `npm test` runs.

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

export const CASES = [
  { name: 'powernv9-6.12-64k-endpoints', machine: 'powernv9', kernel: 'ppc64el-6.12-64k', slots: ENDPOINTS, ci: true },
  { name: 'powernv9-6.12-64k-topology', machine: 'powernv9', kernel: 'ppc64el-6.12-64k', slots: TOPOLOGY },
  { name: 'powernv9-6.12-4k-endpoints', machine: 'powernv9', kernel: 'ppc64el-6.12-4k', slots: ENDPOINTS },
  { name: 'powernv9-6.12-4k-topology', machine: 'powernv9', kernel: 'ppc64el-6.12-4k', slots: TOPOLOGY },
  { name: 'powernv9-6.1-64k-endpoints', machine: 'powernv9', kernel: 'ppc64el-6.1', slots: ENDPOINTS },
  { name: 'q35-6.12-endpoints', machine: 'q35', kernel: 'amd64-6.12', slots: ENDPOINTS, ci: true },
  { name: 'q35-6.1-endpoints', machine: 'q35', kernel: 'amd64-6.1', slots: ENDPOINTS },
  { name: 'q35-6.12-topology', machine: 'q35', kernel: 'amd64-6.12', slots: TOPOLOGY },
  { name: 'virt-6.12-packed', machine: 'virt', kernel: 'arm64-6.12', slots: PACKED },
  { name: 'virt-6.1-endpoints', machine: 'virt', kernel: 'arm64-6.1', slots: ENDPOINTS },
  { name: 'virt-6.12-16k-packed', machine: 'virt', kernel: 'arm64-6.12-16k', slots: PACKED },
];
