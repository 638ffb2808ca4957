import { randomUUID } from 'node:crypto';
import { ensureTopics } from './ensure-topics';
import { kafkaFromEnv } from './kafka-from-env';
import { MessagePublisher } from './message-publisher';
import { readTopics } from './read-topics';

// Concurrent publish calls share requests (group commit) and keep the order of the calls.
jest.setTimeout(60_000);
const kafka = kafkaFromEnv('publisher-test');
const topic = `test.publisher.${randomUUID().slice(0, 8)}`;

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined);
  await admin.disconnect();
});

it('delivers 200 concurrent calls, each acknowledged, in call order per key', async () => {
  await ensureTopics(kafka, [topic]);
  const publisher = new MessagePublisher(kafka);
  await publisher.connect();
  try {
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => publisher.publish([{ topic, key: `host-${i % 4}`, value: String(i) }])),
    );
  } finally {
    await publisher.disconnect();
  }
  const read = await readTopics(kafka, [topic]);
  expect(read).toHaveLength(200);
  for (let k = 0; k < 4; k++) {
    const values = read.filter((m) => m.key === `host-${k}`).map((m) => Number(m.value));
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(values).toHaveLength(50);
  }
});

it('splits a batch larger than a produce request may be into requests, in order', async () => {
  // 3 MiB of values in one call: one request would exceed the broker's message.max.bytes.
  await ensureTopics(kafka, [topic]);
  const publisher = new MessagePublisher(kafka);
  await publisher.connect();
  const big = 'x'.repeat(30_000);
  try {
    await publisher.publish(Array.from({ length: 100 }, (_, i) => ({ topic, key: 'host-big', value: `${i} ${big}` })));
  } finally {
    await publisher.disconnect();
  }
  const values = (await readTopics(kafka, [topic]))
    .filter((m) => m.key === 'host-big')
    .map((m) => Number(m.value.split(' ')[0]));
  expect(values).toEqual(Array.from({ length: 100 }, (_, i) => i));
});
