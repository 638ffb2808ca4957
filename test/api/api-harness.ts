import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AddressInfo } from 'node:net';
import { ApiConfig, apiConfigFromEnv } from '../../apps/api/src/api-config';
import { AppModule } from '../../apps/api/src/app.module';
import { Role } from '../../apps/api/src/auth/role';
import { sha256Hex } from '@barplane/domain';
import { TokenRegistry } from '../../apps/api/src/auth/token-registry';
import { configureApp } from '../../apps/api/src/http/configure-app';
import { cleanUpNamespace, testNamespace } from '../../libs/owner-service/src/testing/owner-test-kit';

/** One plain token per role, as a test client would hold them. */
export const TOKENS: Record<Role, string> = {
  viewer: 'test-viewer-token',
  provisioner: 'test-provisioner-token',
  operator: 'test-operator-token',
  auditor: 'test-auditor-token',
};

export interface RunningApi {
  app: INestApplication;
  url: string;
  call(
    method: string,
    path: string,
    opts?: { role?: Role | null; body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; text: string }>;
  close(): Promise<void>;
}

/**
 * What `start` gives, for the enclosing block's tests: started before them and `stop`ped after. What
 * this returns reads the running one (and throws outside the tests).
 */
export function aroundTests<T extends object>(
  what: string,
  start: () => Promise<T>,
  stop: (it: T) => Promise<void>,
): T {
  let running: T | undefined;
  beforeAll(async () => {
    running = await start();
  });
  afterAll(async () => {
    if (running) await stop(running);
  });
  return new Proxy({} as T, {
    get(_, key) {
      if (!running) throw new Error(`${what} is not running: it answers in the tests of the block that asked for it`);
      const value: unknown = Reflect.get(running, key);
      return typeof value === 'function' ? value.bind(running) : value;
    },
  });
}

/** The real API (with `overrides`) for the enclosing block's tests. */
export function useApi(overrides: Partial<ApiConfig> = {}): RunningApi {
  return aroundTests(
    'the API',
    () => startApi(overrides),
    (api) => api.close(),
  );
}

/** Boots the real API (real PostgreSQL and Kafka from the environment) on a free port. */
export async function startApi(overrides: Partial<ApiConfig> = {}): Promise<RunningApi> {
  // A namespace of its own unless the caller shares one (a control plane's): commands a test
  // sends must never reach a developer's running services, nor the next run's.
  const owned = overrides.namespace === undefined ? testNamespace() : undefined;
  const config = { ...apiConfigFromEnv(), ...overrides, ...(owned ? { namespace: owned } : {}) };
  const tokens = TokenRegistry.of(
    (Object.keys(TOKENS) as Role[]).map((role) => ({
      principal: `${role}:test`,
      roles: [role],
      sha256: sha256Hex(TOKENS[role]),
    })),
  );
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.with(config, tokens)] }).compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  return {
    app,
    url,
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      const role = opts.role === undefined ? 'viewer' : opts.role;
      if (role) headers.authorization = `Bearer ${TOKENS[role]}`;
      let body: string | undefined = opts.raw;
      if (opts.body !== undefined) body = JSON.stringify(opts.body);
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(url + path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: res.status, body: parsed, text };
    },
    async close() {
      await app.close();
      if (owned) {
        const schema = `${owned.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}api`;
        await cleanUpNamespace(
          [schema],
          ['pe.commands', 'vfio.commands', 'guest.commands'].map((t) => owned + t),
        );
      }
    },
  };
}
