import type { PendingOutboxMessage } from '../store/outbox-message';

/** Sends a batch, in array order; resolves only when every message is durably accepted. */
export type PublishFn = (messages: PendingOutboxMessage[]) => Promise<void>;

export interface OutboxRelayOptions {
  schema: string;
  publish: PublishFn;
  /** Messages per transaction (whole outbox rows: at least one row, stopping at this many). Default 100. */
  batchSize?: number;
  /** Poll interval when the outbox is empty, a backstop: the commit-time NOTIFY wakes the relay. Default 1000 ms. */
  idleMs?: number;
  /** How often a standby retries the leader lock. Default 1000 ms. */
  lockRetryMs?: number;
  /** First and last delay after a failed publish (doubling in between). Defaults 100 and 5000 ms. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * How long published rows stay in the outbox for inspection (the events stay in the event
   * store, the messages in Kafka) before the leading relay deletes them. Default 7 days,
   * Kafka's default retention; 0 keeps them for ever.
   */
  retainPublishedMs?: number;
  /** How often the leading relay deletes published rows past retainPublishedMs. Default 60 s. */
  pruneEveryMs?: number;
  /** LISTEN for the commit-time NOTIFY as a wake-up hint. Default true. */
  listen?: boolean;
  /** Failures the loop survives (publish errors, lost connection); default: ignored. */
  onError?: (error: Error) => void;
  /**
   * Whether a publish failure is for good (the broker refuses the message itself, e.g. over its
   * size): the row alone that fails so is quarantined and the relay goes on. Default:
   * `unpublishable` (outbox-relay.ts).
   */
  isUnpublishable?: (error: unknown) => boolean;
  /** A row was quarantined: report it (default: onError). */
  onQuarantine?: (rowId: string, error: Error) => void;
}

export interface RelayCounters {
  /** Messages marked published. */
  published: number;
  /** Messages in batches whose publish threw. */
  failed: number;
  /** Rows set aside because the broker refuses them for good. */
  quarantined: number;
}
