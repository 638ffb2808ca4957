import { apiError, runCli } from '../testing/cli-test-kit';

const line = (seq: number) =>
  JSON.stringify({
    hostId: 'h1',
    seq,
    record: {
      subject: { kind: 'bar', pe: '0000:01', bdf: '0000:01:00.0', index: 0 },
      outcome: { mode: 'DIRECT', reasons: [] },
      principal: 'ops',
      correlationId: `c${seq}`,
    },
    hash: `hash${seq}`,
    recordedAt: '2025-01-01T00:00:00.000Z',
  });
const jsonl = { text: `${line(1)}\n${line(2)}\n` };

describe('barplane audit', () => {
  it('exports the records as JSON Lines, asking with the filters', async () => {
    const run = await runCli(['audit', 'export', '--since', '2025-01-01T00:00:00Z', '--host', 'h1'], {
      'GET /v1/audit?since=2025-01-01T00%3A00%3A00Z&host=h1': jsonl,
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(jsonl.text);
  });

  it('exports CSV: a header, then one row per record', async () => {
    const run = await runCli(['audit', 'export', '--format', 'csv'], { 'GET /v1/audit': jsonl });
    expect(run.status).toBe(0);
    const rows = run.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^hostId,seq,recordedAt,/);
    expect(rows.slice(1).map((r) => r.split(',').slice(0, 2).join(','))).toEqual(['h1,1', 'h1,2']);
  });

  it('refuses a --since that is not a time (exit 2) without asking the API', async () => {
    const run = await runCli(['audit', 'export', '--since', 'yesterday']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--since yesterday: not an ISO 8601 time');
    expect(run.requests).toEqual([]);
  });

  it('verifies the chains (exit 0), and names the first record that does not hold (exit 1)', async () => {
    const ok = await runCli(['audit', 'verify'], { 'GET /v1/audit/verify': { body: { ok: true, records: 12 } } });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe('audit chains ok: 12 records verified\n');
    const broken = await runCli(['audit', 'verify'], {
      'GET /v1/audit/verify': {
        body: { ok: false, records: 3, failure: { hostId: 'h1', seq: 4, problem: 'the hash does not match' } },
      },
    });
    expect(broken.status).toBe(1);
    expect(broken.stderr).toBe(
      'barplane audit verify: the chain does not hold at host h1 seq 4: the hash does not match (3 records checked)\n',
    );
  });

  it("says a viewer's token may not read the log (exit 1)", async () => {
    const run = await runCli(['audit', 'verify'], {
      'GET /v1/audit/verify': apiError(403, 'FORBIDDEN', 'this needs one of the roles auditor, operator'),
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      "the token's role may not do this (403 FORBIDDEN: this needs one of the roles auditor, operator)",
    );
  });

  it('is a usage mistake (exit 2) with an unknown format', async () => {
    expect((await runCli(['audit', 'export', '--format', 'xml'])).status).toBe(2);
  });
});
