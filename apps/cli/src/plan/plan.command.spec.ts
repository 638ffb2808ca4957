import { join } from 'node:path';
import { FIXTURES, runCli } from '../testing/cli-test-kit';

const example = join(FIXTURES, 'examples', '06-nvme-64k-pseries.json');

describe('barplane plan', () => {
  it('prints the plan of a scenario file (exit 0) without the API', async () => {
    const run = await runCli(['plan', example]);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ruleSet: 'barplane-rules/2',
      regions: [{ pe: '0000:01', bdf: '0000:01:00.0' }],
    });
    expect(run.requests).toEqual([]);
  });

  it('prints a table with --format table', async () => {
    const run = await runCli(['plan', example, '--format', 'table']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('0000:01:00.0');
  });

  it('ends invalid input with exit 2, every problem on stderr and nothing on stdout', async () => {
    const run = await runCli(['plan', join(FIXTURES, 'qmp', 'q35-seabios.query-pci.json')]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/: /);
  });

  it('ends a file it cannot read with exit 1, and a usage mistake with exit 2', async () => {
    expect((await runCli(['plan', join(FIXTURES, 'no-such-file.json')])).status).toBe(1);
    expect((await runCli(['plan'])).status).toBe(2);
    expect((await runCli(['plan', example, '--format', 'yaml'])).status).toBe(2);
  });

  it('documents its exit statuses in --help', async () => {
    const run = await runCli(['plan', '--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Exit status: 0 decided, 2 invalid input');
  });
});
