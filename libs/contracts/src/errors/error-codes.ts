/**
 * The `barplane` command's exit statuses (README, "The barplane CLI"). They live beside the
 * error codes because each code names its exit status: the CLI gets the code from the API.
 */
export const EXIT_STATUS = {
  ok: 0,
  /** Anything not below: the API cannot be reached, refuses the token, fails. */
  failure: 1,
  /** Invalid input or usage: every problem is on stderr and nothing is on stdout. */
  invalid: 2,
  /** The host, PE, function, BAR or VM does not exist. */
  notFound: 3,
  /** A conflict (a PE held by another VM, a stale version). */
  conflict: 4,
} as const;
export type ExitStatus = (typeof EXIT_STATUS)[keyof typeof EXIT_STATUS];

/**
 * Every machine code an API caller can see, once: its HTTP status and the CLI's exit status.
 * The error filter, the command answers and the CLI all read this table.
 */
export const ERRORS = {
  VALIDATION: { http: 400, exit: EXIT_STATUS.invalid },
  UNAUTHENTICATED: { http: 401, exit: EXIT_STATUS.failure },
  FORBIDDEN: { http: 403, exit: EXIT_STATUS.failure },
  NOT_FOUND: { http: 404, exit: EXIT_STATUS.notFound },
  CONFLICT: { http: 409, exit: EXIT_STATUS.conflict },
  TOO_LARGE: { http: 413, exit: EXIT_STATUS.invalid },
  UNSUPPORTED_MEDIA_TYPE: { http: 415, exit: EXIT_STATUS.invalid },
  IDEMPOTENCY_MISMATCH: { http: 422, exit: EXIT_STATUS.invalid },
  INTERNAL: { http: 500, exit: EXIT_STATUS.failure },
  /** A command its owner could not process (it is in the owner's DLQ): it will not apply. */
  FAILED: { http: 500, exit: EXIT_STATUS.failure },
  UNAVAILABLE: { http: 503, exit: EXIT_STATUS.failure },
} as const satisfies Record<string, { http: number; exit: ExitStatus }>;
export type ErrorCode = keyof typeof ERRORS;

const CODES = Object.keys(ERRORS) as ErrorCode[];

/** A domain code the API does not show as such: an owner's ILLEGAL_STATE is a conflict to a caller. */
const ALIASES = new Map<unknown, ErrorCode>([['ILLEGAL_STATE', 'CONFLICT']]);

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERRORS, code);
}

/** The API's code for any code an owner or importer names; one it does not know is invalid input. */
export function errorCodeOf(code: unknown): ErrorCode {
  if (isErrorCode(code)) return code;
  return ALIASES.get(code) ?? 'VALIDATION';
}

/** The code of an HTTP error status (the first in the table), or undefined for one it has none for. */
export function errorCodeForHttp(status: number): ErrorCode | undefined {
  return CODES.find((code) => ERRORS[code].http === status);
}

/** The HTTP statuses whose codes end the CLI with `exit`, in the table's order (for --help). */
export function httpStatusesForExit(exit: ExitStatus): number[] {
  return [...new Set(CODES.filter((code) => ERRORS[code].exit === exit).map((code) => ERRORS[code].http))];
}

/**
 * The exit status of a failed API call: by the body's code when it names one (or an alias),
 * else by the HTTP status; anything else is a failure.
 */
export function exitForError(code: unknown, httpStatus?: number): ExitStatus {
  const known = isErrorCode(code) ? code : ALIASES.get(code);
  if (known) return ERRORS[known].exit;
  const byStatus = httpStatus === undefined ? undefined : errorCodeForHttp(httpStatus);
  return byStatus ? ERRORS[byStatus].exit : EXIT_STATUS.failure;
}
