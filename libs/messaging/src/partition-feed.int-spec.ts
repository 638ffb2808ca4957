import { ensureTopics } from './ensure-topics';
import { kafkaFromEnv } from './kafka-from-env';
import { MessagePublisher } from './message-publisher';
import { partitionBounds } from './partition-bounds';
import { PartitionFeed } from './partition-feed';
import { uniqueName } from './testing/kafka-test-kit';

// The rebuild's reader against the real broker: ranges that start mid-partition (seek), read
// in an order the reader chooses while the other partitions wait paused at a small backlog.
jest.setTimeout(60_000);
const kafka = kafkaFromEnv('partition-feed-test');
const a = uniqueName('feed-a');
const b = uniqueName('feed-b');

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [a, b, `${a}.dlq`, `${b}.dlq`] }).catch(() => undefined);
  await admin.disconnect();
});

it('reads each range whole and once, in offset order, one partition after another', async () => {
  await ensureTopics(kafka, [a, b]);
  const publisher = new MessagePublisher(kafka);
  await publisher.connect();
  try {
    for (const topic of [a, b])
      await publisher.publish(Array.from({ length: 3000 }, (_, i) => ({ topic, key: `h${i % 7}`, value: String(i) })));
  } finally {
    await publisher.disconnect();
  }
  const bounds = await partitionBounds(kafka, [a, b]);
  expect(bounds.reduce((n, x) => n + Number(x.high - x.low), 0)).toBe(6000);
  // Topic a from the middle of each partition, topic b whole.
  const ranges = bounds.map((x) => ({ ...x, from: x.topic === a ? x.high / 2n : x.low, end: x.high }));
  const feed = await PartitionFeed.open(kafka, ranges, { highWater: 50, fetchBytes: 4096 });
  try {
    for (const range of [...ranges].reverse()) {
      const offsets: bigint[] = [];
      for (let batch; (batch = await feed.next(range.topic, range.partition));)
        for (const m of batch) {
          expect(m.topic).toBe(range.topic);
          offsets.push(BigInt(m.offset));
        }
      const want = Array.from({ length: Number(range.end - range.from) }, (_, i) => range.from + BigInt(i));
      expect(offsets).toEqual(want);
      expect(await feed.next(range.topic, range.partition)).toBeUndefined();
    }
  } finally {
    await feed.close();
  }
});

it('ends an empty range at once, and knows no partition it was not given', async () => {
  await ensureTopics(kafka, [a]);
  const [first] = await partitionBounds(kafka, [a]);
  const feed = await PartitionFeed.open(kafka, [{ ...first, from: first.high, end: first.high }]);
  try {
    expect(await feed.next(first.topic, first.partition)).toBeUndefined();
    expect(await feed.next(first.topic, 99)).toBeUndefined();
  } finally {
    await feed.close();
  }
});
