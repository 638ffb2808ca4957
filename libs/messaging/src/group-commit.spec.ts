import { GroupCommit } from './group-commit';

/** A write that waits until released, recording what each write held. */
function gatedWrites(fail?: (items: number[]) => boolean) {
  const writes: number[][] = [];
  const gates: (() => void)[] = [];
  const group = new GroupCommit<number>(async (items) => {
    writes.push(items);
    await new Promise<void>((resolve) => gates.push(resolve));
    if (fail?.(items)) throw new Error(`write of ${items.join(',')} failed`);
  });
  const release = async () => {
    gates.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { group, writes, release };
}

describe('GroupCommit', () => {
  it('writes alone the first call, then together, in call order, every call that came meanwhile', async () => {
    const { group, writes, release } = gatedWrites();
    const calls = [group.add([1]), group.add([2, 3]), group.add([]), group.add([4])];
    expect(writes).toEqual([[1]]);
    await release();
    expect(writes).toEqual([[1], [2, 3, 4]]);
    await release();
    await Promise.all(calls);
  });

  it('rejects the callers of a failed write only, and goes on with the next', async () => {
    const { group, release } = gatedWrites((items) => items.includes(2));
    const results = Promise.allSettled([group.add([1]), group.add([2]), group.add([3])]);
    await release();
    await release();
    const later = group.add([4]);
    await release();
    await later;
    expect((await results).map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
  });
});
