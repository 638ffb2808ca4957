import { BarDecision, Pe, Reason, toHex } from '@barplane/domain';
import { describeRegion, RegionRow } from './region-comparison';

/** One BAR: barplane's host-side decision (plan without a VM) beside the kernel's region for it. */
export interface BarRow {
  readonly pe: string;
  readonly bdf: string;
  readonly index: number;
  readonly kind: string;
  readonly address: bigint;
  readonly size: bigint;
  readonly mode: string;
  readonly reasons: readonly Reason[];
  readonly kernelSays: string;
  readonly agree: boolean;
  readonly difference?: string;
}

/**
 * What the kernel's region must look like for each host-side outcome: ZERO_SIZE no region,
 * IO_BAR read/write without mmap, ROM_BAR read only, HOST_* no mmap, anything the host allows
 * (PENDING before a VM is known) mmap.
 */
function expectedRegion(decision: BarDecision): { flags: string; what: string } {
  const first = decision.reasons[0];
  if (first === 'VFIO_PCI_UNBINDABLE') return { flags: 'not bound', what: 'vfio-pci does not bind' };
  if (first === 'ZERO_SIZE') return { flags: 'none', what: 'no region' };
  if (first === 'IO_BAR') return { flags: 'READ|WRITE', what: 'read/write, no mmap' };
  if (first === 'ROM_BAR') return { flags: 'READ', what: 'read only' };
  if (first === 'HOST_SUBPAGE_UNALIGNED' || first === 'HOST_PAGE_REMAINDER_BUSY')
    return { flags: 'READ|WRITE', what: 'no mmap' };
  return { flags: 'READ|WRITE|MMAP', what: 'mmap' };
}

/**
 * Each decided BAR of the functions the kernel reported (opened through VFIO) against that
 * function's region row, and of the functions vfio-pci refused to bind (`refused`, with the
 * kernel's line) against "not bound".
 */
export function checkBars(
  decisions: readonly BarDecision[],
  pes: readonly Pe[],
  rows: readonly RegionRow[],
  reported: ReadonlySet<string>,
  refused: ReadonlyMap<string, string>,
): BarRow[] {
  const bars = new Map(
    pes.flatMap((pe) => pe.functions.flatMap((fn) => fn.bars.map((b) => [`${fn.bdf}/${b.index}`, b] as const))),
  );
  const out: BarRow[] = [];
  for (const d of decisions) {
    const notBound = refused.get(d.bdf);
    if (!reported.has(d.bdf) && notBound === undefined) continue;
    const bar = bars.get(`${d.bdf}/${d.index}`);
    if (!bar) continue;
    const row = rows.find((r) => r.bdf === d.bdf && r.index === d.index);
    const kernelFlags = notBound !== undefined ? 'not bound' : row?.kernel ? row.kernel.flags.join('|') : 'none';
    const expected = expectedRegion(d);
    const agree = kernelFlags === expected.flags;
    out.push({
      pe: d.pe,
      bdf: d.bdf,
      index: d.index,
      kind: bar.kind,
      address: bar.address,
      size: bar.size,
      mode: d.mode,
      reasons: d.reasons,
      kernelSays:
        notBound !== undefined
          ? `vfio-pci did not bind${notBound ? `: ${notBound}` : ''}`
          : describeRegion(row?.kernel),
      agree,
      ...(agree
        ? {}
        : {
            difference: `${d.mode} ${d.reasons.join(',')} means ${expected.what}; the kernel's region is ${kernelFlags} (BAR at ${toHex(bar.address)})`,
          }),
    });
  }
  return out;
}
