import { join } from 'node:path';
import { main } from '../main';

/** The repository's fixtures (test/fixtures), for commands that read a file. */
export const FIXTURES = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures');

/** One answer of the fake API: a status and a JSON body (or raw text, e.g. JSON Lines). */
export interface FakeAnswer {
  status?: number;
  body?: unknown;
  text?: string;
}

export interface SeenRequest {
  method: string;
  path: string;
  body: unknown;
  token?: string;
}

/** The fake API: an answer for `"METHOD /path"` (query included), or a function of the request. */
export type FakeApi = Record<string, FakeAnswer> | ((req: SeenRequest) => FakeAnswer | undefined);

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
  requests: SeenRequest[];
}

/** The body of docs/api.md's error shape, as the API sends it. */
export const apiError = (
  status: number,
  error: string,
  message: string,
  problems: { path: string; message: string }[] = [],
): FakeAnswer => ({ status, body: { error, message, problems } });

const API = 'http://api.test';

/**
 * Runs `barplane ARGS` in-process: the real commander program and main(), stdout and stderr
 * captured, the exit status read from process.exitCode, and the API replaced by `api` (global
 * fetch answered from it; a request it has no answer for is a 404 without a body code). The
 * token and API URL come from BARPLANE_TOKEN / BARPLANE_API_URL unless `env` says otherwise.
 */
export async function runCli(
  args: string[],
  api: FakeApi = {},
  env: Record<string, string | undefined> = {},
): Promise<CliRun> {
  const run: CliRun = { status: 0, stdout: '', stderr: '', requests: [] };
  const saved = { exitCode: process.exitCode, env: { ...process.env } };
  Object.assign(process.env, { BARPLANE_API_URL: API, BARPLANE_TOKEN: 'kit-token' });
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  const capture = (into: 'stdout' | 'stderr') => (chunk: string | Uint8Array) => (
    (run[into] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()),
    true
  );
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture('stdout') as never);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture('stderr') as never);
  const fetch = jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = new URL(String(input));
    const text = typeof init?.body === 'string' ? init.body : undefined;
    const auth = new Headers(init?.headers).get('authorization') ?? undefined;
    const req: SeenRequest = {
      method: init?.method ?? 'GET',
      path: url.pathname + url.search,
      body: text === undefined ? undefined : JSON.parse(text),
      token: auth?.replace(/^Bearer /, ''),
    };
    run.requests.push(req);
    const answer = (typeof api === 'function' ? api(req) : api[`${req.method} ${req.path}`]) ?? {
      status: 404,
      text: '',
    };
    return new Response(answer.text ?? JSON.stringify(answer.body ?? {}), { status: answer.status ?? 200 });
  });
  process.exitCode = undefined;
  try {
    await main(['node', 'barplane', ...args]);
    run.status = Number(process.exitCode ?? 0);
  } finally {
    out.mockRestore();
    err.mockRestore();
    fetch.mockRestore();
    process.exitCode = saved.exitCode;
    process.env = saved.env;
  }
  return run;
}
