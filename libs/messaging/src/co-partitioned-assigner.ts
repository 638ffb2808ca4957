import { hostname } from 'node:os';
import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

/**
 * This process, as the members of its consumer groups tell the group leader: BARPLANE_INSTANCE_ID,
 * or host name and pid. Every group of one process sends the same id.
 */
export const PROCESS_INSTANCE_ID = process.env.BARPLANE_INSTANCE_ID || `${hostname()}/${process.pid}`;

/** A member of a group: its member id, and the process it runs in. */
export interface GroupMember {
  readonly memberId: string;
  readonly instanceId: string;
}

/**
 * Partition N of every topic a group reads goes to one member, and to the same process in every
 * group that process belongs to: every topic barplane consumes is keyed by host and has the same
 * partition count, so one process sees all of a host's messages, whatever topic or group they
 * come on (an owner reads its commands, reactions and facts in groups of their own). Partitions
 * are dealt to the processes in the order of their ids, so two groups with the same processes
 * agree (kafkajs' round robin deals topic-partitions one by one, by random member ids, and split
 * a host between instances). Pure: members and partitions in, assignment out.
 */
export function coPartitionedAssignment(
  members: readonly GroupMember[],
  partitionsByTopic: ReadonlyMap<string, readonly number[]>,
): Map<string, Record<string, number[]>> {
  const out = new Map<string, Record<string, number[]>>(members.map((m) => [m.memberId, {}]));
  // One member per process takes its share; a second member of the same process (not expected) gets none.
  const byInstance = new Map<string, string>();
  for (const m of [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : 1)))
    if (!byInstance.has(m.instanceId)) byInstance.set(m.instanceId, m.memberId);
  const instances = [...byInstance.keys()].sort();
  if (instances.length === 0) return out;
  const numbers = [...new Set([...partitionsByTopic.values()].flat())].sort((a, b) => a - b);
  numbers.forEach((partition) => {
    const member = out.get(byInstance.get(instances[partition % instances.length])!)!;
    for (const [topic, partitions] of partitionsByTopic) {
      if (!partitions.includes(partition)) continue;
      (member[topic] ??= []).push(partition);
    }
  });
  return out;
}

/** The process a member's metadata names; its member id for a member that sent none (another client). */
export function instanceOf(memberId: string, metadata: Buffer | null | undefined): string {
  if (!metadata || metadata.length === 0) return memberId;
  const userData = AssignerProtocol.MemberMetadata.decode(metadata)?.userData;
  return userData && userData.length > 0 ? userData.toString('utf8') : memberId;
}

/**
 * The kafkajs assigner around `coPartitionedAssignment`; each member's metadata carries the id of
 * its process (a test that runs two "processes" in one names each).
 */
export const coPartitionedAssigner =
  (instanceId: string = PROCESS_INSTANCE_ID): PartitionAssigner =>
  ({ cluster }) => ({
    name: 'BarplaneCoPartitioned',
    version: 1,
    async assign({ members, topics }) {
      const partitions = new Map(
        topics.map((topic) => [topic, cluster.findTopicPartitionMetadata(topic).map((m) => m.partitionId)] as const),
      );
      const assignment = coPartitionedAssignment(
        members.map((m) => ({ memberId: m.memberId, instanceId: instanceOf(m.memberId, m.memberMetadata) })),
        partitions,
      );
      return [...assignment].map(([memberId, byTopic]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: byTopic,
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return {
        name: 'BarplaneCoPartitioned',
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: 1,
          topics,
          userData: Buffer.from(instanceId, 'utf8'),
        }),
      };
    },
  });
