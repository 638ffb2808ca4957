import { Host } from '../pci/host';
import { toHex } from '../pci/hex';
import { Pe } from '../pci/pe';
import { Vm } from '../pci/vm';
import { SubjectDecision } from '../projection/host-decisions';
import { Scenario } from '../scenario/scenario';
import { hostToJson, peToJson, vmToJson } from '../scenario/scenario-json';
import { canonicalJson, sha256Hex } from './audit-chain';

/** A fact snapshot: the scenario's canonical wire form and its SHA-256, its name. */
export interface ScenarioSnapshot {
  readonly hash: string;
  readonly json: string;
}

export function scenarioSnapshot(scenario: Scenario): ScenarioSnapshot {
  const json = scenarioCanonicalJson(scenario);
  return { hash: sha256Hex(json), json };
}

// Host and PE objects are immutable and shared by every scenario of a host until its facts
// change (a guest event changes only the VM), so their canonical text is made once each.
const hostText = new WeakMap<Host, string>();
const pesText = new WeakMap<readonly Pe[], string>();

/**
 * canonicalJson(scenarioToJson(s)), byte for byte (audit-chain.spec), from the cached texts
 * of the host and the PEs: the keys host < pes < vm are in RFC 8785 order already.
 */
export function scenarioCanonicalJson(s: Scenario): string {
  let host = hostText.get(s.host);
  if (host === undefined) hostText.set(s.host, (host = canonicalJson(hostToJson(s.host))));
  let pes = pesText.get(s.pes);
  if (pes === undefined) pesText.set(s.pes, (pes = `[${s.pes.map((pe) => canonicalJson(peToJson(pe))).join(',')}]`));
  return `{"host":${host},"pes":${pes}${s.vm ? `,"vm":${canonicalJson(vmToJson(s.vm))}` : ''}}`;
}

/**
 * The facts an audit record carries: the decided scenario's hash (the full snapshot is kept
 * under that name) and, readable in the record itself, the host, the subject's PE and the
 * VM with the guest BARs of that PE.
 */
export function auditFacts(d: SubjectDecision, snapshot: string): Record<string, unknown> {
  const { host, vm } = d.scenario;
  const pe = subjectPe(d);
  return {
    scenarioSha256: snapshot,
    host: hostFacts(host),
    pe: pe ? peToJson(pe) : null,
    vm: vm ? vmFacts(vm, pe) : null,
  };
}

/** The facts of a record whose subject went away. */
export const REMOVED_FACTS: Record<string, unknown> = Object.freeze({ removed: true });

// A host's records all carry its host facts, and each of a PE's carries that PE: their texts
// are made once per (immutable, shared) Host and Pe object.
const hostFactsText = new WeakMap<Host, string>();
const peFactsText = new WeakMap<Pe, string>();

/**
 * canonicalJson(auditFacts(d, snapshot)), byte for byte (audit-chain.spec), from cached texts
 * of the host facts and the PE: the keys host < pe < scenarioSha256 < vm are in RFC 8785 order.
 */
export function auditFactsText(d: SubjectDecision, snapshot: string): string {
  const { host, vm } = d.scenario;
  const pe = subjectPe(d);
  let hostText = hostFactsText.get(host);
  if (hostText === undefined) hostFactsText.set(host, (hostText = canonicalJson(hostFacts(host))));
  let peText = 'null';
  if (pe) {
    const kept = peFactsText.get(pe);
    if (kept === undefined) peFactsText.set(pe, (peText = canonicalJson(peToJson(pe))));
    else peText = kept;
  }
  const vmText = vm ? canonicalJson(vmFacts(vm, pe)) : 'null';
  return `{"host":${hostText},"pe":${peText},"scenarioSha256":${canonicalJson(snapshot)},"vm":${vmText}}`;
}

function subjectPe(d: SubjectDecision): Pe | undefined {
  return d.scenario.pes.find((p) => p.id === d.subject.pe);
}

/** The host's wire form without its address map (reserved ranges, PHB windows): the scenario snapshot has those. */
function hostFacts(host: Host): Record<string, unknown> {
  const { reservedRanges: _ranges, phbs: _phbs, ...facts } = hostToJson(host);
  return facts;
}

function vmFacts(vm: Vm, pe: Pe | undefined): Record<string, unknown> {
  const members = new Set(pe?.functions.map((f) => f.bdf) ?? []);
  return {
    id: vm.id,
    machine: vm.machine,
    msixEmulation: vm.msixEmulation,
    noMmap: vm.noMmap,
    msixRelocation: vm.msixRelocation,
    memslotsUsed: vm.memslotsUsed,
    guestBars: vm.guestBars
      .filter((g) => members.has(g.bdf))
      .map((g) => ({ bdf: g.bdf, index: g.index, address: toHex(g.address) })),
  };
}
