import { AuditRecord, GENESIS_HASH, chainHash } from '@barplane/domain';
import { AuditRow, ReadModels } from '../read-models/read-models';
import { fake, useControllerKit } from '../testing/controller-test-kit';
import { AuditController } from './audit.controller';

// Records only need what the hash chain reads here: their host and place in it.
const record = (seq: number) => ({ hostId: 'h1', seq, outcome: 'DIRECT' }) as unknown as AuditRecord;
const first = { record: record(1), prevHash: GENESIS_HASH, hash: chainHash(GENESIS_HASH, record(1)) };
const second = { record: record(2), prevHash: first.hash, hash: chainHash(first.hash, record(2)) };
const row = (seq: number): AuditRow => ({
  host_id: 'h1',
  seq,
  record: { seq },
  prev_hash: 'p',
  hash: 'h',
  recorded_at: new Date('2025-01-01T00:00:00Z'),
  source_topic: 'pe.events',
  source_partition: 0,
  source_offset: String(seq),
});

describe('AuditController (/v1/audit)', () => {
  let chain = [first, second];
  const filters: unknown[] = [];
  const readModels = {
    audit: async (filter: unknown) => (filters.push(filter), [row(1), row(2)]),
    chains: async function* () {
      yield { hostId: 'h1', chain };
    },
  };
  const kit = useControllerKit({ controllers: [AuditController], providers: [fake(ReadModels, readModels)] });

  it('lists records for an auditor, with their Kafka source, and refuses a viewer', async () => {
    const res = await kit.call('GET', '/v1/audit?host=h1&since=2025-01-01T00:00:00Z', { role: 'auditor' });
    expect(res.status).toBe(200);
    expect(res.body[1]).toEqual({
      hostId: 'h1',
      seq: 2,
      record: { seq: 2 },
      prevHash: 'p',
      hash: 'h',
      recordedAt: '2025-01-01T00:00:00.000Z',
      source: { topic: 'pe.events', partition: 0, offset: '2' },
    });
    expect(filters.at(-1)).toMatchObject({ host: 'h1', since: new Date('2025-01-01T00:00:00Z') });
    expect((await kit.call('GET', '/v1/audit', { role: 'viewer' })).status).toBe(403);
  });

  it('streams JSON Lines when asked', async () => {
    const res = await kit.call('GET', '/v1/audit', { role: 'operator', headers: { accept: 'application/x-ndjson' } });
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    expect(
      res.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).seq),
    ).toEqual([1, 2]);
  });

  it('names a time that is not ISO 8601', async () => {
    const res = await kit.call('GET', '/v1/audit?since=yesterday&until=soon', { role: 'auditor' });
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([
      { path: 'since', message: 'must be an ISO 8601 time' },
      { path: 'until', message: 'must be an ISO 8601 time' },
    ]);
  });

  it('verifies the chains, and names the first record that does not hold', async () => {
    expect((await kit.call('GET', '/v1/audit/verify', { role: 'auditor' })).body).toEqual({ ok: true, records: 2 });
    chain = [first, { ...second, record: { ...second.record, outcome: 'EMULATED' } as unknown as AuditRecord }];
    const res = await kit.call('GET', '/v1/audit/verify', { role: 'auditor' });
    expect(res.body).toEqual({
      ok: false,
      records: 1,
      failure: { hostId: 'h1', seq: 2, problem: expect.stringContaining('the hash does not match') },
    });
  });
});
