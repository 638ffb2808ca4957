import type { BatchContext, BatchHandler, BatchResult } from './batch-handler';
import type { ConsumedMessage } from './consumed-message';
import { backoffMs, transientBackoffMs, type RetryPolicy } from './retry-policy';
import { isTransient as defaultIsTransient } from './transient-error';

/** What the processor needs from the client for one fetched batch of one partition. */
export interface PartitionBatch {
  topic: string;
  partition: number;
  messages: ConsumedMessage[];
  /** Commits `offset + 1` (the next offset to read) for this partition. */
  commit(lastDoneOffset: string): Promise<void>;
  /**
   * As commit, for messages the handler skipped: may be committed later with others (a crash
   * before then only has them read and skipped again). Without it they are committed at once.
   */
  commitLater?(lastDoneOffset: string): void;
  heartbeat(): Promise<void>;
  /** Stopping, or the partition was seeked/reassigned: leave the rest for redelivery. */
  shouldStop(): boolean;
}

export interface BatchProcessorDeps {
  handler: BatchHandler;
  retry: RetryPolicy;
  deadLetter(message: ConsumedMessage, error: unknown): Promise<void>;
  /** Heartbeat period while a handler runs (long DB transactions must not cost the membership). */
  heartbeatIntervalMs: number;
  onHandlerError?(error: unknown, context: BatchContext & { transient: boolean }): void;
  sleep?(ms: number): Promise<void>;
  /** Which failures are transient (default: transient-error.ts). */
  isTransient?(error: unknown): boolean;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Handles one partition batch with bounded failure handling, independent of the Kafka client:
 * the whole batch is tried `1 + batchRetries` times; then each message alone `1 + messageRetries`
 * times; a message that still fails is dead-lettered and committed past, so a poison message
 * never blocks its partition. Transient failures (the database or the broker away, a lost race)
 * count towards neither: they are retried with backoff for as long as they last, the partition
 * waiting, so an outage never turns good messages into dead letters. Offsets are committed
 * only after the handler resolved (those of messages it skipped perhaps later: commitLater).
 * Errors of `commit` and `deadLetter` propagate: they are client failures, not handler ones,
 * and must not turn a handled message into a dead letter.
 */
export async function processPartitionBatch(batch: PartitionBatch, deps: BatchProcessorDeps): Promise<void> {
  const { messages } = batch;
  if (messages.length === 0 || batch.shouldStop()) return;
  const last = messages[messages.length - 1];

  const batchOutcome = await attempt(batch, deps, messages, 'batch', deps.retry.batchRetries);
  if (batchOutcome.kind === 'stopped') return;
  if (batchOutcome.kind === 'handled') {
    await commit(batch, last.offset, batchOutcome.result);
    return;
  }

  for (const message of messages) {
    if (batch.shouldStop()) return;
    const outcome = await attempt(batch, deps, [message], 'single', deps.retry.messageRetries);
    if (outcome.kind === 'stopped') return;
    if (outcome.kind === 'failed') await deps.deadLetter(message, outcome.error);
    // Commit per message here: this path is rare, and a stop between two messages then
    // redelivers nothing that was already handled.
    await commit(batch, message.offset, outcome.kind === 'handled' ? outcome.result : undefined);
  }
}

async function commit(batch: PartitionBatch, lastDoneOffset: string, result: BatchResult): Promise<void> {
  if (result === 'skipped' && batch.commitLater) batch.commitLater(lastDoneOffset);
  else await batch.commit(lastDoneOffset);
}

type Outcome = { kind: 'handled'; result: BatchResult } | { kind: 'stopped' } | { kind: 'failed'; error: unknown };

async function attempt(
  batch: PartitionBatch,
  deps: BatchProcessorDeps,
  messages: ConsumedMessage[],
  mode: BatchContext['mode'],
  retries: number,
): Promise<Outcome> {
  const transient = deps.isTransient ?? defaultIsTransient;
  const sleep = deps.sleep ?? defaultSleep;
  let lastError: unknown;
  let attemptNo = 1;
  let failures = 0;
  let transientStreak = 0;
  for (;;) {
    const context: BatchContext = {
      topic: batch.topic,
      partition: batch.partition,
      attempt: attemptNo,
      mode,
      heartbeat: () => batch.heartbeat(),
      shouldStop: () => batch.shouldStop(),
    };
    try {
      const result = await withHeartbeat(batch, deps.heartbeatIntervalMs, () => deps.handler(messages, context));
      return { kind: 'handled', result };
    } catch (error) {
      lastError = error;
      const isTransient = transient(error);
      deps.onHandlerError?.(error, { ...context, transient: isTransient });
      if (isTransient) transientStreak++;
      else {
        transientStreak = 0;
        failures++;
      }
    }
    if (failures > retries) return { kind: 'failed', error: lastError };
    const wait =
      transientStreak > 0 ? transientBackoffMs(deps.retry, transientStreak) : backoffMs(deps.retry, failures);
    // Heartbeats go on while waiting: an outage can outlast the group's session timeout.
    await withHeartbeat(batch, deps.heartbeatIntervalMs, () => sleep(wait));
    // A failed attempt during shutdown is not retried and not dead-lettered: the messages stay
    // uncommitted and the next owner of the partition gets them again.
    if (batch.shouldStop()) return { kind: 'stopped' };
    await batch.heartbeat().catch((error: unknown) => {
      // The broker itself may be the outage: keep waiting for it rather than failing the batch.
      if (!transient(error)) throw error;
    });
    attemptNo++;
  }
}

async function withHeartbeat<T>(batch: PartitionBatch, intervalMs: number, run: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => {
    // A failed heartbeat (e.g. rebalance in progress) surfaces at the commit that follows,
    // which throws and lets kafkajs rejoin; nothing useful to do with it here.
    batch.heartbeat().catch(() => undefined);
  }, intervalMs);
  try {
    return await run();
  } finally {
    clearInterval(timer);
  }
}
