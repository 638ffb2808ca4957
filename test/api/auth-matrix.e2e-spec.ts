import { Role, ROLES } from '../../apps/api/src/auth/role';
import { RunningApi, TOKENS, startApi } from './api-harness';

// Every route of the OpenAPI document x every role (and no token, and a wrong token): a route
// answers 401 without a valid token unless it is public, 403 to a role it does not allow, and
// never 401/403 to one it does. Roles come from the document itself (`x-roles`, `x-public`),
// written by the same decorators the guard reads.
jest.setTimeout(60_000);

type Operation = { 'x-roles'?: Role[]; 'x-public'?: boolean };

describe('API: the auth matrix of every route and role', () => {
  let api: RunningApi;
  let operations: { method: string; path: string; op: Operation }[];

  beforeAll(async () => {
    api = await startApi({ commandWaitMs: 20 });
    const doc = (await api.call('GET', '/docs/json', { role: null })).body as {
      paths: Record<string, Record<string, Operation>>;
    };
    operations = Object.entries(doc.paths)
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
      )
      .filter((o) => !o.path.endsWith('/stream'));
  });
  afterAll(() => api?.close());

  const concrete = (path: string) =>
    path
      .replace('{hostId}', 'auth-host')
      .replace('{vmId}', 'auth-vm')
      .replace('{peId}', 'iommu-1')
      .replace('{bdf}', '0000:01:00.0')
      .replace('{index}', '0')
      .replace('{commandId}', 'c-1')
      .replace('{file}', 'app.js');

  it('covers every route: each is public or names its roles', () => {
    expect(operations.length).toBeGreaterThan(20);
    for (const o of operations)
      expect([o.path, o.method, o.op['x-public'] === true || Array.isArray(o.op['x-roles'])]).toEqual([
        o.path,
        o.method,
        true,
      ]);
  });

  it('answers 401 without a valid token, 403 to a role not allowed, and lets every allowed role through', async () => {
    const wrong: string[] = [];
    for (const { method, path, op } of operations) {
      const url = concrete(path);
      const body = method === 'GET' ? undefined : '{}';
      const headers = (auth?: string) => ({
        ...(auth ? { authorization: auth } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      });
      for (const auth of [undefined, 'Bearer not-a-token']) {
        const res = await fetch(api.url + url, { method, headers: headers(auth), body });
        const expected = op['x-public'] ? res.status !== 401 && res.status !== 403 : res.status === 401;
        if (!expected) wrong.push(`${method} ${path} with ${auth ?? 'no token'}: ${res.status}`);
      }
      for (const role of ROLES) {
        const res = await fetch(api.url + url, { method, headers: headers(`Bearer ${TOKENS[role]}`), body });
        const allowed = op['x-public'] || (op['x-roles'] ?? []).some((r) => r === 'viewer' || r === role);
        const ok = allowed ? res.status !== 401 && res.status !== 403 : res.status === 403;
        if (!ok) wrong.push(`${method} ${path} as ${role}: ${res.status} (${allowed ? 'allowed' : 'not allowed'})`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
