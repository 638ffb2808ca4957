import type {
  AuditRow,
  AuditVerify,
  FleetWire,
  HostWire,
  Me,
  PeWire,
  PlanAnswer,
  ScenarioWire,
  VmWire,
} from './api-types';
import { enc } from './format';

// Every call carries the bearer token kept in sessionStorage; nothing puts it in a URL.

const KEY = 'barplane.token';

export const token = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (t: string): void => sessionStorage.setItem(KEY, t),
  clear: (): void => sessionStorage.removeItem(KEY),
};

/** The error body of docs/api.md "Errors" (or the text of an answer that was not JSON). */
export interface ErrorBody {
  error?: string;
  message?: string;
  problems?: { path: string; message: string }[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody | undefined,
  ) {
    super(body?.message ?? `HTTP ${status}`);
  }
}

export const authHeader = (): string => `Bearer ${token.get() ?? ''}`;

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { authorization: authHeader(), accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = { message: text };
  }
  if (!res.ok) throw new ApiError(res.status, parsed as ErrorBody | undefined);
  return parsed as T;
}

/** GET that answers null on 403 (a role the token lacks) instead of throwing. */
async function ifAllowed<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) return null;
    throw e;
  }
}

/** The API as this page uses it, one typed function per call. */
export const api = {
  fleet: () => call<FleetWire>('GET', '/v1/fleet'),
  host: (hostId: string) => call<HostWire>('GET', `/v1/hosts/${enc(hostId)}`),
  pe: (hostId: string, peId: string) => call<PeWire>('GET', `/v1/hosts/${enc(hostId)}/pes/${enc(peId)}`),
  scenario: (hostId: string, peId: string) =>
    call<ScenarioWire>('GET', `/v1/hosts/${enc(hostId)}/pes/${enc(peId)}/scenario`),
  vm: (vmId: string) => call<VmWire>('GET', `/v1/vms/${enc(vmId)}`),
  me: () => call<Me>('GET', '/v1/me'),
  audit: (hostId: string, peId: string) =>
    ifAllowed(call<AuditRow[]>('GET', `/v1/audit?host=${enc(hostId)}&pe=${enc(peId)}`)),
  auditVerify: () => ifAllowed(call<AuditVerify>('GET', '/v1/audit/verify')),
  plan: (scenario: ScenarioWire) => call<PlanAnswer>('POST', '/v1/plans', scenario),
  setAlignment: (hostId: string, peId: string, override: string) =>
    call<unknown>('PUT', `/v1/hosts/${enc(hostId)}/pes/${enc(peId)}/alignment`, { override }),
  setGuestBars: (vmId: string, bars: { bdf: string; index: number; address: string }[]) =>
    call<unknown>('PUT', `/v1/vms/${enc(vmId)}/guest-bars`, { bars }),
};

export interface Capabilities {
  canAudit: boolean;
  canProgram: boolean;
  canAlign: boolean;
}

/**
 * What this token may do, from its roles (GET /v1/me): audit needs auditor or operator,
 * programming guest BARs provisioner or operator, alignment overrides operator.
 */
export async function capabilities(): Promise<Capabilities> {
  const { roles } = await api.me();
  const has = (...wanted: string[]) => wanted.some((r) => roles.includes(r));
  return {
    canAudit: has('auditor', 'operator'),
    canProgram: has('provisioner', 'operator'),
    canAlign: has('operator'),
  };
}
