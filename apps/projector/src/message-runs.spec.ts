import { messageRuns } from './message-runs';

const msg = (n: number, size: number) => ({ n, value: 'x'.repeat(size) });

describe('messageRuns', () => {
  it('keeps the order and cuts before the message that would pass the limit', () => {
    const runs = [...messageRuns([msg(1, 4), msg(2, 4), msg(3, 4), msg(4, 1)], 9)];
    expect(runs.map((r) => r.map((m) => m.n))).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('gives a message larger than the limit a run of its own, and nothing for no messages', () => {
    expect([...messageRuns([msg(1, 2), msg(2, 50), msg(3, 2)], 10)].map((r) => r.map((m) => m.n))).toEqual([
      [1],
      [2],
      [3],
    ]);
    expect([...messageRuns([], 10)]).toEqual([]);
  });
});
