/** QEMU's emulated devices by PCI id, so that a table row says what the BAR belongs to. */
const NAMES: Record<string, string> = {
  '1b36:0010': 'nvme',
  '8086:10d3': 'e1000e',
  '1af4:1000': 'virtio-net (transitional)',
  '1af4:1041': 'virtio-net (modern)',
  '8086:25ab': 'i6300esb',
  '1b36:0005': 'pci-testdev',
  '8086:293a': 'ich9 EHCI',
  '8086:2934': 'ich9 UHCI1',
  '8086:2935': 'ich9 UHCI2',
  '8086:2936': 'ich9 UHCI3',
  '8086:2922': 'ich9 AHCI',
  '8086:2930': 'ich9 SMBus',
  '8086:2918': 'ich9 LPC',
  '8086:29c0': 'q35 host bridge',
  '1b36:000c': 'pcie-root-port',
  '1b36:000e': 'pcie-pci-bridge',
  '104c:8232': 'xio3130 downstream',
  '104c:8233': 'x3130 upstream',
  '1014:04c1': 'PHB4 root port',
};

export function deviceName(vendorDevice: string | undefined): string {
  if (!vendorDevice) return '?';
  return NAMES[vendorDevice] ?? vendorDevice;
}
