import type { Producer } from 'kafkajs';
import type { MessagingClient } from './kafka-from-env';
import type { OutgoingMessage } from './outgoing-message';

/**
 * Idempotent producer: a retried send never duplicates or reorders a message within a
 * partition. `maxInFlightRequests: 1` because kafkajs' idempotent producer with several
 * requests in flight can fail with OUT_OF_ORDER_SEQUENCE_NUMBER (kafkajs issue #598).
 */
export class MessagePublisher {
  private readonly producer: Producer;

  constructor(kafka: MessagingClient) {
    // idempotent forces acks=-1 (all in-sync replicas) and unbounded retries inside kafkajs.
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }

  /**
   * Sends all messages in one request batch (grouped per topic, in the given order) and
   * resolves only once the broker acknowledged every one of them.
   */
  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const message of messages) {
      const group = byTopic.get(message.topic) ?? [];
      group.push(message);
      byTopic.set(message.topic, group);
    }
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, group]) => ({
        topic,
        messages: group.map(({ key, value, headers }) => ({ key, value, headers })),
      })),
    });
  }
}
