import { toHex } from '../pci/hex';
import { SubjectDecision } from '../projection/host-decisions';
import { peToJson, scenarioToJson } from '../scenario/scenario-json';
import { canonicalJson, sha256Hex } from './audit-chain';

/** SHA-256 of a scenario's canonical wire form: the name of a fact snapshot. */
export function scenarioHash(decision: Pick<SubjectDecision, 'scenario'>): string {
  return sha256Hex(canonicalJson(scenarioToJson(decision.scenario)));
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
    host: { id: host.id, platform: host.platform, pageSize: toHex(host.pageSize), kernel: { ...host.kernel }, kvmMemslots: host.kvmMemslots },
    pe: pe ? peToJson(pe) : null,
    vm: vm
      ? {
          id: vm.id,
          machine: vm.machine,
          msixEmulation: vm.msixEmulation,
          noMmap: vm.noMmap,
          msixRelocation: vm.msixRelocation,
          memslotsUsed: vm.memslotsUsed,
          guestBars: vm.guestBars.filter((g) => members.has(g.bdf)).map((g) => ({ bdf: g.bdf, index: g.index, address: toHex(g.address) })),
        }
      : null,
  };
}
