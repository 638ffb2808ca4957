import { Problem } from '../scenario/problem';

export const DOMAIN_ERROR_CODES = ['VALIDATION', 'NOT_FOUND', 'CONFLICT', 'ILLEGAL_STATE'] as const;
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

/**
 * Why `decide` refused a command. The service turns it into `CommandRejected` (with the
 * problems) and appends nothing.
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly problems: readonly Problem[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The command, or the state it would produce, breaks a rule; `problems` name each break. */
export class ValidationError extends DomainError {
  constructor(message: string, problems: readonly Problem[]) {
    super('VALIDATION', message, problems);
  }
}

/** The command names a host, PE, function, BAR or VM this aggregate does not know. */
export class NotFoundError extends DomainError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

/** The command collides with something another party holds (a PE given to another VM, an existing id). */
export class ConflictError extends DomainError {
  constructor(message: string, problems: readonly Problem[] = []) {
    super('CONFLICT', message, problems);
  }
}

/** The command is not allowed in the aggregate's current state. */
export class IllegalStateError extends DomainError {
  constructor(message: string) {
    super('ILLEGAL_STATE', message);
  }
}

/** Throws a ValidationError listing `problems` when there are any. */
export function rejectProblems(message: string, problems: readonly Problem[]): void {
  if (problems.length === 0) return;
  const detail = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
  throw new ValidationError(`${message}: ${detail}`, problems);
}
