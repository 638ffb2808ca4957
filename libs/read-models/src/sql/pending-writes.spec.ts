import { PendingWrites } from './pending-writes';

const later = <T>(ms: number, value: T, fail = false) =>
  new Promise<T>((resolve, reject) => setTimeout(() => (fail ? reject(value) : resolve(value)), ms));

describe('PendingWrites', () => {
  it('settles when every write is answered', async () => {
    const writes = new PendingWrites();
    const done: number[] = [];
    for (const ms of [15, 5, 10]) writes.add(later(ms, ms).then((v) => done.push(v)));
    await writes.settle();
    expect(done.sort()).toEqual([10, 15, 5]);
  });

  it('throws the first failure, after the rest are answered, and leaves none unhandled', async () => {
    const writes = new PendingWrites();
    let lastAnswered = false;
    writes.add(later(5, 'ok'));
    writes.add(later(10, new Error('first'), true));
    writes.add(later(1, new Error('second'), true));
    writes.add(later(20, 'ok').then(() => (lastAnswered = true)));
    // On one connection answers come in the order sent, so the first to fail is the cause; here
    // timers stand in for statements and "second" fails first.
    await expect(writes.settle()).rejects.toThrow('second');
    expect(lastAnswered).toBe(true);
  });

  it('turn waits for the oldest while more than `ahead` are in flight', async () => {
    const writes = new PendingWrites(1);
    const answered: number[] = [];
    writes.add(later(20, 1).then((v) => answered.push(v)));
    writes.add(later(1, 2).then((v) => answered.push(v)));
    writes.add(later(1, 3).then((v) => answered.push(v)));
    await writes.turn();
    expect(answered).toContain(1);
    await writes.settle();
  });

  it('turn throws once a write has failed, so the batch stops at its next run', async () => {
    const writes = new PendingWrites();
    writes.add(later(1, new Error('refused'), true));
    await new Promise((r) => setTimeout(r, 5));
    await expect(writes.turn()).rejects.toThrow('refused');
  });
});
