import { alignUp, ceilDiv, pow2Ceil } from './page-math';

/** Where a function keeps its MSI-X table and PBA (R6.6). */
export interface MsixLayout {
  readonly tableBar: number;
  readonly tableOffset: bigint;
  /** N, 1..2048. */
  readonly vectors: number;
  readonly pbaBar?: number;
  readonly pbaOffset?: bigint;
}

export const MSIX_ENTRY_SIZE = 16n;

export function msixTableSize(vectors: number): bigint {
  return MSIX_ENTRY_SIZE * BigInt(vectors);
}

export function msixPbaSize(vectors: number): bigint {
  return ceilDiv(BigInt(vectors), 64n) * 8n;
}

/** Size of the BAR QEMU creates for a relocated table and PBA (R4.5). */
export function msixRelocatedSize(vectors: number, pageSize: bigint): bigint {
  return pow2Ceil(alignUp(msixTableSize(vectors) + msixPbaSize(vectors), pageSize));
}
