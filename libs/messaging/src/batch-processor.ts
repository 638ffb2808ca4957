import type { BatchContext, BatchHandler } from './batch-handler';
import type { ConsumedMessage } from './consumed-message';
import { backoffMs, type RetryPolicy } from './retry-policy';

/** What the processor needs from the client for one fetched batch of one partition. */
export interface PartitionBatch {
  topic: string;
  partition: number;
  messages: ConsumedMessage[];
  /** Commits `offset + 1` (the next offset to read) for this partition. */
  commit(lastDoneOffset: string): Promise<void>;
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
  onHandlerError?(error: unknown, context: BatchContext): void;
  sleep?(ms: number): Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Handles one partition batch with bounded failure handling, independent of the Kafka client:
 * the whole batch is tried `1 + batchRetries` times; then each message alone `1 + messageRetries`
 * times; a message that still fails is dead-lettered and committed past, so a poison message
 * never blocks its partition. Offsets are committed only after the handler resolved.
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
    await batch.commit(last.offset);
    return;
  }

  for (const message of messages) {
    if (batch.shouldStop()) return;
    const outcome = await attempt(batch, deps, [message], 'single', deps.retry.messageRetries);
    if (outcome.kind === 'stopped') return;
    if (outcome.kind === 'failed') await deps.deadLetter(message, outcome.error);
    // Commit per message here: this path is rare, and a stop between two messages then
    // redelivers nothing that was already handled.
    await batch.commit(message.offset);
  }
}

type Outcome = { kind: 'handled' } | { kind: 'stopped' } | { kind: 'failed'; error: unknown };

async function attempt(
  batch: PartitionBatch,
  deps: BatchProcessorDeps,
  messages: ConsumedMessage[],
  mode: BatchContext['mode'],
  retries: number,
): Promise<Outcome> {
  let lastError: unknown;
  for (let attemptNo = 1; attemptNo <= retries + 1; attemptNo++) {
    if (attemptNo > 1) {
      await (deps.sleep ?? defaultSleep)(backoffMs(deps.retry, attemptNo - 1));
      // A failed attempt during shutdown is not retried and not dead-lettered: the messages stay
      // uncommitted and the next owner of the partition gets them again.
      if (batch.shouldStop()) return { kind: 'stopped' };
      await batch.heartbeat();
    }
    const context: BatchContext = {
      topic: batch.topic,
      partition: batch.partition,
      attempt: attemptNo,
      mode,
      heartbeat: () => batch.heartbeat(),
      shouldStop: () => batch.shouldStop(),
    };
    try {
      await withHeartbeat(batch, deps.heartbeatIntervalMs, () => deps.handler(messages, context));
      return { kind: 'handled' };
    } catch (error) {
      lastError = error;
      deps.onHandlerError?.(error, context);
    }
  }
  return { kind: 'failed', error: lastError };
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
