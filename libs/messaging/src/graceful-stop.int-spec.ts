import { BatchConsumerRunner } from './batch-consumer-runner';
import {
  committedOffsets,
  fullyCommitted,
  keyedMessages,
  payloadOf,
  uniqueName,
  waitFor,
  useBroker,
} from './testing/kafka-test-kit';
import { seededTopic, startRunner } from './testing/runner-kit';

jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('stop() during consumption (real broker)', () => {
  const broker = useBroker('messaging-test-stop');
  const { kafka, publisher, admin, runners } = broker;

  it('finishes and commits the batch in flight; a new runner in the group resumes right after it', async () => {
    const { topic, groupId } = await seededTopic(broker, 'stop');
    // Many small produce requests -> many small record batches -> many fetched batches.
    const all = keyedMessages(topic, 300, 9);
    for (let i = 0; i < all.length; i += 10) await publisher.publish(all.slice(i, i + 10));

    const handled = new Set<number>();
    let duplicates = 0;
    const record = (ids: number[]) => ids.forEach((id) => (handled.has(id) ? duplicates++ : handled.add(id)));
    const options = { groupId, topics: [topic], fromBeginning: true, maxBytesPerPartition: 512 };

    let stopping: Promise<void> | undefined;
    let inFlight: { partition: number; lastOffset: string; ids: number[] } | undefined;
    let stopVisibleToHandler = false;
    const first = new BatchConsumerRunner(kafka, options, async (messages, context) => {
      const ids = messages.map((m) => payloadOf(m).id);
      if (!stopping && handled.size >= 60) {
        inFlight = { partition: context.partition, lastOffset: messages[messages.length - 1].offset, ids };
        stopping = first.stop(); // as SIGTERM would, while this batch is still being handled
      }
      await sleep(inFlight?.ids === ids ? 300 : 10);
      if (inFlight?.ids === ids) stopVisibleToHandler = context.shouldStop();
      record(ids);
    });
    runners.push(first);
    await first.start();
    await waitFor('stop requested', () => stopping !== undefined);
    await stopping;
    await first.done;

    expect(stopVisibleToHandler).toBe(true);
    expect(inFlight!.ids.every((id) => handled.has(id))).toBe(true);
    const committed = await committedOffsets(admin, groupId, topic);
    expect(committed.get(inFlight!.partition)).toBe((BigInt(inFlight!.lastOffset) + 1n).toString());
    const handledByFirst = handled.size;
    expect(handledByFirst).toBeLessThan(300);

    await startRunner(broker, options, async (messages) => record(messages.map((m) => payloadOf(m).id)));
    await waitFor('all 300 handled', () => handled.size === 300);
    await waitFor('offsets committed', () => fullyCommitted(admin, groupId, topic));
    expect(duplicates).toBe(0);
  });

  it('deletes a transient group once it left it, and keeps an ordinary one', async () => {
    const { topic } = await seededTopic(broker, 'transient', 3, 3);
    const groups = async () => new Set((await admin.listGroups()).groups.map((g) => g.groupId));
    const run = async (groupId: string, transientGroup: boolean) => {
      let seen = 0;
      const options = { groupId, topics: [topic], fromBeginning: true, transientGroup };
      const runner = await startRunner(broker, options, async (messages) => {
        seen += messages.length;
      });
      await waitFor('all 3 handled', () => seen === 3);
      expect((await groups()).has(groupId)).toBe(true);
      await runner.stop();
    };
    const transient = uniqueName('transient-group');
    const ordinary = uniqueName('ordinary-group');
    await run(transient, true);
    await run(ordinary, false);
    const left = await groups();
    expect(left.has(transient)).toBe(false);
    expect(left.has(ordinary)).toBe(true);
  });
});
