import { FunctionRegions, toHex } from '@barplane/domain';

/** One "vfio sub-page reserved" range: barplane's subPageReservation against /proc/iomem. */
export interface ReservationRow {
  readonly start: bigint;
  readonly end: bigint;
  readonly kernel: boolean;
  readonly barplane: boolean;
  readonly agree: boolean;
}

/**
 * While a device is open, vfio-pci claims the rest of the page of each mmap-able sub-page BAR
 * (R1.1). barplane derives the same ranges (VfioRegion.subPageReservation of the plan's
 * regions); compared as sets over the functions the probe opened.
 */
export function checkReservations(
  planned: readonly FunctionRegions[],
  opened: ReadonlySet<string>,
  kernel: readonly { start: bigint; end: bigint }[],
): ReservationRow[] {
  const key = (r: { start: bigint; end: bigint }) => `${toHex(r.start)}-${toHex(r.end)}`;
  const ours = new Map<string, { start: bigint; end: bigint }>();
  for (const fn of planned) {
    if (!opened.has(fn.bdf)) continue;
    for (const region of fn.regions) {
      const r = region.subPageReservation;
      if (r && region.flags.includes('MMAP'))
        ours.set(key({ start: r.start, end: r.start + r.size }), { start: r.start, end: r.start + r.size });
    }
  }
  const theirs = new Map(kernel.map((r) => [key(r), r]));
  const all = new Map([...ours, ...theirs]);
  return [...all.entries()]
    .sort(([, a], [, b]) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
    .map(([k, r]) => ({
      start: r.start,
      end: r.end,
      kernel: theirs.has(k),
      barplane: ours.has(k),
      agree: theirs.has(k) && ours.has(k),
    }));
}
