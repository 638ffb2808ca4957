import { Advice } from '../decision/advice';
import { AlignmentDecision } from '../decision/alignment-decision';
import { BarDecision } from '../decision/bar-decision';
import { toHex } from '../pci/hex';
import { FunctionRegions } from '../vfio/plan-regions';
import { regionToJson } from '../vfio/vfio-region-json';
import { Plan } from './plan';

/** The wire form of a plan: every 64-bit value as a lowercase "0x..." string. */
export function planToJson(plan: Plan): Record<string, unknown> {
  const json: Record<string, unknown> = {
    ruleSet: plan.ruleSet,
    host: plan.host,
    pes: plan.pes.map(peDecisionToJson),
    bars: plan.bars.map(barDecisionToJson),
  };
  if (plan.regions) json.regions = plan.regions.map(functionRegionsToJson);
  if (plan.vm) json.vm = { ...plan.vm };
  return json;
}

export function peDecisionToJson(pe: Plan['pes'][number]): Record<string, unknown> {
  return { id: pe.id, alignment: alignmentToJson(pe.alignment) };
}

export function functionRegionsToJson(f: FunctionRegions): Record<string, unknown> {
  return { pe: f.pe, bdf: f.bdf, regions: f.regions.map(regionToJson) };
}

export function alignmentToJson(a: AlignmentDecision): Record<string, unknown> {
  return {
    policy: a.policy,
    override: a.override,
    kernelParameter: a.kernelParameter,
    mmioCost: toHex(a.mmioCost),
    barsGainingMmap: a.barsGainingMmap,
    reasons: [...a.reasons],
  };
}

export function barDecisionToJson(b: BarDecision): Record<string, unknown> {
  return {
    pe: b.pe,
    bdf: b.bdf,
    index: b.index,
    mode: b.mode,
    reasons: [...b.reasons],
    slots: b.slots,
    directRanges: b.directRanges.map((r) => ({ offset: toHex(r.offset), size: toHex(r.size) })),
    advice: b.advice.map(adviceToJson),
  };
}

export function adviceToJson(a: Advice): Record<string, unknown> {
  const apply = a.apply.map((f) => ({ target: f.target, text: f.text, note: f.note }));
  switch (a.kind) {
    case 'HOST_ALIGNMENT':
      return { kind: a.kind, kernelParameter: a.kernelParameter, apply };
    case 'GUEST_PLACEMENT':
      return { kind: a.kind, address: toHex(a.address), apply };
    case 'MSIX_RELOCATION':
      return { kind: a.kind, option: a.option, target: a.target, barSize: toHex(a.barSize), apply };
    case 'SLOT_BUDGET':
      return { kind: a.kind, slotsNeeded: a.slotsNeeded, slotsFree: a.slotsFree, apply };
    case 'HOST_KERNEL':
      return { kind: a.kind, minimumVersion: a.minimumVersion, commit: a.commit, apply };
  }
}
