import type { Admin } from 'kafkajs';
import { ensureTopics } from './ensure-topics';
import { kafkaFromEnv } from './kafka-from-env';
import { uniqueName } from './testing/kafka-test-kit';

jest.setTimeout(60_000);

describe('ensureTopics (real broker)', () => {
  const kafka = kafkaFromEnv('messaging-test-ensure-topics');
  let admin: Admin;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin.disconnect();
  });

  it('creates each topic and its .dlq with 3 partitions and leaders, and is idempotent', async () => {
    const a = uniqueName('ensure-a');
    const b = uniqueName('ensure-b');

    await ensureTopics(kafka, [a]);
    // Second call: one topic exists already, one does not; then everything exists.
    await ensureTopics(kafka, [a, b]);
    await ensureTopics(kafka, [a, b], { partitions: 3 });

    const { topics } = await admin.fetchTopicMetadata({ topics: [a, `${a}.dlq`, b, `${b}.dlq`] });
    expect(topics.map((t) => t.name).sort()).toEqual([a, `${a}.dlq`, b, `${b}.dlq`].sort());
    for (const topic of topics) {
      expect(topic.partitions).toHaveLength(3);
      expect(topic.partitions.every((p) => p.leader >= 0)).toBe(true);
    }
  });
});
