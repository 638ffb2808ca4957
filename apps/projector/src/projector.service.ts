import { parseEnvelope } from '@barplane/contracts';
import { Heartbeat, OutboxRelay, createDataSource, heartbeatMsFromEnv, migrateEventStore } from '@barplane/eventstore';
import { BatchConsumerRunner, MessagePublisher, ensureTopics, kafkaFromEnv } from '@barplane/messaging';
import { ConsumerHealth } from '@barplane/messaging/kafka-health';
import { DataSource } from 'typeorm';
import {
  BatchItem,
  BatchProjector,
  ReadModelNames,
  backfillHostSummaries,
  projectorMigrations,
  readModelNames,
} from '@barplane/read-models';
import { messageRuns } from './message-runs';
import { ProjectorConfig } from './projector-config';

const PARTITIONS_CONCURRENTLY = 3;
const RELAY_BATCH = 1000;
/** Envelope bytes per transaction: ~60 topology imports of 50 functions, ~800 guest BAR changes. */
const RUN_BYTES = 512 * 1024;

export interface ProjectorOptions {
  /**
   * Time between heartbeats (`<schema>.heartbeats`, read by the API's /health). Default BARPLANE_HEARTBEAT_MS or 5 s.
   */
  heartbeatMs?: number;
  /** The consumer crashed for good (kafkajs will not restart it): the process should exit non-zero. */
  onCrash?: (error: Error) => void;
}

/**
 * The projector process: consumes the owners' event topics, applies each partition batch in one
 * transaction (BatchProjector: the same effects as HostProjector on each event in turn), and
 * publishes DecisionChanged through its own outbox and relay.
 */
export class ProjectorService {
  readonly names: ReadModelNames;
  private db?: DataSource;
  private relay?: OutboxRelay;
  private consumer?: BatchConsumerRunner;
  private publisher?: MessagePublisher;
  private projector?: BatchProjector;
  private health?: ConsumerHealth;
  private heartbeat?: Heartbeat;
  applied = 0;

  constructor(
    private readonly config: ProjectorConfig,
    private readonly options: ProjectorOptions = {},
  ) {
    this.names = readModelNames(config.namespace);
  }

  async start(): Promise<void> {
    const { schema, group, factTopics, decisionsTopic, appliedTopic } = this.names;
    const kafka = kafkaFromEnv(`${group}`, { brokers: this.config.kafkaBrokers.split(',') });
    // The fact topics and the applied-order log are what a rebuild replays: kept for ever.
    await ensureTopics(kafka, [decisionsTopic], { keepForever: [...factTopics, appliedTopic] });
    this.db = await createDataSource({ url: this.config.databaseUrl, schema, applicationName: group }).initialize();
    await migrateEventStore(this.db, schema, projectorMigrations(schema));
    // Hosts projected before host_summaries existed (or before its last change) get their row.
    const summarised = await backfillHostSummaries(this.db, schema);
    if (summarised > 0) console.log(`projector: wrote the summary of ${summarised} hosts`);
    // The heartbeat row the API's /health reads: outbox backlog, the consumer, its lag and DLQ depth.
    const heartbeatMs = this.options.heartbeatMs ?? heartbeatMsFromEnv();
    const health = new ConsumerHealth(this.config.kafkaBrokers.split(','), [{ groupId: group, topics: factTopics }], {
      clientId: `${group}-health`,
    });
    this.health = health;
    health.start(heartbeatMs);
    this.heartbeat = new Heartbeat(this.db, {
      schema,
      service: 'projector',
      intervalMs: heartbeatMs,
      report: () => ({
        ...health.report(),
        applied: this.applied,
        relay: { leader: this.relay?.isLeader ?? false, ...this.relay?.counters },
      }),
      onError: (error) => console.warn(`projector: heartbeat: ${error.message}`),
    });
    await this.heartbeat.start();
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
    const projector = new BatchProjector(this.db, this.names);
    this.projector = projector;
    // Partitions in parallel (each still in offset order), the batches of one fetch applied in
    // one transaction (BatchCombiner); batches that do not meet overlap. Partitions sharing a
    // host (pe.events and guest.events, same key) take the host's lock in turn (BatchProjector).
    const onCrash = (error: Error) => {
      health.crashed(group, error);
      console.error(`projector: consumer crashed: ${error.message}`);
      this.options.onCrash?.(error);
    };
    const options = {
      groupId: group,
      topics: factTopics,
      fromBeginning: true,
      partitionsConsumedConcurrently: PARTITIONS_CONCURRENTLY,
      combinePartitions: true,
      onCrash,
    };
    this.consumer = new BatchConsumerRunner(kafka, options, async (messages) => {
      // A message that is not an envelope fails the batch; the runner then retries the messages
      // one by one and dead-letters only that one.
      // Runs of a bounded size, each in its own transaction (the inbox makes a run that is
      // applied again after a crash change nothing).
      for (const run of messageRuns(messages, RUN_BYTES)) {
        const items: BatchItem[] = run.map((m) => {
          const envelope = parseEnvelope(m.value);
          if (!envelope) throw new Error(`not an envelope at ${m.topic}/${m.partition}/${m.offset}`);
          return {
            envelope,
            source: { topic: this.names.topicName(m.topic), partition: m.partition, offset: m.offset },
          };
        });
        await projector.applyBatch(items);
        this.applied += items.length;
      }
    });
    await this.consumer.start();
    health.running(group);
  }

  async stop(): Promise<void> {
    // First of all: a projector that is stopping is not there any more for /health.
    await this.heartbeat?.stop().catch(() => undefined);
    await this.health?.stop();
    await this.consumer?.stop();
    // The hosts it kept in memory belong to this run of the consumer.
    this.projector?.clearCache();
    await this.relay?.stop();
    await this.publisher?.disconnect();
    if (this.db?.isInitialized) await this.db.destroy();
  }
}
