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

/** A message of an outbox row as the relay reads it. */
export interface PendingOutboxMessage extends OutboxMessage {
  /** Id of its outbox row (one per transaction): with `position`, the publication order. */
  id: bigint;
  /** 1-based place in its row. */
  position: number;
  headers: Record<string, string>;
  /** Publish attempts of its row that failed so far. */
  attempts: number;
}
