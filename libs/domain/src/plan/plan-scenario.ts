import { AdviceContext, NO_ADVICE, adviceFor, hostAlignmentAdvice } from '../decision/advice-for';
import { alignmentPolicy } from '../decision/alignment-policy';
import { BarDecision } from '../decision/bar-decision';
import { BarOutcome, SHARED_OUTCOME } from '../decision/bar-outcome';
import { guestContext } from '../decision/guest-context';
import { guestMapping } from '../decision/guest-mapping';
import { freeGuestPage } from '../decision/guest-placement';
import { hostMmapEligibility } from '../decision/host-mmap-eligibility';
import { MappingMode, takesSlots } from '../decision/mapping-mode';
import { msixRelocationAdvice } from '../decision/msix-relocation';
import { RULE_SET } from '../decision/rule-set';
import { Pe } from '../pci/pe';
import { Scenario } from '../scenario/scenario';
import { HostLayout, hostLayout } from './host-layout';
import { Plan } from './plan';

type MutableDecision = { -readonly [K in keyof BarDecision]: BarDecision[K] };
type HostAdvice = Omit<AdviceContext, 'alignment' | 'hostAlignment'>;

/**
 * Decides a whole host: every BAR of every function in (PE id, BDF, index) order, then each
 * PE's alignment policy, then the advice that needs both. A pure function of the scenario;
 * the input must have passed `scenarioProblems`. Shared outcome objects, one reused list of a
 * PE's outcomes and a decision list allocated once keep it allocation-light: a host can have
 * tens of thousands of BARs. `layout` is the scenario's own, given when the caller needs it
 * too (`planAnswer`).
 */
export function planScenario(scenario: Scenario, layout: HostLayout = hostLayout(scenario)): Plan {
  const { host, vm } = scenario;
  const P = host.pageSize;
  const { pes, remainder } = layout;
  const assigned = new Set(vm?.assignedPes ?? []);
  const given = (pe: Pe) => assigned.has(pe.id);
  const guest = vm ? guestContext(vm, pes.filter(given), P, host.kernel) : undefined;
  const hostAdvice: HostAdvice = {
    msixMappable: host.kernel.msixMappable,
    pageSize: P,
    // Guest-page advice is only given for BARs the VM maps, so the guest and the address exist.
    freeGuestPage: (fn, bar) =>
      freeGuestPage(guest!.placed.addressOf(guest!.placed.firstOf(fn.bdf), bar.index)!, P, guest!.guestBars, bar),
    // The table is in one BAR of its function, so each function is asked at most once.
    relocation: (fn) => msixRelocationAdvice(fn, P),
  };
  const planPes: Plan['pes'][number][] = [];
  // Sized once: the list of a large host's decisions outgrows V8's regular objects, and each
  // regrowth of such a list maps fresh memory (see ShardedMap).
  const bars = new Array<BarDecision>(barCount(pes));
  let n = 0;
  // The current PE's, in decision order, written over for each PE: entries past its BARs are
  // an earlier PE's and never read. (Emptying it each PE let V8 drop and regrow its store:
  // ~0.2 MB per 30,000-BAR plan.)
  const outcomes: BarOutcome[] = [];
  let slotsFree = vm ? host.kvmMemslots - vm.memslotsUsed : 0;
  let givenFunctions = 0; // functions of given PEs decided so far (guest.firstOfGiven's order)
  // One pass: a PE's alignment needs only its own BARs' host outcomes, and advice needs the
  // alignment, so each PE is finished (decisions, alignment, advice) before the next starts.
  // Index loops here and in the engine's other walks over every BAR: a for-of allocates an
  // iterator result per step until V8 optimizes the loop, which a one-shot `barplane plan`
  // mostly never sees (12 MB per 30,000-BAR plan).
  for (let p = 0; p < pes.length; p++) {
    const pe = pes[p];
    const toVm = guest !== undefined && given(pe);
    const first = n;
    let k = 0;
    let advisable = false;
    for (let f = 0; f < pe.functions.length; f++) {
      const fn = pe.functions[f];
      const placed = toVm ? guest.firstOfGiven[givenFunctions++] : -1;
      for (let b = 0; b < fn.bars.length; b++) {
        const bar = fn.bars[b];
        let decided = hostMmapEligibility(bar, P, host.kernel, remainder);
        if (!decided)
          decided = toVm
            ? guestMapping(bar, fn, guest.placed.addressOf(placed, bar.index), guest, slotsFree)
            : SHARED_OUTCOME.unmapped;
        const slots = takesSlots(decided.mode) ? decided.directRanges.length : 0;
        slotsFree -= slots;
        bars[n++] = {
          pe: pe.id,
          bdf: fn.bdf,
          index: bar.index,
          mode: decided.mode,
          reasons: decided.reasons,
          slots,
          directRanges: decided.directRanges,
          advice: NO_ADVICE,
        };
        outcomes[k++] = decided;
        advisable ||= mayHaveAdvice(decided.mode);
      }
    }
    const alignment = alignmentPolicy(pe, host, outcomes);
    planPes.push({ id: pe.id, alignment });
    if (advisable)
      adviseBars(pe, outcomes, bars, first, {
        ...hostAdvice,
        alignment,
        hostAlignment: hostAlignmentAdvice(alignment),
      });
  }

  const plan: Plan = { ruleSet: RULE_SET, host: host.id, pes: planPes, bars };
  if (!vm) return plan;
  let slotsNeeded = 0;
  for (let i = 0; i < bars.length; i++) slotsNeeded += bars[i].slots;
  return { ...plan, vm: { id: vm.id, slotsUsedBefore: vm.memslotsUsed, slotsNeeded, slotLimit: host.kvmMemslots } };
}

function barCount(pes: readonly Pe[]): number {
  let count = 0;
  for (let p = 0; p < pes.length; p++) {
    const functions = pes[p].functions;
    for (let f = 0; f < functions.length; f++) count += functions[f].bars.length;
  }
  return count;
}

function mayHaveAdvice(mode: MappingMode): boolean {
  return mode === 'EMULATED' || mode === 'PARTIAL_DIRECT' || mode === 'UNAVAILABLE';
}

/** Attaches advice to the PE's decisions, which start at `bars[first]` in the order of `outcomes`. */
function adviseBars(
  pe: Pe,
  outcomes: readonly BarOutcome[],
  bars: BarDecision[],
  first: number,
  ctx: AdviceContext,
): void {
  let k = 0;
  for (let f = 0; f < pe.functions.length; f++) {
    const fn = pe.functions[f];
    for (let b = 0; b < fn.bars.length; b++) {
      const bar = fn.bars[b];
      const outcome = outcomes[k];
      if (mayHaveAdvice(outcome.mode)) (bars[first + k] as MutableDecision).advice = adviceFor(outcome, fn, bar, ctx);
      k++;
    }
  }
}
