import { Command, Option } from 'commander';
import { EXIT_STATUS, exitForError, ExitStatus } from '@barplane/contracts';
import { EXIT_STATUS_HELP } from './exit-status';

export const DEFAULT_API_URL = 'http://127.0.0.1:8080';

export interface ApiOptions {
  api?: string;
  token?: string;
}

/** The error body of docs/api.md. */
export interface ApiErrorBody {
  error: string;
  message: string;
  problems: { path: string; message: string }[];
  correlationId?: string;
}

/** A failed call, already mapped to the exit status it ends the command with (by the body's code, ERRORS). */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitStatus: ExitStatus,
    readonly body?: ApiErrorBody,
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

/** Adds --api and --token (with their environment variables) and the exit status table. */
export function withApiOptions(command: Command): Command {
  return command
    .addOption(new Option('--api <url>', 'the barplane API').env('BARPLANE_API_URL').default(DEFAULT_API_URL))
    .addOption(new Option('--token <token>', 'API bearer token (npm start prints them)').env('BARPLANE_TOKEN'))
    .addHelpText('after', EXIT_STATUS_HELP);
}

/** A thin client of the API's `/v1` (docs/api.md); every failure is a CliFailure. */
export class ApiClient {
  private readonly base: string;

  constructor(
    base: string,
    private readonly token: string,
  ) {
    this.base = base.replace(/\/+$/, '');
  }

  /** From the command's options; no token is a usage mistake. */
  static from(opts: ApiOptions): ApiClient {
    if (!opts.token)
      throw new CliFailure(
        'no API token: pass --token or set BARPLANE_TOKEN (npm start prints the tokens)',
        EXIT_STATUS.invalid,
      );
    let url: URL;
    try {
      url = new URL(opts.api ?? DEFAULT_API_URL);
    } catch {
      throw new CliFailure(`--api ${opts.api}: not a URL`, EXIT_STATUS.invalid);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new CliFailure(`--api ${opts.api}: not an http(s) URL`, EXIT_STATUS.invalid);
    return new ApiClient(url.toString(), opts.token);
  }

  async get<T>(path: string): Promise<T> {
    return (await this.json<T>('GET', path)).body;
  }

  /** Any method; answers the status too (a command may answer 200, 201 or 202). */
  async json<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await this.request(method, path, { accept: 'application/json' }, body);
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) as T };
    } catch {
      throw new CliFailure(
        `${method} ${path}: the API answered ${res.status} with a body that is not JSON`,
        EXIT_STATUS.failure,
      );
    }
  }

  /** A streaming GET: the response, whose body the caller reads. */
  async stream(path: string, accept: string): Promise<Response> {
    return this.request('GET', path, { accept });
  }

  private async request(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<Response> {
    const url = this.base + path;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          ...headers,
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CliFailure(
        `cannot reach the API at ${this.base}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
        EXIT_STATUS.failure,
      );
    }
    if (res.status < 400) return res;
    const text = await res.text();
    let parsed: ApiErrorBody | undefined;
    try {
      const j = JSON.parse(text);
      if (j && typeof j === 'object' && typeof j.message === 'string')
        parsed = {
          error: String(j.error ?? ''),
          message: j.message,
          problems: Array.isArray(j.problems) ? j.problems : [],
          correlationId: j.correlationId,
        };
    } catch {
      parsed = undefined;
    }
    throw new CliFailure(
      describeHttpError(res.status, method, path, parsed, text),
      exitForError(parsed?.error, res.status),
      parsed,
      res.status,
    );
  }
}

function describeHttpError(
  status: number,
  method: string,
  path: string,
  body: ApiErrorBody | undefined,
  text: string,
): string {
  const detail = body ? `${body.error ? body.error + ': ' : ''}${body.message}` : text.slice(0, 200) || '(no body)';
  if (status === 401) return `the API refused the token (401 ${detail}): check --token or BARPLANE_TOKEN`;
  if (status === 403) return `the token's role may not do this (403 ${detail})`;
  return `${method} ${path}: ${status} ${detail}`;
}

/** Path segment encoding (BDFs and PE ids contain ':'; that is fine, '/' and '?' are not). */
export const seg = (s: string): string => encodeURIComponent(s);
