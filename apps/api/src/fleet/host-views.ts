import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Injectable } from '@nestjs/common';
import {
  BarDecisionView,
  FastPathCoverage,
  HostProjection,
  Pe,
  RULE_SET,
  fastPathCoverage,
  functionToJson,
  regionToJson,
  scenarioToJson,
  toHex,
  vmToJson,
} from '@barplane/domain';
import { groupBy } from '../read-models/group-by';
import { HostSummary, hostSummaryOf } from '@barplane/read-models';
import { DecisionRow, ReadModels } from '../read-models/read-models';
import { SummaryChanges } from '../read-models/summary-changes';
import { coverageWire, sumCoverage } from './coverage-wire';
import { compareHosts, comparePes } from './fleet-ranking';
import {
  AlignmentWire,
  BarDecisionWire,
  DecisionWire,
  FleetPeWire,
  FleetWire,
  HostWire,
  PeWire,
  RegionWire,
  ScenarioWire,
  VmWire,
} from './fleet-wire';

/** Resource views of the fleet (docs/api.md "Reads"), built from the projector's read models. */
@Injectable()
export class HostViews {
  constructor(
    private readonly reads: ReadModels,
    private readonly changes: SummaryChanges,
  ) {}

  /**
   * The host list as JSON text, made again only when a summary changed since the last request;
   * `generation`: the SummaryChanges generation in which its version was last confirmed.
   */
  private hostList?: { version: string; generation?: number; list: Promise<JsonAnswer> };

  /** From the host summaries: one row per host, however many PEs and decisions the fleet has. */
  async hosts(): Promise<HostWire[]> {
    return (await this.reads.hostSummaries()).map(hostWireOf);
  }

  /**
   * GET /v1/hosts as JSON text with its entity tag. Dashboards poll it, and at a thousand hosts
   * it is half a megabyte: reading and serialising it for every reader would cost more than the
   * request (and Express would hash it for an ETag on every send). The version read comes first,
   * so a list made from rows older than that version is never kept. While no summary was written
   * since the version was confirmed (no notice), not even the version is read: at 20 readers
   * that query cost PostgreSQL 0.2-0.5 ms of CPU per request, on the cores the API runs on.
   */
  async hostsJson(): Promise<JsonAnswer> {
    const generation = this.changes.generation;
    if (generation !== undefined && this.hostList?.generation === generation) return this.hostList.list;
    const version = await this.reads.hostSummariesVersion();
    if (this.hostList?.version === version) this.hostList.generation = generation;
    else {
      const list = this.hosts().then((hosts) => jsonAnswer(JSON.stringify(hosts), version));
      this.hostList = { version, generation, list };
      list.catch(() => {
        if (this.hostList?.list === list) this.hostList = undefined;
      });
    }
    return this.hostList.list;
  }

  async host(hostId: string): Promise<HostWire | undefined> {
    const [summary] = await this.reads.hostSummaries(hostId);
    return summary && hostWireOf(summary);
  }

  /** The fleet overview in one read (GET /v1/fleet): hosts worst first, every PE worst offender first, totals. */
  async fleet(): Promise<FleetWire> {
    const [projections, all] = await Promise.all([this.reads.projections(), this.reads.decisions()]);
    const decisions = all.filter((d) => d.subject.kind === 'bar');
    const policies = new Map(
      all.filter((d) => d.subject.kind === 'pe').map((d) => [`${d.host_id} ${d.subject.pe}`, String(d.outcome.policy)]),
    );
    const hosts: HostWire[] = [];
    const pes: FleetPeWire[] = [];
    const coverages: FastPathCoverage[] = [];
    const byHost = groupBy(decisions, (d) => d.host_id);
    let vms = 0;
    for (const p of projections.filter((x) => x.registry.host)) {
      const mine = byHost.get(p.hostId) ?? [];
      const coverage = hostCoverage(p, mine);
      coverages.push(coverage);
      hosts.push(hostWireOf(hostSummaryOf(p, mine)!));
      vms += p.guest.vms.size;
      const byPe = groupByPe(mine);
      for (const pe of p.registry.pes)
        pes.push(fleetPe(p, pe, byPe.get(pe.id) ?? [], policies.get(`${p.hostId} ${pe.id}`) ?? null));
    }
    return {
      hosts: hosts.sort(compareHosts),
      pes: pes.sort(comparePes),
      totals: { hosts: hosts.length, pes: pes.length, vms, coverage: coverageWire(sumCoverage(coverages)) },
    };
  }

  async hostBar(hostId: string, bdf: string, index: number): Promise<{ size: string } | undefined> {
    const [p] = await this.reads.projections(hostId);
    for (const pe of p?.registry.pes ?? [])
      for (const fn of pe.functions)
        if (fn.bdf === bdf.toLowerCase()) {
          const bar = fn.bars.find((b) => b.index === index);
          if (bar) return { size: toHex(bar.size) };
        }
    return undefined;
  }

  /**
   * PE pages as JSON text by host and PE, with the version of the host each was made from and
   * the SummaryChanges generation in which that version was last confirmed (LRU).
   */
  private readonly pePages = new Map<
    string,
    { version: string; generation?: number; json: Promise<JsonAnswer | undefined> }
  >();

  /**
   * GET /v1/hosts/{h}/pes/{pe} as JSON text, gzip and tag (undefined: no such host or PE), made again only
   * when the projector wrote the host since: one key read instead of the host's projection and
   * decisions for every reader, and none while no summary was written since that read.
   */
  async peJson(hostId: string, peId: string): Promise<JsonAnswer | undefined> {
    const generation = this.changes.generation;
    const key = `${hostId}\n${peId}`;
    let cached = this.pePages.get(key);
    const current = generation !== undefined && cached?.generation === generation;
    const version = current ? cached!.version : await this.reads.hostSummaryVersion(hostId);
    cached = this.pePages.get(key);
    if (version !== undefined && cached?.version === version) {
      if (!current) cached.generation = generation;
      this.pePages.delete(key);
      this.pePages.set(key, cached);
      return cached.json;
    }
    const json = this.pes(hostId, peId).then((pes) =>
      pes?.[0] ? jsonAnswer(JSON.stringify(pes[0]), `${version}\n${key}`) : undefined,
    );
    if (version === undefined) return json;
    this.pePages.delete(key);
    this.pePages.set(key, { version, generation, json });
    if (this.pePages.size > PE_PAGES_KEPT) this.pePages.delete(this.pePages.keys().next().value!);
    json.catch(() => this.pePages.get(key)?.json === json && this.pePages.delete(key));
    return json;
  }

  async pes(hostId: string, peId?: string): Promise<PeWire[] | undefined> {
    const [[p], decisions] = await Promise.all([
      this.reads.projections(hostId),
      this.reads.decisions({ host: hostId, ...(peId ? { pe: peId } : {}) }),
    ]);
    if (!p?.registry.host) return undefined;
    const byKey = new Map(decisions.map((d) => [d.subject_key, d]));
    const byPe = groupByPe(decisions.filter((d) => d.subject.kind === 'bar'));
    return p.registry.pes
      .filter((pe) => !peId || pe.id === peId)
      .map((pe) => ({
        id: pe.id,
        hostId,
        alignmentOverride: pe.alignment,
        alignment: (byKey.get(`pe:${pe.id}`)?.outcome as AlignmentWire | undefined) ?? null,
        vmId: holderOf(p, pe),
        coverage: coverageWire(peCoverage(p, pe, byPe.get(pe.id) ?? [])),
        functions: pe.functions.map((fn) => ({
          ...functionToJson(fn),
          vfio: p.vfio.bound.has(fn.bdf)
            ? { bound: true, regions: p.vfio.bound.get(fn.bdf)!.map((r) => regionToJson(r) as unknown as RegionWire) }
            : { bound: false, regions: [] },
          decisions: fn.bars.map((b) => decisionView(byKey.get(`bar:${fn.bdf}/${b.index}`))).filter((d) => d !== null),
        })),
      }));
  }

  /**
   * The scenario (docs/scenario.md) a what-if of this PE starts from: its host's facts, every
   * PE, and the VM that holds this PE if one does; POST /v1/plans takes it as it is.
   */
  async scenario(hostId: string, peId: string): Promise<ScenarioWire | undefined> {
    const [p] = await this.reads.projections(hostId);
    const pe = p?.registry.pes.find((x) => x.id === peId);
    if (!p?.registry.host || !pe) return undefined;
    const vmId = holderOf(p, pe);
    const vm = vmId ? p.guest.vms.get(vmId) : undefined;
    return scenarioToJson({ host: p.registry.host, pes: p.registry.pes, ...(vm ? { vm } : {}) });
  }

  async vms(vmId?: string): Promise<VmWire[]> {
    const projections = await this.reads.projections();
    const out: VmWire[] = [];
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
          coverage: coverageWire(
            fastPathCoverage(
              p.registry.pes.filter((pe) => vm.assignedPes.includes(pe.id)),
              bars,
              (bdf) => p.guest.holders.get(bdf)?.vmId === vm.id,
            ),
          ),
          decisions: decisions.map((d) => decisionView(d)).filter((d) => d !== null),
        });
      }
    }
    return out;
  }
}

/** PE pages kept as text and gzip: a few megabytes at most. */
const PE_PAGES_KEPT = 2000;

/** A read kept as JSON text, its gzip, and the entity tag of the version it was made from. */
export interface JsonAnswer {
  readonly json: string;
  readonly gzip: Buffer;
  readonly etag: string;
}

/**
 * Compressed once per version: a tenth of the bytes for every reader that takes gzip, and a
 * tag of our own, so that Express neither hashes the body on every send nor sends it to a
 * reader that has it (304).
 */
function jsonAnswer(json: string, version: string): JsonAnswer {
  return {
    json,
    gzip: gzipSync(json),
    etag: `W/"${createHash('sha256').update(version).digest('base64url').slice(0, 27)}"`,
  };
}

function hostWireOf(s: HostSummary): HostWire {
  return { ...s.host, peCount: s.peCount, functionCount: s.functionCount, vms: s.vms, coverage: s.coverage };
}

/** A stored decision in the `bars` shape of a plan, plus when, by which rules, and its audit record. */
export function decisionView(d: DecisionRow | undefined): DecisionWire | null {
  if (!d) return null;
  return {
    ...(d.outcome as unknown as BarDecisionWire),
    hostId: d.host_id,
    vmId: d.vm_id,
    decidedAt: new Date(d.decided_at).toISOString(),
    ruleSet: RULE_SET,
    auditId: `${d.host_id}/${d.audit_seq}`,
  };
}

const barViews = (decisions: readonly DecisionRow[]) => decisions.map((d) => d.outcome as unknown as BarDecisionView);

function hostCoverage(p: HostProjection, decisions: readonly DecisionRow[]) {
  return fastPathCoverage(p.registry.pes, barViews(decisions), (bdf) => p.guest.holders.has(bdf));
}

function peCoverage(p: HostProjection, pe: Pe, decisions: readonly DecisionRow[]) {
  return fastPathCoverage([pe], barViews(decisions), (bdf) => p.guest.holders.has(bdf));
}

function holderOf(p: HostProjection, pe: Pe): string | null {
  return p.guest.holders.get(pe.functions[0]?.bdf ?? '')?.vmId ?? null;
}

function groupByPe(decisions: readonly DecisionRow[]): Map<string, DecisionRow[]> {
  return groupBy(decisions, (d) => d.subject.pe);
}

function fleetPe(
  p: HostProjection,
  pe: Pe,
  decisions: readonly DecisionRow[],
  alignmentPolicy: string | null,
): FleetPeWire {
  const c = peCoverage(p, pe, decisions);
  const byMode: Record<string, number> = {};
  for (const counts of [c.bars.byMode, c.notAssigned.byMode])
    for (const [mode, n] of Object.entries(counts)) byMode[mode] = (byMode[mode] ?? 0) + n;
  return {
    hostId: p.hostId,
    id: pe.id,
    vmId: holderOf(p, pe),
    alignmentPolicy,
    bars: decisions.length,
    byMode,
    coverage: coverageWire(c),
    offFastPathBytes: toHex(c.bytes.total - c.bytes.fastPath),
  };
}
