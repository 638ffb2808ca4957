import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunningApi } from '../api/api-harness';

/** The POWER9 demo (demo/power9-powernv.json) under a fresh host id, loaded through the API. */
export interface LoadedDemo {
  hostId: string;
  vmId: string;
  demo: any;
}

export const power9Demo = (): any =>
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'demo', 'power9-powernv.json'), 'utf8'));

export async function loadPower9(api: RunningApi, hostId: string): Promise<LoadedDemo> {
  const demo = power9Demo();
  const vmId = `${hostId}-vm`;
  const ok = (what: string, r: { status: number; text: string }, want: number[]) => {
    if (!want.includes(r.status)) throw new Error(`${what}: ${r.status} ${r.text}`);
  };
  ok(
    'register host',
    await api.call('POST', '/v1/hosts', { role: 'provisioner', body: { ...demo.host, id: hostId } }),
    [201],
  );
  ok(
    'import topology',
    await api.call('PUT', `/v1/hosts/${hostId}/topology`, { role: 'provisioner', body: { pes: demo.pes } }),
    [200],
  );
  const { guestBars, id: _id, ...vm } = demo.vm;
  ok('create VM', await api.call('POST', '/v1/vms', { role: 'provisioner', body: { ...vm, id: vmId, hostId } }), [201]);
  for (const pe of demo.pes)
    ok(
      `assign ${pe.id}`,
      await api.call('POST', `/v1/vms/${vmId}/assignments`, { role: 'provisioner', body: { peId: pe.id } }),
      [201],
    );
  ok(
    'guest BARs',
    await api.call('PUT', `/v1/vms/${vmId}/guest-bars`, { role: 'provisioner', body: guestBars }),
    [200],
  );
  return { hostId, vmId, demo };
}
