import { AssignerProtocol, type Assigner, type GroupMember, type GroupMemberAssignment, type PartitionAssigner } from 'kafkajs';

const { MemberMetadata, MemberAssignment } = AssignerProtocol;

/** The group protocol name; distinct from kafkajs's `RoundRobinAssigner` on purpose (see below). */
export const SUBSCRIPTION_AWARE_ASSIGNER = 'LogisynapseSubscriptionRoundRobin';

/**
 * Round-robin partition assignment that gives each topic's partitions only to the members that
 * subscribed to that topic.
 *
 * kafkajs's own `RoundRobinAssigner` assumes every member of a group subscribes to the same
 * topics: the leader assigns only the topics *it* subscribes to, and spreads them over *all*
 * members. So when one consumer group reads two topics through two consumers (the event-log port
 * lets `subscribe(topicA, 'billing')` and `subscribe(topicB, 'billing')` coexist, in one process or
 * across processes), a member receives partitions it drops ("received unsubscribed topics") and the
 * other topic is never assigned at all: its messages silently wait forever.
 *
 * The name differs from kafkajs's so a group never mixes the two strategies (the broker refuses a
 * member without a common protocol, INCONSISTENT_GROUP_PROTOCOL, which is loud instead of lossy).
 */
export const subscriptionAwareAssigner: PartitionAssigner = ({ cluster }): Assigner => ({
  name: SUBSCRIPTION_AWARE_ASSIGNER,
  version: 0,

  async assign({ members }: { members: GroupMember[]; topics: string[] }): Promise<GroupMemberAssignment[]> {
    const subscribers = subscribersByTopic(members);
    const topics = [...subscribers.keys()].sort();
    // The leader's metadata covers only its own topics until told about the others.
    await cluster.addMultipleTargetTopics(topics);
    const partitions = new Map(
      topics.map((topic) => [topic, cluster.findTopicPartitionMetadata(topic).map((p) => p.partitionId).sort((a, b) => a - b)]),
    );
    const assignment = assignRoundRobin(subscribers, partitions);
    return members.map(({ memberId }) => ({
      memberId,
      memberAssignment: MemberAssignment.encode({ version: 0, assignment: assignment.get(memberId) ?? {}, userData: Buffer.alloc(0) }),
    }));
  },

  protocol({ topics }: { topics: string[] }) {
    return { name: SUBSCRIPTION_AWARE_ASSIGNER, metadata: MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
  },
});

/** topic → ids of the members that subscribed to it, sorted (every leader computes the same). */
export function subscribersByTopic(members: GroupMember[]): Map<string, string[]> {
  const subscribers = new Map<string, string[]>();
  for (const { memberId, memberMetadata } of members) {
    for (const topic of MemberMetadata.decode(memberMetadata)?.topics ?? []) {
      const list = subscribers.get(topic) ?? [];
      list.push(memberId);
      subscribers.set(topic, list);
    }
  }
  for (const list of subscribers.values()) list.sort();
  return subscribers;
}

/**
 * Spreads each topic's partitions over that topic's subscribers. The starting member rotates from
 * one topic to the next, so many one-partition topics do not all land on the same member.
 */
export function assignRoundRobin(
  subscribers: ReadonlyMap<string, readonly string[]>,
  partitions: ReadonlyMap<string, readonly number[]>,
): Map<string, Record<string, number[]>> {
  const assignment = new Map<string, Record<string, number[]>>();
  let turn = 0;
  for (const topic of [...subscribers.keys()].sort()) {
    const members = subscribers.get(topic) ?? [];
    if (members.length === 0) continue;
    for (const partition of partitions.get(topic) ?? []) {
      const memberId = members[turn++ % members.length];
      const forMember = assignment.get(memberId) ?? {};
      (forMember[topic] ??= []).push(partition);
      assignment.set(memberId, forMember);
    }
  }
  return assignment;
}
