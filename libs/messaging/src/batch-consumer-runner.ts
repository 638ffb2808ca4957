import { StartsOnce } from './starts-once';
import { type Consumer, type EachBatchPayload, type Logger, PartitionAssigners } from 'kafkajs';
import { BatchCombiner } from './batch-combiner';
import { coPartitionedAssigner } from './co-partitioned-assigner';
import type { BatchHandler } from './batch-handler';
import { processPartitionBatch } from './batch-processor';
import { type ConsumedMessage, toConsumedMessage } from './consumed-message';
import { deadLetterOf } from './dead-letter';
import { DeferredCommits } from './deferred-commits';
import type { MessagingClient } from './kafka-from-env';
import { MessagePublisher } from './message-publisher';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy';

export interface BatchConsumerOptions {
  /** One group per concern: a group shared by unrelated apps gets "unsubscribed topics". */
  groupId: string;
  topics: string[];
  /** The process this member stands for in partition assignment; default PROCESS_INSTANCE_ID. */
  instanceId?: string;
  fromBeginning?: boolean;
  maxBytesPerPartition?: number;
  minBytes?: number;
  /**
   * How long the broker holds a fetch that finds nothing (it answers as soon as data arrives).
   * Default 1000 ms: kafkajs says 5000, which an idle fetch adds to stop(); 200 cost the idle
   * control plane ~10 % of a core in fetches.
   */
  maxWaitTimeInMs?: number;
  sessionTimeout?: number;
  heartbeatInterval?: number;
  retries?: Partial<RetryPolicy>;
  /**
   * Partition batches handled at once (kafkajs' option of the same name; default 1). Each
   * partition's batches still run one after the other, in offset order.
   */
  partitionsConsumedConcurrently?: number;
  /**
   * First tries of partition batches handled at the same time go to the handler together (see
   * BatchCombiner): the handler must accept messages of several partitions in one call.
   */
  combinePartitions?: boolean;
  /**
   * The group belongs to this runner alone (e.g. one per API instance, named at random): it is
   * deleted once the runner left it on stop(), so such groups do not pile up in the broker.
   */
  transientGroup?: boolean;
  /**
   * How long the offsets of batches the handler skipped (it resolved 'skipped') may wait to be
   * committed, with every other partition's, in one request; default 1000 ms, 0 commits them
   * at once. stop() and commitDeferred() send them sooner; a rebalance drops them.
   */
  deferredCommitMs?: number;
  /** kafkajs crashed and will not restart: the app should exit non-zero. */
  onCrash?: (error: Error) => void;
  /**
   * After a message went to the DLQ (and before its offset is committed): e.g. answer the
   * command it carried as failed. A throw here is a client failure: the message is retried.
   */
  onDeadLettered?: (message: ConsumedMessage, error: unknown, dlqTopic: string) => Promise<void>;
}

/**
 * One consumer group running `handler` per partition batch, committing offsets to Kafka only
 * after the handler resolved. See processPartitionBatch for retries and dead-lettering.
 */
export class BatchConsumerRunner extends StartsOnce {
  /** Resolves after stop(); rejects if the consumer crashed for good. */
  readonly done: Promise<void>;
  private readonly consumer: Consumer;
  private readonly deadLetters: MessagePublisher;
  private readonly logger: Logger;
  private readonly retry: RetryPolicy;
  private readonly heartbeatInterval: number;
  private readonly handler: BatchHandler;
  private readonly deferred?: DeferredCommits;
  private settle!: { resolve: () => void; reject: (error: Error) => void };

  constructor(
    private readonly kafka: MessagingClient,
    private readonly options: BatchConsumerOptions,
    handler: BatchHandler,
  ) {
    super();
    this.handler = options.combinePartitions ? new BatchCombiner(handler).handle : handler;
    this.heartbeatInterval = options.heartbeatInterval ?? 3_000;
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      // Partition N of every topic to one member (one instance owns whole hosts); round robin
      // stays listed so that a group of old and new members still agrees on a protocol.
      partitionAssigners: [coPartitionedAssigner(options.instanceId), PartitionAssigners.roundRobin],
      maxBytesPerPartition: options.maxBytesPerPartition,
      minBytes: options.minBytes,
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 1000,
      sessionTimeout: options.sessionTimeout,
      heartbeatInterval: this.heartbeatInterval,
      allowAutoTopicCreation: false,
    });
    this.deadLetters = new MessagePublisher(kafka);
    this.logger = kafka.logger().namespace('BatchConsumerRunner');
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retries };
    const deferredMs = options.deferredCommitMs ?? 1000;
    if (deferredMs > 0)
      this.deferred = new DeferredCommits(
        deferredMs,
        (offsets) => this.consumer.commitOffsets(offsets),
        (error) => this.deferredCommitFailed(error),
      );
    this.done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    // Mark as handled so an app that only uses onCrash does not die of an unhandled rejection;
    // whoever awaits `done` still sees the rejection.
    this.done.catch(() => undefined);
  }

  /** Connects, joins the group and starts consuming; resolves once the group is joined. */
  protected async startOnce(): Promise<void> {
    // Offsets deferred under one assignment are never sent under the next (DeferredCommits.drop).
    this.consumer.on(this.consumer.events.REBALANCING, () => this.deferred?.drop());
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => this.deferred?.drop());
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) {
        this.logger.warn('consumer crashed, kafkajs restarts it', {
          groupId: payload.groupId,
          error: payload.error.message,
        });
        return;
      }
      this.logger.error('consumer crashed for good', { groupId: payload.groupId, error: payload.error.message });
      void this.deadLetters.disconnect().catch(() => undefined);
      this.settle.reject(payload.error);
      this.options.onCrash?.(payload.error);
    });
    await this.deadLetters.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? false });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /** Lets the batch in flight finish and commit, leaves the group and disconnects. */
  protected async stopOnce(): Promise<void> {
    try {
      // Deferred commits first (once stop() began kafkajs commits nothing); then kafkajs' stop()
      // waits for the eachBatch in flight, including its commit, and leaves. What the batch in
      // flight defers meanwhile may stay uncommitted: skipped messages, skipped again next time.
      await this.commitDeferred();
      await this.consumer.stop();
      await this.consumer.disconnect();
      await this.deadLetters.disconnect();
      if (this.options.transientGroup) await this.deleteGroup();
      this.settle.resolve();
    } catch (error) {
      this.settle.reject(error as Error);
      throw error;
    }
  }

  /**
   * Commits now the offsets of skipped batches that wait (for a reader of the group's committed
   * offsets that must see them, e.g. a reaction barrier). Never throws: a failure is logged.
   */
  async commitDeferred(): Promise<void> {
    await this.deferred?.flush().catch((error: unknown) => this.deferredCommitFailed(error));
  }

  /** Not lost: the messages were skipped, and are read and skipped again after a restart. */
  private deferredCommitFailed(error: unknown): void {
    this.logger.info('deferred offset commit failed', { groupId: this.options.groupId, error: String(error) });
  }

  /** Best effort: a group left behind only costs the broker its offsets until they expire. */
  private async deleteGroup(): Promise<void> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([this.options.groupId]);
    } catch (error) {
      this.logger.warn('could not delete the transient consumer group', {
        groupId: this.options.groupId,
        error: String(error),
      });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    const { deferred } = this;
    await processPartitionBatch(
      {
        topic,
        partition,
        messages: batch.messages.map((message) => toConsumedMessage(topic, partition, message)),
        commit: async (lastDoneOffset) => {
          resolveOffset(lastDoneOffset);
          deferred?.supersede(topic, partition);
          // Explicit offsets: with autoCommit off the no-argument form commits nothing, and
          // consumer.commitOffsets() is a no-op once stop() began. Committed = next to read.
          const offset = (BigInt(lastDoneOffset) + 1n).toString();
          await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset }] }] });
        },
        commitLater: deferred
          ? (lastDoneOffset) => {
              resolveOffset(lastDoneOffset);
              deferred.defer(topic, partition, (BigInt(lastDoneOffset) + 1n).toString());
            }
          : undefined,
        heartbeat,
        shouldStop: () => !isRunning() || isStale(),
      },
      {
        handler: this.handler,
        retry: this.retry,
        heartbeatIntervalMs: this.heartbeatInterval,
        deadLetter: async (message, error) => {
          this.logger.error('message dead-lettered', {
            topic,
            partition,
            offset: message.offset,
            error: String(error),
          });
          const dead = deadLetterOf(message, error);
          await this.deadLetters.publish([dead]);
          await this.options.onDeadLettered?.(message, error, dead.topic);
        },
        onHandlerError: (error, context) =>
          this.logger.warn(
            context.transient ? 'handler waits: a transient failure (retried until it passes)' : 'handler failed',
            {
              topic,
              partition,
              mode: context.mode,
              attempt: context.attempt,
              error: error instanceof Error ? error.message : String(error),
            },
          ),
      },
    );
  }
}
