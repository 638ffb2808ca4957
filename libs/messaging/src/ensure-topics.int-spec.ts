import { type Admin, ConfigResourceTypes } from 'kafkajs';
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

  it('keeps replay sources for ever, also when they exist with a retention, and leaves the rest alone', async () => {
    const events = uniqueName('ensure-events');
    const commands = uniqueName('ensure-commands');
    const older = uniqueName('ensure-older');
    await ensureTopics(kafka, [older]); // as an older version made it: broker default retention
    await ensureTopics(kafka, [commands, events, older], { keepForever: [events, older] });
    const retention = async (topic: string) => {
      const { resources } = await admin.describeConfigs({
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }],
        includeSynonyms: false,
      });
      return resources[0].configEntries.find((e) => e.configName === 'retention.ms')?.configValue;
    };
    expect(await retention(events)).toBe('-1');
    expect(await retention(older)).toBe('-1');
    expect(await retention(commands)).toBe('604800000');
    expect(await retention(`${events}.dlq`)).toBe('604800000');
  });
});
