import { regionOffset, toHex, VfioRegion } from '@barplane/domain';
import { KernelDevice, KernelRegion } from './guest-report';

/** A region reduced to what both sides can say about it; undefined stands for "no region" (size 0). */
export interface RegionView {
  readonly size: bigint;
  readonly offset: bigint;
  readonly flags: readonly string[];
  readonly caps: readonly string[];
  readonly areas?: readonly { offset: bigint; size: bigint }[];
}

export interface RegionRow {
  readonly bdf: string;
  /** 0-5 BARs, 6 the ROM. */
  readonly index: number;
  readonly kernel?: RegionView;
  readonly barplane?: RegionView;
  readonly agree: boolean;
  /** What differs, in words, when they do not agree. */
  readonly difference?: string;
}

/** BAR and ROM regions; config space (7) and VGA (8) are not barplane's. */
const LAST_BAR_REGION = 6;

const FLAG_ORDER = ['READ', 'WRITE', 'MMAP'];
const sortFlags = (flags: readonly string[]) =>
  [...flags].sort((a, b) => FLAG_ORDER.indexOf(a) - FLAG_ORDER.indexOf(b));

function kernelView(r: KernelRegion | undefined): RegionView | undefined {
  if (!r || r.size === 0n) return undefined;
  const sparse = r.caps.find((c) => c.type === 'SPARSE_MMAP');
  return {
    size: r.size,
    offset: r.offset,
    flags: sortFlags(r.flags),
    caps: r.caps.map((c) => c.type).sort(),
    ...(sparse?.areas ? { areas: sparse.areas } : {}),
  };
}

function barplaneView(r: VfioRegion | undefined): RegionView | undefined {
  if (!r || r.size === 0n) return undefined;
  return {
    size: r.size,
    offset: r.offset,
    flags: sortFlags(r.flags),
    caps: [...r.caps].sort(),
    ...(r.sparseAreas ? { areas: r.sparseAreas } : {}),
  };
}

/** "0x4000 RW MMAP MSIX_MAPPABLE", "none". */
export function describeRegion(v: RegionView | undefined): string {
  if (!v) return 'none';
  const rw = v.flags
    .filter((f) => f !== 'MMAP')
    .map((f) => f[0])
    .join('');
  const parts = [toHex(v.size), rw, ...(v.flags.includes('MMAP') ? ['MMAP'] : []), ...v.caps];
  if (v.areas) parts.push(`areas ${v.areas.map((a) => `${toHex(a.offset)}+${toHex(a.size)}`).join(',')}`);
  return parts.join(' ');
}

function difference(k: RegionView | undefined, b: RegionView | undefined): string | undefined {
  if (!k && !b) return undefined;
  if (!k) return 'barplane shows a region the kernel does not report';
  if (!b) return 'the kernel reports a region barplane does not derive';
  const diffs: string[] = [];
  if (k.size !== b.size) diffs.push(`size ${toHex(k.size)} (kernel) vs ${toHex(b.size)}`);
  if (k.offset !== b.offset) diffs.push(`offset ${toHex(k.offset)} (kernel) vs ${toHex(b.offset)}`);
  if (k.flags.join() !== b.flags.join()) diffs.push(`flags ${k.flags.join('|')} (kernel) vs ${b.flags.join('|')}`);
  if (k.caps.join() !== b.caps.join())
    diffs.push(`caps ${k.caps.join('|') || 'none'} (kernel) vs ${b.caps.join('|') || 'none'}`);
  const areas = (v: RegionView) => (v.areas ?? []).map((a) => `${a.offset}+${a.size}`).join();
  if (areas(k) !== areas(b)) diffs.push('sparse areas differ');
  return diffs.length > 0 ? diffs.join('; ') : undefined;
}

/**
 * Region by region, BARs and ROM: what the kernel reported for `device` against the regions
 * barplane derives for that function (`derived`: what `barplane plan` answers, the derivation
 * apps/vfio-regions uses). The kernel's offsets are checked against index << 40 too.
 */
export function compareRegions(derived: readonly VfioRegion[], device: KernelDevice): RegionRow[] {
  const rows: RegionRow[] = [];
  for (let index = 0; index <= LAST_BAR_REGION; index++) {
    const kernelRegion = device.regions.find((r) => r.index === index);
    const kernel = kernelView(kernelRegion);
    const barplane = barplaneView(derived.find((r) => r.index === index));
    let diff = difference(kernel, barplane);
    if (!diff && kernelRegion && kernelRegion.offset !== regionOffset(index)) {
      diff = `the kernel puts region ${index} at ${toHex(kernelRegion.offset)}, not index << 40`;
    }
    if (!kernel && !barplane) continue;
    rows.push({
      bdf: device.bdf,
      index,
      kernel,
      barplane,
      agree: diff === undefined,
      ...(diff ? { difference: diff } : {}),
    });
  }
  return rows;
}
