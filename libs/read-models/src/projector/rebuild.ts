import { OutboxRelay, runSql } from '@barplane/eventstore';
import { MessagePublisher, MessagingClient, PartitionFeed, PartitionRange, partitionBounds } from '@barplane/messaging';
import { DataSource } from 'typeorm';
import { StoredSnapshots } from '../audit/stored-snapshots';
import { readModelNames } from '../read-model-names';
import { PROJECTOR_READ_TABLES } from '../schema/projector-tables.migration';
import { BatchItem, BatchProjector, BatchResult } from './batch-projector';
import { ReplayEntry } from './replay-order';
import { readAppliedIndex, replayEvents } from './replay-events';
import { ReplayCounters, ReplaySink } from './replay-sink';

export { replayOrder } from './replay-order';

export interface RebuildProgress {
  /** Events applied (committed), duplicates not counted. */
  readonly applied: number;
  /** Messages of the fact topics dealt with so far. */
  readonly read: number;
  /** Messages in the fact topics when the rebuild began. */
  readonly total: number;
}

export interface RebuildOptions {
  /** Events per transaction. */
  readonly chunk?: number;
}

/**
 * Events per transaction: each chunk ends waiting for its last writes and rewrites every host it
 * touched, so larger chunks wait less (100,000 events, 2 cores, answers still written at the
 * end: 2,000 waited 7.3 s of 19.6, 10,000 5.4 s of 18.6; 10,000 now 1.3 s of 15.5, with ~110 MB
 * more peak RSS than 2,000; scripts/bench/rebuild.mjs).
 */
const REBUILD_CHUNK = 10_000;

/**
 * Wipes the projector's read models and applies every event of the owners' topics again, in
 * the order the live projector applied them (its `projector.applied` log), then any events it
 * never applied by commit time, owner and stream version, then the answers that travel alone.
 * Streamed (replayEvents): memory holds two chunks, a bounded backlog per topic-partition and
 * the applied-order log's index (about 25 bytes per applied event), never the events. Publishes
 * nothing: the decisions were published when first made. Run it with the live projector stopped.
 */
export async function rebuildProjector(
  db: DataSource,
  kafka: MessagingClient,
  namespace: string,
  onProgress: (p: RebuildProgress) => void = () => undefined,
  options: RebuildOptions = {},
): Promise<RebuildProgress> {
  const names = readModelNames(namespace);
  await drainOutbox(db, kafka, names.schema);
  await db.transaction(async (em) => {
    await runSql(em, `TRUNCATE ${PROJECTOR_READ_TABLES.map((t) => `"${names.schema}"."${t}"`).join(', ')}`);
  });
  const open = (ranges: PartitionRange[]) => PartitionFeed.open(kafka, ranges);
  const index = await readAppliedIndex(open, await partitionBounds(kafka, [names.appliedTopic]));
  const bounds = await partitionBounds(kafka, names.factTopics);
  const counts = new Set(names.factTopics.map((t) => bounds.filter((b) => b.topic === t).length));
  if (counts.size > 1)
    throw new Error(
      `the fact topics have different partition counts (${[...counts].join(', ')}): a host's events would be split`,
    );
  const total = bounds.reduce((n, b) => n + Number(b.high - b.low), 0);
  const counters: ReplayCounters = { read: 0 };
  const sinks: PipelinedApply[] = [];
  const failure: { error?: unknown } = {};
  const progress = () => onProgress({ applied: sinks.reduce((n, s) => n + s.applied, 0), read: counters.read, total });
  // The tables are the rebuild's own from the TRUNCATE on: a snapshot it wrote is there.
  const storedSnapshots = new StoredSnapshots();
  const sinkOf = () => {
    const chunk = options.chunk ?? REBUILD_CHUNK;
    const projector = new BatchProjector(db, names, { storedSnapshots });
    const sink = new PipelinedApply(projector, chunk, names.topicName, failure, progress);
    sinks.push(sink);
    return sink;
  };
  progress();
  try {
    await replayEvents(open, bounds, index, names.topicName, sinkOf, counters);
  } catch (error) {
    failure.error ??= error;
    for (const sink of sinks) await sink.abandon();
    throw error;
  }
  const applied = sinks.reduce((n, s) => n + s.applied, 0);
  return { applied, read: counters.read, total };
}

/**
 * Applies the replay in chunks, each in one transaction (the same effects as one event at a
 * time), while the next chunk is read: one transaction in flight, the replay a chunk ahead.
 */
class PipelinedApply implements ReplaySink {
  applied = 0;
  private chunk: BatchItem[] = [];
  private pending?: Promise<BatchResult>;

  constructor(
    private readonly projector: BatchProjector,
    private readonly size: number,
    private readonly topicName: (t: string) => string,
    /** The first failure of a transaction: the replay stops at its next event. */
    private readonly failure: { error?: unknown },
    private readonly committed: () => void,
  ) {}

  add({ envelope, message }: ReplayEntry): void | Promise<void> {
    if (this.failure.error !== undefined) throw this.failure.error;
    const source = { topic: this.topicName(message.topic), partition: message.partition, offset: message.offset };
    this.chunk.push({ envelope, source });
    if (this.chunk.length >= this.size) return this.flush();
  }

  /** The last chunk, then the end of every transaction (a failed one fails the rebuild). */
  async end(): Promise<void> {
    await this.flush();
    await this.settle();
    // Its partition is done: the hosts it kept in memory are not met again.
    this.projector.clearCache();
  }

  /** After a failure: no more chunks, only the end of the one in flight. */
  async abandon(): Promise<void> {
    this.chunk = [];
    await this.pending?.catch(() => undefined);
    this.pending = undefined;
  }

  private async flush(): Promise<void> {
    const chunk = this.chunk;
    this.chunk = [];
    await this.settle();
    if (chunk.length === 0) return;
    this.pending = this.projector.applyBatch(chunk, { publish: false });
    // Awaited by the next flush; until then a failure must not count as unhandled.
    this.pending.catch((error: unknown) => (this.failure.error ??= error));
  }

  private async settle(): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    this.applied += (await pending).applied;
    this.committed();
  }
}

/** Publishes what the stopped projector left in its outbox: the applied-order log must be whole. */
async function drainOutbox(db: DataSource, kafka: MessagingClient, schema: string): Promise<void> {
  const publisher = new MessagePublisher(kafka);
  await publisher.connect();
  try {
    const relay = new OutboxRelay(db, {
      schema,
      listen: false,
      publish: (messages) => publisher.publish(messages),
    });
    while ((await relay.drainOnce()) > 0);
    await relay.stop();
  } finally {
    await publisher.disconnect();
  }
}
