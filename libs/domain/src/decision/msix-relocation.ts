import { Bar, isMemBar } from '../pci/bar';
import { msixRelocatedSize } from '../pci/msix';
import { PciFunction } from '../pci/pe';

export interface RelocationAdvice {
  readonly target: number;
  readonly barSize: bigint;
}

/**
 * Where `x-msix-relocation` would put the table (R4.5): the lowest free BAR index (not the
 * upper half of a 64-bit BAR) gets a new BAR of the relocated size; with no free index the
 * smallest memory BAR doubles (at least to twice the relocated size).
 */
export function msixRelocationAdvice(fn: PciFunction, pageSize: bigint): RelocationAdvice | undefined {
  if (!fn.msix) return undefined;
  const msixSize = msixRelocatedSize(fn.msix.vectors, pageSize);
  // Bit i set: BAR index i is taken (indices 0..6, so a number holds them all).
  let used = 0;
  for (const bar of fn.bars) {
    if (bar.index > 5) continue;
    if (bar.size > 0n) used |= 1 << bar.index;
    if (bar.kind === 'mem64') used |= 1 << (bar.index + 1);
  }
  for (let index = 0; index <= 5; index++) {
    if ((used & (1 << index)) === 0) return { target: index, barSize: msixSize };
  }
  let smallest: Bar | undefined;
  for (const bar of fn.bars) {
    if (isMemBar(bar.kind) && bar.size > 0n && (!smallest || bar.size < smallest.size)) smallest = bar;
  }
  if (!smallest) return undefined;
  const doubled = 2n * smallest.size;
  return { target: smallest.index, barSize: doubled > 2n * msixSize ? doubled : 2n * msixSize };
}
