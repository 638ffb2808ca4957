import { Injectable } from '@nestjs/common';
import { BarDecisionView, HostProjection, RULE_SET, fastPathCoverage, functionToJson, hostToJson, regionToJson, toHex, vmToJson } from '@barplane/domain';
import { DecisionRow, ReadModels } from '../read-models/read-models';

type Json = Record<string, unknown>;

/** Resource views of the fleet (docs/api.md "Reads"), built from the projector's read models. */
@Injectable()
export class HostViews {
  constructor(private readonly reads: ReadModels) {}

  async hosts(): Promise<Json[]> {
    const [projections, decisions] = await Promise.all([this.reads.projections(), this.reads.decisions({ kind: 'bar' })]);
    return projections.filter((p) => p.registry.host).map((p) => this.hostView(p, decisions.filter((d) => d.host_id === p.hostId)));
  }

  async host(hostId: string): Promise<Json | undefined> {
    const [p] = await this.reads.projections(hostId);
    if (!p?.registry.host) return undefined;
    return this.hostView(p, await this.reads.decisions({ host: hostId, kind: 'bar' }));
  }

  async hostBar(hostId: string, bdf: string, index: number): Promise<{ size: string } | undefined> {
    const [p] = await this.reads.projections(hostId);
    for (const pe of p?.registry.pes ?? []) for (const fn of pe.functions) if (fn.bdf === bdf.toLowerCase()) {
      const bar = fn.bars.find((b) => b.index === index);
      if (bar) return { size: toHex(bar.size) };
    }
    return undefined;
  }

  async pes(hostId: string, peId?: string): Promise<Json[] | undefined> {
    const [p] = await this.reads.projections(hostId);
    if (!p?.registry.host) return undefined;
    const decisions = await this.reads.decisions({ host: hostId, ...(peId ? { pe: peId } : {}) });
    const byKey = new Map(decisions.map((d) => [d.subject_key, d]));
    return p.registry.pes
      .filter((pe) => !peId || pe.id === peId)
      .map((pe) => ({
        id: pe.id,
        hostId,
        alignmentOverride: pe.alignment,
        alignment: byKey.get(`pe:${pe.id}`)?.outcome ?? null,
        vmId: p.guest.holders.get(pe.functions[0]?.bdf ?? '')?.vmId ?? null,
        functions: pe.functions.map((fn) => ({
          ...functionToJson(fn),
          vfio: p.vfio.bound.has(fn.bdf) ? { bound: true, regions: p.vfio.bound.get(fn.bdf)!.map(regionToJson) } : { bound: false, regions: [] },
          decisions: fn.bars.map((b) => decisionView(byKey.get(`bar:${fn.bdf}/${b.index}`))).filter((d) => d !== null),
        })),
      }));
  }

  async vms(vmId?: string): Promise<Json[]> {
    const projections = await this.reads.projections();
    const out: Json[] = [];
    for (const p of projections) {
      for (const vm of p.guest.vms.values()) {
        if (vmId && vm.id !== vmId) continue;
        const decisions = await this.reads.decisions({ host: p.hostId, vm: vm.id, kind: 'bar' });
        const bars = decisions.map((d) => d.outcome as unknown as BarDecisionView);
        const slotsNeeded = decisions.reduce((n, d) => n + Number(d.outcome.slots ?? 0), 0);
        out.push({
          ...vmToJson(vm),
          hostId: p.hostId,
          memslots: { nonBar: vm.memslotsUsed, bars: slotsNeeded, limit: p.registry.host?.kvmMemslots ?? null },
          coverage: coverageJson(fastPathCoverage(p.registry.pes.filter((pe) => vm.assignedPes.includes(pe.id)), bars, (bdf) => p.guest.holders.get(bdf)?.vmId === vm.id)),
          decisions: decisions.map((d) => decisionView(d)),
        });
      }
    }
    return out;
  }

  private hostView(p: HostProjection, decisions: DecisionRow[]): Json {
    const bars = decisions.map((d) => d.outcome as unknown as BarDecisionView);
    return {
      ...hostToJson(p.registry.host!),
      peCount: p.registry.pes.length,
      functionCount: p.registry.pes.reduce((n, pe) => n + pe.functions.length, 0),
      vms: [...p.guest.vms.keys()],
      coverage: coverageJson(fastPathCoverage(p.registry.pes, bars, (bdf) => p.guest.holders.has(bdf))),
    };
  }
}

/** A stored decision in the `bars` shape of a plan, plus when, by which rules, and its audit record. */
export function decisionView(d: DecisionRow | undefined): Json | null {
  if (!d) return null;
  return { ...d.outcome, hostId: d.host_id, vmId: d.vm_id, decidedAt: new Date(d.decided_at).toISOString(), ruleSet: RULE_SET, auditId: `${d.host_id}/${d.audit_seq}` };
}

function coverageJson(c: ReturnType<typeof fastPathCoverage>): Json {
  const hexes = (r: Record<string, bigint>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, toHex(v)]));
  return {
    bars: c.bars,
    bytes: { total: toHex(c.bytes.total), fastPath: toHex(c.bytes.fastPath), byMode: hexes(c.bytes.byMode) },
    byteShare: c.byteShare,
    notAssigned: { bars: c.notAssigned.bars, bytes: toHex(c.notAssigned.bytes), byMode: c.notAssigned.byMode },
  };
}
