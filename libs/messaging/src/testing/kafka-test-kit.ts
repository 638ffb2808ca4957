// Helpers for the integration tests against the real broker (KAFKA_BROKERS).
import { randomUUID } from 'node:crypto';
import type { Admin } from 'kafkajs';
import type { ConsumedMessage } from '../consumed-message';
import type { OutgoingMessage } from '../outgoing-message';
import { BatchConsumerRunner } from '../batch-consumer-runner';
import { kafkaFromEnv } from '../kafka-from-env';
import { MessagePublisher } from '../message-publisher';

export { waitFor } from './wait-for';

/** Unique per run, so reruns and parallel files never share topics or groups. */
export function uniqueName(prefix: string): string {
  return `test.${prefix}.${Date.now()}.${randomUUID().slice(0, 8)}`;
}

/** Committed offset per partition of `groupId` on `topic` ('-1' when none). */
export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Map<number, string>> {
  const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map(result.partitions.map((p) => [p.partition, p.offset]));
}

/** High watermark (next offset to be written) per partition. */
export async function highWatermarks(admin: Admin, topic: string): Promise<Map<number, string>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((p) => [p.partition, p.high]));
}

/** True once every partition's committed offset equals its high watermark. */
export async function fullyCommitted(admin: Admin, groupId: string, topic: string): Promise<boolean> {
  const [committed, high] = await Promise.all([committedOffsets(admin, groupId, topic), highWatermarks(admin, topic)]);
  return [...high].every(([partition, offset]) => committed.get(partition) === offset);
}

/** `count` messages over `hosts` keys; value = JSON { id, host, seq } with seq per host. */
export function keyedMessages(topic: string, count: number, hosts: number, startId = 0): OutgoingMessage[] {
  return Array.from({ length: count }, (_, i) => {
    const id = startId + i;
    const host = `host-${id % hosts}`;
    return { topic, key: host, value: JSON.stringify({ id, host, seq: Math.floor(id / hosts) }) };
  });
}

export interface TestPayload {
  id: number;
  host: string;
  seq: number;
}

export function payloadOf(message: Pick<ConsumedMessage, 'value'>): TestPayload {
  return JSON.parse(message.value) as TestPayload;
}

/**
 * A suite's connection to the real broker: client, publisher and admin connected before the
 * suite, and every runner the suite pushes on `runners` stopped after it.
 */
export function useBroker(clientId: string) {
  const kafka = kafkaFromEnv(clientId);
  const publisher = new MessagePublisher(kafka);
  const admin = kafka.admin();
  const runners: BatchConsumerRunner[] = [];
  beforeAll(() => Promise.all([admin.connect(), publisher.connect()]));
  afterAll(async () => {
    await Promise.all(runners.map((runner) => runner.stop()));
    await Promise.all([admin.disconnect(), publisher.disconnect()]);
  });
  return { kafka, publisher, admin, runners };
}
