import Table from 'cli-table3';

// Plain and compact: the same bytes on a terminal, in a pipe and in a test.
const style = { head: [], border: [], compact: true };
import type { Advice, FunctionRegions, Plan, VfioRegion } from '@barplane/domain';
import { toHex } from '@barplane/domain/pci/hex';

/** A plan for people: PE policies, one row per BAR, one per VFIO region, then the VM's slot use. */
export function planTable(plan: Plan): string {
  const out: string[] = [`host ${plan.host}  (${plan.ruleSet})`, ''];
  const pes = new Table({
    style,
    head: ['PE', 'alignment policy', 'override', 'MMIO cost', 'BARs gaining mmap', 'kernel parameter'],
  });
  for (const pe of plan.pes) {
    const a = pe.alignment;
    pes.push([pe.id, a.policy, a.override, toHex(a.mmioCost), a.barsGainingMmap, a.kernelParameter ?? '-']);
  }
  out.push(pes.toString(), '');
  const bars = new Table({ style, head: ['PE', 'BDF', 'BAR', 'mode', 'slots', 'direct ranges', 'reasons', 'advice'] });
  for (const b of plan.bars) {
    const ranges = b.directRanges.map((r) => `${toHex(r.offset)}+${toHex(r.size)}`).join(' ');
    bars.push([
      b.pe,
      b.bdf,
      b.index,
      b.mode,
      b.slots,
      ranges || '-',
      b.reasons.join(' ') || '-',
      b.advice.map(adviceText).join('; ') || '-',
    ]);
  }
  out.push(bars.toString());
  // UNAVAILABLE is decided for every BAR exactly when the kernel cannot bind vfio-pci.
  if (plan.regions)
    out.push(
      '',
      ...regionsSection(
        plan.regions,
        plan.bars.some((b) => b.mode === 'UNAVAILABLE'),
      ),
    );
  if (plan.vm) {
    const v = plan.vm;
    out.push(
      '',
      `VM ${v.id}: ${v.slotsNeeded} BAR slots needed, ${v.slotsUsedBefore} in use before, limit ${v.slotLimit}`,
    );
  }
  return out.join('\n') + '\n';
}

/** What vfio-pci would report per function once bound; a function without BARs gets one '-' row. */
function regionsSection(functions: readonly FunctionRegions[], unbindable: boolean): string[] {
  if (unbindable) return ['VFIO regions: none, the host kernel cannot bind vfio-pci'];
  const table = new Table({
    style,
    head: ['PE', 'BDF', 'region', 'size', 'flags', 'caps / sparse areas', 'sub-page reservation'],
  });
  for (const f of functions) {
    if (f.regions.length === 0) table.push([f.pe, f.bdf, '-', '-', '-', '-', '-']);
    for (const r of f.regions)
      table.push([f.pe, f.bdf, r.index, toHex(r.size), r.flags.join(' ') || '-', capsText(r), reservationText(r)]);
  }
  return ['VFIO regions (what vfio-pci reports once each function is bound)', table.toString()];
}

function capsText(r: VfioRegion): string {
  const areas = r.sparseAreas?.map((a) => `${toHex(a.offset)}+${toHex(a.size)}`) ?? [];
  return [...r.caps, ...areas].join(' ') || '-';
}

function reservationText(r: VfioRegion): string {
  const s = r.subPageReservation;
  return s ? `${toHex(s.start)}+${toHex(s.size)}` : '-';
}

function adviceText(a: Advice): string {
  switch (a.kind) {
    case 'HOST_ALIGNMENT':
      return `boot with ${a.kernelParameter}`;
    case 'GUEST_PLACEMENT':
      return `place the guest BAR at ${toHex(a.address)}`;
    case 'MSIX_RELOCATION':
      return `${a.option} (BAR ${a.target} becomes ${toHex(a.barSize)})`;
    case 'SLOT_BUDGET':
      return `needs ${a.slotsNeeded} slots, ${a.slotsFree} free`;
    case 'HOST_KERNEL':
      return `boot kernel ${a.minimumVersion} or later (or one with ${a.commit})`;
  }
}
