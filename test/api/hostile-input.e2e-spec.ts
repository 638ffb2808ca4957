import { RunningApi, startApi } from './api-harness';

// Hostile input at the API's edge (issue 10): every malformed request is a 4xx naming the
// problem, never a 500, and an anonymous body is refused before it is read.
jest.setTimeout(30_000);

describe('API: hostile input', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi({ commandWaitMs: 200, maxBodyBytes: 64 * 1024 });
  });
  afterAll(() => api?.close());

  const host = { id: 'hostile-1', platform: 'x86_64', pageSize: '0x1000' };

  it('names __proto__ and constructor keys as unknown fields, on a plan and on a command', async () => {
    const plan = await api.call('POST', '/v1/plans', {
      raw: '{"__proto__":{"x":1},"host":{"id":"h","platform":"x86_64","pageSize":"0x1000","constructor":1},"pes":[]}',
    });
    expect(plan.status).toBe(400);
    expect(plan.body.problems).toEqual([
      { path: '__proto__', message: 'is not a known field' },
      { path: 'host.constructor', message: 'is not a known field' },
    ]);
    const command = await api.call('POST', '/v1/hosts', {
      role: 'operator',
      raw: '{"id":"h1","platform":"x86_64","pageSize":"0x1000","__proto__":{"a":1}}',
    });
    expect(command.status).toBe(400);
    expect(command.body.problems).toEqual([{ path: '__proto__', message: 'is not a known field' }]);
  });

  it('refuses nesting deeper than 64 levels', async () => {
    const res = await api.call('POST', '/v1/plans', { raw: '['.repeat(10_000) + ']'.repeat(10_000) });
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([{ path: '$', message: 'nested 10000 levels deep; at most 64' }]);
  });

  it('refuses ids with NUL, a lone surrogate or too many characters, in the path and in the body', async () => {
    const nulPath = await api.call('GET', '/v1/hosts/a%00b');
    expect(nulPath.status).toBe(400);
    expect(nulPath.body.problems).toEqual([{ path: 'hostId', message: 'holds the control character U+0000 at 1' }]);
    const longPath = await api.call('GET', `/v1/commands/${'c'.repeat(6000)}`);
    expect(longPath.body.problems).toEqual([{ path: 'commandId', message: 'is 6000 characters long; at most 256' }]);
    const surrogate = await api.call('POST', '/v1/hosts', {
      role: 'operator',
      raw: '{"id":"a\\ud800b","platform":"x86_64","pageSize":"0x1000"}',
    });
    expect(surrogate.status).toBe(400);
    expect(surrogate.body.problems).toEqual([{ path: 'id', message: 'is not well-formed Unicode (a lone surrogate)' }]);
    const badBdf = await api.call('PUT', '/v1/hosts/h/functions/zz:zz/vfio', { role: 'operator' });
    expect(badBdf.status).toBe(400);
    expect(badBdf.body.problems[0].path).toBe('bdf');
  });

  it('refuses an Idempotency-Key or correlation id that is not a short printable string', async () => {
    const res = await api.call('POST', '/v1/hosts', {
      role: 'operator',
      body: host,
      headers: { 'idempotency-key': 'k'.repeat(6000), 'x-correlation-id': 'x\ty' },
    });
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([
      { path: 'Idempotency-Key', message: 'is 6000 characters long; at most 256' },
      { path: 'X-Correlation-Id', message: 'holds the control character U+0009 at 1' },
    ]);
  });

  it('refuses a number past 2^53 on a command route instead of storing a default', async () => {
    const res = await api.call('POST', '/v1/vms', {
      role: 'operator',
      raw: '{"id":"v1","hostId":"hostile-1","memslotsUsed":18446744073709551617}',
    });
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([
      { path: 'memslotsUsed', message: expect.stringContaining('18446744073709551617 is not exact') },
    ]);
  });

  it('answers a body over the limit with 413, naming the limit', async () => {
    const res = await api.call('POST', '/v1/plans', {
      raw: JSON.stringify({ host, pes: [], pad: 'x'.repeat(100_000) }),
    });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: 'TOO_LARGE', message: 'the body is larger than 65536 bytes' });
  });

  it('refuses an anonymous body before reading it: 401, not the 400 its content would earn', async () => {
    const res = await api.call('POST', '/v1/hosts', { role: null, raw: '{"id": not json at all' });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('UNAUTHENTICATED');
    const big = await api.call('PUT', '/v1/hosts/h/topology', { role: null, raw: 'x'.repeat(1_000_000) });
    expect(big.status).toBe(401);
  });

  it('answers 404 for a command id never sent, pending for one on its way', async () => {
    const unknown = await api.call('GET', '/v1/commands/00000000-0000-0000-0000-000000000000');
    expect(unknown.status).toBe(404);
    // No owner runs in this test: the command is sent and stays on its way.
    const sent = await api.call('POST', '/v1/hosts', { role: 'operator', body: host });
    expect(sent.status).toBe(202);
    const pending = await api.call('GET', `/v1/commands/${sent.body.commandId}`);
    expect(pending.status).toBe(200);
    expect(pending.body).toEqual({ commandId: sent.body.commandId, status: 'pending' });
  });

  it('still answers after all of it', async () => {
    expect((await api.call('GET', '/health/live', { role: null })).status).toBe(200);
  });
});
