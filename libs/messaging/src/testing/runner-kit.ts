// Topics and runners for the suites of `useBroker` (integration tests against the real broker).
import { type BatchConsumerOptions, BatchConsumerRunner } from '../batch-consumer-runner';
import type { BatchHandler } from '../batch-handler';
import type { ConsumedMessage } from '../consumed-message';
import { ensureTopics } from '../ensure-topics';
import { keyedMessages, uniqueName, type useBroker } from './kafka-test-kit';

type Broker = ReturnType<typeof useBroker>;

/** A new topic named after `prefix`, holding `count` keyed messages over `hosts` keys, and a new group for it. */
export async function seededTopic(broker: Broker, prefix: string, count = 0, hosts = 1) {
  const topic = uniqueName(prefix);
  const groupId = uniqueName(`${prefix}-group`);
  await ensureTopics(broker.kafka, [topic]);
  if (count > 0) await broker.publisher.publish(keyedMessages(topic, count, hosts));
  return { topic, groupId };
}

/** A started runner, stopped after the suite. */
export async function startRunner(broker: Broker, options: BatchConsumerOptions, handler: BatchHandler) {
  const runner = new BatchConsumerRunner(broker.kafka, options, handler);
  broker.runners.push(runner);
  await runner.start();
  return runner;
}

/** The dead letters of `topic` as a reader of its own, started, receives them. */
export async function deadLettersOf(broker: Broker, topic: string): Promise<ConsumedMessage[]> {
  const dlq: ConsumedMessage[] = [];
  const options = { groupId: uniqueName('dlq-reader'), topics: [`${topic}.dlq`], fromBeginning: true };
  await startRunner(broker, options, async (messages) => void dlq.push(...messages));
  return dlq;
}
