import type { Producer, ProducerConfig } from 'kafkajs';
import { GroupCommit } from './group-commit';
import type { MessagingClient } from './kafka-from-env';
import type { OutgoingMessage } from './outgoing-message';

/**
 * Idempotent producer: a retried send never duplicates or reorders a message within a
 * partition. `maxInFlightRequests: 1` because kafkajs' idempotent producer with several
 * requests in flight can fail with OUT_OF_ORDER_SEQUENCE_NUMBER (kafkajs issue #598).
 */
export class MessagePublisher {
  private producer: Producer;
  /** Messages of calls that arrive during a send go out together in the next. */
  private readonly sends = new GroupCommit<OutgoingMessage>(async (messages) => {
    try {
      await this.send(messages);
    } catch (error) {
      if (producerStateLost(error)) await this.renewProducer();
      throw error;
    }
  });

  // idempotent forces acks=-1 (all in-sync replicas) and unbounded retries inside kafkajs.
  private static readonly CONFIG: ProducerConfig = {
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  };

  constructor(private readonly kafka: MessagingClient) {
    this.producer = kafka.producer(MessagePublisher.CONFIG);
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }

  /**
   * Sends the messages (grouped per topic, in the given order) and resolves only once the
   * broker acknowledged every one of them. With one request in flight at a time, calls that
   * arrive during a send are sent together in the next request (group commit): concurrent
   * callers, such as 50 HTTP clients of the API, share round trips instead of queueing.
   * Order between calls is the order of the calls.
   */
  publish(messages: readonly OutgoingMessage[]): Promise<void> {
    return this.sends.add(messages);
  }

  /**
   * A broker that lost this producer's state (a broker killed and restarted, seen in the fault
   * run) answers every later send OUT_OF_ORDER_SEQUENCE_NUMBER, and kafkajs' idempotent
   * producer never recovers from that on its own: a new producer gets a new producer id and
   * sequence. The failed send is the caller's to retry (the outbox relay does); a message that
   * did land before is a duplicate the consumers' inboxes drop.
   */
  private async renewProducer(): Promise<void> {
    const lost = this.producer;
    this.producer = this.kafka.producer(MessagePublisher.CONFIG);
    await lost.disconnect().catch(() => undefined);
    await this.producer.connect().catch(() => undefined); // a send connects again if this fails
  }

  /** One request per REQUEST_BYTES of values, one after the other (order kept). */
  private async send(messages: readonly OutgoingMessage[]): Promise<void> {
    let start = 0;
    let bytes = 0;
    for (let i = 0; i < messages.length; i++) {
      const size = messageBytes(messages[i]);
      if (i > start && bytes + size > REQUEST_BYTES) {
        await this.sendRequest(messages.slice(start, i));
        start = i;
        bytes = 0;
      }
      bytes += size;
    }
    await this.sendRequest(messages.slice(start));
  }

  private async sendRequest(messages: readonly OutgoingMessage[]): Promise<void> {
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

/**
 * Bytes of values per produce request. The broker refuses a partition's record batch over
 * message.max.bytes (1 MiB by default), and an outbox row can hold thousands of messages (a
 * whole consumer batch): half a MiB per request keeps every partition's share under the limit.
 */
const REQUEST_BYTES = 512 * 1024;

function messageBytes(message: OutgoingMessage): number {
  // UTF-16 length: a lower bound of the UTF-8 bytes that is exact for ASCII JSON, and cheap.
  return message.value.length + (message.key?.length ?? 0) + 64;
}

/** Errors after which the broker will refuse every send of this producer id. */
const PRODUCER_STATE_LOST = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH']);

function producerStateLost(error: unknown): boolean {
  for (let e = error as { type?: unknown; originalError?: unknown } | undefined; e; e = e.originalError as typeof e) {
    if (typeof e.type === 'string' && PRODUCER_STATE_LOST.has(e.type)) return true;
  }
  return false;
}
