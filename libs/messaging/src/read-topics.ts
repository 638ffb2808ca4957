import { randomUUID } from 'node:crypto';
import { ConsumedMessage, toConsumedMessage } from './consumed-message';
import { MessagingClient } from './kafka-from-env';

/**
 * Every message the topics hold right now (up to the high watermarks read at the start), in
 * offset order per partition. For rebuilds and audits: a throw-away consumer group that
 * commits nothing. Bounded by `timeoutMs`.
 */
export async function readTopics(
  kafka: MessagingClient,
  topics: readonly string[],
  timeoutMs = 120_000,
): Promise<ConsumedMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<string, bigint>();
  try {
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        const end = BigInt(p.high);
        if (end > BigInt(p.low)) remaining.set(`${topic}/${p.partition}`, end);
      }
    }
  } finally {
    await admin.disconnect();
  }
  const out: ConsumedMessage[] = [];
  if (remaining.size === 0) return out;
  const consumer = kafka.consumer({ groupId: `read-${randomUUID()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`readTopics: not done after ${timeoutMs} ms`)), timeoutMs);
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const key = `${batch.topic}/${batch.partition}`;
            const end = remaining.get(key);
            if (end === undefined) return;
            for (const m of batch.messages)
              if (BigInt(m.offset) < end) out.push(toConsumedMessage(batch.topic, batch.partition, m));
            if (BigInt(batch.messages.at(-1)?.offset ?? '-1') + 1n >= end) remaining.delete(key);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}
