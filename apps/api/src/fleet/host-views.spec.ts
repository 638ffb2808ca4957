import { HostProjection, initialGuestState, initialHostRegistryState, initialVfioState } from '@barplane/domain';
import { bar, fn, host, pe, vm } from '@barplane/domain/testing/scenario-builder';
import { hostSummaryOf } from '@barplane/read-models';
import { DecisionRow, ReadModels } from '../read-models/read-models';
import { SummaryChanges } from '../read-models/summary-changes';
import { HostViews } from './host-views';

// The fleet reads over a hand-made projection: what the dashboard used to compute itself
// (per-PE coverage, the offender order, a PE's scenario) now comes from here.

const h = { ...host('x86_64', 0x1000n), id: 'h1' };
const held = pe('0000:01', [
  fn('0000:01:00.0', [bar(0, 'mem64', 0x1_0000_0000n, 0x10000n), bar(6, 'rom', 0xfe00_0000n, 0x8000n)]),
]);
const idle = pe('0000:02', [fn('0000:02:00.0', [bar(0, 'mem32', 0xfd00_0000n, 0x1000n)])]);
const fast = pe('0000:03', [fn('0000:03:00.0', [bar(0, 'mem64', 0x2_0000_0000n, 0x4000n)])]);
const guest = vm(h, [held, fast], { id: 'vm1' });
const projection: HostProjection = {
  hostId: 'h1',
  registry: { ...initialHostRegistryState(), host: h, pes: [held, idle, fast] },
  vfio: initialVfioState(),
  guest: {
    ...initialGuestState(),
    vms: new Map([['vm1', guest]]),
    holders: new Map([
      ['0000:01:00.0', { vmId: 'vm1', peId: '0000:01' }],
      ['0000:03:00.0', { vmId: 'vm1', peId: '0000:03' }],
    ]),
  },
};

function barRow(peId: string, bdf: string, index: number, mode: string, vmId: string | null): DecisionRow {
  return {
    host_id: 'h1',
    subject_key: `bar:${bdf}/${index}`,
    subject: { kind: 'bar', pe: peId, bdf, index },
    vm_id: vmId,
    outcome: {
      pe: peId,
      bdf,
      index,
      mode,
      reasons: [],
      slots: mode === 'DIRECT' ? 1 : 0,
      directRanges: [],
      advice: [],
    },
    audit_seq: 1,
    decided_at: new Date(0),
  };
}

const rows: DecisionRow[] = [
  barRow('0000:01', '0000:01:00.0', 0, 'EMULATED', 'vm1'),
  barRow('0000:01', '0000:01:00.0', 6, 'EMULATED', 'vm1'),
  barRow('0000:02', '0000:02:00.0', 0, 'PENDING', null),
  barRow('0000:03', '0000:03:00.0', 0, 'DIRECT', 'vm1'),
  {
    ...barRow('0000:01', '', 0, '', null),
    subject_key: 'pe:0000:01',
    subject: { kind: 'pe', pe: '0000:01' },
    outcome: { policy: 'NONE', override: 'auto' },
  },
];

let summaryReads = 0;
let projectionReads = 0;
let versionReads = 0;
let version = '1/t0';
const reads = {
  projections: async (hostId?: string) => {
    projectionReads++;
    return hostId === undefined || hostId === 'h1' ? [projection] : [];
  },
  hostSummaries: async () => {
    summaryReads++;
    return [hostSummaryOf(projection, rows)];
  },
  hostSummariesVersion: async () => (versionReads++, version),
  hostSummaryVersion: async (hostId: string) => (versionReads++, hostId === 'h1' ? version : undefined),
  decisions: async (f: { pe?: string; kind?: 'bar' | 'pe' } = {}) =>
    rows.filter((d) => (!f.kind || d.subject.kind === f.kind) && (!f.pe || d.subject.pe === f.pe)),
} as unknown as ReadModels;
const changes = new SummaryChanges();
const views = new HostViews(reads, changes);

describe('HostViews fleet reads', () => {
  it('ranks PEs worst offender first, held PEs before idle ones, and counts no ROM byte as off the fast path', async () => {
    const fleet = await views.fleet();
    expect(fleet.pes.map((p) => p.id)).toEqual(['0000:01', '0000:03', '0000:02']);
    const [worst, , spare] = fleet.pes;
    expect(worst).toMatchObject({
      vmId: 'vm1',
      alignmentPolicy: 'NONE',
      bars: 2,
      byMode: { EMULATED: 2 },
      offFastPathBytes: '0x10000',
    });
    expect(worst.coverage.bytes).toEqual({ total: '0x10000', fastPath: '0x0', byMode: { EMULATED: '0x10000' } });
    expect(spare).toMatchObject({ vmId: null, alignmentPolicy: null, byMode: { PENDING: 1 }, offFastPathBytes: '0x0' });
    expect(spare.coverage.notAssigned).toEqual({ bars: 1, bytes: '0x1000', byMode: { PENDING: 1 } });
  });

  it('totals the fleet in the same terms as a host', async () => {
    const fleet = await views.fleet();
    expect(fleet.totals).toMatchObject({ hosts: 1, pes: 3, vms: 1 });
    expect(fleet.totals.coverage).toEqual(fleet.hosts[0].coverage);
    expect(fleet.totals.coverage.bars).toEqual({ total: 3, fastPath: 1, byMode: { EMULATED: 2, DIRECT: 1 } });
    expect(fleet.totals.coverage.bytes.total).toBe('0x14000');
    expect(fleet.totals.coverage.byteShare).toBe(0.2);
  });

  it('lists hosts from their summaries exactly as the fleet overview shows them', async () => {
    const [fromSummary] = await views.hosts();
    expect(fromSummary).toEqual((await views.fleet()).hosts[0]);
    expect(fromSummary).toMatchObject({ id: 'h1', peCount: 3, functionCount: 3, vms: ['vm1'] });
    expect(await views.host('h1')).toEqual(fromSummary);
  });

  it('makes the host list text again only when a summary changed', async () => {
    const first = await views.hostsJson();
    expect(JSON.parse(first.json)).toEqual(await views.hosts());
    const reads0 = summaryReads;
    expect(await views.hostsJson()).toBe(first);
    expect(summaryReads).toBe(reads0);
    version = '1/t1';
    expect((await views.hostsJson()).etag).not.toBe(first.etag);
    expect(summaryReads).toBe(reads0 + 1);
  });

  it('keeps a PE page as text until its host is written again, and has none for an unknown PE', async () => {
    const page = await views.peJson('h1', '0000:03');
    expect(JSON.parse(page!.json)).toEqual((await views.pes('h1', '0000:03'))![0]);
    const reads0 = projectionReads;
    expect(await views.peJson('h1', '0000:03')).toBe(page);
    expect(projectionReads).toBe(reads0);
    version = '1/t2';
    await views.peJson('h1', '0000:03');
    expect(projectionReads).toBe(reads0 + 1);
    expect(await views.peJson('h1', '0000:09')).toBeUndefined();
    expect(await views.peJson('h9', '0000:03')).toBeUndefined();
  });

  it('reads no version while listening and no summary was written since, and reads it again after a notice or a lost connection', async () => {
    changes.listening();
    const list = await views.hostsJson();
    const page = await views.peJson('h1', '0000:03');
    const reads0 = versionReads;
    expect(await views.hostsJson()).toBe(list);
    expect(await views.peJson('h1', '0000:03')).toBe(page);
    expect(versionReads).toBe(reads0);
    version = '1/t3';
    changes.changed();
    expect((await views.hostsJson()).etag).not.toBe(list.etag);
    expect(await views.peJson('h1', '0000:03')).toBe(await views.peJson('h1', '0000:03'));
    expect(versionReads).toBe(reads0 + 2);
    changes.lost();
    await views.hostsJson();
    await views.peJson('h1', '0000:03');
    expect(versionReads).toBe(reads0 + 4);
  });

  it('gives each PE its own coverage and a what-if its scenario, with the VM that holds the PE', async () => {
    const pes = (await views.pes('h1'))!;
    expect(pes.find((p) => p.id === '0000:03')!.coverage.byteShare).toBe(1);
    const scenario = (await views.scenario('h1', '0000:01'))!;
    expect(scenario.pes.map((p) => p.id)).toEqual(['0000:01', '0000:02', '0000:03']);
    expect(scenario.vm?.id).toBe('vm1');
    expect((await views.scenario('h1', '0000:02'))!.vm).toBeUndefined();
    expect(await views.scenario('h1', '0000:99')).toBeUndefined();
  });
});
