import { ControllerKit, controllerKit } from '../testing/controller-test-kit';
import { DashboardController } from './dashboard.controller';

describe('DashboardController (the web dashboard)', () => {
  let kit: ControllerKit;
  beforeAll(async () => (kit = await controllerKit({ controllers: [DashboardController] })));
  afterAll(() => kit.close());

  it('serves the page without a token, under a strict content security policy', async () => {
    const res = await kit.call('GET', '/dashboard', { role: 'none' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.text).toContain('<html');
  });

  it('serves none of the folder but its page files: 404 NOT_FOUND', async () => {
    for (const file of ['api-client.ts', 'tsconfig.json', 'missing.css']) {
      const res = await kit.call('GET', `/dashboard/${file}`, { role: 'none' });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: 'NOT_FOUND', message: `no dashboard file ${file}` });
    }
  });
});
