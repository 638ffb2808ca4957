import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

/**
 * Partition N of every topic a group reads goes to one member: every topic barplane consumes
 * together is keyed by host and has the same partition count, so one member sees all of a
 * host's messages, whatever topic they come on (kafkajs' round robin deals topic-partitions out
 * one by one and split a host's events between instances). Pure: members and partitions in,
 * assignment out.
 */
export function coPartitionedAssignment(
  memberIds: readonly string[],
  partitionsByTopic: ReadonlyMap<string, readonly number[]>,
): Map<string, Record<string, number[]>> {
  const members = [...memberIds].sort();
  const out = new Map<string, Record<string, number[]>>(members.map((m) => [m, {}]));
  if (members.length === 0) return out;
  const numbers = [...new Set([...partitionsByTopic.values()].flat())].sort((a, b) => a - b);
  numbers.forEach((partition, i) => {
    const member = out.get(members[i % members.length])!;
    for (const [topic, partitions] of partitionsByTopic) {
      if (!partitions.includes(partition)) continue;
      (member[topic] ??= []).push(partition);
    }
  });
  return out;
}

/** The kafkajs assigner around `coPartitionedAssignment`. */
export const CoPartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: 'BarplaneCoPartitioned',
  version: 1,
  async assign({ members, topics }) {
    const partitions = new Map(topics.map((topic) => [topic, cluster.findTopicPartitionMetadata(topic).map((m) => m.partitionId)] as const));
    const assignment = coPartitionedAssignment(members.map((m) => m.memberId), partitions);
    return [...assignment].map(([memberId, byTopic]) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: byTopic, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return { name: 'BarplaneCoPartitioned', metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }) };
  },
});
