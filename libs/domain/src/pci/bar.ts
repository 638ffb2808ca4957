export const BAR_KINDS = ['mem32', 'mem64', 'io', 'rom'] as const;
export type BarKind = (typeof BAR_KINDS)[number];

/** Resource index of the expansion ROM (PCI_ROM_RESOURCE). */
export const ROM_INDEX = 6;

/** One BAR of a function as the host kernel assigned it (sysfs `resource`). */
export interface Bar {
  readonly index: number;
  readonly kind: BarKind;
  /** CPU physical start H; naturally aligned to `size`. */
  readonly address: bigint;
  /** Size S: 0 (unimplemented) or a power of two. */
  readonly size: bigint;
  readonly prefetchable: boolean;
  /** IORESOURCE_PCI_FIXED: the kernel never moves or resizes it. */
  readonly fixed: boolean;
}

/** Smallest size a BAR of each kind can decode (R6.2, R6.4). */
export const MIN_BAR_SIZE: Record<BarKind, bigint> = { mem32: 16n, mem64: 16n, io: 4n, rom: 0x800n };

/** mem32, mem64 and rom BARs live in the MMIO address space; io BARs do not. */
export function isMmio(kind: BarKind): boolean {
  return kind !== 'io';
}

export function isMemBar(kind: BarKind): boolean {
  return kind === 'mem32' || kind === 'mem64';
}
