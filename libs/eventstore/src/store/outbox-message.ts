/** A message to publish after commit (the relay sends it to `topic` with `key`). */
export interface OutboxMessage {
  /** uuid; the consumers' dedup key (the event id for events, the command id for answers). */
  messageId: string;
  topic: string;
  /** Kafka key: the host id, so one host's messages stay in one partition, in order. */
  key: string;
  headers?: Record<string, string>;
  payload: unknown;
}

/** An outbox row as the relay reads it. */
export interface PendingOutboxMessage extends OutboxMessage {
  /** Outbox id: publication order. */
  id: bigint;
  headers: Record<string, string>;
  /** Publish attempts that failed so far. */
  attempts: number;
}
