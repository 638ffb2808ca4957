import { Gauge, Registry } from 'prom-client';
import { fake, useControllerKit } from '../testing/controller-test-kit';
import { MetricsController } from './metrics.controller';

describe('MetricsController (GET /metrics)', () => {
  const registry = new Registry();
  new Gauge({ name: 'barplane_test_hosts', help: 'hosts', registers: [registry] }).set(3);
  const kit = useControllerKit({ controllers: [MetricsController], providers: [fake(Registry, registry)] });

  it('serves the registry as Prometheus text, without a token', async () => {
    const res = await kit.call('GET', '/metrics', { role: 'none' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    expect(res.text).toContain('# TYPE barplane_test_hosts gauge\nbarplane_test_hosts 3\n');
  });
});
