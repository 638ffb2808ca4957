import { BatchConsumerRunner } from './batch-consumer-runner';
import { ensureTopics } from './ensure-topics';
import { keyedMessages, uniqueName, useBroker, waitFor } from './testing/kafka-test-kit';

jest.setTimeout(90_000);

// Issue 10, item 10: two instances of a service reading several topics keyed by host; every
// host's messages, on every topic, reach one instance.
describe('two instances of one group over three topics (real broker)', () => {
  const { kafka, publisher, runners } = useBroker('messaging-test-copartition');

  it('hands partition N of every topic to the same instance', async () => {
    const topics = ['pe', 'vfio', 'guest'].map((t) => uniqueName(`copart-${t}`));
    await ensureTopics(kafka, topics);
    const groupId = uniqueName('copart-group');
    const seen = [new Map<string, Set<string>>(), new Map<string, Set<string>>()];
    const hostsOf = (i: number) => seen[i];
    const make = (i: number) =>
      new BatchConsumerRunner(
        kafka,
        { groupId, topics, fromBeginning: true, instanceId: `instance-${i}` },
        async (messages) => {
          for (const m of messages) {
            const byHost = hostsOf(i);
            if (!byHost.has(m.key ?? '')) byHost.set(m.key ?? '', new Set());
            byHost.get(m.key ?? '')!.add(m.topic);
          }
        },
      );
    const [a, b] = [make(0), make(1)];
    runners.push(a, b);
    await Promise.all([a.start(), b.start()]);
    // Let the group settle with both members before anything arrives.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    for (const topic of topics) await publisher.publish(keyedMessages(topic, 60, 12));
    await waitFor('every host seen on every topic', () => {
      const hosts = new Set([...seen[0].keys(), ...seen[1].keys()]);
      return (
        hosts.size === 12 && [...hosts].every((h) => (seen[0].get(h)?.size ?? 0) + (seen[1].get(h)?.size ?? 0) >= 3)
      );
    });
    const split = [...seen[0].keys()].filter((host) => seen[1].has(host));
    expect(split).toEqual([]);
    // Both instances did work: the assignment spread the hosts, it did not starve one.
    expect(seen[0].size).toBeGreaterThan(0);
    expect(seen[1].size).toBeGreaterThan(0);
  });
});
