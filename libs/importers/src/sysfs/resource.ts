import { BarKind } from '@barplane/domain';

/**
 * Resource flags as sysfs `resource` prints them (torvalds/linux include/linux/ioport.h; the
 * header says userspace sees them there, so they do not move). The low byte holds bus bits:
 * for a BAR the raw low bits of the register, plus IORESOURCE_PCI_FIXED (1 << 4).
 */
export const IORESOURCE = {
  IO: 0x100n,
  MEM: 0x200n,
  PREFETCH: 0x2000n,
  MEM_64: 0x100000n,
  DISABLED: 0x10000000n,
  UNSET: 0x20000000n,
  PCI_FIXED: 0x10n,
} as const;

/** Resource line indices (include/linux/pci.h): BARs 0-5, ROM 6, then SR-IOV 7-12 or bridge windows. */
export const ROM_RESOURCE = 6;

export interface ResourceLine {
  index: number;
  start: bigint;
  end: bigint;
  flags: bigint;
}

const LINE = /^\s*(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s*$/i;

/** Parses a sysfs `resource` file: one `start end flags` line per resource, in hex. */
export function parseResourceFile(text: string): { lines: ResourceLine[]; problems: string[] } {
  const lines: ResourceLine[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    const m = LINE.exec(raw);
    if (!m) {
      problems.push(`resource line ${i + 1} is not "start end flags" in hex: "${raw.trim()}"`);
      return;
    }
    lines.push({ index: lines.length, start: BigInt(m[1]), end: BigInt(m[2]), flags: BigInt(m[3]) });
  });
  return { lines, problems };
}

export type ResourceBar =
  | { ok: true; kind: BarKind; address: bigint; size: bigint; prefetchable: boolean; fixed: boolean }
  | { ok: false; absent: true }
  | { ok: false; absent: false; problem: string };

/** One BAR or ROM line as a scenario BAR; `absent` for an unimplemented BAR or the upper half of a 64-bit one. */
export function resourceBar(line: ResourceLine): ResourceBar {
  const { start, end, flags } = line;
  if (end === 0n && start === 0n) return { ok: false, absent: true };
  if (flags & IORESOURCE.UNSET) return { ok: false, absent: false, problem: 'no address assigned (IORESOURCE_UNSET)' };
  if (end < start)
    return { ok: false, absent: false, problem: `end 0x${end.toString(16)} below start 0x${start.toString(16)}` };
  const size = end - start + 1n;
  const prefetchable = (flags & IORESOURCE.PREFETCH) !== 0n;
  const fixed = (flags & IORESOURCE.PCI_FIXED) !== 0n;
  let kind: BarKind;
  if (line.index === ROM_RESOURCE) kind = 'rom';
  else if (flags & IORESOURCE.IO) kind = 'io';
  else if (flags & IORESOURCE.MEM) kind = flags & IORESOURCE.MEM_64 ? 'mem64' : 'mem32';
  else return { ok: false, absent: false, problem: `flags 0x${flags.toString(16)} name neither I/O nor memory` };
  // The ROM's low bits are ROM control bits, not IORESOURCE_PCI_FIXED's neighbours; the kernel
  // treats ROM as prefetchable read-only memory, a scenario ROM is never prefetchable.
  if (kind === 'rom') return { ok: true, kind, address: start, size, prefetchable: false, fixed };
  return { ok: true, kind, address: start, size, prefetchable: kind !== 'io' && prefetchable, fixed };
}
