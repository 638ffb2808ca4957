// What the projector spends deciding a host again after one guest event (run by engine.mjs):
// hostDecisions per GuestBarProgrammed on a 64K host whose VMs hold two PEs of five functions
// each, the plans of the VMs the event left alone kept (as the projector runs), against the
// engine's bare work without them in the same run: every VM's plan and the VM-less plan made
// again (planScenario on each, the host's layout made once), as hostDecisions did until kept plans.
import { fmtMs, summarize, timeRuns } from './stats.mjs';

const PES_PER_VM = 2;
const FUNCTIONS_PER_PE = 5;
const EVENTS = 2000;
const SCHEDULE = { warmup: 2, runs: 7 };

/**
 * Per VM count: { vms, decisions, keptUs, freshUs } (microseconds per event, min/median/max).
 * `domain` is the compiled libs/domain index, `hostLayout` its plan/host-layout export.
 */
export function measureHostEvents(domain, hostLayout, vmCounts = [1, 8]) {
  return vmCounts.map((vms) => {
    const { projection, flips } = hostWithVms(domain, vms);
    const decisions = domain.hostDecisions(projection).length;
    const kept = () => {
      let p = projection;
      for (const event of flips) domain.hostDecisions((p = domain.applyFact(p, event)));
    };
    const facts = { host: projection.registry.host, pes: projection.registry.pes };
    const layout = hostLayout(facts);
    const vmIds = [...projection.guest.vms.keys()];
    const fresh = () => {
      let p = projection;
      for (const event of flips) {
        p = domain.applyFact(p, event);
        domain.planScenario(facts, layout);
        for (const vmId of vmIds) domain.planScenario(domain.vmScenario(p.guest, facts, vmId), layout);
      }
    };
    const perEvent = (ms) => summarize(ms.map((m) => (m * 1000) / EVENTS));
    return { vms, decisions, keptUs: perEvent(timeRuns(kept, SCHEDULE)), freshUs: perEvent(timeRuns(fresh, SCHEDULE)) };
  });
}

export function hostEventRows(results) {
  return results.map((r) => [
    `${r.vms} VM${r.vms > 1 ? 's' : ''} (${r.decisions} decisions)`,
    fmtMs(r.keptUs.min),
    fmtMs(r.keptUs.median),
    fmtMs(r.keptUs.max),
    fmtMs(r.freshUs.median),
    `${(r.freshUs.median / r.keptUs.median).toFixed(1)} x`,
  ]);
}

/** A registered host, its topology, `vms` VMs holding two PEs each, and flips of their first BARs in turn. */
function hostWithVms(domain, vms) {
  const P = 0x10000n;
  const host = {
    id: 'bench-host',
    platform: 'powernv',
    pageSize: P,
    kernel: { vfioPci: true, sparseMmap: false, msixMappable: true, subPageMmap: true, defaultPageAlignment: true },
    kvmMemslots: 32767,
    reservedRanges: [],
    phbs: [],
  };
  const pes = [];
  for (let p = 0; p < vms * PES_PER_VM; p++) {
    const bus = (p + 1).toString(16).padStart(2, '0');
    const functions = [];
    for (let f = 0; f < FUNCTIONS_PER_PE; f++) {
      const base = 0x3fe0_8000_0000n + BigInt(p) * 0x100_0000n + BigInt(f) * 0x10_0000n;
      const bar = (index, kind, address, size) => ({ index, kind, address, size, prefetchable: false, fixed: false });
      functions.push({
        bdf: `0000:${bus}:00.${f}`,
        isVf: false,
        bars: [bar(0, 'mem64', base, 0x10000n), bar(2, 'mem32', base + 0x10000n, 0x1000n)],
      });
    }
    pes.push({ id: `0000:${bus}`, alignment: 'auto', functions });
  }
  const setup = [
    { type: 'HostRegistered', data: { host } },
    {
      type: 'TopologyImported',
      data: { pes, added: pes.flatMap((pe) => pe.functions.map((f) => f.bdf)), removed: [], changed: [] },
    },
  ];
  for (let v = 0; v < vms; v++) {
    const vm = { id: `vm${v}`, machine: 'pseries', msixEmulation: false, noMmap: false, msixRelocation: 'off' };
    setup.push({ type: 'VmCreated', data: { vm: { ...vm, memslotsUsed: 0, assignedPes: [], guestBars: [] } } });
    for (const pe of pes.slice(v * PES_PER_VM, (v + 1) * PES_PER_VM))
      setup.push({ type: 'PeAssigned', data: { vmId: vm.id, peId: pe.id, functions: pe.functions.map((f) => f.bdf) } });
  }
  const projection = setup.reduce(domain.applyFact, domain.initialHostProjection(host.id));
  const flips = Array.from({ length: EVENTS }, (_, i) => {
    const v = i % vms;
    const fn = pes[v * PES_PER_VM].functions[0];
    // Between a page-aligned guest address and one inside a page: each flip changes a decision.
    const address = Math.floor(i / vms) % 2 ? 0x8001_0000n : 0x8002_1000n;
    return { type: 'GuestBarProgrammed', data: { vmId: `vm${v}`, bdf: fn.bdf, index: 0, address } };
  });
  return { projection, flips };
}
