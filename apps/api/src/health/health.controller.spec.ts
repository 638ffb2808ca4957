import { TerminusModule } from '@nestjs/terminus';
import { ControllerKit, controllerKit } from '../testing/controller-test-kit';
import { ComponentHealth } from './assess';
import { HealthController } from './health.controller';
import { Readiness } from './readiness';

describe('HealthController (/health)', () => {
  let kit: ControllerKit;
  let components: Record<string, ComponentHealth> = {};

  beforeAll(async () => {
    kit = await controllerKit({
      controllers: [HealthController],
      imports: [TerminusModule.forRoot({ logger: false })],
      providers: [{ provide: Readiness, useValue: { check: async () => ({ ready: true, components }) } }],
    });
  });
  afterAll(() => kit.close());

  it('answers liveness 200 without a token and without asking anything', async () => {
    components = { database: { up: false, details: { reason: 'down' } } };
    const res = await kit.call('GET', '/health/live', { role: 'none' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok' });
  });

  it('is ready (200) when every component is up, on /health and /health/ready', async () => {
    components = { database: { up: true, details: {} }, kafka: { up: true, details: {} } };
    for (const path of ['/health', '/health/ready']) {
      const res = await kit.call('GET', path, { role: 'none' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'ok',
        details: { database: { status: 'up' }, kafka: { status: 'up' } },
      });
    }
  });

  it('is 503 with the whole report, each component down with its reason, when one is down', async () => {
    components = {
      database: { up: true, details: {} },
      'guest-memory': { up: false, details: { reason: 'no heartbeat for 42 s' } },
    };
    const res = await kit.call('GET', '/health', { role: 'none' });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({
      status: 'error',
      info: { database: { status: 'up' } },
      error: { 'guest-memory': { status: 'down', reason: 'no heartbeat for 42 s' } },
    });
  });
});
