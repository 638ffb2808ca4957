import { AddressRange, subtractRanges } from '../pci/address-range';
import { Bar } from '../pci/bar';
import { msixTableSize } from '../pci/msix';
import { alignDown, alignUp, isAligned } from '../pci/page-math';
import { PciFunction } from '../pci/pe';
import { DirectRange } from './bar-decision';
import { GuestMappingContext } from './guest-context';
import { BarOutcome, EXPANDED_REASONS, NO_REASONS, SHARED_OUTCOME, outcome } from './bar-outcome';
import { Reason } from './reason';

/**
 * Steps 4-9 of decision 1 for a host-eligible BAR of a function whose PE is given to the VM
 * (R1.5, R4.1-R4.7, R5.1). `G` is where the guest placed the BAR (undefined: nowhere yet);
 * `slotsFree` is what the BARs decided before this one left.
 */
export function guestMapping(
  bar: Bar,
  fn: PciFunction,
  G: bigint | undefined,
  ctx: GuestMappingContext,
  slotsFree: number,
): BarOutcome {
  const { pageSize: P, kernel, vm } = ctx;
  if (vm.noMmap) return SHARED_OUTCOME.mmapDisabled;
  if (fn.msix?.tableBar !== bar.index) {
    const quick = withoutTable(bar, G, ctx, slotsFree);
    if (quick) return quick;
  }

  const reasons: Reason[] = [];
  let areas: AddressRange[] = [{ start: 0n, end: bar.size }];
  const msix = fn.msix;
  const tableHere = msix !== undefined && msix.tableBar === bar.index;
  const relocated = tableHere && vm.msixRelocation !== 'off';
  const table: AddressRange | undefined = tableHere
    ? { start: msix.tableOffset, end: msix.tableOffset + msixTableSize(msix.vectors) }
    : undefined;
  if (relocated) reasons.push('MSIX_RELOCATED');
  if (table && !kernel.msixMappable) {
    // The kernel cuts the table's pages out of the mmap whatever QEMU does with the table.
    areas = subtractRanges(areas, [{ start: alignDown(table.start, P), end: alignUp(table.end, P) }]);
    reasons.push('NO_MSIX_MAPPABLE_SPARSE');
    if (areas.length === 0) return outcome('EMULATED', [...reasons, 'MSIX_PAGE_COVERS_BAR']);
  }

  if (G === undefined)
    return reasons.length ? outcome('PENDING', [...reasons, 'GUEST_BAR_UNMAPPED']) : SHARED_OUTCOME.unmapped;

  let eff = bar.size;
  if (bar.size < P) {
    // QEMU grows a sub-page mapping to one page only for a page-aligned guest BAR (R4.4).
    const wholeBar = areas.length === 1 && areas[0].start === 0n && areas[0].end === bar.size;
    if (!isAligned(G, P) || !wholeBar) return outcome('EMULATED', [...reasons, 'GUEST_SUBPAGE_UNALIGNED']);
    eff = P;
    areas = [{ start: 0n, end: P }];
    reasons.push('EXPANDED_TO_PAGE');
  }

  const traps: AddressRange[] = [];
  if (table && !relocated && vm.msixEmulation) {
    traps.push(table);
    reasons.push('MSIX_TABLE_TRAPPED');
  }
  const sharing = ctx.guestBars.overlapping(G, G + eff, bar);
  for (const other of sharing) {
    traps.push({
      start: (other.start > G ? other.start : G) - G,
      end: (other.end < G + eff ? other.end : G + eff) - G,
    });
  }
  if (sharing.length > 0) reasons.push('GUEST_PAGE_SHARED');

  const pieces = traps.length > 0 ? subtractRanges(areas, traps) : areas;
  // Each piece shrinks to whole pages (KVM maps pages); one that changes was trimmed, and
  // subtractRanges gives no empty piece, so a piece that shrinks to nothing was trimmed too.
  const ranges: DirectRange[] = [];
  let trimmed = false;
  for (const piece of pieces) {
    const start = alignUp(piece.start, P);
    const end = alignDown(piece.end, P);
    if (start !== piece.start || end !== piece.end) trimmed = true;
    if (end > start) ranges.push({ offset: start, size: end - start });
  }
  if (trimmed) reasons.push('KVM_PAGE_TRIM');

  if (ranges.length > slotsFree) {
    return outcome('EMULATED', [...reasons, 'KVM_SLOTS_EXHAUSTED'], undefined, {
      needed: ranges.length,
      free: slotsFree,
    });
  }
  if (ranges.length === 0) return outcome('EMULATED', reasons);
  if (ranges.length === 1 && ranges[0].offset === 0n && ranges[0].size === eff) {
    return outcome(eff > bar.size ? 'DIRECT_PAGE_EXPANDED' : 'DIRECT', reasons, ranges);
  }
  return outcome('PARTIAL_DIRECT', reasons, ranges);
}

/**
 * The common case, decided without building ranges: no MSI-X table in the BAR and no other
 * guest BAR in its mapping, so the mapping is one whole-page piece (or the BAR is pending or
 * sub-page misplaced). Undefined when guest BARs overlap: the general path decides then.
 */
function withoutTable(
  bar: Bar,
  G: bigint | undefined,
  ctx: GuestMappingContext,
  slotsFree: number,
): BarOutcome | undefined {
  if (G === undefined) return SHARED_OUTCOME.unmapped;
  const P = ctx.pageSize;
  const expanded = bar.size < P;
  if (expanded && !isAligned(G, P)) return SHARED_OUTCOME.guestSubpage;
  const eff = expanded ? P : bar.size;
  if (ctx.guestBars.anyOverlap(G, G + eff, bar)) return undefined;
  if (slotsFree < 1) {
    const reasons = expanded ? EXPANDED_REASONS : NO_REASONS;
    return outcome('EMULATED', [...reasons, 'KVM_SLOTS_EXHAUSTED'], undefined, { needed: 1, free: slotsFree });
  }
  return expanded ? ctx.wholeBar.expandedToPage() : ctx.wholeBar.directOf(eff);
}
