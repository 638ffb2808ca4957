import { planScenario } from '../plan/plan-scenario';
import { bar, fn, host, P64K, pe, vm } from '../testing/scenario-builder';
import { hostDecisions } from './host-decisions';
import { FactEvent, HostProjection, applyFact, initialHostProjection } from './host-projection';

const h = host('arm64', P64K);
const topology = [
  pe('0000:01', [
    fn('0000:01:00.0', [bar(0, 'mem64', 0x4000_0000n, 0x1000n)]),
    fn('0000:01:00.1', [bar(0, 'mem64', 0x4001_0000n, 0x1000n)]),
  ]),
];
const twoPes = [
  pe('0000:01', [fn('0000:01:00.0', [bar(0, 'mem64', 0x4000_0000n, 0x1000n)])]),
  pe('0000:02', [fn('0000:02:00.0', [bar(0, 'mem64', 0x4010_0000n, 0x1000n)])]),
  pe('0000:03', [fn('0000:03:00.0', [bar(0, 'mem64', 0x4020_0000n, 0x1000n)])]),
];

function project(...events: FactEvent[]): HostProjection {
  return events.reduce(applyFact, initialHostProjection(h.id));
}

function barModes(p: HostProjection): Record<string, unknown> {
  const modes: Record<string, unknown> = {};
  for (const d of hostDecisions(p)) if (d.subject.kind === 'bar') modes[d.key] = d.outcome.mode;
  return modes;
}

// hostDecisions keeps each registry state's layout (the page-remainder answers) for the next
// event: the facts it was made from must be the ones decided.
describe('hostDecisions', () => {
  const registered: FactEvent = { type: 'HostRegistered', data: { host: h } };
  const imported: FactEvent = {
    type: 'TopologyImported',
    data: { pes: topology, added: ['0000:01:00.0', '0000:01:00.1'], removed: [], changed: [] },
  };

  it('decides each BAR as planScenario does on the same facts', () => {
    const p = project(registered, imported);
    const plan = planScenario({ host: h, pes: topology });
    expect(barModes(p)).toEqual({ 'bar:0000:01:00.0/0': plan.bars[0].mode, 'bar:0000:01:00.1/0': plan.bars[1].mode });
    expect(plan.bars.map((b) => b.mode)).toEqual(['PENDING', 'PENDING']);
  });

  it('given the same host again, decides it the same; given new facts, decides those and not the kept layout', () => {
    const p = project(registered, imported);
    expect(barModes(p)).toEqual(barModes(p));
    // 00.1's BAR moves into 00.0's page: both now share a page the host rules refuse.
    const moved = applyFact(p, {
      type: 'BarRelocated',
      data: { bdf: '0000:01:00.1', index: 0, address: 0x4000_8000n, previous: 0x4001_0000n },
    });
    expect(barModes(moved)).toEqual({ 'bar:0000:01:00.0/0': 'EMULATED', 'bar:0000:01:00.1/0': 'EMULATED' });
    expect(barModes(p)).toEqual({ 'bar:0000:01:00.0/0': 'PENDING', 'bar:0000:01:00.1/0': 'PENDING' });
  });

  // Per registry state, each VM's decisions are kept with the VM state they came from and the
  // VM-less plan's with the set of held PEs: an event on one VM gives the others' decisions back
  // as the same objects.
  describe('kept plans', () => {
    const facts: FactEvent[] = [
      registered,
      {
        type: 'TopologyImported',
        data: { pes: twoPes, added: ['0000:01:00.0', '0000:02:00.0', '0000:03:00.0'], removed: [], changed: [] },
      },
    ];
    const create = (id: string): FactEvent => ({ type: 'VmCreated', data: { vm: vm(h, [], { id }) } });
    const assign = (vmId: string, peId: string): FactEvent => ({
      type: 'PeAssigned',
      data: { vmId, peId, functions: [`${peId}:00.0`] },
    });
    const program = (vmId: string, bdf: string, address: bigint): FactEvent => ({
      type: 'GuestBarProgrammed',
      data: { vmId, bdf, index: 0, address },
    });
    const byKey = (p: HostProjection) => new Map(hostDecisions(p).map((d) => [d.key, d]));
    const setUp = project(
      ...facts,
      create('vm-a'),
      create('vm-b'),
      assign('vm-a', '0000:01'),
      assign('vm-b', '0000:02'),
    );

    it('gives the same decision objects for the same projection', () => {
      const first = hostDecisions(setUp);
      const again = hostDecisions(setUp);
      expect(again).toHaveLength(first.length);
      again.forEach((d, i) => expect(d).toBe(first[i]));
    });

    it("changes only the VM an event names: the other VM's and the VM-less plan's decisions stay the same objects", () => {
      const before = byKey(setUp);
      const after = byKey(applyFact(setUp, program('vm-a', '0000:01:00.0', 0x8000_0000n)));
      expect(after.get('bar:0000:01:00.0/0')).not.toBe(before.get('bar:0000:01:00.0/0'));
      expect(after.get('bar:0000:01:00.0/0')!.outcome.mode).toBe('DIRECT_PAGE_EXPANDED');
      expect(before.get('bar:0000:01:00.0/0')!.outcome.mode).toBe('PENDING');
      for (const key of ['bar:0000:02:00.0/0', 'bar:0000:03:00.0/0', 'pe:0000:01', 'pe:0000:02', 'pe:0000:03'])
        expect(after.get(key)).toBe(before.get(key));
    });

    it('moves a BAR from the VM-less plan to the VM its PE is given to, and back when the facts say so', () => {
      const free = byKey(setUp).get('bar:0000:03:00.0/0')!;
      expect(free.vmId).toBeNull();
      const given = applyFact(setUp, assign('vm-b', '0000:03'));
      const taken = byKey(given).get('bar:0000:03:00.0/0')!;
      expect(taken.vmId).toBe('vm-b');
      // The same registry state, asked again with the PE free: the VM-less plan's decision again.
      expect(byKey(setUp).get('bar:0000:03:00.0/0')!.vmId).toBeNull();
      expect(byKey(given).get('bar:0000:03:00.0/0')!.vmId).toBe('vm-b');
      expect([...byKey(given).keys()]).toEqual([...byKey(setUp).keys()]);
    });

    it('decides every BAR as each plan of fresh facts does, whatever was kept before', () => {
      const moved = applyFact(setUp, {
        type: 'BarRelocated',
        data: { bdf: '0000:02:00.0', index: 0, address: 0x4000_8000n, previous: 0x4010_0000n },
      });
      hostDecisions(setUp);
      const kept = hostDecisions(moved);
      const fresh = hostDecisions({ ...moved, registry: { ...moved.registry }, guest: { ...moved.guest } });
      expect(kept.map((d) => [d.key, d.vmId, d.outcome])).toEqual(fresh.map((d) => [d.key, d.vmId, d.outcome]));
    });
  });
});
