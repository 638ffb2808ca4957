import { Problem } from '@barplane/domain';

/**
 * How an owner answers a command it does not apply. Published on its events topic through
 * the outbox, never appended to a stream: they are answers, not facts.
 */
export interface CommandRejectedData {
  readonly commandId: string;
  readonly commandType: string;
  /** VALIDATION, NOT_FOUND, CONFLICT or ILLEGAL_STATE (the DomainError code). */
  readonly code: string;
  readonly message: string;
  readonly problems: readonly Problem[];
}

export interface CommandConflictedData {
  readonly commandId: string;
  readonly commandType: string;
  readonly expectedVersion: string;
  readonly actualVersion: string;
}

export const ANSWER_TYPES = ['CommandRejected', 'CommandConflicted'] as const;
