import { planScenario } from '../plan/plan-scenario';
import { bar, fn, host, P64K, pe } from '../testing/scenario-builder';
import { hostDecisions } from './host-decisions';
import { FactEvent, HostProjection, applyFact, initialHostProjection } from './host-projection';

const h = host('arm64', P64K);
const topology = [
  pe('0000:01', [
    fn('0000:01:00.0', [bar(0, 'mem64', 0x4000_0000n, 0x1000n)]),
    fn('0000:01:00.1', [bar(0, 'mem64', 0x4001_0000n, 0x1000n)]),
  ]),
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
});
