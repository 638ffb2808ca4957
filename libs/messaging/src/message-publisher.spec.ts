import type { Kafka, Producer } from 'kafkajs';
import { MessagePublisher } from './message-publisher';

// A producer whose broker lost its state keeps failing; the publisher must start a new one.
// (No broker here: the real one is in message-publisher.int-spec.ts and the fault run.)
function fakeKafka(failures: unknown[]) {
  const producers: { sent: number; disconnected: boolean }[] = [];
  const kafka = {
    producer: () => {
      const me = { sent: 0, disconnected: false };
      producers.push(me);
      return {
        connect: async () => undefined,
        disconnect: async () => {
          me.disconnected = true;
        },
        sendBatch: async () => {
          const failure = failures.shift();
          if (failure) throw failure;
          me.sent += 1;
          return [];
        },
      } as unknown as Producer;
    },
  } as unknown as Kafka;
  return { kafka, producers };
}

const message = { topic: 't', key: 'k', value: '{}' };

describe('MessagePublisher', () => {
  it.each([
    ['the protocol error itself', { type: 'OUT_OF_ORDER_SEQUENCE_NUMBER' }],
    [
      'wrapped by the retrier',
      { name: 'KafkaJSNumberOfRetriesExceeded', originalError: { type: 'UNKNOWN_PRODUCER_ID' } },
    ],
  ])('replaces a producer the broker lost the state of (%s); the caller retries', async (_, failure) => {
    const { kafka, producers } = fakeKafka([failure]);
    const publisher = new MessagePublisher(kafka);
    await publisher.connect();
    await expect(publisher.publish([message])).rejects.toBe(failure);
    await publisher.publish([message]);
    expect(producers).toEqual([
      { sent: 0, disconnected: true },
      { sent: 1, disconnected: false },
    ]);
  });

  it('keeps its producer after any other failure', async () => {
    const failure = { type: 'REQUEST_TIMED_OUT' };
    const { kafka, producers } = fakeKafka([failure]);
    const publisher = new MessagePublisher(kafka);
    await expect(publisher.publish([message])).rejects.toBe(failure);
    await publisher.publish([message]);
    expect(producers).toEqual([{ sent: 1, disconnected: false }]);
  });
});
