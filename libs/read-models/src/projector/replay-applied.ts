import { parseEnvelope } from '@barplane/contracts';
import { ConsumedMessage, PartitionBounds, PartitionRange, PartitionReader } from '@barplane/messaging';
import { AppliedIndex, idHash } from './applied-index';
import { ReplayCounters, ReplaySink } from './replay-sink';

/**
 * One fact topic-partition read in offset order for the applied-order log, which names its
 * offsets almost in order: a transaction's entries are grouped by host, so across hosts they
 * come a little out of order. Applied messages read before their turn wait here (a window of
 * about one live batch); messages never applied are passed over (the second pass takes them).
 */
class AppliedLane {
  private batch: ConsumedMessage[] = [];
  private i = 0;
  /** Offset of the last message taken from the reader. */
  private position = -1n;
  private readonly early = new Map<bigint, ConsumedMessage>();
  private done = false;

  constructor(
    private readonly reader: PartitionReader,
    private readonly topic: string,
    private readonly short: string,
    private readonly partition: number,
    private readonly index: AppliedIndex,
  ) {}

  /** The message at `offset`, or undefined when there is none (or it was handed out already). */
  async take(offset: bigint): Promise<ConsumedMessage | undefined> {
    const kept = this.early.get(offset);
    if (kept) {
      this.early.delete(offset);
      return kept;
    }
    if (offset <= this.position) return undefined;
    for (;;) {
      if (this.i === this.batch.length) {
        const next = this.done ? undefined : await this.reader.next(this.topic, this.partition);
        if (!next) {
          this.done = true;
          return undefined;
        }
        this.batch = next;
        this.i = 0;
      }
      const message = this.batch[this.i];
      const at = BigInt(message.offset);
      if (at > offset) return undefined; // no message at that offset any more (compacted away)
      this.i++;
      this.position = at;
      if (at === offset) return message;
      if (this.index.isApplied(this.short, this.partition, at)) this.early.set(at, message);
    }
  }
}

/** What the first pass reads: each fact topic-partition from its first applied offset to its last. */
export function appliedRanges(
  bounds: readonly PartitionBounds[],
  index: AppliedIndex,
  topicName: (t: string) => string,
): PartitionRange[] {
  const ranges: PartitionRange[] = [];
  for (const b of bounds) {
    const span = index.span(topicName(b.topic), b.partition);
    if (!span) continue;
    const from = span.first > b.low ? span.first : b.low;
    const end = span.last + 1n < b.high ? span.last + 1n : b.high;
    if (from < end) ranges.push({ topic: b.topic, partition: b.partition, from, end });
  }
  return ranges;
}

/**
 * The first pass of one partition: every event of the applied-order log in the fact topics'
 * `partition`, in the log's order, read from the offset the log names. An offset holding
 * another event than the log says (a topic recreated) is left to the second pass, as never applied.
 */
export async function replayApplied(
  reader: PartitionReader,
  index: AppliedIndex,
  partition: number,
  topics: readonly string[],
  topicName: (t: string) => string,
  sink: ReplaySink,
  counters: ReplayCounters,
): Promise<void> {
  const fullName = new Map(topics.map((t) => [topicName(t), t]));
  const lanes = new Map<string, AppliedLane>();
  for (let i = 0; i < index.size; i++) {
    if (index.partitionAt(i) !== partition) continue;
    const pointer = index.at(i);
    const topic = fullName.get(pointer.topic);
    if (topic === undefined) continue;
    const key = `${pointer.partition}\u0000${topic}`;
    let lane = lanes.get(key);
    if (!lane) {
      lane = new AppliedLane(reader, topic, pointer.topic, pointer.partition, index);
      lanes.set(key, lane);
    }
    const message = await lane.take(pointer.offset);
    if (!message) continue;
    const envelope = parseEnvelope(message.value);
    if (envelope && idHash(envelope.id) !== pointer.idHash) {
      index.unmark(pointer.topic, pointer.partition, pointer.offset);
      continue;
    }
    counters.read++;
    if (!envelope) continue;
    const added = sink.add({ envelope, message });
    if (added) await added;
  }
}
