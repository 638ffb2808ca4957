import { join } from 'node:path';
import { FIXTURES, FakeAnswer, apiError, runCli } from '../testing/cli-test-kit';

const send = [
  'import',
  'libvirt',
  join(FIXTURES, 'libvirt', 'libvirt-pseries-hostdevs-1.xml'),
  '--host-id',
  'p9',
  '--send',
];
const pe = (id: string, ...bdfs: string[]) => ({ id, functions: bdfs.map((bdf) => ({ bdf })) });
const p9 = [pe('0001:01', '0001:01:00.0', '0001:01:00.1'), pe('0005:90', '0005:90:01.0')];
const applied = (correlationId: string): FakeAnswer => ({ status: 201, body: { correlationId, status: 'applied' } });

describe('barplane import libvirt --send', () => {
  it('creates the VM and assigns each PE whole, one line per command (exit 0)', async () => {
    const run = await runCli(send, {
      'GET /v1/hosts/p9/pes': { body: p9 },
      'POST /v1/vms': applied('c1'),
      'POST /v1/vms/guest/assignments': applied('c2'),
    });
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^created VM guest on host p9 \(machine pseries/);
    expect(run.stdout).toContain(
      'assigned PE 0001:01 to VM guest: 0001:01:00.0 (hostdev0, predicted), 0001:01:00.1 (hostdev1, predicted) (correlation c2)\n',
    );
    expect(run.requests.filter((r) => r.method === 'POST').map((r) => r.body)).toEqual([
      { id: 'guest', hostId: 'p9', machine: 'pseries', noMmap: false, msixRelocation: 'off' },
      { peId: '0001:01' },
      { peId: '0005:90' },
    ]);
  });

  it('refuses part of a PE (exit 4) before creating anything, naming the missing sibling', async () => {
    const run = await runCli(send, {
      'GET /v1/hosts/p9/pes': { body: [pe('0001:01', '0001:01:00.0', '0001:01:00.1', '0001:01:00.2'), p9[1]] },
    });
    expect(run.status).toBe(4);
    expect(run.stderr).toContain('0001:01:00.2');
    expect(run.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('ends an unknown host with exit 3, and a refused VM with the exit status of its code', async () => {
    expect((await runCli(send, { 'GET /v1/hosts/p9/pes': apiError(404, 'NOT_FOUND', 'no host p9') })).status).toBe(3);
    const refused = await runCli(send, {
      'GET /v1/hosts/p9/pes': { body: p9 },
      'POST /v1/vms': apiError(409, 'CONFLICT', 'VM guest exists'),
    });
    expect(refused.status).toBe(4);
    expect(refused.stderr).toContain('POST /v1/vms: 409 CONFLICT: VM guest exists');
  });

  it('ends a VM whose outcome is not known yet with exit 1', async () => {
    const run = await runCli(send, {
      'GET /v1/hosts/p9/pes': { body: p9 },
      'POST /v1/vms': { status: 202, body: { correlationId: 'c1', status: 'pending', statusUrl: '/v1/commands/c1' } },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('see /v1/commands/c1');
  });

  it('is a usage mistake (exit 2) without --host-id, and says what each status means in --help', async () => {
    expect((await runCli(['import', 'libvirt', 'x.xml'])).status).toBe(2);
    expect((await runCli(['import', 'libvirt', '--help'])).stdout).toContain(
      '  3  not found: a hostdev names a function the host does not have',
    );
  });
});
