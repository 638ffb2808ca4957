import type { BatchContext } from './batch-handler';
import type { ConsumedMessage } from './consumed-message';
import {
  committedOffsets,
  fullyCommitted,
  highWatermarks,
  keyedMessages,
  payloadOf,
  useBroker,
  waitFor,
} from './testing/kafka-test-kit';
import { seededTopic, startRunner } from './testing/runner-kit';

jest.setTimeout(60_000);

describe('BatchConsumerRunner (real broker)', () => {
  const broker = useBroker('messaging-test-runner');
  const { admin } = broker;

  it('consumes 1,000 keyed messages in per-key order and commits every partition to its end', async () => {
    const { topic, groupId } = await seededTopic(broker, 'runner-order', 1_000, 20);

    const lastSeqByHost = new Map<string, number>();
    const handledIds = new Set<number>();
    const outOfOrder: string[] = [];
    let duplicates = 0;
    await startRunner(broker, { groupId, topics: [topic], fromBeginning: true }, async (messages) => {
      for (const message of messages) {
        const { id, host, seq } = payloadOf(message);
        expect(message.key).toBe(host);
        if ((lastSeqByHost.get(host) ?? -1) !== seq - 1) outOfOrder.push(`${host}#${seq}`);
        lastSeqByHost.set(host, seq);
        if (handledIds.has(id)) duplicates++;
        handledIds.add(id);
      }
    });

    await waitFor('1,000 handled', () => handledIds.size === 1_000);
    await waitFor('offsets committed', () => fullyCommitted(admin, groupId, topic));
    expect(outOfOrder).toEqual([]);
    expect(duplicates).toBe(0);
    const high = await highWatermarks(admin, topic);
    expect([...high.values()].reduce((sum, h) => sum + BigInt(h), 0n)).toBe(1_000n);
    expect(await committedOffsets(admin, groupId, topic)).toEqual(high);
  });

  it('retries a batch whose handler throws once, then handles and commits it (no DLQ)', async () => {
    const { topic, groupId } = await seededTopic(broker, 'runner-retry', 50, 5);

    const handled: number[] = [];
    const contexts: Pick<BatchContext, 'mode' | 'attempt'>[] = [];
    let failedOnce = false;
    await startRunner(
      broker,
      { groupId, topics: [topic], fromBeginning: true, retries: { initialBackoffMs: 20 } },
      async (messages: ConsumedMessage[], context) => {
        contexts.push({ mode: context.mode, attempt: context.attempt });
        if (!failedOnce) {
          failedOnce = true;
          throw new Error('transient: database restarting');
        }
        handled.push(...messages.map((m) => payloadOf(m).id));
      },
    );

    await waitFor('50 handled', () => handled.length >= 50);
    await waitFor('offsets committed', () => fullyCommitted(admin, groupId, topic));
    expect([...handled].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(contexts).toContainEqual({ mode: 'batch', attempt: 2 });
    expect(contexts.every((c) => c.mode === 'batch')).toBe(true);
    const dlqHigh = await highWatermarks(admin, `${topic}.dlq`);
    expect([...dlqHigh.values()].every((h) => h === '0')).toBe(true);
  });

  it('commits the offsets of batches the handler skipped later: all at once when asked, superseded by a batch it handled, at stop', async () => {
    const { topic, groupId } = await seededTopic(broker, 'runner-skipped', 300, 12);
    let handled = 0;
    let skip = true;
    const skipping = { groupId, topics: [topic], fromBeginning: true, deferredCommitMs: 600_000 };
    const runner = await startRunner(broker, skipping, async (messages) => {
      handled += messages.length;
      return skip ? 'skipped' : undefined;
    });
    await waitFor('300 handled', () => handled === 300);
    // Nothing committed yet: the delay is ten minutes.
    expect([...(await committedOffsets(admin, groupId, topic)).values()]).toEqual(['-1', '-1', '-1']);
    await runner.commitDeferred();
    expect(await committedOffsets(admin, groupId, topic)).toEqual(await highWatermarks(admin, topic));

    // Messages the handler did not skip: committed at once, ten minutes or not.
    skip = false;
    await broker.publisher.publish(keyedMessages(topic, 24, 12, 300));
    await waitFor('324 handled', () => handled === 324);
    await waitFor('offsets committed at once', () => fullyCommitted(admin, groupId, topic));

    // Skipped again, committed by stop() (a restart does not read them again).
    skip = true;
    await broker.publisher.publish(keyedMessages(topic, 30, 12, 324));
    await waitFor('354 handled', () => handled === 354);
    await runner.stop();
    expect(await committedOffsets(admin, groupId, topic)).toEqual(await highWatermarks(admin, topic));
  });

  it('commits skipped offsets unasked once the delay is over', async () => {
    const { topic, groupId } = await seededTopic(broker, 'runner-skipped-timer', 100, 4);
    let handled = 0;
    const options = { groupId, topics: [topic], fromBeginning: true, deferredCommitMs: 300 };
    await startRunner(broker, options, async (messages) => {
      handled += messages.length;
      return 'skipped';
    });
    await waitFor('100 handled', () => handled === 100);
    await waitFor('offsets committed after the delay', () => fullyCommitted(admin, groupId, topic));
  });

  it('handles partitions concurrently with partitionsConsumedConcurrently, each partition still in order', async () => {
    const { topic, groupId } = await seededTopic(broker, 'runner-concurrent', 600, 12);

    const lastSeqByHost = new Map<string, number>();
    const outOfOrder: string[] = [];
    const inFlight = new Set<number>();
    let handled = 0;
    let maxInFlight = 0;
    const busyPartitions: number[] = [];
    const options = { groupId, topics: [topic], fromBeginning: true, partitionsConsumedConcurrently: 3 };
    await startRunner(broker, options, async (messages, context) => {
      if (inFlight.has(context.partition)) busyPartitions.push(context.partition);
      inFlight.add(context.partition);
      maxInFlight = Math.max(maxInFlight, inFlight.size);
      // Slow enough that the partitions' batches overlap.
      await new Promise((resolve) => setTimeout(resolve, 150));
      for (const message of messages) {
        const { host, seq } = payloadOf(message);
        if ((lastSeqByHost.get(host) ?? -1) !== seq - 1) outOfOrder.push(`${host}#${seq}`);
        lastSeqByHost.set(host, seq);
      }
      handled += messages.length;
      inFlight.delete(context.partition);
    });

    await waitFor('600 handled', () => handled >= 600);
    await waitFor('offsets committed', () => fullyCommitted(admin, groupId, topic));
    expect(outOfOrder).toEqual([]);
    expect(busyPartitions).toEqual([]);
    expect(maxInFlight).toBeGreaterThan(1);
  });
});
