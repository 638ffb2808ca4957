import { PartitionBounds, PartitionRange, PartitionReader } from '@barplane/messaging';
import { appliedEntriesOf } from '../applied-log/applied-log';
import { AppliedIndex } from './applied-index';
import { appliedRanges, replayApplied } from './replay-applied';
import { ReplayCounters, ReplaySink } from './replay-sink';
import { replayUnapplied } from './replay-unapplied';

type OpenReader = (ranges: PartitionRange[]) => Promise<PartitionReader>;

/** The applied-order log, every partition of it to its end now, as an AppliedIndex. */
export async function readAppliedIndex(open: OpenReader, bounds: readonly PartitionBounds[]): Promise<AppliedIndex> {
  const index = new AppliedIndex();
  const ranges = bounds.map((b) => ({ topic: b.topic, partition: b.partition, from: b.low, end: b.high }));
  const reader = await open(ranges);
  try {
    for (const { topic, partition } of ranges)
      for (let batch; (batch = await reader.next(topic, partition));)
        for (const message of batch) for (const entry of appliedEntriesOf(message.value)) index.add(entry);
  } finally {
    await reader.close();
  }
  index.seal();
  return index;
}

/**
 * Every event of the fact topics (`bounds`: each partition up to its end when the rebuild
 * began) in the replay order of `replayOrder`, streamed: first the applied-order log's events,
 * each read where the log says it was, then the events never applied, merged by commit time.
 * Each host gets its events in the same order as there. Hosts are independent (their
 * projections and audit chains), and all of a host's events are in the same partition of every
 * fact topic (keyed by host, equal partition counts), so the replay goes partition after
 * partition, each into a sink of its own. (Partitions at the same time were no faster on two
 * cores: the rebuild is bound by one thread's CPU; they only held more memory.)
 */
export async function replayEvents(
  open: OpenReader,
  bounds: readonly PartitionBounds[],
  index: AppliedIndex,
  topicName: (t: string) => string,
  sinkOf: (partition: number) => ReplaySink,
  counters: ReplayCounters,
): Promise<void> {
  const topics = [...new Set(bounds.map((b) => b.topic))];
  for (const partition of [...new Set(bounds.map((b) => b.partition))].sort((a, b) => a - b)) {
    const mine = bounds.filter((b) => b.partition === partition);
    const sink = sinkOf(partition);
    const ranges = appliedRanges(mine, index, topicName);
    if (ranges.length > 0) {
      const reader = await open(ranges);
      try {
        await replayApplied(reader, index, partition, topics, topicName, sink, counters);
      } finally {
        await reader.close();
      }
    }
    await replayUnapplied(open, mine, index, topicName, sink, counters);
    await sink.end?.();
  }
}
