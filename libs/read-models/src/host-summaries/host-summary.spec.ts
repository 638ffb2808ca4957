import { HostProjection, initialHostProjection, toHex } from '@barplane/domain';
import { bar, fn, host, pe, vm } from '@barplane/domain/testing/scenario-builder';
import { hostSummaryOf } from './host-summary';

// A host's summary row from its projection and current decisions: what GET /v1/hosts and
// /metrics read instead of every projection and decision of the fleet.

const h = { ...host('powernv', 0x10000n), id: 'h1' };
const held = pe('0000:01', [fn('0000:01:00.0', [bar(0, 'mem64', 0x3fe0_8000_0000n, 0x10000n)])]);
const idle = pe('0000:02', [
  fn('0000:02:00.0', [bar(0, 'mem32', 0x3fe0_8001_0000n, 0x1000n), bar(2, 'io', 0x100n, 0x20n)]),
]);
const base = initialHostProjection('h1');
const projection: HostProjection = {
  ...base,
  registry: { ...base.registry, host: h, pes: [held, idle] },
  guest: {
    ...base.guest,
    vms: new Map([['vm1', vm(h, [held], { id: 'vm1' })]]),
    holders: new Map([['0000:01:00.0', { vmId: 'vm1', peId: '0000:01' }]]),
  },
};
const decision = (peId: string, bdf: string, index: number, mode: string) => ({
  subject: { kind: 'bar', pe: peId, bdf, index },
  outcome: { pe: peId, bdf, index, mode, reasons: [], slots: 0, directRanges: [], advice: [] },
});

describe('hostSummaryOf', () => {
  it('counts PEs, functions, VMs and BAR modes, and takes coverage over the memory BARs only', () => {
    const summary = hostSummaryOf(projection, [
      decision('0000:01', '0000:01:00.0', 0, 'DIRECT'),
      decision('0000:02', '0000:02:00.0', 0, 'EMULATED'),
      decision('0000:02', '0000:02:00.0', 2, 'EMULATED'),
      { subject: { kind: 'pe' }, outcome: { policy: 'NONE' } },
    ]);
    expect(summary).toMatchObject({
      host: { id: 'h1', platform: 'powernv', pageSize: toHex(0x10000n) },
      peCount: 2,
      functionCount: 2,
      vms: ['vm1'],
      barModes: { DIRECT: 1, EMULATED: 2 },
    });
    expect(summary!.coverage.byteShare).toBe(1);
    // The I/O BAR counts as a BAR not given to a VM, but none of its bytes do.
    expect(summary!.coverage.notAssigned).toEqual({ bars: 2, bytes: '0x1000', byMode: { EMULATED: 2 } });
  });

  it('is null for a host the projector has facts of but that is not registered', () => {
    expect(hostSummaryOf(initialHostProjection('h2'), [])).toBeNull();
  });

  it('survives a JSON round trip unchanged (the row is json, read back whole)', () => {
    const summary = hostSummaryOf(projection, [decision('0000:01', '0000:01:00.0', 0, 'EMULATED')]);
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  });
});
