import { DLQ_HEADERS } from './dead-letter';
import { fullyCommitted, keyedMessages, payloadOf, waitFor, useBroker } from './testing/kafka-test-kit';
import { deadLettersOf, seededTopic, startRunner } from './testing/runner-kit';

jest.setTimeout(60_000);

const idOf = (message: { value: string }) => payloadOf(message).id;

describe('poison message (real broker)', () => {
  const broker = useBroker('messaging-test-dlq');
  const { publisher, admin } = broker;

  it('dead-letters the poison with x-error and its original value, handles the others once, goes on', async () => {
    const { topic, groupId } = await seededTopic(broker, 'poison');
    const POISON = 37;
    const first = keyedMessages(topic, 100, 7).map((m) =>
      idOf(m) === POISON ? { ...m, headers: { 'x-trace': 'abc' } } : m,
    );
    await publisher.publish(first);

    const handledCount = new Map<number, number>();
    // The handler behaves like one DB transaction per call: all or nothing.
    const retries = { initialBackoffMs: 10, maxBackoffMs: 40 };
    const options = { groupId, topics: [topic], fromBeginning: true, retries };
    const [, dlq] = await Promise.all([
      startRunner(broker, options, async (messages) => {
        const ids = messages.map((m) => payloadOf(m).id);
        if (ids.includes(POISON)) throw new Error(`cannot apply event ${POISON}: poison`);
        for (const id of ids) handledCount.set(id, (handledCount.get(id) ?? 0) + 1);
      }),
      deadLettersOf(broker, topic),
    ]);

    await waitFor('poison in the DLQ', () => dlq.length === 1);
    await waitFor('99 handled', () => handledCount.size === 99);

    const [dead] = dlq;
    const original = first.find((m) => idOf(m) === POISON)!;
    expect(dead.value).toBe(original.value);
    expect(dead.key).toBe(original.key);
    expect(dead.headers['x-trace']).toBe('abc');
    expect(dead.headers[DLQ_HEADERS.error]).toContain('poison');
    expect(dead.headers[DLQ_HEADERS.originalTopic]).toBe(topic);
    expect(Number(dead.headers[DLQ_HEADERS.originalPartition])).toBeGreaterThanOrEqual(0);
    expect(dead.headers[DLQ_HEADERS.originalOffset]).toMatch(/^\d+$/);

    // The consumer moved past the poison: later messages are handled and everything commits.
    await publisher.publish(keyedMessages(topic, 20, 7, 100));
    await waitFor('later messages handled', () => handledCount.size === 119);
    await waitFor('offsets committed past the poison', () => fullyCommitted(admin, groupId, topic));
    expect(handledCount.has(POISON)).toBe(false);
    expect([...handledCount.values()].every((count) => count === 1)).toBe(true);
    expect(dlq).toHaveLength(1);
  });
});
