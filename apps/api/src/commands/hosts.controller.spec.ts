import { HostViews } from '../fleet/host-views';
import { ReadModels } from '../read-models/read-models';
import { ControllerKit, controllerKit } from '../testing/controller-test-kit';
import { FakeCommandGateway, applied, pending, rejected } from '../testing/fake-command-gateway';
import { HostsController } from './hosts.controller';

const host = { id: 'h1', platform: 'x86_64', pageSize: '0x1000' };
const bar = { bdf: '0000:01:00.0', bars: [{ index: 0, kind: 'mem64', address: '0x80000000', size: '0x4000' }] };

describe('HostsController (/v1/hosts commands)', () => {
  const gateway = new FakeCommandGateway();
  const holders = new Map<string, { peId: string; vmId: string }>();
  let kit: ControllerKit;

  beforeAll(async () => {
    kit = await controllerKit({
      controllers: [HostsController],
      providers: [
        gateway.asProvider(),
        { provide: ReadModels, useValue: { projections: async () => [{ guest: { holders } }] } },
        {
          provide: HostViews,
          useValue: { host: async (id: string) => ({ id, coverage: {} }), hostBar: async () => ({ size: '0x4000' }) },
        },
      ],
    });
  });
  afterAll(() => kit.close());
  beforeEach(() => {
    gateway.sent.length = 0;
    gateway.answer = applied;
    holders.clear();
  });

  it('registers a host: 201 with its view, the host sent as RegisterHost by the principal', async () => {
    const res = await kit.call('POST', '/v1/hosts', { role: 'provisioner', body: host });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'applied', host: { id: 'h1' } });
    expect(gateway.sent).toEqual([
      expect.objectContaining({
        type: 'RegisterHost',
        hostId: 'h1',
        data: { host: expect.objectContaining(host) },
        principal: { name: 'provisioner-user', roles: ['provisioner'] },
      }),
    ]);
  });

  it('lists every problem of the body at its path, and sends nothing', async () => {
    const res = await kit.call('POST', '/v1/hosts', { body: { id: 'h1', pageSize: '0x1000', colour: 'red' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'VALIDATION', message: 'invalid input: 2 problems' });
    expect(res.body.problems).toEqual(
      expect.arrayContaining([
        { path: 'colour', message: 'is not a known field' },
        { path: 'platform', message: 'is required' },
      ]),
    );
    expect(gateway.sent).toEqual([]);
  });

  it('refuses a body that is not an object, and a viewer', async () => {
    expect((await kit.call('POST', '/v1/hosts', { body: [host] })).body.problems).toEqual([
      { path: '$', message: 'the body must be a JSON object' },
    ]);
    const viewer = await kit.call('POST', '/v1/hosts', { role: 'viewer', body: host });
    expect(viewer.status).toBe(403);
    expect(viewer.body.error).toBe('FORBIDDEN');
    expect((await kit.call('POST', '/v1/hosts', { role: 'none', body: host })).status).toBe(401);
  });

  it('names a topology number past 2^53 at its path rather than as missing', async () => {
    const raw = `{"pes":[{"id":"0000:01","functions":[{"bdf":"0000:01:00.0","bars":[{"index":0,"kind":"mem64","address":18446744073709551617,"size":"0x4000"}]}]}]}`;
    const res = await kit.call('PUT', '/v1/hosts/h1/topology', { raw });
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([
      { path: 'pes[0].functions[0].bars[0].address', message: expect.stringContaining('is not exact') },
    ]);
    const ok = await kit.call('PUT', '/v1/hosts/h1/topology', { body: { pes: [{ id: '0000:01', functions: [bar] }] } });
    expect(ok.status).toBe(200);
    expect(gateway.sent[0]).toMatchObject({ type: 'ImportTopology', hostId: 'h1' });
  });

  it('takes an alignment override from an operator only, named `override` in problems', async () => {
    const bad = await kit.call('PUT', '/v1/hosts/h1/pes/0000:01/alignment', { body: { override: 'sometimes' } });
    expect(bad.status).toBe(400);
    expect(bad.body.problems).toEqual([{ path: 'override', message: expect.stringContaining('must be one of') }]);
    expect(
      (await kit.call('PUT', '/v1/hosts/h1/pes/0000:01/alignment', { role: 'provisioner', body: { override: 'page' } }))
        .status,
    ).toBe(403);
    expect((await kit.call('PUT', '/v1/hosts/h1/pes/0000:01/alignment', { body: { override: 'page' } })).status).toBe(
      200,
    );
    expect(gateway.sent.map((c) => c.data)).toEqual([{ peId: '0000:01', alignment: 'page' }]);
  });

  it('moves a BAR, but refuses a resize', async () => {
    const resize = await kit.call('PUT', '/v1/hosts/h1/functions/0000:01:00.0/bars/0', {
      body: { address: '0x90000000', size: '0x8000' },
    });
    expect(resize.status).toBe(400);
    expect(resize.body.problems).toEqual([
      { path: 'size', message: expect.stringContaining('resizing is not a BAR move') },
    ]);
    const move = await kit.call('PUT', '/v1/hosts/h1/functions/0000:01:00.0/bars/0', {
      body: { address: '0x90000000', size: '0x4000' },
    });
    expect(move.status).toBe(200);
    expect(gateway.sent.map((c) => c.data)).toEqual([{ address: '0x90000000', bdf: '0000:01:00.0', index: 0 }]);
  });

  it('refuses to remove or unbind a function of a PE a VM holds (409), and a path BDF that is not one', async () => {
    holders.set('0000:01:00.0', { peId: '0000:01', vmId: 'vm1' });
    const res = await kit.call('DELETE', '/v1/hosts/h1/functions/0000:01:00.0');
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      error: 'CONFLICT',
      message: '0000:01:00.0 cannot be removed: its PE 0000:01 is given to VM vm1',
    });
    expect((await kit.call('DELETE', '/v1/hosts/h1/functions/0000:01:00.0/vfio')).status).toBe(409);
    expect((await kit.call('PUT', '/v1/hosts/h1/functions/zz/vfio')).body.problems[0].path).toBe('bdf');
    expect(gateway.sent).toEqual([]);
  });

  it.each([
    ['NOT_FOUND', 404],
    ['CONFLICT', 409],
    ['ILLEGAL_STATE', 409],
    ['VALIDATION', 400],
    ['FAILED', 500],
  ])("answers the owner's %s rejection with %i and its problems", async (code, status) => {
    gateway.answer = rejected(code, 'refused', [{ path: 'bdf', message: 'no such function' }]);
    const res = await kit.call('PUT', '/v1/hosts/h1/functions/0000:01:00.0/vfio');
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({
      error: code === 'ILLEGAL_STATE' ? 'CONFLICT' : code,
      message: 'refused',
      problems: [{ path: 'bdf', message: 'no such function' }],
    });
  });

  it('answers 202 with the status URL when the outcome is not known in time', async () => {
    gateway.answer = pending;
    const res = await kit.call('PUT', '/v1/hosts/h1/functions/0000:01:00.0/vfio');
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe('/v1/commands/cmd-1');
    expect(res.body).toEqual({
      correlationId: 'corr-1',
      commandId: 'cmd-1',
      status: 'pending',
      statusUrl: '/v1/commands/cmd-1',
    });
  });

  it('refuses a malformed If-Match before sending', async () => {
    const res = await kit.call('PUT', '/v1/hosts/h1/functions/0000:01:00.0/vfio', {
      headers: { 'if-match': 'latest' },
    });
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([{ path: 'If-Match', message: expect.stringContaining('stream version') }]);
  });
});
