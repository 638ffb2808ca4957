import { hash } from 'node:crypto';
import { AddressInfo } from 'node:net';
import {
  DynamicModule,
  INestApplication,
  MiddlewareConsumer,
  Module,
  NestModule,
  Provider,
  RequestMethod,
  Type,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { API_CONFIG, ApiConfig, DEFAULT_HEALTH } from '../api-config';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { ROLES, Role } from '../auth/role';
import { TokenRegistry } from '../auth/token-registry';
import { ErrorFilter } from '../errors/error.filter';
import { configureHttp } from '../http/configure-app';
import { ExactJsonMiddleware } from '../http/exact-json.middleware';

/**
 * A controller spec's API: the controllers under test with the app's real request path (token
 * before the body, exact JSON, id pipe, roles guard, error filter) and fake collaborators, served
 * in-process on 127.0.0.1. No database, no broker.
 */
export interface ControllerKit {
  call(method: string, path: string, request?: KitRequest): Promise<KitAnswer>;
  get<T>(token: Type<T> | symbol): T;
  close(): Promise<void>;
}

export interface KitRequest {
  /** The role of the token sent; 'none' sends no token. Default 'operator'. */
  role?: Role | 'none';
  /** A JSON body, or `raw` text sent as application/json as it is. */
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

export interface KitAnswer {
  status: number;
  headers: Headers;
  text: string;
  // The specs read answers as JSON of many shapes.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface KitSetup {
  controllers: Type[];
  providers?: Provider[];
  imports?: (Type | DynamicModule)[];
}

/** The token of each role: `<role>-token`, one principal per role named after it. */
export const tokenOf = (role: Role): string => `${role}-token`;

const TOKENS = TokenRegistry.of(
  ROLES.map((role) => ({ principal: `${role}-user`, roles: [role], sha256: hash('sha256', tokenOf(role), 'hex') })),
);

export const KIT_CONFIG: ApiConfig = {
  port: 0,
  databaseUrl: 'postgres://unused',
  kafkaBrokers: 'unused:9092',
  tokensFile: 'unused',
  commandWaitMs: 100,
  namespace: 'kit.',
  maxBodyBytes: 64 * 1024,
  health: DEFAULT_HEALTH,
};

export async function controllerKit(setup: KitSetup): Promise<ControllerKit> {
  @Module({})
  class KitModule implements NestModule {
    configure(consumer: MiddlewareConsumer): void {
      consumer.apply(ExactJsonMiddleware).forRoutes({ path: '*path', method: RequestMethod.ALL });
    }
  }
  const module = await Test.createTestingModule({
    imports: [
      {
        module: KitModule,
        imports: setup.imports ?? [],
        controllers: setup.controllers,
        providers: [
          ...(setup.providers ?? []),
          { provide: API_CONFIG, useValue: KIT_CONFIG },
          { provide: TokenRegistry, useValue: TOKENS },
          { provide: APP_GUARD, useClass: BearerAuthGuard },
          { provide: APP_FILTER, useClass: ErrorFilter },
        ],
      },
    ],
  }).compile();
  const app: INestApplication = module.createNestApplication({ bodyParser: false, logger: false });
  configureHttp(app);
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  return {
    async call(method, path, request = {}) {
      const role = request.role ?? 'operator';
      const body = request.raw ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
      const res = await fetch(base + path, {
        method,
        headers: {
          ...(role === 'none' ? {} : { authorization: `Bearer ${tokenOf(role)}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
        },
        body,
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not JSON (metrics, the dashboard's files): the text is the body.
      }
      return { status: res.status, headers: res.headers, text, body: parsed };
    },
    get: (token) => app.get(token),
    close: () => app.close(),
  };
}

/** A fake collaborator: `value` served as `token`. */
export const fake = (token: Type | symbol, value: unknown): Provider => ({ provide: token, useValue: value });

/**
 * controllerKit(setup) for the describe block it is called in: served before its tests and closed
 * after them. The kit answers only inside the tests (and hooks after the block's beforeAll).
 */
export function useControllerKit(setup: KitSetup): ControllerKit {
  let kit: ControllerKit | undefined;
  beforeAll(async () => {
    kit = await controllerKit(setup);
  });
  afterAll(() => kit?.close());
  const served = (): ControllerKit => {
    if (!kit) throw new Error('the controller kit is served only once the suite started');
    return kit;
  };
  return {
    call: (method, path, request) => served().call(method, path, request),
    get: <T>(token: Type<T> | symbol) => served().get<T>(token),
    close: () => served().close(),
  };
}
