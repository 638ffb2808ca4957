import { parseEnvelope } from '@barplane/contracts';
import { OutboxRelay, createDataSource, migrateEventStore } from '@barplane/eventstore';
import { BatchConsumerRunner, MessagePublisher, ensureTopics, kafkaFromEnv } from '@barplane/messaging';
import { DataSource } from 'typeorm';
import { BatchItem, BatchProjector } from './batch-projector';
import { ProjectorConfig, projectorNames } from './projector-config';
import { projectorMigrations } from './projector-tables.migration';

const PARTITIONS_CONCURRENTLY = 3;
const RELAY_BATCH = 1000;

/**
 * The projector process: consumes the owners' event topics, applies each partition batch in one
 * transaction (BatchProjector: the same effects as HostProjector on each event in turn), and
 * publishes DecisionChanged through its own outbox and relay.
 */
export class ProjectorService {
  readonly names: ReturnType<typeof projectorNames>;
  private db?: DataSource;
  private relay?: OutboxRelay;
  private consumer?: BatchConsumerRunner;
  private publisher?: MessagePublisher;
  private projector?: BatchProjector;
  applied = 0;

  constructor(private readonly config: ProjectorConfig) {
    this.names = projectorNames(config.namespace);
  }

  async start(): Promise<void> {
    const { schema, group, factTopics, decisionsTopic, appliedTopic } = this.names;
    const kafka = kafkaFromEnv(`${group}`, { brokers: this.config.kafkaBrokers.split(',') });
    // The fact topics and the applied-order log are what a rebuild replays: kept for ever.
    await ensureTopics(kafka, [decisionsTopic], { keepForever: [...factTopics, appliedTopic] });
    this.db = await createDataSource({ url: this.config.databaseUrl, schema, applicationName: group }).initialize();
    await migrateEventStore(this.db, schema, projectorMigrations(schema));
    this.publisher = new MessagePublisher(kafka);
    await this.publisher.connect();
    const publisher = this.publisher;
    this.relay = new OutboxRelay(this.db, {
      schema,
      // A partition batch writes two outbox rows per event: publish them in as few round trips.
      batchSize: RELAY_BATCH,
      publish: (messages) => publisher.publish(messages),
    });
    this.relay.start();
    const projector = new BatchProjector(this.db, schema, decisionsTopic, appliedTopic);
    this.projector = projector;
    // Partitions in parallel (each still in offset order), the batches of one fetch applied in
    // one transaction (BatchCombiner); batches that do not meet overlap. Partitions sharing a
    // host (pe.events and guest.events, same key) take the host's lock in turn (BatchProjector).
    const options = { groupId: group, topics: factTopics, fromBeginning: true, partitionsConsumedConcurrently: PARTITIONS_CONCURRENTLY, combinePartitions: true };
    this.consumer = new BatchConsumerRunner(kafka, options, async (messages) => {
      // A message that is not an envelope fails the batch; the runner then retries the messages
      // one by one and dead-letters only that one.
      const items: BatchItem[] = messages.map((m) => {
        const envelope = parseEnvelope(m.value);
        if (!envelope) throw new Error(`not an envelope at ${m.topic}/${m.partition}/${m.offset}`);
        return { envelope, source: { topic: this.names.topicName(m.topic), partition: m.partition, offset: m.offset } };
      });
      await projector.applyBatch(items);
      this.applied += items.length;
    });
    await this.consumer.start();
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    // The hosts it kept in memory belong to this run of the consumer.
    this.projector?.clearCache();
    await this.relay?.stop();
    await this.publisher?.disconnect();
    if (this.db?.isInitialized) await this.db.destroy();
  }
}
