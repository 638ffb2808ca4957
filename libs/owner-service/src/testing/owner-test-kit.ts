// Helpers for the owner services' integration tests against the real broker and database.
import { randomUUID } from 'node:crypto';
import {
  type DomainCommand,
  type DomainEvent,
  type Envelope,
  parseEnvelope,
  SCHEMA_VERSION,
} from '@barplane/contracts';
import { dlqTopicOf, kafkaFromEnv, MessagePublisher } from '@barplane/messaging';
import type { Consumer } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { OwnerDefinition } from '../owner-definition';
import { OwnerService } from '../owner-service';
import type { OwnerServiceOptions } from '../owner-service-options';
import { ownerConfigFromEnv } from '../owner-service.config';
import { databaseUrlFromEnv } from '@barplane/eventstore';
import { waitFor } from '../../../messaging/src/testing/wait-for';

export { waitFor };

export const DATABASE_URL = databaseUrlFromEnv();

/** A BARPLANE_NAMESPACE unique per test file and run: `t<time><random>.` */
export function testNamespace(): string {
  return `t${Date.now().toString(36)}${randomUUID().slice(0, 6)}.`;
}

export const quietLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** An owner in-process, in `namespace`, with short retries so a poison message is dead-lettered quickly. */
export function testOwner<C extends DomainCommand, E extends DomainEvent, S>(
  definition: OwnerDefinition<C, E, S>,
  namespace: string,
  options: OwnerServiceOptions = {},
): OwnerService {
  const config = { ...ownerConfigFromEnv(definition.identity), namespace };
  return new OwnerService(config, definition as unknown as OwnerDefinition, {
    logger: quietLogger,
    retries: { batchRetries: 1, messageRetries: 1, initialBackoffMs: 50, maxBackoffMs: 100 },
    relayIdleMs: 50,
    // Beats often, so a test sees /health follow a stop within a second.
    heartbeatMs: 250,
    ...options,
  });
}

/** A command envelope as the API would send it. */
export function commandEnvelope(type: string, hostId: string, data: unknown, over: Partial<Envelope> = {}): Envelope {
  return {
    id: randomUUID(),
    type,
    schemaVersion: SCHEMA_VERSION,
    hostId,
    correlationId: randomUUID(),
    principal: 'operator:test',
    data: data as Record<string, unknown>,
    ...over,
  };
}

export interface Recorded {
  topic: string;
  key: string | null;
  value: string;
  envelope?: Envelope;
}

/** Reads topics from the beginning with a group of its own and keeps every message. */
export class TopicRecorder {
  readonly messages: Recorded[] = [];
  private readonly consumer: Consumer;

  constructor(private readonly topics: string[]) {
    this.consumer = kafkaFromEnv(`recorder-${randomUUID().slice(0, 8)}`).consumer({
      groupId: `recorder-${randomUUID()}`,
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ topic, message }) => {
        const value = message.value?.toString('utf8') ?? '';
        this.messages.push({
          topic,
          key: message.key?.toString('utf8') ?? null,
          value,
          envelope: parseEnvelope(value),
        });
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  /** Envelopes in topic order; an answer riding on an event (Envelope.answer) right after it. */
  envelopes(topic?: string): Envelope[] {
    return this.messages
      .filter((m) => (topic === undefined || m.topic === topic) && m.envelope)
      .flatMap((m) => (m.envelope!.answer ? [m.envelope!, m.envelope!.answer] : [m.envelope!]));
  }

  /** Every envelope caused by (or answering) the command or event `causationId`. */
  causedBy(causationId: string): Envelope[] {
    return this.envelopes().filter((e) => e.causationId === causationId);
  }

  /** The answer to a command, once it arrived. */
  async answer(commandId: string, timeoutMs = 30_000): Promise<Envelope> {
    let found: Envelope | undefined;
    await waitFor(
      `answer to ${commandId}`,
      () => {
        found = this.envelopes().find((e) => e.causationId === commandId && e.type.startsWith('Command'));
        return found !== undefined;
      },
      timeoutMs,
    );
    return found!;
  }

  async waitForEnvelope(
    what: string,
    predicate: (envelope: Envelope) => boolean,
    timeoutMs = 30_000,
  ): Promise<Envelope> {
    let found: Envelope | undefined;
    await waitFor(
      what,
      () => {
        found = this.envelopes().find(predicate);
        return found !== undefined;
      },
      timeoutMs,
    );
    return found!;
  }
}

/** Produces envelopes (or raw values) keyed by host id. */
export class CommandSender {
  private readonly publisher = new MessagePublisher(kafkaFromEnv(`sender-${randomUUID().slice(0, 8)}`));

  connect(): Promise<void> {
    return this.publisher.connect();
  }

  disconnect(): Promise<void> {
    return this.publisher.disconnect();
  }

  async send(topic: string, ...envelopes: Envelope[]): Promise<void> {
    await this.publisher.publish(envelopes.map((e) => ({ topic, key: e.hostId, value: JSON.stringify(e) })));
  }

  async sendRaw(topic: string, key: string, value: string): Promise<void> {
    await this.publisher.publish([{ topic, key, value }]);
  }
}

/** Drops the namespace's schemas and deletes its topics (with their DLQs). Best effort for topics. */
export async function cleanUpNamespace(schemas: string[], topics: string[]): Promise<void> {
  const ds = new DataSource({ type: 'postgres', url: DATABASE_URL });
  await ds.initialize();
  try {
    for (const schema of schemas) await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await ds.destroy();
  }
  const admin = kafkaFromEnv('cleanup').admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const doomed = topics.flatMap((t) => [t, dlqTopicOf(t)]).filter((t) => existing.has(t));
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed, timeout: 10_000 }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

// Each owner has command, event and state types of its own; a suite only starts and stops them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyOwnerDefinition = OwnerDefinition<any, any, any>;

/**
 * A suite's owners in-process in a namespace of its own: `owners` (one per definition, started one
 * after the other before the suite), a recorder of the `recorded` topics and a sender; after the
 * suite all of them stopped, and the owners' schemas and the `cleaned` topics removed. Topic names
 * are given without the namespace; `topic(name)` adds it.
 */
export function useOwnerSuite(definitions: AnyOwnerDefinition[], recorded: string[], cleaned: string[]) {
  const ns = testNamespace();
  const topic = (name: string) => `${ns}${name}`;
  const owners = definitions.map((definition) => testOwner(definition, ns));
  const recorder = new TopicRecorder(recorded.map(topic));
  const sender = new CommandSender();
  beforeAll(async () => {
    // One after the other: concurrent topic creation works but makes kafkajs log errors.
    for (const owner of owners) await owner.start();
    await recorder.start();
    await sender.connect();
  });
  afterAll(async () => {
    await Promise.all(owners.map((owner) => owner.stop()));
    await recorder.stop();
    await sender.disconnect();
    await cleanUpNamespace(
      owners.map((owner) => owner.names.schema),
      cleaned.map(topic),
    );
  });
  /** Sends a command to `commandTopic` and returns its answer and the events it caused. */
  async function run(commandTopic: string, command: Envelope): Promise<{ answer: Envelope; events: Envelope[] }> {
    await sender.send(topic(commandTopic), command);
    const answer = await recorder.answer(command.id);
    return { answer, events: recorder.causedBy(command.id).filter((e) => e !== answer) };
  }
  return { ns, topic, owners, recorder, sender, run };
}
