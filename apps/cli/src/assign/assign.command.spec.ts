import { apiError, runCli } from '../testing/cli-test-kit';

const applied = {
  status: 201,
  body: {
    correlationId: 'c1',
    commandId: 'c1',
    status: 'applied',
    events: [
      {
        id: 'e1',
        type: 'PeAssigned',
        data: { vmId: 'vm1', peId: '0000:01', functions: ['0000:01:00.0', '0000:01:00.1'] },
      },
    ],
  },
};
const assign = (answer: object, ...more: string[]) =>
  runCli(['assign', 'vm1', '0000:01', ...more], { 'POST /v1/vms/vm1/assignments': answer });

describe('barplane assign', () => {
  it('gives the PE and names its functions (exit 0), sending the PE and the token', async () => {
    const run = await assign(applied);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('assigned PE 0000:01 to VM vm1: 0000:01:00.0, 0000:01:00.1 (correlation c1)\n');
    expect(run.requests).toEqual([
      { method: 'POST', path: '/v1/vms/vm1/assignments', body: { peId: '0000:01' }, token: 'kit-token' },
    ]);
    expect(JSON.parse((await assign(applied, '--format', 'json')).stdout)).toMatchObject({
      assigned: true,
      functions: ['0000:01:00.0', '0000:01:00.1'],
    });
  });

  it('names the siblings held elsewhere on a conflict (exit 4), in JSON too', async () => {
    const conflict = apiError(409, 'CONFLICT', 'PE 0000:01 is held', [
      { path: 'peId', message: '0000:01:00.1 is given to VM vm9' },
    ]);
    const run = await assign(conflict);
    expect(run.status).toBe(4);
    expect(run.stderr).toContain('sibling functions held elsewhere:\n  0000:01:00.1 is given to VM vm9\n');
    expect(JSON.parse((await assign(conflict, '--format', 'json')).stdout)).toMatchObject({
      assigned: false,
      siblings: ['0000:01:00.1 is given to VM vm9'],
    });
  });

  it.each([
    ['an unknown VM', apiError(404, 'NOT_FOUND', 'no VM vm1'), 3],
    [
      'a bad body',
      apiError(400, 'VALIDATION', 'invalid input: 1 problem', [{ path: 'peId', message: 'is required' }]),
      2,
    ],
    ['an idempotency key reused', apiError(422, 'IDEMPOTENCY_MISMATCH', 'reused'), 2],
    ['a weak role', apiError(403, 'FORBIDDEN', 'needs provisioner'), 1],
    ['Kafka away', apiError(503, 'UNAVAILABLE', 'commands cannot be sent'), 1],
    ['a 404 without a body code', { status: 404, text: 'not here' }, 3],
  ])('ends %s with the exit status of its error code', async (_what, answer, status) => {
    const run = await assign(answer);
    expect(run.status).toBe(status);
    expect(run.stdout).toBe('');
  });

  it('prints the API problems one per line', async () => {
    const run = await assign(
      apiError(400, 'VALIDATION', 'invalid input: 1 problem', [{ path: 'peId', message: 'is required' }]),
    );
    expect(run.stderr).toBe(
      'barplane assign: POST /v1/vms/vm1/assignments: 400 VALIDATION: invalid input: 1 problem\n  peId: is required\n',
    );
  });

  it('fails (exit 1) when the outcome is not known yet, naming the status URL', async () => {
    const run = await assign({
      status: 202,
      body: { correlationId: 'c1', commandId: 'c1', status: 'pending', statusUrl: '/v1/commands/c1' },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('see /v1/commands/c1');
  });

  it('is a usage mistake (exit 2) without a token or without the PE', async () => {
    const run = await runCli(['assign', 'vm1', '0000:01'], {}, { BARPLANE_TOKEN: undefined });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('no API token');
    expect(run.requests).toEqual([]);
    expect((await runCli(['assign', 'vm1'])).status).toBe(2);
  });

  it('documents its exit statuses in --help, from the one table of error codes', async () => {
    const run = await runCli(['assign', '--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Exit status:\n  0  ok\n');
    expect(run.stdout).toContain(
      '  2  invalid input or usage: bad arguments or options, HTTP 400/413/415/422\n  3  not found: HTTP 404',
    );
    expect(run.stdout).toContain('  4  conflict: HTTP 409');
  });
});
