import { ReadModels } from '../read-models/read-models';
import { ControllerKit, controllerKit } from '../testing/controller-test-kit';
import { FakeCommandGateway, applied, rejected } from '../testing/fake-command-gateway';
import { VmsController } from './vms.controller';

const nvme = '0000:01:00.0';

describe('VmsController (/v1/vms commands)', () => {
  const gateway = new FakeCommandGateway();
  const reads = { hostOfVm: async (vmId: string) => (vmId === 'vm1' ? 'h1' : undefined) };
  let kit: ControllerKit;
  beforeAll(
    async () =>
      (kit = await controllerKit({
        controllers: [VmsController],
        providers: [gateway.asProvider(), { provide: ReadModels, useValue: reads }],
      })),
  );
  afterAll(() => kit.close());
  beforeEach(() => {
    gateway.sent.length = 0;
    gateway.answer = applied;
  });

  it('creates a VM on its host: 201, the id sent as vmId with the settings', async () => {
    const res = await kit.call('POST', '/v1/vms', {
      role: 'provisioner',
      body: { id: 'vm2', hostId: 'h1', machine: 'q35', memslotsUsed: 3 },
    });
    expect(res.status).toBe(201);
    expect(res.body.vm).toEqual({ id: 'vm2', hostId: 'h1' });
    expect(gateway.sent).toEqual([
      expect.objectContaining({
        type: 'CreateVm',
        hostId: 'h1',
        data: { machine: 'q35', memslotsUsed: 3, vmId: 'vm2' },
      }),
    ]);
  });

  it('names every missing or bad field of a VM, and a number past 2^53 as not exact', async () => {
    const missing = await kit.call('POST', '/v1/vms', { body: { machine: 'isa' } });
    expect(missing.status).toBe(400);
    expect(missing.body.problems).toEqual(
      expect.arrayContaining([
        { path: 'id', message: 'is required' },
        { path: 'hostId', message: 'is required' },
        { path: 'machine', message: expect.stringContaining('must be one of') },
      ]),
    );
    const big = await kit.call('POST', '/v1/vms', {
      raw: '{"id":"v1","hostId":"h1","memslotsUsed":18446744073709551617}',
    });
    expect(big.body.problems).toEqual([
      { path: 'memslotsUsed', message: expect.stringContaining('18446744073709551617 is not exact') },
    ]);
    expect(gateway.sent).toEqual([]);
  });

  it('assigns a PE (201) by id; 404 for an unknown VM; an auditor may not', async () => {
    const res = await kit.call('POST', '/v1/vms/vm1/assignments', { body: { peId: '0000:01' } });
    expect(res.status).toBe(201);
    expect(gateway.sent.map((c) => [c.type, c.hostId, c.data])).toEqual([
      ['AssignPe', 'h1', { peId: '0000:01', vmId: 'vm1' }],
    ]);
    const unknown = await kit.call('POST', '/v1/vms/nobody/assignments', { body: { peId: '0000:01' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: 'NOT_FOUND', message: 'no VM nobody' });
    expect(
      (await kit.call('POST', '/v1/vms/vm1/assignments', { role: 'auditor', body: { peId: '0000:01' } })).status,
    ).toBe(403);
  });

  it('asks for peId unless a bdf names the PE', async () => {
    const res = await kit.call('POST', '/v1/vms/vm1/assignments', { body: {} });
    expect(res.body.problems).toEqual([{ path: 'peId', message: 'is required unless bdf names one of its functions' }]);
    expect((await kit.call('POST', '/v1/vms/vm1/assignments', { body: { bdf: nvme } })).status).toBe(201);
  });

  it("answers a sibling held elsewhere as the owner's 409 with one problem per sibling", async () => {
    gateway.answer = rejected('CONFLICT', 'PE 0000:01 is held', [
      { path: 'peId', message: '0000:01:00.1 is given to VM vm9' },
    ]);
    const res = await kit.call('POST', '/v1/vms/vm1/assignments', { body: { peId: '0000:01' } });
    expect(res.status).toBe(409);
    expect(res.body.problems).toEqual([{ path: 'peId', message: '0000:01:00.1 is given to VM vm9' }]);
  });

  it("programs a guest BAR set as one command; vmId in the body must be the path's", async () => {
    const bars = [
      { bdf: nvme, index: 0, address: '0x80000000' },
      { bdf: nvme, index: 2, address: null },
    ];
    const res = await kit.call('PUT', '/v1/vms/vm1/guest-bars', { body: { vmId: 'vm1', bars } });
    expect(res.status).toBe(200);
    expect(gateway.sent[0]).toMatchObject({ type: 'ProgramGuestBars', data: { vmId: 'vm1', bars } });
    const other = await kit.call('PUT', '/v1/vms/vm1/guest-bars', { body: { vmId: 'someone-else', bars } });
    expect(other.body.problems).toEqual([{ path: 'vmId', message: 'is "someone-else", but the path names VM "vm1"' }]);
  });

  it('names guest BAR problems at bars[i], or at [i] for the bare array of earlier versions', async () => {
    const wrapped = await kit.call('PUT', '/v1/vms/vm1/guest-bars', {
      body: {
        bars: [
          { bdf: nvme, index: 0, address: '0x0' },
          { bdf: nvme, index: 7, address: '0x0' },
        ],
      },
    });
    expect(wrapped.body.problems).toEqual([{ path: 'bars[1].index', message: 'must not be greater than 6' }]);
    const bare = await kit.call('PUT', '/v1/vms/vm1/guest-bars', {
      body: [
        { bdf: nvme, index: 0, address: '0x0' },
        { bdf: nvme, index: 7, address: '0x0' },
      ],
    });
    expect(bare.body.problems).toEqual([{ path: '[1].index', message: 'must not be greater than 6' }]);
    const missing = await kit.call('PUT', '/v1/vms/vm1/guest-bars', { body: {} });
    expect(missing.body.problems).toEqual([{ path: 'bars', message: 'is required' }]);
    gateway.answer = rejected('VALIDATION', 'refused', [{ path: 'bars[0].address', message: 'not aligned' }]);
    const refused = await kit.call('PUT', '/v1/vms/vm1/guest-bars', {
      body: [{ bdf: nvme, index: 0, address: '0x800' }],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.problems).toEqual([{ path: '[0].address', message: 'not aligned' }]);
  });

  it('releases a PE', async () => {
    const res = await kit.call('DELETE', '/v1/vms/vm1/assignments/0000:01');
    expect(res.status).toBe(200);
    expect(gateway.sent.map((c) => c.data)).toEqual([{ vmId: 'vm1', peId: '0000:01' }]);
  });
});
