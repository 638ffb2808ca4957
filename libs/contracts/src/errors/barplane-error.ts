import { Problem } from '@barplane/domain';
import { ERRORS, ErrorCode } from './error-codes';

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

  /** The HTTP status its code maps to (ERRORS). */
  get httpStatus(): number {
    return ERRORS[this.code].http;
  }

  static invalid(
    problems: readonly Problem[],
    message = `invalid input: ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
  ) {
    return new BarplaneError('VALIDATION', message, problems);
  }
}
