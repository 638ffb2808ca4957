import { type CatchUpAdmin, ReactionCatchUp } from './reaction-catch-up';

/** A broker as the catch-up sees it: per partition the log's ends and the group's committed offset. */
function fakeAdmin(partitions: { high: number; low?: number; committed?: number }[]) {
  const calls = { fetchOffsets: 0, fetchTopicOffsets: 0 };
  let failNext = 0;
  const admin: CatchUpAdmin & {
    calls: typeof calls;
    commit(partition: number, offset: number): void;
    failTimes(n: number): void;
  } = {
    calls,
    connect: async () => undefined,
    disconnect: async () => undefined,
    fetchTopicOffsets: (async () => {
      calls.fetchTopicOffsets += 1;
      if (failNext > 0) {
        failNext -= 1;
        throw new Error('broker away');
      }
      return partitions.map((p, partition) => ({
        partition,
        offset: String(p.high),
        high: String(p.high),
        low: String(p.low ?? 0),
      }));
    }) as CatchUpAdmin['fetchTopicOffsets'],
    fetchOffsets: (async () => {
      calls.fetchOffsets += 1;
      return [
        {
          topic: 'guest.events',
          partitions: partitions.map((p, partition) => ({
            partition,
            offset: String(p.committed ?? -1),
            metadata: null,
          })),
        },
      ];
    }) as unknown as CatchUpAdmin['fetchOffsets'],
    commit(partition, offset) {
      partitions[partition].committed = offset;
    },
    failTimes(n) {
      failNext = n;
    },
  };
  return admin;
}

const reaction = {
  groupId: 'pe-registry-guest',
  topic: 'guest.events',
  commandTypes: ['ImportTopology', 'RemoveFunction'],
};
const quick = { attempts: 5, intervalMs: 5 };

describe('ReactionCatchUp', () => {
  it('awaits only the command types a reaction names', async () => {
    const catchUp = new ReactionCatchUp(fakeAdmin([{ high: 3 }]), [reaction], quick);
    await catchUp.start();
    expect(catchUp.awaits('ImportTopology')).toBe(true);
    expect(catchUp.awaits('RelocateBar')).toBe(false);
    // Nothing awaited: no broker round trip.
    expect(await catchUp.wait(['RelocateBar'])).toBe(true);
  });

  it('is caught up once the group committed every partition to the end the topic had when the wait began', async () => {
    const admin = fakeAdmin([{ high: 4, committed: 4 }, { high: 0 }, { high: 7, low: 7 }]);
    const catchUp = new ReactionCatchUp(admin, [reaction], quick);
    await catchUp.start();
    // An empty partition, and one whose messages are all gone, need no commit.
    expect(await catchUp.wait(['ImportTopology'])).toBe(true);
    expect(admin.calls.fetchTopicOffsets).toBe(1);
  });

  it("has this process's consumer commit what it deferred before each look, so skipped messages count at once", async () => {
    const admin = fakeAdmin([{ high: 4, committed: 1 }]);
    let flushes = 0;
    const deferring = {
      ...reaction,
      // The consumer skipped offsets 1-3 and waits to commit them (BatchConsumerRunner.commitDeferred).
      commitDeferred: async () => {
        flushes += 1;
        admin.commit(0, 4);
      },
    };
    const catchUp = new ReactionCatchUp(admin, [deferring], quick);
    await catchUp.start();
    expect(await catchUp.wait(['ImportTopology'])).toBe(true);
    expect(flushes).toBe(1);
    expect(admin.calls.fetchOffsets).toBe(1);
  });

  it('waits while the reaction lags, and stops waiting when it commits', async () => {
    const admin = fakeAdmin([{ high: 4, committed: 2 }, { high: 2 }]);
    const catchUp = new ReactionCatchUp(admin, [reaction], { attempts: 100, intervalMs: 5 });
    await catchUp.start();
    const waiting = catchUp.wait(['ImportTopology']);
    setTimeout(() => admin.commit(0, 4), 20);
    setTimeout(() => admin.commit(1, 2), 40);
    expect(await waiting).toBe(true);
    expect(admin.calls.fetchOffsets).toBeGreaterThan(2);
    // The ends were read once: messages published after the wait began are not waited for.
    expect(admin.calls.fetchTopicOffsets).toBe(1);
  });

  it('gives up after the bound (false), and names the topic in the answer', async () => {
    const catchUp = new ReactionCatchUp(fakeAdmin([{ high: 4, committed: 1 }]), [reaction], quick);
    await catchUp.start();
    expect(await catchUp.wait(['RemoveFunction'])).toBe(false);
    expect(catchUp.lagMessage('RemoveFunction')).toBe(
      'RemoveFunction was not decided: the events of guest.events it depends on are not all applied yet; try again',
    );
  });

  it('looks again when the broker does not answer, and is not caught up before it started', async () => {
    const admin = fakeAdmin([{ high: 4, committed: 4 }]);
    const stopped = new ReactionCatchUp(admin, [reaction], quick);
    expect(await stopped.wait(['ImportTopology'])).toBe(false);
    const catchUp = new ReactionCatchUp(admin, [reaction], quick);
    await catchUp.start();
    admin.failTimes(2);
    expect(await catchUp.wait(['ImportTopology'])).toBe(true);
    expect(admin.calls.fetchTopicOffsets).toBe(3);
    await catchUp.stop();
    expect(await catchUp.wait(['ImportTopology'])).toBe(false);
  });
});
