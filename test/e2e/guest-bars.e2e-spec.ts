import { DataSource } from 'typeorm';
import { wireBar, wirePe } from '../../libs/owner-service/src/testing/host-fixtures';
import { ControlPlane, startControlPlane } from './control-plane-harness';

// PUT /v1/vms/{vm}/guest-bars as one ProgramGuestBars command, over HTTP against the real
// broker and database: all or nothing, every bad entry named, a retry changes nothing.
jest.setTimeout(120_000);

let cp: ControlPlane;
let db: DataSource;
beforeAll(async () => {
  cp = await startControlPlane();
  db = cp.api.app.get(DataSource);
});
afterAll(() => cp?.stop());

const hostId = `x86-gbars-${Date.now()}`;
const vmId = `${hostId}-vm`;
const nic = '0000:01:00.0';
const nicFn1 = '0000:01:00.1';
const gpu = '0000:02:00.0';
const pes = [
  wirePe(
    'iommu-1',
    {
      bdf: nic,
      bars: [
        wireBar(0, 'mem64', '0xfe000000', '0x4000'),
        wireBar(2, 'mem32', '0xfe100000', '0x1000'),
        wireBar(4, 'io', '0x1000', '0x20'),
      ],
    },
    { bdf: nicFn1, bars: [wireBar(0, 'mem64', '0xfe200000', '0x4000')] },
  ),
  wirePe('iommu-2', { bdf: gpu, bars: [wireBar(0, 'mem64', '0xfd000000', '0x10000')] }),
];
const firstSet = [
  { bdf: nic, index: 0, address: '0x80000000' },
  { bdf: nic, index: 2, address: '0x80004000' },
  { bdf: nicFn1, index: 0, address: '0x80008000' },
];

const put = (body: unknown, headers?: Record<string, string>) =>
  cp.api.call('PUT', `/v1/vms/${vmId}/guest-bars`, { role: 'provisioner', body, headers });
const schema = (service: string) => `${cp.namespace.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}${service}`;

/** What a refusal must leave as it was: the owner's events, the VM's guest BARs, the decisions and the audit chain. */
async function stored() {
  const events = await db.query(
    `SELECT event_id, event_type FROM "${schema('guest_memory')}".events WHERE host_id = $1 ORDER BY global_position`,
    [hostId],
  );
  const audit = await db.query(
    `SELECT count(*)::int AS n FROM "${schema('projector')}".audit_records WHERE host_id = $1`,
    [hostId],
  );
  const vm = await cp.api.call('GET', `/v1/vms/${vmId}`);
  const decisions = await cp.api.call('GET', `/v1/decisions?host=${hostId}`);
  const modes = decisions.body.map((d: Record<string, unknown>) => ({
    bdf: d.bdf,
    index: d.index,
    mode: d.mode,
    reasons: d.reasons,
    auditId: d.auditId,
  }));
  return { events, audit: audit[0].n, guestBars: vm.body.guestBars, modes };
}

describe('PUT /v1/vms/{vm}/guest-bars: ProgramGuestBars, all or nothing', () => {
  beforeAll(async () => {
    const { api } = cp;
    const host = { id: hostId, platform: 'x86_64', pageSize: '0x1000' };
    expect((await api.call('POST', '/v1/hosts', { role: 'provisioner', body: host })).status).toBe(201);
    expect((await api.call('PUT', `/v1/hosts/${hostId}/topology`, { role: 'provisioner', body: { pes } })).status).toBe(
      200,
    );
    expect((await api.call('POST', '/v1/vms', { role: 'provisioner', body: { id: vmId, hostId } })).status).toBe(201);
    expect(
      (await api.call('POST', `/v1/vms/${vmId}/assignments`, { role: 'provisioner', body: { peId: 'iommu-1' } }))
        .status,
    ).toBe(201);
  });

  it('programs the whole set as one command and one event', async () => {
    const before = await stored();
    const programmed = await put({ bars: firstSet });
    expect(programmed.status).toBe(200);
    expect(programmed.body).toMatchObject({ status: 'applied', vmId });
    expect(programmed.body.events).toEqual([
      { id: expect.any(String), type: 'GuestBarsProgrammed', data: { vmId, functions: [nic, nicFn1], bars: firstSet } },
    ]);
    const after = await stored();
    expect(after.events.slice(before.events.length).map((e: { event_type: string }) => e.event_type)).toEqual([
      'GuestBarsProgrammed',
    ]);
    expect(after.guestBars).toEqual(firstSet);
  });

  it('refuses a set with bad entries as a whole (400 naming every bad entry): nothing stored, decisions unchanged', async () => {
    const before = await stored();
    expect(before.modes).toHaveLength(5);
    expect(before.audit).toBeGreaterThan(0);
    // Decided by guest-memory against its state: the one good, changed entry must not be stored either.
    const refused = await put({
      vmId,
      bars: [
        { bdf: nic, index: 0, address: '0x80010000' },
        { bdf: nic, index: 2, address: '0x80004800' },
        { bdf: gpu, index: 0, address: '0x80100000' },
        { bdf: nicFn1, index: 3, address: null },
        { bdf: nic, index: 4, address: '0x1000' },
        { bdf: nic, index: 0, address: '0x80010000' },
      ],
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'VALIDATION', message: expect.stringContaining('nothing stored') });
    expect(refused.body.problems).toEqual([
      { path: 'bars[1].address', message: "guest address 0x80004800 is not aligned to the BAR's size 0x1000" },
      { path: 'bars[2].bdf', message: `function ${gpu} is not given to VM "${vmId}": assign its PE first` },
      { path: 'bars[3].index', message: `function ${nicFn1} has no BAR 3` },
      { path: 'bars[4].index', message: `BAR 4 of ${nic} is io, which is never mapped into the guest` },
      { path: 'bars[5]', message: `BAR 0 of ${nic} is listed twice (first at bars[0])` },
    ]);
    // Refused by the API before anything is published.
    const malformed = await put({
      bars: [
        { bdf: nic, index: 0, address: '0x80010000' },
        { bdf: nic, index: 9, address: '0x0' },
        { bdf: 'zz', index: 0, address: '0x1' },
        { bdf: nic, index: 2 },
      ],
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.problems).toEqual([
      { path: 'bars[1].index', message: 'must not be greater than 6' },
      { path: 'bars[2].bdf', message: expect.stringContaining('is not a BDF') },
      { path: 'bars[3].address', message: 'is required' },
    ]);
    const tooMany = await put({
      bars: Array.from({ length: 4097 }, () => ({ bdf: nic, index: 0, address: '0x80010000' })),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.problems).toEqual([
      { path: 'bars', message: 'holds at most 4096 entries (MAX_GUEST_BARS) in one request' },
    ]);
    const otherVm = await put({ vmId: 'someone-else', bars: firstSet });
    expect(otherVm.status).toBe(400);
    expect(otherVm.body.problems).toEqual([
      { path: 'vmId', message: `is "someone-else", but the path names VM "${vmId}"` },
    ]);
    expect(await stored()).toEqual(before);
  });

  it('answers a retried set applied with no events: nothing changes, with or without an Idempotency-Key', async () => {
    const before = await stored();
    const again = await put({ bars: [...firstSet].reverse() });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'applied', events: [] });
    const headers = { 'idempotency-key': `gbars-${hostId}` };
    const one = await put({ bars: firstSet }, headers);
    const two = await put({ bars: firstSet }, headers);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(two.body.commandId).toBe(one.body.commandId);
    expect(await stored()).toEqual(before);
  });

  it('unmaps a BAR given null and leaves the functions it does not name alone', async () => {
    const before = await stored();
    const unmapped = await put({ bars: [{ bdf: nicFn1, index: 0, address: null }] });
    expect(unmapped.status).toBe(200);
    expect(unmapped.body.events).toEqual([
      { id: expect.any(String), type: 'GuestBarsProgrammed', data: { vmId, functions: [nicFn1], bars: [] } },
    ]);
    const after = await stored();
    expect(after.events).toHaveLength(before.events.length + 1);
    expect(after.guestBars).toEqual(firstSet.slice(0, 2));
    // The projector applied the event: the unmapped BAR is decided anew, the others stay as they were.
    const fn1 = (s: Awaited<ReturnType<typeof stored>>) => s.modes.find((d: { bdf: string }) => d.bdf === nicFn1);
    expect(fn1(before)).toMatchObject({ mode: 'DIRECT' });
    expect(fn1(after)).toMatchObject({ reasons: ['GUEST_BAR_UNMAPPED'] });
    expect(after.modes.filter((d: { bdf: string }) => d.bdf !== nicFn1)).toEqual(
      before.modes.filter((d: { bdf: string }) => d.bdf !== nicFn1),
    );
  });

  it('still takes the bare array of earlier versions, as the same single command, naming problems at its own paths', async () => {
    const before = await stored();
    const bare = await put([{ bdf: nicFn1, index: 0, address: '0x80008000' }]);
    expect(bare.status).toBe(200);
    expect(bare.body).toMatchObject({
      status: 'applied',
      events: [{ type: 'GuestBarsProgrammed', data: { functions: [nicFn1] } }],
    });
    expect((await stored()).events).toHaveLength(before.events.length + 1);
    const bad = await put([
      { bdf: nicFn1, index: 0, address: '0x80008800' },
      { bdf: nic, index: 7, address: '0x0' },
    ]);
    expect(bad.status).toBe(400);
    expect(bad.body.problems).toEqual([{ path: '[1].index', message: 'must not be greater than 6' }]);
    const refused = await put([{ bdf: nicFn1, index: 0, address: '0x80008800' }]);
    expect(refused.status).toBe(400);
    expect(refused.body.problems).toEqual([
      { path: '[0].address', message: "guest address 0x80008800 is not aligned to the BAR's size 0x4000" },
    ]);
    expect((await stored()).guestBars).toEqual(firstSet);
  });
});
