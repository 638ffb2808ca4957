import { DeferredCommits, type PartitionOffset } from './deferred-commits';

describe('DeferredCommits', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const setup = () => {
    const sent: PartitionOffset[][] = [];
    const errors: unknown[] = [];
    const commits = new DeferredCommits(
      1_000,
      async (offsets) => void sent.push(offsets),
      (error) => void errors.push(error),
    );
    return { commits, sent, errors };
  };

  it('sends the latest offset of each partition together, once, the delay after the first', async () => {
    const { commits, sent } = setup();
    commits.defer('t', 0, '5');
    jest.advanceTimersByTime(600);
    commits.defer('t', 0, '9');
    commits.defer('t', 1, '3');
    commits.defer('u', 0, '7');
    expect(sent).toEqual([]);
    await jest.advanceTimersByTimeAsync(400);
    expect(sent).toEqual([
      [
        { topic: 't', partition: 0, offset: '9' },
        { topic: 't', partition: 1, offset: '3' },
        { topic: 'u', partition: 0, offset: '7' },
      ],
    ]);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(sent).toHaveLength(1);
    expect(commits.size).toBe(0);
  });

  it('leaves out a partition committed at once meanwhile', async () => {
    const { commits, sent } = setup();
    commits.defer('t', 0, '5');
    commits.defer('t', 1, '8');
    commits.supersede('t', 0);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(sent).toEqual([[{ topic: 't', partition: 1, offset: '8' }]]);
  });

  it('drops what waits at a rebalance: nothing is sent under the next assignment', async () => {
    const { commits, sent } = setup();
    commits.defer('t', 0, '5');
    commits.drop();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(sent).toEqual([]);
  });

  it('sends at once when flushed, and arms the next delay only at the next deferral', async () => {
    const { commits, sent } = setup();
    commits.defer('t', 0, '5');
    await commits.flush();
    await commits.flush();
    expect(sent).toEqual([[{ topic: 't', partition: 0, offset: '5' }]]);
    commits.defer('t', 0, '6');
    await jest.advanceTimersByTimeAsync(999);
    expect(sent).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(2);
  });

  it('reports a failed send from the timer instead of throwing', async () => {
    const errors: unknown[] = [];
    const commits = new DeferredCommits(
      10,
      async () => {
        throw new Error('rebalance in progress');
      },
      (error) => void errors.push(error),
    );
    commits.defer('t', 0, '5');
    await jest.advanceTimersByTimeAsync(10);
    expect(errors).toEqual([new Error('rebalance in progress')]);
  });
});
