import { AddressRangeIndex, OwnedRange } from '../pci/address-range-index';
import { Bar } from '../pci/bar';
import { KernelFeatures } from '../pci/host';
import { Pe, PciFunction } from '../pci/pe';
import { ShardedMap, stringShard } from '../pci/sharded-map';
import { GuestBar, Vm } from '../pci/vm';
import { WholeBarOutcomes } from './whole-bar-outcomes';

/** The VM-side facts the mapping of one BAR depends on. */
export interface GuestMappingContext {
  readonly pageSize: bigint;
  readonly kernel: KernelFeatures;
  readonly vm: Vm;
  /** Guest BAR ranges of the VM, owned by the host BAR they map. */
  readonly guestBars: AddressRangeIndex<Bar>;
  /** The VM's guest BARs by host function. */
  readonly placed: PlacedBars;
  /** `placed.firstOf` each function of the given PEs, in decision order (looked up once). */
  readonly firstOfGiven: Int32Array;
  readonly wholeBar: WholeBarOutcomes;
}

/**
 * The guest side of a plan, built once: the VM's guest BARs by function (looked up once per
 * function, not once per BAR) and their address index. `given` are the PEs assigned to the
 * VM, in decision order; guest BARs of other functions are never asked about.
 */
export function guestContext(
  vm: Vm,
  given: readonly Pe[],
  pageSize: bigint,
  kernel: KernelFeatures,
): GuestMappingContext {
  const placed = new PlacedBars(vm.guestBars);
  let functions = 0;
  for (const pe of given) functions += pe.functions.length;
  const firstOfGiven = new Int32Array(functions);
  const ranges: OwnedRange<Bar>[] = [];
  let f = 0;
  for (const pe of given) {
    for (const fn of pe.functions) {
      const first = (firstOfGiven[f++] = placed.firstOf(fn.bdf));
      for (let i = first; i >= 0; i = placed.nextOf(i)) {
        const g = vm.guestBars[i];
        const bar = barAt(fn, g.index);
        if (bar) ranges.push({ start: g.address, end: g.address + bar.size, owner: bar });
      }
    }
  }
  const guestBars = new AddressRangeIndex(ranges);
  return { pageSize, kernel, vm, guestBars, placed, firstOfGiven, wholeBar: new WholeBarOutcomes(pageSize) };
}

/**
 * The guest BARs of each function, as a chain of positions in `vm.guestBars` (-1 ends it):
 * one index array instead of a list per function, as a plan builds it for every VM.
 */
export class PlacedBars {
  private readonly first = new ShardedMap<string, number>(stringShard);
  private readonly next: Int32Array;

  constructor(private readonly guestBars: readonly GuestBar[]) {
    this.next = new Int32Array(guestBars.length);
    // Walked backwards so that each chain keeps the input order.
    for (let i = guestBars.length - 1; i >= 0; i--) this.next[i] = this.first.swap(guestBars[i].bdf, i) ?? -1;
  }

  /** The first guest BAR of the function with this BDF, or -1. */
  firstOf(bdf: string): number {
    return this.first.get(bdf) ?? -1;
  }

  nextOf(position: number): number {
    return this.next[position];
  }

  /** Where the guest placed BAR `index` of the function whose chain starts at `first`. */
  addressOf(first: number, index: number): bigint | undefined {
    for (let i = first; i >= 0; i = this.next[i])
      if (this.guestBars[i].index === index) return this.guestBars[i].address;
    return undefined;
  }
}

/** The function's first BAR at `index` (a loop: no closure per guest BAR). */
function barAt(fn: PciFunction, index: number): Bar | undefined {
  for (const bar of fn.bars) if (bar.index === index) return bar;
  return undefined;
}
