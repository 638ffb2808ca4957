import { MessagingClient } from './kafka-from-env';

/** A topic-partition's first and next offsets (low and high watermarks) at one moment. */
export interface PartitionBounds {
  readonly topic: string;
  readonly partition: number;
  readonly low: bigint;
  readonly high: bigint;
}

/** Every partition of the topics with its watermarks now: what a rebuild reads, and no further. */
export async function partitionBounds(kafka: MessagingClient, topics: readonly string[]): Promise<PartitionBounds[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const out: PartitionBounds[] = [];
    for (const topic of topics)
      for (const p of await admin.fetchTopicOffsets(topic))
        out.push({ topic, partition: p.partition, low: BigInt(p.low), high: BigInt(p.high) });
    return out.sort((a, b) => a.partition - b.partition || (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
  } finally {
    await admin.disconnect();
  }
}
