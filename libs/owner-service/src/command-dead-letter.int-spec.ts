// Issue 10: a command its owner cannot process (it fails deterministically, every retry) goes
// to the DLQ and is answered FAILED, so it ends `failed` with its reason, never pending for
// ever; the owner goes on with the next command. Real Kafka and PostgreSQL.
import { peRegistryOwner } from '../../../apps/pe-registry/src/pe-registry.owner';
import type { OwnerDefinition } from './owner-definition';
import type { OwnerService } from './owner-service';
import { p9Host } from './testing/host-fixtures';
import {
  cleanUpNamespace,
  CommandSender,
  commandEnvelope,
  testNamespace,
  testOwner,
  TopicRecorder,
} from './testing/owner-test-kit';

jest.setTimeout(90_000);

/** pe-registry, with a bug: deciding for host "buggy" throws a TypeError. */
const buggy: OwnerDefinition = {
  ...(peRegistryOwner as unknown as OwnerDefinition),
  decider: {
    ...(peRegistryOwner as unknown as OwnerDefinition).decider,
    decide: (command, state, facts) => {
      if ((command as { data?: { host?: { id?: string } } }).data?.host?.id === 'buggy')
        throw new TypeError("cannot read properties of undefined (reading 'pes')");
      return (peRegistryOwner as unknown as OwnerDefinition).decider.decide(command, state, facts);
    },
  },
};

describe('a command its owner cannot process', () => {
  const namespace = testNamespace();
  const commandTopic = `${namespace}pe.commands`;
  const eventTopic = `${namespace}pe.events`;
  let owner: OwnerService;
  const sender = new CommandSender();
  const recorder = new TopicRecorder([eventTopic, `${commandTopic}.dlq`]);

  beforeAll(async () => {
    owner = testOwner(buggy, namespace);
    await owner.start();
    await sender.connect();
    await recorder.start();
  });
  afterAll(async () => {
    await recorder.stop();
    await sender.disconnect();
    await owner.stop();
    await cleanUpNamespace(
      [`${namespace.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}pe_registry`],
      [commandTopic, eventTopic],
    );
  });

  it('is dead-lettered and answered FAILED with the reason; the next command applies', async () => {
    const bad = commandEnvelope('RegisterHost', 'buggy', { host: p9Host('buggy') });
    const good = commandEnvelope('RegisterHost', 'fine', { host: p9Host('fine') });
    await sender.send(commandTopic, bad, good);

    const answer = await recorder.answer(bad.id);
    expect(answer.type).toBe('CommandRejected');
    expect(answer.data).toMatchObject({
      commandId: bad.id,
      code: 'FAILED',
      message: expect.stringContaining("cannot read properties of undefined (reading 'pes')"),
    });
    expect(String(answer.data.message)).toContain(`${commandTopic}.dlq`);
    expect(recorder.messages.filter((m) => m.topic === `${commandTopic}.dlq`).map((m) => m.envelope?.id)).toEqual([
      bad.id,
    ]);
    expect((await recorder.answer(good.id)).type).toBe('CommandApplied');
  });
});
