// Smoke test against the REAL Kafka 4.x broker (KAFKA_BROKERS): admin, idempotent producer,
// manual offset commits with eachBatch, and a restart of the group resuming after the commits.
// Guards the kafkajs <-> Kafka 4.x protocol assumptions (engineering-anchors.md 2.6).
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
import { randomBytes } from 'node:crypto';
import { Admin, Consumer, Kafka, KafkaMessage, logLevel, Producer } from 'kafkajs';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const run = `${Date.now()}-${randomBytes(3).toString('hex')}`;
const topic = `smoke.kafka.${run}`;
const groupId = `smoke-group-${run}`;

jest.setTimeout(60_000);

type Seen = { partition: number; offset: string; key: string; value: string };

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('kafka smoke (real broker)', () => {
  // NOTHING: on a fresh broker kafkajs logs the retried "coordinator is loading/not available"
  // responses as ERROR; real failures still surface as rejected promises and fail the test.
  const kafka = new Kafka({ clientId: `smoke-${run}`, brokers, logLevel: logLevel.NOTHING });
  let admin: Admin;
  let producer: Producer;
  const consumers: Consumer[] = [];

  // Consumes with eachBatch and commits offset+1 of each processed batch explicitly.
  async function startConsumer(seen: Seen[]): Promise<Consumer> {
    // Short fetch long-poll: disconnect() waits for the in-flight fetch (default 5 s).
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 500 });
    consumers.push(consumer);
    const joined = new Promise<void>((r) => consumer.on(consumer.events.GROUP_JOIN, () => r()));
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        for (const m of batch.messages as KafkaMessage[]) {
          seen.push({ partition: batch.partition, offset: m.offset, key: String(m.key), value: String(m.value) });
          resolveOffset(m.offset);
        }
        if (batch.messages.length === 0) return;
        const next = (BigInt(batch.messages[batch.messages.length - 1].offset) + 1n).toString();
        await consumer.commitOffsets([{ topic, partition: batch.partition, offset: next }]);
        await heartbeat();
      },
    });
    await joined;
    return consumer;
  }

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
  });

  afterAll(async () => {
    for (const c of consumers) await c.disconnect().catch(() => {});
    await producer?.disconnect().catch(() => {});
    if (admin) {
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      await admin.deleteGroups([groupId]).catch(() => {});
      await admin.disconnect();
    }
  });

  it('creates a 3-partition topic', async () => {
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })).toBe(true);
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0].partitions).toHaveLength(3);
  });

  const keys = ['host-a', 'host-b', 'host-c', 'host-d'];
  const sent = keys.flatMap((key) => [0, 1, 2].map((i) => ({ key, value: `${key}#${i}` })));

  it('produces, consumes with manual commits, and resumes after the committed offsets', async () => {
    await producer.send({ topic, messages: sent });

    const first: Seen[] = [];
    const c1 = await startConsumer(first);
    await waitFor(() => first.length >= sent.length, 20_000);
    expect(first.map((s) => s.value).sort()).toEqual(sent.map((s) => s.value).sort());
    // Per-key order holds because one key always lands in one partition.
    for (const key of keys) {
      const mine = first.filter((s) => s.key === key);
      expect(new Set(mine.map((s) => s.partition)).size).toBe(1);
      expect(mine.map((s) => s.value)).toEqual([0, 1, 2].map((i) => `${key}#${i}`));
    }
    await c1.disconnect();

    // Committed offsets = last consumed offset + 1 per partition (-1 where nothing was consumed).
    const expected = new Map<number, string>([0, 1, 2].map((p) => [p, '-1']));
    for (const s of first) expected.set(s.partition, (BigInt(s.offset) + 1n).toString());
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    for (const { partition, offset } of committed.partitions) expect(offset).toBe(expected.get(partition));

    // Same group again: nothing old is redelivered; only a message sent afterwards arrives.
    const second: Seen[] = [];
    await startConsumer(second);
    await producer.send({ topic, messages: [{ key: 'host-a', value: 'after-restart' }] });
    await waitFor(() => second.length >= 1, 20_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(second.map((s) => s.value)).toEqual(['after-restart']);
  });
});
