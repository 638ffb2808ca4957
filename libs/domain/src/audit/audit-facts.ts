import { Host } from '../pci/host';
import { toHex } from '../pci/hex';
import { Pe } from '../pci/pe';
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
  const { host, pes, vm } = d.scenario;
  const pe = pes.find((p) => p.id === d.subject.pe);
  const members = new Set(pe?.functions.map((f) => f.bdf) ?? []);
  return {
    scenarioSha256: snapshot,
    host: {
      id: host.id,
      platform: host.platform,
      pageSize: toHex(host.pageSize),
      kernel: { ...host.kernel },
      kvmMemslots: host.kvmMemslots,
    },
    pe: pe ? peToJson(pe) : null,
    vm: vm
      ? {
          id: vm.id,
          machine: vm.machine,
          msixEmulation: vm.msixEmulation,
          noMmap: vm.noMmap,
          msixRelocation: vm.msixRelocation,
          memslotsUsed: vm.memslotsUsed,
          guestBars: vm.guestBars
            .filter((g) => members.has(g.bdf))
            .map((g) => ({ bdf: g.bdf, index: g.index, address: toHex(g.address) })),
        }
      : null,
  };
}
