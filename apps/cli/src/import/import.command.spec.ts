import { join } from 'node:path';
import { FIXTURES, apiError, runCli } from '../testing/cli-test-kit';

const lspci = [
  'import',
  'lspci',
  join(FIXTURES, 'lspci', 'nvme-root.txt'),
  '--host-id',
  'x1',
  '--platform',
  'x86_64',
  '--page-size',
  '0x1000',
];
const applied = (events: object[]) => ({ status: 200, body: { status: 'applied', events } });

describe('barplane import (sysfs, lspci)', () => {
  it('prints the scenario of lspci text (exit 0), warnings on stderr', async () => {
    const run = await runCli(lspci);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ host: { id: 'x1', platform: 'x86_64', pageSize: '0x1000' } });
    expect(run.stderr).toContain('warning:');
    expect(run.requests).toEqual([]);
  });

  it('ends input it cannot read with exit 2 and nothing on stdout', async () => {
    const run = await runCli([
      'import',
      'lspci',
      join(FIXTURES, 'lspci', 'missing.txt'),
      '--host-id',
      'x1',
      '--platform',
      'x86_64',
      '--page-size',
      '0x1000',
    ]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(
      (
        await runCli([
          'import',
          'sysfs',
          '--root',
          join(FIXTURES, 'nowhere'),
          '--platform',
          'x86_64',
          '--page-size',
          '0x3000',
        ])
      ).status,
    ).toBe(2);
  });

  it('--send registers the host, imports the topology and says what changed', async () => {
    const run = await runCli([...lspci, '--send'], {
      'POST /v1/hosts': applied([{ type: 'HostRegistered' }]),
      'PUT /v1/hosts/x1/topology': applied([
        { type: 'TopologyImported', data: { added: ['0000:01:00.0'], removed: [], changed: [] } },
      ]),
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('x1: registered; added 0000:01:00.0\n');
    expect(run.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/hosts', 'PUT /v1/hosts/x1/topology']);
  });

  it.each([
    [400, 'VALIDATION', 2],
    [409, 'CONFLICT', 4],
    [503, 'UNAVAILABLE', 1],
  ])('--send ends an API refusal %i as every API command does', async (status, code, exit) => {
    const run = await runCli([...lspci, '--send'], {
      'POST /v1/hosts': applied([]),
      'PUT /v1/hosts/x1/topology': apiError(status, code, 'refused', [{ path: 'pes', message: 'held by vm1' }]),
    });
    expect(run.status).toBe(exit);
    expect(run.stderr).toContain(`PUT /v1/hosts/x1/topology: ${status} refused\n  pes: held by vm1`);
  });

  it('--send without a token is a usage mistake (exit 2), sending nothing', async () => {
    const run = await runCli([...lspci, '--send'], {}, { BARPLANE_TOKEN: undefined });
    expect(run.status).toBe(2);
    expect(run.requests).toEqual([]);
  });

  it('documents its exit statuses in --help', async () => {
    const run = await runCli(['import', 'lspci', '--help']);
    expect(run.stdout).toContain('Exit status: 0 imported');
    expect(run.stdout).toContain('(3 not found, 4 conflict)');
  });
});
