import { AddressRange, subtractRanges } from '../pci/address-range';
import { AddressRangeIndex } from '../pci/address-range-index';
import { Bar } from '../pci/bar';
import { KernelFeatures } from '../pci/host';
import { msixTableSize } from '../pci/msix';
import { alignDown, alignUp } from '../pci/page-math';
import { PciFunction } from '../pci/pe';
import { Vm } from '../pci/vm';
import { DirectRange } from './bar-decision';
import { BarOutcome, EXPANDED_REASONS, NO_REASONS, SHARED_OUTCOME, outcome } from './bar-outcome';
import { Reason } from './reason';

/** The VM-side facts the mapping of one BAR depends on. */
export interface GuestMappingContext {
  readonly pageSize: bigint;
  readonly kernel: KernelFeatures;
  readonly vm: Vm;
  /** Guest BAR ranges of the VM, owned by the host BAR they map. */
  readonly guestBars: AddressRangeIndex<Bar>;
  readonly guestAddress: ReadonlyMap<Bar, bigint>;
}

/**
 * Steps 4-9 of decision 1 for a host-eligible BAR of a function whose PE is given to the VM
 * (R1.5, R4.1-R4.7, R5.1). `slotsFree` is what the BARs decided before this one left.
 */
export function guestMapping(bar: Bar, fn: PciFunction, ctx: GuestMappingContext, slotsFree: number): BarOutcome {
  const { pageSize: P, kernel, vm } = ctx;
  if (vm.noMmap) return SHARED_OUTCOME.mmapDisabled;
  if (fn.msix?.tableBar !== bar.index) {
    const quick = withoutTable(bar, ctx, slotsFree);
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

  const G = ctx.guestAddress.get(bar);
  if (G === undefined)
    return reasons.length ? outcome('PENDING', [...reasons, 'GUEST_BAR_UNMAPPED']) : SHARED_OUTCOME.unmapped;

  let eff = bar.size;
  if (bar.size < P) {
    // QEMU grows a sub-page mapping to one page only for a page-aligned guest BAR (R4.4).
    const wholeBar = areas.length === 1 && areas[0].start === 0n && areas[0].end === bar.size;
    if (G % P !== 0n || !wholeBar) return outcome('EMULATED', [...reasons, 'GUEST_SUBPAGE_UNALIGNED']);
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

  const pieces = subtractRanges(areas, traps);
  const slots = pieces
    .map((p) => ({ start: alignUp(p.start, P), end: alignDown(p.end, P) }))
    .filter((p) => p.end > p.start);
  const trimmed =
    slots.length !== pieces.length || slots.some((s, i) => s.start !== pieces[i].start || s.end !== pieces[i].end);
  if (trimmed) reasons.push('KVM_PAGE_TRIM');

  if (slots.length > slotsFree) {
    return outcome('EMULATED', [...reasons, 'KVM_SLOTS_EXHAUSTED'], undefined, {
      needed: slots.length,
      free: slotsFree,
    });
  }
  if (slots.length === 0) return outcome('EMULATED', reasons);
  const ranges: DirectRange[] = slots.map((s) => ({ offset: s.start, size: s.end - s.start }));
  if (slots.length === 1 && slots[0].start === 0n && slots[0].end === eff) {
    return outcome(eff > bar.size ? 'DIRECT_PAGE_EXPANDED' : 'DIRECT', reasons, ranges);
  }
  return outcome('PARTIAL_DIRECT', reasons, ranges);
}

/**
 * The common case, decided without building ranges: no MSI-X table in the BAR and no other
 * guest BAR in its mapping, so the mapping is one whole-page piece (or the BAR is pending or
 * sub-page misplaced). Undefined when guest BARs overlap: the general path decides then.
 */
function withoutTable(bar: Bar, ctx: GuestMappingContext, slotsFree: number): BarOutcome | undefined {
  const G = ctx.guestAddress.get(bar);
  if (G === undefined) return SHARED_OUTCOME.unmapped;
  const P = ctx.pageSize;
  const expanded = bar.size < P;
  if (expanded && G % P !== 0n) return SHARED_OUTCOME.guestSubpage;
  const eff = expanded ? P : bar.size;
  if (ctx.guestBars.anyOverlap(G, G + eff, bar)) return undefined;
  const reasons = expanded ? EXPANDED_REASONS : NO_REASONS;
  if (slotsFree < 1)
    return outcome('EMULATED', [...reasons, 'KVM_SLOTS_EXHAUSTED'], undefined, { needed: 1, free: slotsFree });
  return outcome(expanded ? 'DIRECT_PAGE_EXPANDED' : 'DIRECT', reasons, [{ offset: 0n, size: eff }]);
}
