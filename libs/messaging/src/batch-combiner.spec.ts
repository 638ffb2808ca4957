import { BatchCombiner } from './batch-combiner';
import type { BatchContext } from './batch-handler';
import type { ConsumedMessage } from './consumed-message';

const message = (partition: number, offset: number): ConsumedMessage => ({
  topic: 't',
  partition,
  offset: String(offset),
  key: 'h',
  value: `${partition}/${offset}`,
  headers: {},
  timestamp: '0',
});
const context = (partition: number, attempt = 1, mode: BatchContext['mode'] = 'batch'): BatchContext => ({
  topic: 't',
  partition,
  attempt,
  mode,
  heartbeat: async () => undefined,
  shouldStop: () => false,
});
const values = (calls: ConsumedMessage[][]) => calls.map((c) => c.map((m) => m.value));

describe('BatchCombiner', () => {
  it('hands first tries that arrive together to the handler as one call, each partition in order', async () => {
    const calls: ConsumedMessage[][] = [];
    const combiner = new BatchCombiner(async (messages) => void calls.push(messages));
    await Promise.all([
      combiner.handle([message(0, 1), message(0, 2)], context(0)),
      combiner.handle([message(2, 7)], context(2)),
    ]);
    expect(values(calls)).toEqual([['0/1', '0/2', '2/7']]);
    // A later turn is a call of its own.
    await combiner.handle([message(1, 3)], context(1));
    expect(values(calls)).toEqual([['0/1', '0/2', '2/7'], ['1/3']]);
  });

  it("gives every caller the shared call's result (skipped as a whole is skipped in each part)", async () => {
    const combiner = new BatchCombiner(async (messages) =>
      messages.every((m) => m.value.endsWith('/0')) ? 'skipped' : undefined,
    );
    const together = (a: ConsumedMessage, b: ConsumedMessage) =>
      Promise.all([combiner.handle([a], context(a.partition)), combiner.handle([b], context(b.partition))]);
    expect(await together(message(0, 0), message(1, 0))).toEqual(['skipped', 'skipped']);
    expect(await together(message(0, 0), message(1, 5))).toEqual([undefined, undefined]);
  });

  it('fails every caller of a shared call, and runs retries and single messages alone', async () => {
    const calls: ConsumedMessage[][] = [];
    const combiner = new BatchCombiner(async (messages) => {
      calls.push(messages);
      if (messages.some((m) => m.value === '1/9')) throw new Error('poison');
    });
    const results = await Promise.allSettled([
      combiner.handle([message(0, 1)], context(0)),
      combiner.handle([message(1, 9)], context(1)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await Promise.all([
      combiner.handle([message(0, 1)], context(0, 2)),
      combiner.handle([message(1, 9)], context(1, 1, 'single')).catch(() => undefined),
    ]);
    expect(values(calls)).toEqual([['0/1', '1/9'], ['0/1'], ['1/9']]);
  });
});
