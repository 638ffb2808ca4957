import { join } from 'node:path';
import { FIXTURES, FakeApi, apiError, runCli } from '../testing/cli-test-kit';

const x86 = (pageSize: string) => ['--platform', 'x86_64', '--page-size', pageSize];
/** `barplane import lspci` of a capture in test/fixtures/lspci, for host x1 (x86, 4K pages). */
const lspciOf = (capture: string) => [
  'import',
  'lspci',
  join(FIXTURES, 'lspci', capture),
  '--host-id',
  'x1',
  ...x86('0x1000'),
];
const lspci = lspciOf('nvme-root.txt');
/** The same import with --send, against a fake API answering as given (the token set unless `env` unsets it). */
const send = (answers: FakeApi, env?: Record<string, string | undefined>) => runCli([...lspci, '--send'], answers, env);
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
    const run = await runCli(lspciOf('missing.txt'));
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    const sysfs = await runCli(['import', 'sysfs', '--root', join(FIXTURES, 'nowhere'), ...x86('0x3000')]);
    expect(sysfs.status).toBe(2);
  });

  it('--send registers the host, imports the topology and says what changed', async () => {
    const run = await send({
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
    const run = await send({
      'POST /v1/hosts': applied([]),
      'PUT /v1/hosts/x1/topology': apiError(status, code, 'refused', [{ path: 'pes', message: 'held by vm1' }]),
    });
    expect(run.status).toBe(exit);
    expect(run.stderr).toContain(`PUT /v1/hosts/x1/topology: ${status} refused\n  pes: held by vm1`);
  });

  it('--send without a token is a usage mistake (exit 2), sending nothing', async () => {
    const run = await send({}, { BARPLANE_TOKEN: undefined });
    expect(run.status).toBe(2);
    expect(run.requests).toEqual([]);
  });

  it('documents its exit statuses in --help', async () => {
    const run = await runCli(['import', 'lspci', '--help']);
    expect(run.stdout).toContain('Exit status: 0 imported');
    expect(run.stdout).toContain('(3 not found, 4 conflict)');
  });
});
