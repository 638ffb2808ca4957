import { gzipSync } from 'node:zlib';
import { fake, useControllerKit } from '../testing/controller-test-kit';
import { FleetController } from './fleet.controller';
import { HostViews } from './host-views';

// The views are host-views.ts' (tested through the e2e tier); here: routes, roles and 404s.
const views = {
  fleet: async () => ({ hosts: [] }),
  hostsJson: async () => ({
    json: JSON.stringify([{ id: 'h1' }]),
    gzip: gzipSync(JSON.stringify([{ id: 'h1' }])),
    etag: 'W/"v1"',
  }),
  host: async (id: string) => (id === 'h1' ? { id } : undefined),
  pes: async (hostId: string, peId?: string) =>
    hostId === 'h1' ? [{ id: peId ?? '0000:01' }].filter((p) => p.id === '0000:01') : undefined,
  peJson: async (hostId: string, peId: string) =>
    hostId === 'h1' && peId === '0000:01' ? JSON.stringify({ id: peId }) : undefined,
  scenario: async (hostId: string, peId: string) =>
    hostId === 'h1' && peId === '0000:01' ? { host: { id: hostId }, pes: [] } : undefined,
  vms: async (vmId?: string) => [{ id: 'vm1' }].filter((v) => vmId === undefined || v.id === vmId),
};

describe('FleetController (/v1 reads)', () => {
  const kit = useControllerKit({ controllers: [FleetController], providers: [fake(HostViews, views)] });

  it.each([
    ['/v1/fleet', { hosts: [] }],
    ['/v1/hosts', [{ id: 'h1' }]],
    ['/v1/hosts/h1', { id: 'h1' }],
    ['/v1/hosts/h1/pes/0000:01', { id: '0000:01' }],
    ['/v1/hosts/h1/pes/0000:01/scenario', { host: { id: 'h1' }, pes: [] }],
    ['/v1/vms/vm1', { id: 'vm1' }],
  ])('serves %s to any role', async (path, body) => {
    const res = await kit.call('GET', path, { role: 'auditor' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual(body);
  });

  it.each([
    ['/v1/hosts/h2', 'no host h2'],
    ['/v1/hosts/h2/pes', 'no host h2'],
    ['/v1/hosts/h1/pes/0000:09', 'no PE 0000:09 on host h1'],
    ['/v1/hosts/h1/pes/0000:09/scenario', 'no PE 0000:09 on host h1'],
    ['/v1/vms/vm9', 'no VM vm9'],
  ])('answers %s 404, naming what is missing', async (path, message) => {
    const res = await kit.call('GET', path, { role: 'viewer' });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'NOT_FOUND', message });
  });

  it('tags the host list and answers 304 to a reader that has it', async () => {
    const first = await kit.call('GET', '/v1/hosts', { role: 'viewer' });
    expect(first.headers.get('etag')).toBe('W/"v1"');
    // Cache-Control of our own: fetch adds `no-cache` to a conditional request, which forbids a 304.
    const headers = { 'if-none-match': 'W/"v1"', 'cache-control': 'max-age=0' };
    const again = await kit.call('GET', '/v1/hosts', { role: 'viewer', headers });
    expect([again.status, again.text]).toEqual([304, '']);
    // fetch asks for gzip and inflates: the same list, sent compressed.
    const zipped = await kit.call('GET', '/v1/hosts', { role: 'viewer' });
    expect([zipped.headers.get('content-encoding'), zipped.body]).toEqual(['gzip', [{ id: 'h1' }]]);
  });

  it('needs a token', async () => {
    expect((await kit.call('GET', '/v1/hosts', { role: 'none' })).status).toBe(401);
  });
});
