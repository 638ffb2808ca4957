import { adviceFor } from '../decision/advice-for';
import { alignmentPolicy } from '../decision/alignment-policy';
import { BarDecision } from '../decision/bar-decision';
import { BarOutcome, outcome } from '../decision/bar-outcome';
import { freeGuestPage } from '../decision/guest-placement';
import { GuestMappingContext, guestBarKey, guestMapping } from '../decision/guest-mapping';
import { hostMmapEligibility } from '../decision/host-mmap-eligibility';
import { takesSlots } from '../decision/mapping-mode';
import { msixRelocationAdvice } from '../decision/msix-relocation';
import { RULE_SET } from '../decision/rule-set';
import { AddressRangeIndex, OwnedRange } from '../pci/address-range-index';
import { Bar, isMmio } from '../pci/bar';
import { compareIds } from '../pci/bdf';
import { Pe, PciFunction } from '../pci/pe';
import { Vm } from '../pci/vm';
import { Scenario } from '../scenario/scenario';
import { Plan } from './plan';

/**
 * Decides a whole host: every BAR of every function in (PE id, BDF, index) order, then each
 * PE's alignment policy, then the advice that needs both. A pure function of the scenario;
 * the input must have passed `scenarioProblems`.
 */
export function planScenario(scenario: Scenario): Plan {
  const { host, vm } = scenario;
  const P = host.pageSize;
  const pes = inDecisionOrder(scenario.pes);
  const mmio = mmioIndex(scenario);
  const guest = vm ? guestContext(scenario, vm, pes) : undefined;
  const assigned = new Set(vm?.assignedPes ?? []);

  const outcomes = new Map<Bar, BarOutcome>();
  const hostTerminal = new Set<Bar>();
  let slotsFree = vm ? host.kvmMemslots - vm.memslotsUsed : 0;
  for (const pe of pes) {
    for (const fn of pe.functions) {
      for (const bar of fn.bars) {
        let decided = hostMmapEligibility(bar, P, host.kernel, mmio);
        if (decided) hostTerminal.add(bar);
        else if (!guest || !assigned.has(pe.id)) decided = outcome('PENDING', ['GUEST_BAR_UNMAPPED']);
        else decided = guestMapping(bar, fn, guest, slotsFree);
        if (takesSlots(decided.mode)) slotsFree -= decided.directRanges.length;
        outcomes.set(bar, decided);
      }
    }
  }

  const relocations = new Map<PciFunction, ReturnType<typeof msixRelocationAdvice>>();
  const relocation = (fn: PciFunction) => {
    if (!relocations.has(fn)) relocations.set(fn, msixRelocationAdvice(fn, P));
    return relocations.get(fn);
  };
  const planPes: Plan['pes'][number][] = [];
  const bars: BarDecision[] = [];
  for (const pe of pes) {
    const alignment = alignmentPolicy(pe, host, (_fn, bar) =>
      hostTerminal.has(bar) ? outcomes.get(bar)?.reasons[0] : undefined,
    );
    planPes.push({ id: pe.id, alignment });
    for (const fn of pe.functions) {
      for (const bar of fn.bars) {
        const decided = outcomes.get(bar)!;
        const key = guestBarKey(fn.bdf, bar.index);
        const advice = adviceFor({
          fn,
          bar,
          outcome: decided,
          alignment,
          msixMappable: host.kernel.msixMappable,
          freeGuestPage: () => freeGuestPage(guest!.guestAddress.get(key)!, P, guest!.guestBars, key),
          relocation,
        });
        bars.push({
          pe: pe.id,
          bdf: fn.bdf,
          index: bar.index,
          mode: decided.mode,
          reasons: decided.reasons,
          slots: takesSlots(decided.mode) ? decided.directRanges.length : 0,
          directRanges: decided.directRanges,
          advice,
        });
      }
    }
  }

  const plan: Plan = { ruleSet: RULE_SET, host: host.id, pes: planPes, bars };
  if (!vm) return plan;
  const slotsNeeded = bars.reduce((sum, b) => sum + b.slots, 0);
  return {
    ...plan,
    vm: { id: vm.id, slotsUsedBefore: vm.memslotsUsed, slotsNeeded, slotLimit: host.kvmMemslots },
  };
}

function inDecisionOrder(pes: readonly Pe[]): Pe[] {
  return [...pes]
    .sort((a, b) => compareIds(a.id, b.id))
    .map((pe) => ({
      ...pe,
      functions: [...pe.functions]
        .sort((a, b) => compareIds(a.bdf, b.bdf))
        .map((fn) => ({ ...fn, bars: [...fn.bars].sort((a, b) => a.index - b.index) })),
    }));
}

/** Every MMIO resource of the host: mem and rom BARs of size > 0, and reserved ranges. */
function mmioIndex(scenario: Scenario): AddressRangeIndex<Bar | null> {
  const ranges: OwnedRange<Bar | null>[] = [];
  for (const pe of scenario.pes) {
    for (const fn of pe.functions) {
      for (const bar of fn.bars) {
        if (isMmio(bar.kind) && bar.size > 0n) ranges.push({ start: bar.address, end: bar.address + bar.size, owner: bar });
      }
    }
  }
  for (const r of scenario.host.reservedRanges) ranges.push({ start: r.start, end: r.end, owner: null });
  return new AddressRangeIndex(ranges);
}

function guestContext(scenario: Scenario, vm: Vm, pes: readonly Pe[]): GuestMappingContext {
  const sizes = new Map<string, bigint>();
  for (const pe of pes) for (const fn of pe.functions) for (const bar of fn.bars) sizes.set(guestBarKey(fn.bdf, bar.index), bar.size);
  const guestAddress = new Map<string, bigint>();
  const ranges: OwnedRange<string>[] = [];
  for (const g of vm.guestBars) {
    const key = guestBarKey(g.bdf, g.index);
    guestAddress.set(key, g.address);
    ranges.push({ start: g.address, end: g.address + (sizes.get(key) ?? 0n), owner: key });
  }
  return {
    pageSize: scenario.host.pageSize,
    kernel: scenario.host.kernel,
    vm,
    guestBars: new AddressRangeIndex(ranges),
    guestAddress,
  };
}
