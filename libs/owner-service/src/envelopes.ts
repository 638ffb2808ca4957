import { randomUUID } from 'node:crypto';
import {
  type AnswerType,
  type CommandAppliedData,
  type CommandConflictedData,
  type CommandRejectedData,
  type Envelope,
  SCHEMA_VERSION,
} from '@barplane/contracts';
import type { OutboxMessage, StoredEvent } from '@barplane/eventstore';

/** Who asked: copied from the command (or the causing event) into every envelope it causes. */
export interface Cause {
  readonly hostId: string;
  readonly correlationId: string;
  /** The command id, or the id of the event that caused a derived event. */
  readonly causationId: string;
  readonly principal: string;
}

/** What the store keeps beside each event, so envelopes can be rebuilt from a replay. */
export function eventMetadata(cause: Cause): Record<string, unknown> {
  return { correlationId: cause.correlationId, causationId: cause.causationId, principal: cause.principal };
}

/**
 * The envelope of a committed event: streamVersion and occurredAt exactly as stored; `answer`
 * on the last event of a command (Envelope.answer).
 */
export function eventEnvelope(stored: StoredEvent, answer?: Envelope): Envelope {
  const meta = stored.metadata;
  return {
    id: stored.eventId,
    type: stored.eventType,
    schemaVersion: stored.schemaVersion,
    hostId: stored.hostId,
    streamId: stored.streamId,
    streamVersion: stored.streamVersion.toString(),
    occurredAt: stored.occurredAt,
    correlationId: String(meta.correlationId ?? ''),
    causationId: String(meta.causationId ?? ''),
    principal: String(meta.principal ?? ''),
    data: stored.data as Record<string, unknown>,
    ...(answer ? { answer } : {}),
  };
}

type AnswerData = CommandAppliedData | CommandRejectedData | CommandConflictedData;

/** An answer to a command (a new id; correlation and principal of the command). */
export function answerEnvelope(type: AnswerType, cause: Cause, data: AnswerData): Envelope {
  return {
    id: randomUUID(),
    type,
    schemaVersion: SCHEMA_VERSION,
    hostId: cause.hostId,
    correlationId: cause.correlationId,
    causationId: cause.causationId,
    principal: cause.principal,
    data: data as unknown as Record<string, unknown>,
  };
}

/** An envelope as an outbox row for `topic`, keyed by host id (one host, one partition). */
export function outboxMessageOf(topic: string, envelope: Envelope): OutboxMessage {
  return { messageId: envelope.id, topic, key: envelope.hostId, headers: { type: envelope.type }, payload: envelope };
}
