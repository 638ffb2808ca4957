import { gzipSync } from 'node:zlib';
import { fake, useControllerKit } from '../testing/controller-test-kit';
import { FleetController } from './fleet.controller';
import { HostViews } from './host-views';

// The views are host-views.ts' (tested through the e2e tier); here: routes, roles and 404s.
const answer = (value: unknown, etag: string) => ({
  json: JSON.stringify(value),
  gzip: gzipSync(JSON.stringify(value)),
  etag,
});
const views = {
  fleet: async () => ({ hosts: [] }),
  hostsJson: async () => answer([{ id: 'h1' }], 'W/"v1"'),
  host: async (id: string) => (id === 'h1' ? { id } : undefined),
  pes: async (hostId: string, peId?: string) =>
    hostId === 'h1' ? [{ id: peId ?? '0000:01' }].filter((p) => p.id === '0000:01') : undefined,
  peJson: async (hostId: string, peId: string) =>
    hostId === 'h1' && peId === '0000:01' ? answer({ id: peId }, 'W/"pe1"') : undefined,
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

  it.each([
    ['/v1/hosts', 'W/"v1"', [{ id: 'h1' }]],
    ['/v1/hosts/h1/pes/0000:01', 'W/"pe1"', { id: '0000:01' }],
  ])('tags %s, answers 304 to a reader that has it, and sends gzip to one that takes it', async (path, etag, body) => {
    const first = await kit.call('GET', path, { role: 'viewer' });
    expect(first.headers.get('etag')).toBe(etag);
    // Cache-Control of our own: fetch adds `no-cache` to a conditional request, which forbids a 304.
    const headers = { 'if-none-match': etag, 'cache-control': 'max-age=0' };
    const again = await kit.call('GET', path, { role: 'viewer', headers });
    expect([again.status, again.text]).toEqual([304, '']);
    // fetch asks for gzip and inflates: the same answer, sent compressed.
    const zipped = await kit.call('GET', path, { role: 'viewer' });
    expect([zipped.headers.get('content-encoding'), zipped.body]).toEqual(['gzip', body]);
  });

  it('needs a token', async () => {
    expect((await kit.call('GET', '/v1/hosts', { role: 'none' })).status).toBe(401);
  });
});
