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

/**
 * A message of an outbox row as the relay reads it: ready for the producer (`topic`, `key`,
 * `value`, `headers` are what a Kafka message needs).
 */
export interface PendingOutboxMessage {
  /** Id of its outbox row (one per transaction): with `position`, the publication order. */
  id: bigint;
  /** 1-based place in its row. */
  position: number;
  messageId: string;
  topic: string;
  key: string;
  headers: Record<string, string>;
  /** The payload's JSON text, as written. */
  value: string;
  /** Publish attempts of its row that failed so far. */
  attempts: number;
}
