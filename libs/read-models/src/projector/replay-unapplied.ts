import { parseEnvelope } from '@barplane/contracts';
import { ConsumedMessage, PartitionBounds, PartitionRange, PartitionReader } from '@barplane/messaging';
import { AppliedIndex } from './applied-index';
import { ReplayEntry, UnappliedKey, compareUnapplied, topicRank, unappliedKey } from './replay-order';
import { ReplayCounters, ReplaySink } from './replay-sink';

type OpenReader = (ranges: PartitionRange[]) => Promise<PartitionReader>;

/** A message left for the last pass: an answer that travels alone has no commit time. */
interface Untimed {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
}

/** One topic-partition's events never applied, in offset order; `head` is the next one. */
class UnappliedStream {
  head?: { entry: ReplayEntry; key: UnappliedKey };
  private batch: ConsumedMessage[] = [];
  private i = 0;

  constructor(
    private readonly reader: PartitionReader,
    private readonly range: PartitionRange,
    private readonly index: AppliedIndex,
    private readonly topicName: (t: string) => string,
    private readonly untimed: Untimed[],
    private readonly counters: ReplayCounters,
  ) {}

  async advance(): Promise<void> {
    const { topic, partition } = this.range;
    const short = this.topicName(topic);
    for (;;) {
      if (this.i === this.batch.length) {
        const next = await this.reader.next(topic, partition);
        if (!next) {
          this.head = undefined;
          return;
        }
        this.batch = next;
        this.i = 0;
      }
      const message = this.batch[this.i++];
      const offset = BigInt(message.offset);
      if (this.index.isApplied(short, partition, offset)) continue;
      const envelope = parseEnvelope(message.value);
      if (envelope?.occurredAt === undefined && envelope) {
        this.untimed.push({ topic, partition, offset });
        continue;
      }
      this.counters.read++;
      if (!envelope) continue;
      const entry = { envelope, message };
      this.head = { entry, key: unappliedKey(entry, this.topicName) };
      return;
    }
  }
}

/**
 * The second pass: the events the live projector never applied, by commit time, owner and
 * stream version. Every message of one host is in the same partition of each fact topic and
 * each topic-partition is in commit order already, so a merge of a partition's topics gives each
 * host's events the order a sort of all of them would: no event waits in memory but the heads.
 * Then the answers without a commit time, last, by owner and offset.
 */
export async function replayUnapplied(
  open: OpenReader,
  bounds: readonly PartitionBounds[],
  index: AppliedIndex,
  topicName: (t: string) => string,
  sink: ReplaySink,
  counters: ReplayCounters,
): Promise<void> {
  const ranges: PartitionRange[] = [];
  for (const b of bounds) {
    const from = index.firstUnapplied(topicName(b.topic), b.partition, b.low, b.high);
    if (from < b.high) ranges.push({ topic: b.topic, partition: b.partition, from, end: b.high });
  }
  if (ranges.length === 0) return;
  const untimed: Untimed[] = [];
  const reader = await open(ranges);
  try {
    for (const partition of [...new Set(ranges.map((r) => r.partition))].sort((a, b) => a - b)) {
      const streams = ranges
        .filter((r) => r.partition === partition)
        .map((r) => new UnappliedStream(reader, r, index, topicName, untimed, counters));
      for (const s of streams) await s.advance();
      for (;;) {
        let first: UnappliedStream | undefined;
        for (const s of streams) if (s.head && (!first || compareUnapplied(s.head.key, first.head!.key) < 0)) first = s;
        if (!first) break;
        const added = sink.add(first.head!.entry);
        if (added) await added;
        await first.advance();
      }
    }
  } finally {
    await reader.close();
  }
  if (untimed.length > 0) await replayUntimed(open, untimed, topicName, sink, counters);
}

async function replayUntimed(
  open: OpenReader,
  untimed: Untimed[],
  topicName: (t: string) => string,
  sink: ReplaySink,
  counters: ReplayCounters,
): Promise<void> {
  const lanes = new Map<string, Untimed[]>();
  for (const u of untimed) {
    const key = `${u.partition}\u0000${u.topic}`;
    const lane = lanes.get(key);
    if (lane) lane.push(u);
    else lanes.set(key, [u]);
  }
  const order = [...lanes.values()].sort(
    (a, b) => topicRank(topicName(a[0].topic)) - topicRank(topicName(b[0].topic)) || a[0].partition - b[0].partition,
  );
  const reader = await open(
    order.map((l) => ({ topic: l[0].topic, partition: l[0].partition, from: l[0].offset, end: l.at(-1)!.offset + 1n })),
  );
  try {
    for (const lane of order) {
      const wanted = new Set(lane.map((u) => u.offset));
      for (let batch; (batch = await reader.next(lane[0].topic, lane[0].partition));)
        for (const message of batch) {
          if (!wanted.has(BigInt(message.offset))) continue;
          counters.read++;
          const added = sink.add({ envelope: parseEnvelope(message.value)!, message });
          if (added) await added;
        }
    }
  } finally {
    await reader.close();
  }
}
