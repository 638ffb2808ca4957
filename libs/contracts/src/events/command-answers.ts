import { Problem } from '@barplane/domain';

/** How an owner answers a command it applied: the events it appended (none for a no-op). */
export interface CommandAppliedData {
  readonly commandId: string;
  readonly commandType: string;
  readonly streamId: string;
  /** Decimal string: the stream's version after the command. */
  readonly streamVersion: string;
  readonly eventIds: readonly string[];
  /** The events with their data (a topology import: what changed, without the PEs). */
  readonly events?: readonly { readonly id: string; readonly type: string; readonly data: unknown }[];
}

/**
 * How an owner answers a command it does not apply. Answers are published on the owner's
 * events topic through the outbox, never appended to a stream: they are answers, not facts.
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

/**
 * Answers travel on the owner's events topic: CommandApplied of a command that appended events
 * on its last event (Envelope.answer), every other answer as a message of its own.
 */
export const ANSWER_TYPES = ['CommandApplied', 'CommandRejected', 'CommandConflicted'] as const;
export type AnswerType = (typeof ANSWER_TYPES)[number];

export function isAnswer(type: string): type is AnswerType {
  return (ANSWER_TYPES as readonly string[]).includes(type);
}

/**
 * Where an answered command stands, as GET /v1/commands/{id} and the projector's command_status
 * spell it; `pending` until its answer is recorded.
 */
export type AnswerStatus = 'applied' | 'rejected' | 'conflict';
export type CommandStatus = AnswerStatus | 'pending';

/** The status an answer of `type` gives its command. */
export function answerStatusOf(type: AnswerType): AnswerStatus {
  return type === 'CommandApplied' ? 'applied' : type === 'CommandRejected' ? 'rejected' : 'conflict';
}
