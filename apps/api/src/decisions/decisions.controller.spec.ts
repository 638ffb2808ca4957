import { DecisionRow, ReadModels } from '../read-models/read-models';
import { fake, useControllerKit } from '../testing/controller-test-kit';
import { DecisionStream } from './decision-stream';
import { DecisionsController } from './decisions.controller';

const row = (index: number, mode: string): DecisionRow => ({
  host_id: 'h1',
  subject_key: `0000:01:00.0/${index}`,
  subject: { kind: 'bar', pe: '0000:01', bdf: '0000:01:00.0', index },
  vm_id: 'vm1',
  outcome: { pe: '0000:01', bdf: '0000:01:00.0', index, mode, reasons: [], slots: 1, advice: [] },
  audit_seq: index + 1,
  decided_at: new Date('2025-01-01T00:00:00Z'),
});

describe('DecisionsController (GET /v1/decisions)', () => {
  const asked: unknown[] = [];
  const readModels = {
    decisions: async (filter: unknown) => (asked.push(filter), [row(0, 'DIRECT'), row(2, 'EMULATED')]),
  };
  const kit = useControllerKit({
    controllers: [DecisionsController],
    providers: [fake(ReadModels, readModels), fake(DecisionStream, { subscribe: () => () => undefined })],
  });

  it('passes the filters to the read model and keeps only the mode asked for', async () => {
    const res = await kit.call('GET', '/v1/decisions?host=h1&vm=vm1&mode=EMULATED', { role: 'viewer' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      expect.objectContaining({
        index: 2,
        mode: 'EMULATED',
        hostId: 'h1',
        vmId: 'vm1',
        auditId: 'h1/3',
        decidedAt: '2025-01-01T00:00:00.000Z',
      }),
    ]);
    expect(asked.at(-1)).toEqual({ host: 'h1', pe: undefined, vm: 'vm1', kind: 'bar' });
  });

  it('refuses a mode that is not one, naming the modes', async () => {
    const res = await kit.call('GET', '/v1/decisions?mode=FAST', { role: 'viewer' });
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([
      { path: 'mode', message: expect.stringMatching(/^must be one of .*DIRECT.*EMULATED/) },
    ]);
  });

  it('needs a token', async () => {
    expect((await kit.call('GET', '/v1/decisions', { role: 'none' })).status).toBe(401);
  });
});
