import { compareIds } from '../pci/bdf';
import { alignmentToJson, barDecisionToJson } from '../plan/plan-json';
import { HostRegistryState } from '../host-registry/host-registry.state';
import { HostLayout, hostLayout } from '../plan/host-layout';
import { planScenario } from '../plan/plan-scenario';
import { Plan } from '../plan/plan';
import { Scenario } from '../scenario/scenario';
import { vmScenario } from '../guest/vm-scenario';
import { HostProjection } from './host-projection';

/** What one decision is about: a BAR of a function, or a PE's alignment. */
export type DecisionSubject =
  | { readonly kind: 'bar'; readonly pe: string; readonly bdf: string; readonly index: number }
  | { readonly kind: 'pe'; readonly pe: string };

/** One current decision in wire form, with the VM and the scenario it was decided from. */
export interface SubjectDecision {
  readonly key: string;
  readonly subject: DecisionSubject;
  readonly vmId: string | null;
  /** For a BAR: the `bars` entry of a plan; for a PE: its `alignment`. */
  readonly outcome: Record<string, unknown>;
  readonly scenario: Scenario;
}

export function subjectKey(s: DecisionSubject): string {
  return s.kind === 'bar' ? `bar:${s.bdf}/${s.index}` : `pe:${s.pe}`;
}

/**
 * Each registry state's layout (host facts only, the same for every VM's plan), made once: a
 * host's facts change rarely while its VMs change often, and the projector decides the host
 * again on every event (making the layout each time was ~6 % of a rebuild's CPU). States are
 * never changed in place (evolve makes new ones), so a kept layout never goes stale.
 */
const layouts = new WeakMap<HostRegistryState, HostLayout>();

function layoutOf(registry: HostRegistryState, facts: Scenario): HostLayout {
  let layout = layouts.get(registry);
  if (!layout) layouts.set(registry, (layout = hostLayout(facts)));
  return layout;
}

/**
 * Every decision of a host: each PE's alignment (host facts only), and each BAR decided by
 * the plan of the VM its PE is given to, or by the VM-less plan. A BAR's decision is thus
 * exactly what `barplane plan` says for the host with that VM. Keys in code-point order.
 */
export function hostDecisions(p: HostProjection): SubjectDecision[] {
  const host = p.registry.host;
  if (!host) return [];
  const facts = { host, pes: p.registry.pes };
  const base: Scenario = { host, pes: facts.pes };
  const layout = layoutOf(p.registry, base);
  const plans: { vmId: string | null; scenario: Scenario; plan: Plan }[] = [
    { vmId: null, scenario: base, plan: planScenario(base, layout) },
  ];
  const owner = new Map<string, number>();
  const vmIds = [...p.guest.vms.keys()].sort(compareIds);
  for (const vmId of vmIds) {
    const scenario = vmScenario(p.guest, facts, vmId);
    if (scenario.vm!.assignedPes.length === 0) continue;
    plans.push({ vmId, scenario, plan: planScenario(scenario, layout) });
    for (const pe of scenario.vm!.assignedPes) owner.set(pe, plans.length - 1);
  }
  const out: SubjectDecision[] = [];
  for (const pe of plans[0].plan.pes) {
    const subject: DecisionSubject = { kind: 'pe', pe: pe.id };
    out.push({ key: subjectKey(subject), subject, vmId: null, outcome: alignmentToJson(pe.alignment), scenario: base });
  }
  plans.forEach((entry, i) => {
    for (const bar of entry.plan.bars) {
      if ((owner.get(bar.pe) ?? 0) !== i) continue;
      const subject: DecisionSubject = { kind: 'bar', pe: bar.pe, bdf: bar.bdf, index: bar.index };
      out.push({
        key: subjectKey(subject),
        subject,
        vmId: entry.vmId,
        outcome: barDecisionToJson(bar),
        scenario: entry.scenario,
      });
    }
  });
  return out.sort((a, b) => compareIds(a.key, b.key));
}
