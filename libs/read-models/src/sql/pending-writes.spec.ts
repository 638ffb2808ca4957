import { PendingWrites } from './pending-writes';

const later = <T>(ms: number, value: T, fail = false) =>
  new Promise<T>((resolve, reject) => setTimeout(() => (fail ? reject(value) : resolve(value)), ms));

describe('PendingWrites', () => {
  it('sends each write once the ones before it are answered, in the order added', async () => {
    const writes = new PendingWrites();
    const log: string[] = [];
    for (const [name, ms] of [
      ['a', 15],
      ['b', 1],
      ['c', 5],
    ] as const)
      writes.add(async () => {
        log.push(`send ${name}`);
        await later(ms, name);
        log.push(`answer ${name}`);
      });
    expect(log).toEqual([]); // nothing is sent until the batch lets the event loop run
    await writes.settle();
    expect(log).toEqual(['send a', 'answer a', 'send b', 'answer b', 'send c', 'answer c']);
  });

  it('throws the first failure and sends nothing after it', async () => {
    const writes = new PendingWrites();
    const sent: string[] = [];
    const write =
      (name: string, fail = false) =>
      () => {
        sent.push(name);
        return later(1, fail ? new Error(name) : name, fail);
      };
    writes.add(write('ok'));
    writes.add(write('refused', true));
    writes.add(write('after'));
    await expect(writes.settle()).rejects.toThrow('refused');
    expect(sent).toEqual(['ok', 'refused']);
  });

  it('turn waits for what is in flight past `ahead`, and throws once a write failed', async () => {
    const writes = new PendingWrites(1);
    const answered: number[] = [];
    for (const n of [1, 2, 3]) writes.add(() => later(5, n).then((v) => answered.push(v)));
    await writes.turn();
    expect(answered).toEqual([1, 2, 3]);
    writes.add(() => later(1, new Error('refused'), true));
    await new Promise((r) => setTimeout(r, 10));
    await expect(writes.turn()).rejects.toThrow('refused');
  });
});
