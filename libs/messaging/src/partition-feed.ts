import { randomUUID } from 'node:crypto';
import type { Batch, Consumer } from 'kafkajs';
import { ConsumedMessage, toConsumedMessage } from './consumed-message';
import { MessagingClient } from './kafka-from-env';

/** The offsets `[from, end)` of one topic-partition. */
export interface PartitionRange {
  readonly topic: string;
  readonly partition: number;
  readonly from: bigint;
  readonly end: bigint;
}

/** Reads ranges of topic-partitions, each in offset order, at the pace its reader asks. */
export interface PartitionReader {
  /** The next messages of the partition's range, or undefined once the range is read. */
  next(topic: string, partition: number): Promise<ConsumedMessage[] | undefined>;
  close(): Promise<void>;
}

export interface PartitionFeedOptions {
  /** Messages held per partition before it is paused (it resumes at half). */
  highWater?: number;
  /** Bytes one fetch asks of each partition (kafkajs maxBytesPerPartition). */
  fetchBytes?: number;
  /** A `next` that gets nothing for this long fails (the broker is gone). */
  stallMs?: number;
}

interface Lane {
  readonly range: PartitionRange;
  /** The next offset to hand out: a batch fetched again (after a seek) is not repeated. */
  position: bigint;
  readonly queue: ConsumedMessage[][];
  queued: number;
  ended: boolean;
  paused: boolean;
  wake?: () => void;
}

const key = (topic: string, partition: number) => `${partition}\u0000${topic}`;

/**
 * Ranges of topic-partitions read by one throw-away consumer (a group of its own that commits
 * nothing), each started with `seek` and held to a bounded backlog with pause/resume: the
 * reader takes the partitions in whatever order it needs without the others piling up in memory.
 */
export class PartitionFeed implements PartitionReader {
  private readonly lanes = new Map<string, Lane>();
  private failure?: Error;
  private connected = false;

  private constructor(
    private readonly consumer: Consumer,
    ranges: readonly PartitionRange[],
    private readonly highWater: number,
    private readonly stallMs: number,
  ) {
    for (const range of ranges) {
      const ended = range.end <= range.from;
      this.lanes.set(key(range.topic, range.partition), {
        range,
        position: range.from,
        queue: [],
        queued: 0,
        ended,
        paused: false,
      });
    }
  }

  static async open(
    kafka: MessagingClient,
    ranges: readonly PartitionRange[],
    options: PartitionFeedOptions = {},
  ): Promise<PartitionFeed> {
    const consumer = kafka.consumer({
      groupId: `read-${randomUUID()}`,
      maxWaitTimeInMs: 50,
      maxBytesPerPartition: options.fetchBytes ?? 1024 * 1024,
      maxBytes: 16 * 1024 * 1024,
      allowAutoTopicCreation: false,
    });
    const feed = new PartitionFeed(consumer, ranges, options.highWater ?? 2000, options.stallMs ?? 120_000);
    const topics = [...new Set(ranges.filter((r) => r.end > r.from).map((r) => r.topic))];
    if (topics.length === 0) return feed;
    feed.connected = true;
    await consumer.connect();
    consumer.on(consumer.events.CRASH, ({ payload }) => feed.fail(payload.error));
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatch: async ({ batch }) => feed.receive(batch) });
    for (const lane of feed.lanes.values())
      if (!lane.ended)
        consumer.seek({ topic: lane.range.topic, partition: lane.range.partition, offset: lane.range.from.toString() });
    return feed;
  }

  async next(topic: string, partition: number): Promise<ConsumedMessage[] | undefined> {
    const lane = this.lanes.get(key(topic, partition));
    if (!lane) return undefined;
    const deadline = Date.now() + this.stallMs;
    while (lane.queue.length === 0 && !lane.ended) {
      if (this.failure) throw this.failure;
      if (Date.now() > deadline) throw new Error(`no messages of ${topic}/${partition} for ${this.stallMs} ms`);
      // Woken by the next batch; a second at most, to see a stall or a crash.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        lane.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      lane.wake = undefined;
    }
    if (this.failure) throw this.failure;
    const messages = lane.queue.shift();
    if (!messages) return undefined;
    lane.queued -= messages.length;
    if (lane.paused && !lane.ended && lane.queued <= this.highWater / 2) {
      lane.paused = false;
      this.consumer.resume([{ topic, partitions: [partition] }]);
    }
    return messages;
  }

  async close(): Promise<void> {
    for (const lane of this.lanes.values()) lane.wake?.();
    if (this.connected) await this.consumer.disconnect();
  }

  private receive(batch: Batch): void {
    const lane = this.lanes.get(key(batch.topic, batch.partition));
    if (!lane || lane.ended) {
      this.consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
      return;
    }
    const { end } = lane.range;
    const out: ConsumedMessage[] = [];
    for (const m of batch.messages) {
      const offset = BigInt(m.offset);
      if (offset < lane.position) continue;
      if (offset >= end) break;
      out.push(toConsumedMessage(batch.topic, batch.partition, m));
      lane.position = offset + 1n;
    }
    // Past the last message of the batch there may be offsets without one (compaction, markers).
    const last = BigInt(batch.lastOffset());
    if (last + 1n > lane.position) lane.position = last + 1n;
    if (out.length > 0) {
      lane.queue.push(out);
      lane.queued += out.length;
    }
    lane.ended = lane.position >= end;
    if (lane.ended || lane.queued >= this.highWater) {
      lane.paused = !lane.ended;
      this.consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
    }
    lane.wake?.();
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const lane of this.lanes.values()) lane.wake?.();
  }
}
