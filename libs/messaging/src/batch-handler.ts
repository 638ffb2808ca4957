import type { ConsumedMessage } from './consumed-message';

export interface BatchContext {
  topic: string;
  partition: number;
  /** 1 for the first try of these messages, 2 for the first retry, ... */
  attempt: number;
  /** 'single' once the runner fell back to one message at a time after batch failures. */
  mode: 'batch' | 'single';
  /** Keeps group membership alive; the runner also heartbeats on a timer while you run. */
  heartbeat(): Promise<void>;
  /** True once the runner is stopping or the partition was reassigned/seeked. */
  shouldStop(): boolean;
}

/**
 * What a handler may resolve with: 'skipped' when none of the messages had an effect (all of
 * them of no interest here), so reading them again after a crash or a rebalance costs nothing.
 * The runner then commits their offsets a little later, together with others, instead of one
 * offset commit per batch (see BatchConsumerOptions.deferredCommitMs).
 */
export type BatchResult = void | 'skipped';

/**
 * Handles messages of one partition, in offset order. Resolve only after the effects are
 * durable (commit the DB transaction inside): the runner commits the Kafka offsets right after.
 * Throw to have the messages retried; they may be redelivered, so be idempotent.
 */
export type BatchHandler = (messages: ConsumedMessage[], context: BatchContext) => Promise<BatchResult>;
