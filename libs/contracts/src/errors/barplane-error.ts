import { Problem } from '@barplane/domain';

/** Machine codes of every error an API caller can see; each maps to one HTTP status. */
export const ERROR_STATUS = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_MISMATCH: 422,
  INTERNAL: 500,
  /** A command its owner could not process (it is in the owner's DLQ): it will not apply. */
  FAILED: 500,
  UNAVAILABLE: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

/** The one error type that crosses layers: a machine code, a sentence, and the problems. */
export class BarplaneError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly problems: readonly Problem[] = [],
  ) {
    super(message);
    this.name = 'BarplaneError';
  }

  static invalid(problems: readonly Problem[], message = `invalid input: ${problems.length} problem${problems.length === 1 ? '' : 's'}`) {
    return new BarplaneError('VALIDATION', message, problems);
  }
}
