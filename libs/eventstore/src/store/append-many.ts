import type { NewEvent } from './new-event';
import type { OutboxMessage } from './outbox-message';
import type { StoredEvent } from './stored-event';

/** One stream's share of a batch: all its events, appended after `expectedVersion`. */
export interface StreamAppend {
  streamId: string;
  streamType: string;
  /** 0n: the stream must not exist yet. */
  expectedVersion: bigint;
  /** At least one event; they get versions expectedVersion + 1, + 2, ... */
  events: NewEvent[];
}

/** Inbox claims of every message a batch handles (answered, applied or recorded as a no-op). */
export interface InboxClaims {
  consumer: string;
  messageIds: string[];
}

export interface AppendManyInput {
  /** At most one entry per stream. May be empty (a batch of answers only). */
  appends: StreamAppend[];
  inbox?: InboxClaims;
  /**
   * Event ids in the order to insert them (global positions), e.g. the order they were decided
   * in across streams; by default the appends' order. Must list every event exactly once.
   */
  eventOrder?: readonly string[];
  /**
   * The outbox rows in publication order; a function of the committed events (keyed by event id)
   * so envelopes carry streamVersion and occurredAt exactly as stored.
   */
  outbox?: OutboxMessage[] | ((stored: ReadonlyMap<string, StoredEvent>) => OutboxMessage[]);
}

export type AppendManyResult =
  /** `events` in insertion (global position) order; `versions`: each stream's new version. */
  | { duplicate: false; versions: Map<string, bigint>; events: StoredEvent[] }
  /** Some messages (`duplicates`) were already in the inbox (processed meanwhile): nothing was written. */
  | { duplicate: true; duplicates: string[] };
