import type { DomainCommand, DomainEvent } from '@barplane/contracts';
import {
  createDataSource,
  EventStore,
  Heartbeat,
  heartbeatMsFromEnv,
  migrateEventStore,
  OutboxRelay,
  qualified,
} from '@barplane/eventstore';
import {
  BatchConsumerRunner,
  type BatchResult,
  type ConsumedMessage,
  ensureTopics,
  kafkaFromEnv,
  MessagePublisher,
  type MessagingClient,
} from '@barplane/messaging';
import { ConsumerHealth } from '@barplane/messaging/kafka-health';
import { StartsOnce } from '@barplane/messaging/starts-once';
import type { OwnerServiceCounters, OwnerServiceOptions } from './owner-service-options';
import type { DataSource } from 'typeorm';
import { CommandHandler } from './command-handler';
import { DEFAULT_FACTS_WAIT } from './facts-wait';
import { HostFactsView, hostFactsMigration } from './host-facts-view';
import { emptyOwnerCounters } from './owner-counters';
import type { OwnerDefinition } from './owner-definition';
import type { OwnerServiceConfig } from './owner-service.config';
import { type OwnerLogger, consoleLogger } from './owner-logger';
import { type OwnerNames, ownerNames } from './owner-names';
import { DEFAULT_CATCH_UP_WAIT, ReactionCatchUp } from './reaction-catch-up';
import { ReactionHandler } from './reaction-handler';
import { StreamCache } from './stream-cache';

/** Partition batches each consumer handles at once (each partition's batches stay in order). */
export const OWNER_PARTITIONS_CONCURRENTLY = 3;

/** Outbox rows per relay transaction (one producer request). */
const OWNER_RELAY_BATCH = 1000;

/**
 * One owner service process: its event store (migrated at start), the outbox relay publishing
 * to Kafka, the command consumer, and where needed the host facts view of pe.events and the
 * reactions to other services' events. stop() lets every consumer finish and commit its batch
 * and the relay finish its batch, then closes the producer and the database pool.
 */
export class OwnerService<
  C extends DomainCommand = DomainCommand,
  E extends DomainEvent = DomainEvent,
  S = unknown,
> extends StartsOnce {
  readonly names: OwnerNames;
  private readonly logger: OwnerLogger;
  private readonly kafka: MessagingClient;
  private readonly count = emptyOwnerCounters();
  private dataSource?: DataSource;
  private publisher?: MessagePublisher;
  private relay?: OutboxRelay;
  private facts?: HostFactsView;
  private catchUp?: ReactionCatchUp;
  private health?: ConsumerHealth;
  private heartbeat?: Heartbeat;
  private runners: BatchConsumerRunner[] = [];

  constructor(
    readonly config: OwnerServiceConfig,
    readonly definition: OwnerDefinition<C, E, S>,
    private readonly options: OwnerServiceOptions = {},
  ) {
    super();
    this.names = ownerNames(config, definition as OwnerDefinition);
    this.logger = options.logger ?? consoleLogger;
    this.kafka =
      options.kafka ?? kafkaFromEnv(`${config.namespace}${config.service}`, { brokers: [...config.kafkaBrokers] });
  }

  get counters(): OwnerServiceCounters {
    return {
      ...this.count,
      relay: this.relay?.counters ?? { published: 0, failed: 0, quarantined: 0 },
      ...(this.facts ? { facts: this.facts.counters } : {}),
    };
  }

  /** The service's DataSource once started (for health checks and tests). */
  get database(): DataSource {
    if (!this.dataSource) throw new Error(`${this.config.service} is not started`);
    return this.dataSource;
  }

  protected async startOnce(): Promise<void> {
    const { names, config, definition } = this;
    const dataSource = createDataSource({
      url: config.databaseUrl,
      schema: names.schema,
      applicationName: `barplane:${config.service}`,
    });
    await dataSource.initialize();
    this.dataSource = dataSource;
    await migrateEventStore(dataSource, names.schema, [
      ...(definition.usesFacts ? [hostFactsMigration(names.schema)] : []),
      ...(definition.migrations?.(names.schema) ?? []),
    ]);
    await this.startHeartbeat(dataSource);

    // Every topic here but the commands is an event topic, which a projector rebuild replays.
    const eventTopics = [
      names.eventTopic,
      ...(names.factsTopic ? [names.factsTopic] : []),
      ...names.reactions.map((r) => r.topic),
    ];
    await ensureTopics(this.kafka, [names.commandTopic], { keepForever: eventTopics });

    const publisher = new MessagePublisher(this.kafka);
    await publisher.connect();
    this.publisher = publisher;
    this.relay = new OutboxRelay(dataSource, {
      schema: names.schema,
      publish: (batch) => publisher.publish(batch),
      // A command batch appends an event and an answer per command: publish them in as few
      // broker round trips (one relay transaction each) as the projector's relay does.
      batchSize: OWNER_RELAY_BATCH,
      idleMs: this.options.relayIdleMs,
      onError: (error) => this.logger.warn(`${config.service}: outbox relay: ${error.message}`),
    });
    this.relay.start();

    const store = new EventStore(dataSource, names.schema);
    const inboxTable = qualified(names.schema, 'inbox');
    const processedOf = async (consumer: string, messageIds: string[]) => {
      const rows: { message_id: string }[] = await dataSource.query(
        `SELECT message_id FROM ${inboxTable} WHERE consumer = $1 AND message_id = ANY($2::text[])`,
        [consumer, messageIds],
      );
      return new Set(rows.map((r) => r.message_id));
    };
    // One cache for every writer of this owner's streams in this process (commands, reactions).
    const cache = new StreamCache<S>();
    const factsWait = this.options.factsWait ?? DEFAULT_FACTS_WAIT;
    const crashOf = (groupId: string) => (error: Error) => {
      this.health?.crashed(groupId, error);
      this.logger.error(`${config.service}: consumer ${groupId} crashed: ${error.message}`);
      this.options.onCrash?.(error);
    };

    if (names.factsTopic && names.factsGroup) {
      this.facts = new HostFactsView(dataSource, this.kafka, {
        schema: names.schema,
        topic: names.factsTopic,
        groupId: names.factsGroup,
        inboxConsumer: `${config.service}-facts`,
        retries: this.options.retries,
        onCrash: crashOf(names.factsGroup),
        partitionsConsumedConcurrently: OWNER_PARTITIONS_CONCURRENTLY,
      });
      await this.facts.start();
      this.health?.running(names.factsGroup);
    }

    // Each reaction's runner, once made below: a barrier has it commit what it deferred first.
    const reactionRunners = new Map<string, BatchConsumerRunner>();
    const awaited = (definition.reactions ?? []).flatMap((reaction, i) =>
      reaction.awaitedBy?.length
        ? [
            {
              groupId: names.reactions[i].group,
              topic: names.reactions[i].topic,
              commandTypes: reaction.awaitedBy,
              commitDeferred: async () => reactionRunners.get(names.reactions[i].group)?.commitDeferred(),
            },
          ]
        : [],
    );
    if (awaited.length > 0) {
      this.catchUp = new ReactionCatchUp(
        this.kafka.admin(),
        awaited,
        this.options.catchUpWait ?? DEFAULT_CATCH_UP_WAIT,
      );
      await this.catchUp.start();
    }

    const commands = new CommandHandler<C, E, S>({
      store,
      definition,
      eventTopic: names.eventTopic,
      inboxConsumer: config.service,
      facts: this.facts,
      processedOf,
      factsWait,
      counters: this.count,
      cache,
      catchUp: this.catchUp,
    });
    this.runners.push(
      this.consumer(
        names.commandGroup,
        names.commandTopic,
        async (messages) => {
          await commands.handleMessages(messages);
        },
        crashOf(names.commandGroup),
        (message, error, dlq) => commands.fail(message, error, dlq),
      ),
    );

    for (const [i, reaction] of (definition.reactions ?? []).entries()) {
      const named = names.reactions[i];
      const handler = new ReactionHandler<C, E, S>({
        store,
        definition,
        reaction,
        eventTopic: names.eventTopic,
        inboxConsumer: `${config.service}-${reaction.name}`,
        facts: this.facts,
        processedOf,
        factsWait,
        counters: this.count,
        cache,
      });
      const runner = this.consumer(
        named.group,
        named.topic,
        // A batch of event types this owner does not react to commits its offsets later.
        async (messages) =>
          (await handler.handleMessages(messages)).every((outcome) => outcome === 'skipped') ? 'skipped' : undefined,
        crashOf(named.group),
      );
      reactionRunners.set(named.group, runner);
      this.runners.push(runner);
    }
    await Promise.all(this.runners.map((runner) => runner.start()));
    for (const groupId of [names.commandGroup, ...names.reactions.map((r) => r.group)]) this.health?.running(groupId);
  }

  /**
   * The process's heartbeat row (libs/eventstore Heartbeat), beating from here on: the outbox's
   * backlog, and the consumers (starting until they joined, or crashed), their lag and their
   * dead-letter depth (ConsumerHealth), which the API's readiness check reads.
   */
  private async startHeartbeat(dataSource: DataSource): Promise<void> {
    const { names, config } = this;
    const intervalMs = this.options.heartbeatMs ?? heartbeatMsFromEnv();
    this.health = new ConsumerHealth(
      config.kafkaBrokers,
      [
        { groupId: names.commandGroup, topics: [names.commandTopic] },
        ...(names.factsGroup && names.factsTopic ? [{ groupId: names.factsGroup, topics: [names.factsTopic] }] : []),
        ...names.reactions.map((r) => ({ groupId: r.group, topics: [r.topic] })),
      ],
      { clientId: `${config.namespace}${config.service}-health` },
    );
    this.health.start(intervalMs);
    const health = this.health;
    this.heartbeat = new Heartbeat(dataSource, {
      schema: names.schema,
      service: config.service,
      intervalMs,
      report: () => ({ ...health.report(), relay: { leader: this.relay?.isLeader ?? false, ...this.relay?.counters } }),
      onError: (error) => this.logger.warn(`${config.service}: heartbeat: ${error.message}`),
    });
    await this.heartbeat.start();
  }

  private consumer(
    groupId: string,
    topic: string,
    handle: (messages: ConsumedMessage[]) => Promise<BatchResult>,
    onCrash: (error: Error) => void,
    onDeadLettered?: (message: ConsumedMessage, error: unknown, dlqTopic: string) => Promise<void>,
  ): BatchConsumerRunner {
    // Partition batches decided in offset order and committed in one transaction, those of one
    // fetch together (a failing batch is retried alone, then one message at a time by the
    // runner: the handler sees a batch of one, so a poison message reaches the DLQ alone).
    return new BatchConsumerRunner(
      this.kafka,
      {
        groupId,
        topics: [topic],
        fromBeginning: true,
        retries: this.options.retries,
        onCrash,
        onDeadLettered,
        partitionsConsumedConcurrently: OWNER_PARTITIONS_CONCURRENTLY,
        combinePartitions: true,
      },
      handle,
    );
  }

  protected async stopOnce(): Promise<void> {
    const errors: unknown[] = [];
    const attempt = async (what: () => Promise<unknown> | undefined) => {
      try {
        await what();
      } catch (error) {
        errors.push(error);
      }
    };
    // First of all: a process that is stopping is not there any more for /health.
    await attempt(() => this.heartbeat?.stop());
    await attempt(() => this.health?.stop());
    await Promise.all(this.runners.map((runner) => attempt(() => runner.stop())));
    await attempt(() => this.facts?.stop());
    await attempt(() => this.catchUp?.stop());
    await attempt(() => this.relay?.stop());
    await attempt(() => this.publisher?.disconnect());
    await attempt(() => (this.dataSource?.isInitialized ? this.dataSource.destroy() : undefined));
    if (errors.length > 0) throw errors[0];
  }
}
