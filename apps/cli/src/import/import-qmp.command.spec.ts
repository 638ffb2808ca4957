import { join } from 'node:path';
import { FIXTURES, apiError, runCli } from '../testing/cli-test-kit';

const q35 = [
  'import',
  'qmp',
  '--file',
  join(FIXTURES, 'qmp', 'q35-seabios.query-pci.json'),
  '--vm',
  'x86-guest',
  '--map',
  'nic82599=0000:03:00.0',
  '--map',
  'optane=0000:04:00.0',
];

describe('barplane import qmp', () => {
  it('prints the guest BAR set of a saved query-pci answer as the PUT body (exit 0)', async () => {
    const run = await runCli(q35);
    expect(run.status).toBe(0);
    const body = JSON.parse(run.stdout);
    expect(body.vmId).toBe('x86-guest');
    expect(new Set(body.bars.map((b: { bdf: string }) => b.bdf))).toEqual(new Set(['0000:03:00.0', '0000:04:00.0']));
    expect(run.requests).toEqual([]);
  });

  it('lists every flag problem at once (exit 2), nothing on stdout', async () => {
    const run = await runCli(['import', 'qmp', '--map', 'a=zz', '--interval', '0']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    for (const flag of ['--socket|--file', '--vm', '--interval']) expect(run.stderr).toContain(flag);
  });

  it('--send sends one PUT and says it was applied', async () => {
    const run = await runCli([...q35, '--send'], {
      'PUT /v1/vms/x86-guest/guest-bars': { status: 200, body: { status: 'applied', events: [] } },
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^x86-guest: \d+ guest BARs of 2 function\(s\), \d+ not mapped by the guest: applied\n$/,
    );
    expect(run.requests).toHaveLength(1);
  });

  it.each([
    [404, 'NOT_FOUND', 3],
    [400, 'VALIDATION', 2],
    [401, 'UNAUTHENTICATED', 1],
  ])('--send ends a refusal %i with its exit status', async (status, code, exit) => {
    const run = await runCli([...q35, '--send'], {
      'PUT /v1/vms/x86-guest/guest-bars': apiError(status, code, 'refused'),
    });
    expect(run.status).toBe(exit);
  });
});
