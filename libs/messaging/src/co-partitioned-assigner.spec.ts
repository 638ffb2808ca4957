import { AssignerProtocol } from 'kafkajs';
import { coPartitionedAssignment, instanceOf } from './co-partitioned-assigner';

describe('coPartitionedAssignment', () => {
  const three = (topics: string[]) => new Map(topics.map((t) => [t, [0, 1, 2]] as const));
  const members = (...pairs: [string, string][]) => pairs.map(([memberId, instanceId]) => ({ memberId, instanceId }));

  it('gives partition N of every topic to the same member', () => {
    const a = coPartitionedAssignment(
      members(['m-b', 'host/2'], ['m-a', 'host/1']),
      three(['pe.events', 'vfio.events', 'guest.events']),
    );
    expect(Object.fromEntries(a)).toEqual({
      'm-a': { 'pe.events': [0, 2], 'vfio.events': [0, 2], 'guest.events': [0, 2] },
      'm-b': { 'pe.events': [1], 'vfio.events': [1], 'guest.events': [1] },
    });
  });

  it('gives partition N to the same process in every group it belongs to, whatever the member ids', () => {
    // An owner's command group and its reaction group: same two processes, random member ids.
    const commands = coPartitionedAssignment(members(['z-1', 'host/1'], ['a-2', 'host/2']), three(['pe.commands']));
    const reactions = coPartitionedAssignment(members(['b-1', 'host/1'], ['y-2', 'host/2']), three(['guest.events']));
    expect(commands.get('z-1')).toEqual({ 'pe.commands': [0, 2] });
    expect(reactions.get('b-1')).toEqual({ 'guest.events': [0, 2] });
    expect(commands.get('a-2')).toEqual({ 'pe.commands': [1] });
    expect(reactions.get('y-2')).toEqual({ 'guest.events': [1] });
  });

  it('gives everything to a lone member, and nothing to members beyond the partition count', () => {
    expect(Object.fromEntries(coPartitionedAssignment(members(['solo', 'p']), three(['a', 'b'])))).toEqual({
      solo: { a: [0, 1, 2], b: [0, 1, 2] },
    });
    const four = coPartitionedAssignment(members(['1', 'i1'], ['2', 'i2'], ['3', 'i3'], ['4', 'i4']), three(['a']));
    expect(four.get('4')).toEqual({});
    expect([...four.values()].flatMap((m) => m.a ?? []).sort()).toEqual([0, 1, 2]);
  });

  it('gives a second member of one process nothing, so a process never splits a host with itself', () => {
    const a = coPartitionedAssignment(members(['m1', 'same'], ['m2', 'same']), three(['a']));
    expect(Object.fromEntries(a)).toEqual({ m1: { a: [0, 1, 2] }, m2: {} });
  });

  it('assigns each topic-partition exactly once even when counts differ', () => {
    const a = coPartitionedAssignment(
      members(['x', 'i1'], ['y', 'i2']),
      new Map([
        ['a', [0, 1, 2]],
        ['b', [0, 1]],
      ]),
    );
    expect(
      [...a.values()].flatMap((m) => (m.a ?? []).map((p) => `a${p}`).concat((m.b ?? []).map((p) => `b${p}`))).sort(),
    ).toEqual(['a0', 'a1', 'a2', 'b0', 'b1']);
  });
});

describe('instanceOf', () => {
  it('reads the process id from the member metadata, and falls back to the member id', () => {
    const metadata = AssignerProtocol.MemberMetadata.encode({
      version: 1,
      topics: ['t'],
      userData: Buffer.from('host/42'),
    });
    expect(instanceOf('m', metadata)).toBe('host/42');
    expect(
      instanceOf('m', AssignerProtocol.MemberMetadata.encode({ version: 1, topics: ['t'], userData: Buffer.alloc(0) })),
    ).toBe('m');
    expect(instanceOf('m', null)).toBe('m');
  });
});
