import { ControllerKit, controllerKit } from '../testing/controller-test-kit';
import { FakeCommandGateway, applied, rejected } from '../testing/fake-command-gateway';
import { CommandsController } from './commands.controller';

const sent = { type: 'BindFunction' as const, hostId: 'h1', data: { bdf: '0000:01:00.0' } };

describe('CommandsController (GET /v1/commands/{commandId})', () => {
  const gateway = new FakeCommandGateway();
  let kit: ControllerKit;
  beforeAll(
    async () => (kit = await controllerKit({ controllers: [CommandsController], providers: [gateway.asProvider()] })),
  );
  afterAll(() => kit.close());
  beforeEach(() => {
    gateway.recorded = undefined;
    gateway.knownIds.clear();
  });

  it('is 404 for an id this API never sent, pending for one it did', async () => {
    const unknown = await kit.call('GET', '/v1/commands/c-unknown', { role: 'viewer' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: 'NOT_FOUND', message: 'no command c-unknown was sent' });
    gateway.knownIds.add('c1');
    expect((await kit.call('GET', '/v1/commands/c1', { role: 'viewer' })).body).toEqual({
      commandId: 'c1',
      status: 'pending',
    });
  });

  it('says applied with the answer, and failed for a command its owner dead-lettered', async () => {
    gateway.recorded = applied({ ...sent, principal: { name: 'p', roles: [] } });
    const done = await kit.call('GET', '/v1/commands/c1', { role: 'auditor' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      commandId: 'c1',
      correlationId: 'corr-1',
      status: 'applied',
      answer: { events: [{ type: 'BindFunctionApplied' }] },
    });
    gateway.recorded = rejected(
      'FAILED',
      'its owner could not process it',
    )({ ...sent, principal: { name: 'p', roles: [] } });
    expect((await kit.call('GET', '/v1/commands/c1', { role: 'viewer' })).body).toMatchObject({
      status: 'failed',
      answer: { code: 'FAILED' },
    });
  });

  it('needs a token, and refuses an id that is not one', async () => {
    expect((await kit.call('GET', '/v1/commands/c1', { role: 'none' })).status).toBe(401);
    const long = await kit.call('GET', `/v1/commands/${'c'.repeat(300)}`, { role: 'viewer' });
    expect(long.status).toBe(400);
    expect(long.body.problems).toEqual([{ path: 'commandId', message: 'is 300 characters long; at most 256' }]);
  });
});
