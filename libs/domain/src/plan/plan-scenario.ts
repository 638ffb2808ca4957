import { Advice } from '../decision/advice';
import { adviceFor } from '../decision/advice-for';
import { alignmentPolicy } from '../decision/alignment-policy';
import { BarDecision } from '../decision/bar-decision';
import { BarOutcome, SHARED_OUTCOME } from '../decision/bar-outcome';
import { freeGuestPage } from '../decision/guest-placement';
import { GuestMappingContext, guestMapping } from '../decision/guest-mapping';
import { hostMmapEligibility } from '../decision/host-mmap-eligibility';
import { takesSlots } from '../decision/mapping-mode';
import { msixRelocationAdvice } from '../decision/msix-relocation';
import { Reason, isHostReason } from '../decision/reason';
import { RULE_SET } from '../decision/rule-set';
import { AddressRangeIndex, OwnedRange } from '../pci/address-range-index';
import { Bar } from '../pci/bar';
import { Pe, PciFunction } from '../pci/pe';
import { Vm } from '../pci/vm';
import { Scenario } from '../scenario/scenario';
import { HostLayout, hostLayout } from './host-layout';
import { Plan } from './plan';

const NO_ADVICE: readonly Advice[] = Object.freeze([]);

type MutableDecision = { -readonly [K in keyof BarDecision]: BarDecision[K] };

/**
 * Decides a whole host: every BAR of every function in (PE id, BDF, index) order, then each
 * PE's alignment policy, then the advice that needs both. A pure function of the scenario;
 * the input must have passed `scenarioProblems`. Shared outcome objects and identity-keyed
 * maps keep it allocation-light: a host can have tens of thousands of BARs. `layout` is the
 * scenario's own, given when the caller needs it too (`planAnswer`).
 */
export function planScenario(scenario: Scenario, layout: HostLayout = hostLayout(scenario)): Plan {
  const { host, vm } = scenario;
  const P = host.pageSize;
  const { pes, mmio } = layout;
  const assigned = new Set(vm?.assignedPes ?? []);
  const guest = vm ? guestContext(vm, pes, assigned, host.pageSize, host.kernel) : undefined;

  const relocations = new Map<PciFunction, ReturnType<typeof msixRelocationAdvice>>();
  const relocation = (fn: PciFunction) => {
    if (!relocations.has(fn)) relocations.set(fn, msixRelocationAdvice(fn, P));
    return relocations.get(fn);
  };
  const planPes: Plan['pes'][number][] = [];
  const bars: BarDecision[] = [];
  const hostReasons = new Map<Bar, Reason>();
  let slotsFree = vm ? host.kvmMemslots - vm.memslotsUsed : 0;
  // One pass: a PE's alignment needs only its own BARs' host outcomes, and advice needs the
  // alignment, so each PE is finished (decisions, alignment, advice) before the next starts.
  for (const pe of pes) {
    const given = guest !== undefined && assigned.has(pe.id);
    const advisable: { decision: MutableDecision; fn: PciFunction; bar: Bar; outcome: BarOutcome }[] = [];
    for (const fn of pe.functions) {
      for (const bar of fn.bars) {
        let decided = hostMmapEligibility(bar, P, host.kernel, mmio);
        if (decided) {
          if (isHostReason(decided.reasons[0])) hostReasons.set(bar, decided.reasons[0]);
        } else if (!given) decided = SHARED_OUTCOME.unmapped;
        else decided = guestMapping(bar, fn, guest, slotsFree);
        const slots = takesSlots(decided.mode) ? decided.directRanges.length : 0;
        slotsFree -= slots;
        const decision: MutableDecision = {
          pe: pe.id,
          bdf: fn.bdf,
          index: bar.index,
          mode: decided.mode,
          reasons: decided.reasons,
          slots,
          directRanges: decided.directRanges,
          advice: NO_ADVICE,
        };
        bars.push(decision);
        if (decided.mode === 'EMULATED' || decided.mode === 'PARTIAL_DIRECT' || decided.mode === 'UNAVAILABLE') {
          advisable.push({ decision, fn, bar, outcome: decided });
        }
      }
    }
    const alignment = alignmentPolicy(pe, host, (_fn, bar) => hostReasons.get(bar));
    planPes.push({ id: pe.id, alignment });
    for (const { decision, fn, bar, outcome } of advisable) {
      decision.advice = adviceFor({
        fn,
        bar,
        outcome,
        alignment,
        msixMappable: host.kernel.msixMappable,
        pageSize: P,
        freeGuestPage: () => freeGuestPage(guest!.guestAddress.get(bar)!, P, guest!.guestBars, bar),
        relocation,
      });
    }
  }

  const plan: Plan = { ruleSet: RULE_SET, host: host.id, pes: planPes, bars };
  if (!vm) return plan;
  let slotsNeeded = 0;
  for (const b of bars) slotsNeeded += b.slots;
  return { ...plan, vm: { id: vm.id, slotsUsedBefore: vm.memslotsUsed, slotsNeeded, slotLimit: host.kvmMemslots } };
}

function guestContext(
  vm: Vm,
  pes: readonly Pe[],
  assigned: ReadonlySet<string>,
  pageSize: bigint,
  kernel: Scenario['host']['kernel'],
): GuestMappingContext {
  // Guest BARs belong to functions of assigned PEs (scenario rules), so only those are looked up.
  const functions = new Map<string, PciFunction>();
  for (const pe of pes) if (assigned.has(pe.id)) for (const fn of pe.functions) functions.set(fn.bdf, fn);
  const guestAddress = new Map<Bar, bigint>();
  const ranges: OwnedRange<Bar>[] = [];
  for (const g of vm.guestBars) {
    const bar = functions.get(g.bdf)?.bars.find((b) => b.index === g.index);
    if (!bar) continue;
    guestAddress.set(bar, g.address);
    ranges.push({ start: g.address, end: g.address + bar.size, owner: bar });
  }
  return { pageSize, kernel, vm, guestBars: new AddressRangeIndex(ranges), guestAddress };
}
