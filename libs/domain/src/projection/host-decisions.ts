import { compareIds } from '../pci/bdf';
import { alignmentToJson, barDecisionToJson } from '../plan/plan-json';
import { HostRegistryState } from '../host-registry/host-registry.state';
import { Vm } from '../pci/vm';
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

/** The VM-less plan's decisions: the PEs' alignments, and the BARs of the PEs in no VM (`held`: the others). */
interface HostPlanned {
  readonly pes: readonly SubjectDecision[];
  readonly bars: readonly SubjectDecision[];
  readonly held: string;
}

/** A VM's decisions for the BARs of its PEs, and the VM state they were made from. */
interface VmPlanned {
  readonly bars: readonly SubjectDecision[];
  readonly vm: Vm;
  readonly assignedPes: readonly string[];
}

/**
 * Per registry state: the VM-less plan's decisions for the BARs of the PEs no VM holds (`held`:
 * those PEs' ids), and each VM's decisions for the BARs of its PEs, by VM id, with the VM state
 * they came from. An event changes one VM (or the host's facts): the host's other plans, their
 * decisions and outcome objects are those of the event before, so a comparison with what the
 * projector holds ends at identity for most of them. States are never changed in place, so a
 * kept answer never goes stale. (Keyed by each VM state in a WeakMap instead, the flip of one
 * guest BAR cost more than planning the VM-less plan again: a weak entry per event.)
 */
interface RegistryPlans {
  base?: HostPlanned;
  readonly vms: Map<string, VmPlanned>;
}
const registryPlans = new WeakMap<HostRegistryState, RegistryPlans>();

/**
 * Every decision of a host: each PE's alignment (host facts only), and each BAR decided by
 * the plan of the VM its PE is given to, or by the VM-less plan. A BAR's decision is thus
 * exactly what `barplane plan` says for the host with that VM. Keys in code-point order.
 */
export function hostDecisions(p: HostProjection): SubjectDecision[] {
  if (!p.registry.host) return [];
  let kept = registryPlans.get(p.registry);
  if (!kept) registryPlans.set(p.registry, (kept = { vms: new Map() }));
  const plans: VmPlanned[] = [];
  const owner = new Map<string, number>();
  const vmIds = [...p.guest.vms.keys()].sort(compareIds);
  for (const vmId of vmIds) {
    const planned = vmPlan(p, vmId, kept);
    if (planned.assignedPes.length === 0) continue;
    plans.push(planned);
    for (const pe of planned.assignedPes) owner.set(pe, plans.length);
  }
  // VMs gone since (never, today: no event removes one) leave nothing behind.
  if (kept.vms.size > vmIds.length) for (const id of kept.vms.keys()) if (!p.guest.vms.has(id)) kept.vms.delete(id);
  const base = hostPlan(p.registry, owner, kept);
  const out: SubjectDecision[] = [...base.pes];
  for (const d of base.bars) out.push(d);
  for (let i = 0; i < plans.length; i++)
    for (const d of plans[i].bars) if (owner.get(d.subject.pe) === i + 1) out.push(d);
  return out.sort((a, b) => compareIds(a.key, b.key));
}

/** The VM-less plan's PE alignments, and its BAR decisions of the PEs no VM holds (`owner`). */
function hostPlan(registry: HostRegistryState, owner: ReadonlyMap<string, number>, kept: RegistryPlans): HostPlanned {
  const held = [...owner.keys()].sort().join('\n');
  if (kept.base && kept.base.held === held) return kept.base;
  const scenario: Scenario = { host: registry.host!, pes: registry.pes };
  const plan = planScenario(scenario, layoutOf(registry, scenario));
  // The alignments depend on the host's facts alone: kept when only the held PEs changed.
  const pes =
    kept.base?.pes ??
    plan.pes.map((pe) => {
      const subject: DecisionSubject = { kind: 'pe', pe: pe.id };
      return { key: subjectKey(subject), subject, vmId: null, outcome: alignmentToJson(pe.alignment), scenario };
    });
  kept.base = { pes, bars: barDecisions(plan, null, scenario, (pe) => !owner.has(pe)), held };
  return kept.base;
}

/** VM `vmId`'s plan: its BAR decisions of the PEs given to it. */
function vmPlan(p: HostProjection, vmId: string, kept: RegistryPlans): VmPlanned {
  const vm = p.guest.vms.get(vmId)!;
  const last = kept.vms.get(vmId);
  if (last && last.vm === vm) return last;
  const facts = { host: p.registry.host!, pes: p.registry.pes };
  const scenario = vmScenario(p.guest, facts, vmId);
  const assignedPes = scenario.vm!.assignedPes;
  const given = new Set(assignedPes);
  const bars =
    assignedPes.length === 0
      ? []
      : barDecisions(planScenario(scenario, layoutOf(p.registry, facts)), vmId, scenario, (pe) => given.has(pe));
  const planned = { bars, vm, assignedPes };
  kept.vms.set(vmId, planned);
  return planned;
}

function barDecisions(
  plan: Plan,
  vmId: string | null,
  scenario: Scenario,
  wanted: (pe: string) => boolean,
): SubjectDecision[] {
  const out: SubjectDecision[] = [];
  for (const bar of plan.bars) {
    if (!wanted(bar.pe)) continue;
    const subject: DecisionSubject = { kind: 'bar', pe: bar.pe, bdf: bar.bdf, index: bar.index };
    out.push({ key: subjectKey(subject), subject, vmId, outcome: barDecisionToJson(bar), scenario });
  }
  return out;
}
