import { parseEnvelope } from '@barplane/contracts';
import { OutboxRelay, createDataSource, migrateEventStore } from '@barplane/eventstore';
import { BatchConsumerRunner, MessagePublisher, ensureTopics, kafkaFromEnv } from '@barplane/messaging';
import { DataSource } from 'typeorm';
import { HostProjector } from './host-projector';
import { ProjectorConfig, projectorNames } from './projector-config';
import { projectorTablesMigration } from './projector-tables.migration';

/**
 * The projector process: consumes the owners' event topics, applies each event to its host
 * (HostProjector), and publishes DecisionChanged through its own outbox and relay.
 */
export class ProjectorService {
  readonly names: ReturnType<typeof projectorNames>;
  private db?: DataSource;
  private relay?: OutboxRelay;
  private consumer?: BatchConsumerRunner;
  private publisher?: MessagePublisher;
  applied = 0;

  constructor(private readonly config: ProjectorConfig) {
    this.names = projectorNames(config.namespace);
  }

  async start(): Promise<void> {
    const { schema, group, factTopics, decisionsTopic, appliedTopic } = this.names;
    const kafka = kafkaFromEnv(`${group}`, { brokers: this.config.kafkaBrokers.split(',') });
    await ensureTopics(kafka, [...factTopics, decisionsTopic, appliedTopic]);
    this.db = await createDataSource({ url: this.config.databaseUrl, schema, applicationName: group }).initialize();
    await migrateEventStore(this.db, schema, [projectorTablesMigration(schema)]);
    this.publisher = new MessagePublisher(kafka);
    await this.publisher.connect();
    const publisher = this.publisher;
    this.relay = new OutboxRelay(this.db, {
      schema,
      publish: (messages) => publisher.publish(messages.map((m) => ({ topic: m.topic, key: m.key, value: JSON.stringify(m.payload), headers: m.headers }))),
    });
    this.relay.start();
    const projector = new HostProjector(this.db, schema, decisionsTopic, appliedTopic);
    this.consumer = new BatchConsumerRunner(kafka, { groupId: group, topics: factTopics, fromBeginning: true }, async (messages) => {
      for (const m of messages) {
        const envelope = parseEnvelope(m.value);
        if (!envelope) throw new Error(`not an envelope at ${m.topic}/${m.partition}/${m.offset}`);
        await projector.apply(envelope, { topic: this.names.topicName(m.topic), partition: m.partition, offset: m.offset });
        this.applied++;
      }
    });
    await this.consumer.start();
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    await this.relay?.stop();
    await this.publisher?.disconnect();
    if (this.db?.isInitialized) await this.db.destroy();
  }
}
