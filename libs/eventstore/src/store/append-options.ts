import type { OutboxMessage } from './outbox-message';
import type { StoredEvent } from './stored-event';

/** The message being handled, for consumers that append in answer to a Kafka message. */
export interface InboxClaim {
  consumer: string;
  messageId: string;
}

/**
 * Writes that commit together with an append (or with nothing, for `record`). The outbox may be
 * a function of the committed events, so envelopes can carry streamVersion and occurredAt exactly
 * as stored.
 */
export interface AppendExtras {
  outbox?: OutboxMessage[] | ((stored: StoredEvent[]) => OutboxMessage[]);
  inbox?: InboxClaim;
}

export type AppendResult =
  | { duplicate: false; version: bigint; events: StoredEvent[] }
  /** The inbox already held the message: nothing was written. */
  | { duplicate: true };

export type RecordResult = { duplicate: boolean };
