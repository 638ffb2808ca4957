import { coPartitionedAssignment } from './co-partitioned-assigner';

describe('coPartitionedAssignment', () => {
  const three = (topics: string[]) => new Map(topics.map((t) => [t, [0, 1, 2]] as const));

  it('gives partition N of every topic to the same member', () => {
    const a = coPartitionedAssignment(['m-b', 'm-a'], three(['pe.events', 'vfio.events', 'guest.events']));
    expect(Object.fromEntries(a)).toEqual({
      'm-a': { 'pe.events': [0, 2], 'vfio.events': [0, 2], 'guest.events': [0, 2] },
      'm-b': { 'pe.events': [1], 'vfio.events': [1], 'guest.events': [1] },
    });
  });

  it('gives everything to a lone member, and nothing to members beyond the partition count', () => {
    expect(Object.fromEntries(coPartitionedAssignment(['solo'], three(['a', 'b'])))).toEqual({ solo: { a: [0, 1, 2], b: [0, 1, 2] } });
    const four = coPartitionedAssignment(['1', '2', '3', '4'], three(['a']));
    expect(four.get('4')).toEqual({});
    expect([...four.values()].flatMap((m) => m.a ?? []).sort()).toEqual([0, 1, 2]);
  });

  it('assigns each topic-partition exactly once even when counts differ', () => {
    const a = coPartitionedAssignment(['x', 'y'], new Map([['a', [0, 1, 2]], ['b', [0, 1]]]));
    expect([...a.values()].flatMap((m) => (m.a ?? []).map((p) => `a${p}`).concat((m.b ?? []).map((p) => `b${p}`))).sort()).toEqual(['a0', 'a1', 'a2', 'b0', 'b1']);
  });
});
