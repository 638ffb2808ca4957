import { ControllerKit, controllerKit } from '../testing/controller-test-kit';
import { MeController } from './me.controller';

describe('MeController (GET /v1/me)', () => {
  let kit: ControllerKit;
  beforeAll(async () => (kit = await controllerKit({ controllers: [MeController] })));
  afterAll(() => kit.close());

  it.each(['viewer', 'provisioner', 'operator', 'auditor'] as const)(
    'names the principal and roles of a %s token',
    async (role) => {
      const res = await kit.call('GET', '/v1/me', { role });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ principal: `${role}-user`, roles: [role] });
    },
  );

  it('is 401 in the one error shape without a token or with an unknown one', async () => {
    const none = await kit.call('GET', '/v1/me', { role: 'none' });
    expect(none.status).toBe(401);
    expect(none.body).toEqual({
      error: 'UNAUTHENTICATED',
      message: expect.stringContaining('bearer token'),
      problems: [],
    });
    expect(
      (await kit.call('GET', '/v1/me', { role: 'none', headers: { authorization: 'Bearer nobody' } })).status,
    ).toBe(401);
  });

  it('answers an unknown route 404 NOT_FOUND in the same shape', async () => {
    const res = await kit.call('GET', '/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'NOT_FOUND', problems: [] });
  });
});
