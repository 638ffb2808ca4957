import { ImportedMsix } from '../imported';

/** Offsets and ids from include/uapi/linux/pci_regs.h. */
const PCI_STATUS = 0x06;
const PCI_STATUS_CAP_LIST = 0x10;
const PCI_HEADER_TYPE = 0x0e;
const PCI_CAPABILITY_LIST = 0x34;
const PCI_CB_CAPABILITY_LIST = 0x14;
const PCI_BASE_ADDRESS_0 = 0x10;
/** PCI_CAP_ID_MSIX; PCI_MSIX_FLAGS_QSIZE of its Message Control, PCI_MSIX_BIR of its Table and PBA Offset. */
const PCI_MSIX = { capId: 0x11, flagsQsize: 0x07ff, bir: 0x7 } as const;
/** The low bits of a BAR register: PCI_BASE_ADDRESS_SPACE_IO, PCI_BASE_ADDRESS_MEM_TYPE_MASK and _64. */
const PCI_BASE_ADDRESS = { spaceIo: 0x1, memTypeMask: 0x6, memType64: 0x4 } as const;
/** Unprivileged reads of sysfs `config` stop here (drivers/pci/pci-sysfs.c). */
export const UNPRIVILEGED_CONFIG_BYTES = 64;

export type MsixRead = { known: true; msix?: ImportedMsix } | { known: false; reason: string };

/** Header type 0 (normal), 1 (PCI-PCI bridge), 2 (CardBus), or undefined when the bytes stop before it. */
export function headerType(config: Uint8Array): number | undefined {
  return config.length > PCI_HEADER_TYPE ? config[PCI_HEADER_TYPE] & 0x7f : undefined;
}

/**
 * Walks the capability list of a config space image and reads the MSI-X capability:
 * Message Control (table size N-1 in bits 10:0), Table Offset/BIR, PBA Offset/BIR.
 * A list that runs past the bytes given (a non-root read of sysfs `config` gives 64) is unknown.
 */
export function readMsix(config: Uint8Array): MsixRead {
  const truncated = (at: number): MsixRead => ({
    known: false,
    reason:
      config.length <= UNPRIVILEGED_CONFIG_BYTES
        ? `config space truncated to ${config.length} bytes: run as root`
        : `capability list points to 0x${at.toString(16)}, past the ${config.length} bytes of config space`,
  });
  if (config.length <= PCI_STATUS + 1) return truncated(PCI_STATUS);
  const status = config[PCI_STATUS] | (config[PCI_STATUS + 1] << 8);
  if (!(status & PCI_STATUS_CAP_LIST)) return { known: true };
  const type = headerType(config);
  const listAt = type === 2 ? PCI_CB_CAPABILITY_LIST : PCI_CAPABILITY_LIST;
  if (config.length <= listAt) return truncated(listAt);
  let ptr = config[listAt] & 0xfc;
  const visited = new Set<number>();
  while (ptr !== 0) {
    if (ptr < 0x40 || visited.has(ptr))
      return { known: false, reason: `capability list is broken at 0x${ptr.toString(16)}` };
    visited.add(ptr);
    if (ptr + 2 > config.length) return truncated(ptr);
    const id = config[ptr];
    if (id === PCI_MSIX.capId) {
      if (ptr + 12 > config.length) return truncated(ptr);
      const view = new DataView(config.buffer, config.byteOffset, config.byteLength);
      const control = view.getUint16(ptr + 2, true);
      const table = view.getUint32(ptr + 4, true);
      const pba = view.getUint32(ptr + 8, true);
      return {
        known: true,
        msix: {
          vectors: (control & PCI_MSIX.flagsQsize) + 1,
          tableBar: table & PCI_MSIX.bir,
          tableOffset: BigInt(table >>> 0) & 0xfffffff8n,
          pbaBar: pba & PCI_MSIX.bir,
          pbaOffset: BigInt(pba >>> 0) & 0xfffffff8n,
        },
      };
    }
    ptr = config[ptr + 1] & 0xfc;
  }
  return { known: true };
}

const register = (config: Uint8Array, index: number): number | undefined => {
  const at = PCI_BASE_ADDRESS_0 + 4 * index;
  if (config.length < at + 4) return undefined;
  return new DataView(config.buffer, config.byteOffset, config.byteLength).getUint32(at, true);
};

/**
 * The kind of BAR `index` (0-5) as its register shows it, when the register is implemented
 * (not zero) and is not the upper half of a 64-bit BAR; undefined otherwise. An unimplemented
 * register reads 0; an implemented one keeps its type bits (an I/O BAR reads at least 0x1).
 */
export function implementedBar(config: Uint8Array, index: number): 'io' | 'mem32' | 'mem64' | undefined {
  for (let i = 0; i < index; i++) {
    const before = register(config, i);
    if (before === undefined) return undefined;
    // Registers 0..index-1: a 64-bit memory BAR takes the next register as its upper half.
    if (i === index - 1 && kindOf(before) === 'mem64') return undefined;
  }
  const value = register(config, index);
  if (value === undefined || value === 0) return undefined;
  return kindOf(value);
}

/** The kind a BAR register's low bits name. */
function kindOf(value: number): 'io' | 'mem32' | 'mem64' {
  if (value & PCI_BASE_ADDRESS.spaceIo) return 'io';
  return (value & PCI_BASE_ADDRESS.memTypeMask) === PCI_BASE_ADDRESS.memType64 ? 'mem64' : 'mem32';
}
