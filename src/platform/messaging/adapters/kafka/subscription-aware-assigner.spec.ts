import { AssignerProtocol, type Cluster, type Logger } from 'kafkajs';
import { assignRoundRobin, subscribersByTopic, subscriptionAwareAssigner } from './subscription-aware-assigner';

const member = (memberId: string, topics: string[]) => ({
  memberId,
  memberMetadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
});

describe('subscription-aware round-robin assigner', () => {
  it('gives each topic only to its subscribers', () => {
    const subscribers = subscribersByTopic([member('m2', ['a']), member('m1', ['a', 'b']), member('m3', ['c'])]);
    expect(Object.fromEntries(subscribers)).toEqual({ a: ['m1', 'm2'], b: ['m1'], c: ['m3'] });

    const assignment = assignRoundRobin(subscribers, new Map([['a', [0, 1, 2]], ['b', [0, 1]], ['c', [0]]]));
    expect(Object.fromEntries(assignment)).toEqual({
      m1: { a: [0, 2], b: [0, 1] },
      m2: { a: [1] },
      m3: { c: [0] },
    });
  });

  it('assigns the topics of every member, not only the leader’s, and encodes an assignment for each member', async () => {
    const partitions: Record<string, number[]> = { a: [0, 1], b: [0] };
    const targets: string[] = [];
    const cluster = {
      addMultipleTargetTopics: (topics: string[]) => {
        targets.push(...topics);
        return Promise.resolve();
      },
      findTopicPartitionMetadata: (topic: string) => (partitions[topic] ?? []).map((partitionId) => ({ partitionId })),
    } as unknown as Cluster;
    const assigner = subscriptionAwareAssigner({ cluster, groupId: 'g', logger: {} as Logger });

    // The leader (m1) reads only `a`; kafkajs passes the leader's topics as `topics`.
    const result = await assigner.assign({ members: [member('m1', ['a']), member('m2', ['b']), member('m3', [])], topics: ['a'] });
    const decoded = Object.fromEntries(result.map((r) => [r.memberId, AssignerProtocol.MemberAssignment.decode(r.memberAssignment)?.assignment]));
    expect(targets).toEqual(['a', 'b']);
    expect(decoded).toEqual({ m1: { a: [0, 1] }, m2: { b: [0] }, m3: {} });
  });
});
