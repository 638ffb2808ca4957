import { decodeEvent, type Envelope, isAnswer, parseEnvelope } from '@barplane/contracts';
import {
  HOST_FACT_EVENT_TYPES,
  type HostFacts,
  type HostRegistryEvent,
  type HostRegistryState,
  evolveHostRegistry,
  hostToJson,
  initialHostRegistryState,
  peToJson,
} from '@barplane/domain';
import { assertSchemaName, Inbox, type MigrationClass, qualified, schemaMigration } from '@barplane/eventstore';
import { BatchConsumerRunner, type ConsumedMessage, type MessagingClient, type RetryPolicy } from '@barplane/messaging';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { FactsSource } from './facts-wait';

type Admin = ReturnType<MessagingClient['admin']>;

/** The folded HostRegistryState in wire form (what host_facts.facts holds). */
export interface HostFactsJson {
  host: Record<string, unknown> | null;
  pes: Record<string, unknown>[];
}

/**
 * `<schema>.host_facts`: per host, the pe-registry state folded from pe.events, and the stream
 * version of the last event applied. Pass to migrateEventStore as an extra migration.
 */
export function hostFactsMigration(schema: string): MigrationClass {
  return schemaMigration('HostFacts', schema, '1764000001000', {
    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE ${qualified(schema, 'host_facts')} (
          host_id        text        PRIMARY KEY,
          facts          jsonb       NOT NULL,
          stream_version bigint      NOT NULL DEFAULT 0,
          updated_at     timestamptz NOT NULL DEFAULT now()
        )`);
    },

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS ${qualified(schema, 'host_facts')}`);
    },
  });
}

export function factsToJson(state: HostRegistryState): HostFactsJson {
  return { host: state.host ? hostToJson(state.host) : null, pes: state.pes.map(peToJson) };
}

function factsOf(state: HostRegistryState): HostFacts | undefined {
  return state.host ? { host: state.host, pes: state.pes } : undefined;
}

export function factsFromJson(json: HostFactsJson): HostRegistryState {
  const host = json.host ? decodeEvent('HostRegistered', { host: json.host }) : undefined;
  const pes = decodeEvent('TopologyImported', { pes: json.pes, added: [], removed: [], changed: [] });
  return {
    host: host?.type === 'HostRegistered' ? host.data.host : null,
    pes: pes.type === 'TopologyImported' ? pes.data.pes : [],
    holds: [],
  };
}

export interface HostFactsViewOptions {
  schema: string;
  /** Namespaced pe.events. */
  topic: string;
  /** Namespaced consumer group, `<service>-facts`. */
  groupId: string;
  /** Inbox consumer name (not namespaced: the schema is). */
  inboxConsumer: string;
  retries?: Partial<RetryPolicy>;
  onCrash?: (error: Error) => void;
  /** Partition batches of pe.events folded at once (different hosts: no contention). */
  partitionsConsumedConcurrently?: number;
}

export interface HostFactsCounters {
  /** pe-registry events folded into host_facts. */
  applied: number;
  /** Redeliveries and already-applied stream versions skipped. */
  duplicates: number;
}

/**
 * What vfio-regions and guest-memory know of each host: pe.events folded into host_facts, one
 * transaction per batch with an inbox claim per event id, the Kafka offset committed after.
 */
export class HostFactsView implements FactsSource {
  private readonly table: string;
  private readonly inbox: Inbox;
  private readonly runner: BatchConsumerRunner;
  private readonly count: HostFactsCounters = { applied: 0, duplicates: 0 };
  /** host_facts rows as last read or committed here, by stream version (newest wins). */
  private readonly known = new Map<string, { version: bigint; facts: HostFacts | undefined }>();
  private admin: Admin | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly kafka: MessagingClient,
    private readonly options: HostFactsViewOptions,
  ) {
    this.table = qualified(assertSchemaName(options.schema), 'host_facts');
    this.inbox = new Inbox(options.schema);
    this.runner = new BatchConsumerRunner(
      kafka,
      {
        groupId: options.groupId,
        topics: [options.topic],
        fromBeginning: true,
        retries: options.retries,
        onCrash: options.onCrash,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
        combinePartitions: true,
      },
      (messages) => this.apply(messages),
    );
  }

  get counters(): HostFactsCounters {
    return { ...this.count };
  }

  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    this.admin = admin;
    await this.runner.start();
  }

  async stop(): Promise<void> {
    await this.runner.stop();
    await this.admin?.disconnect();
    this.admin = undefined;
  }

  /** The host's facts; undefined until its HostRegistered arrived. */
  async load(hostId: string): Promise<HostFacts | undefined> {
    const rows: { facts: HostFactsJson; stream_version: string }[] = await this.dataSource.query(
      `SELECT facts, stream_version FROM ${this.table} WHERE host_id = $1`,
      [hostId],
    );
    if (rows.length === 0) return undefined;
    return this.remember(hostId, BigInt(rows[0].stream_version), factsOf(factsFromJson(rows[0].facts)));
  }

  /**
   * Facts of many hosts in one query that ships a host's facts only when the row moved past the
   * version kept in memory (the view of this process refreshes that as it applies pe.events; a
   * row written elsewhere, e.g. by a second instance, is read here).
   */
  async loadMany(hostIds: readonly string[]): Promise<Map<string, HostFacts | undefined>> {
    const ids = [...new Set(hostIds)];
    const result = new Map<string, HostFacts | undefined>();
    if (ids.length === 0) return result;
    const rows: { host_id: string; stream_version: string; facts: HostFactsJson | null }[] =
      await this.dataSource.query(
        `SELECT h.host_id, h.stream_version, CASE WHEN k.version IS DISTINCT FROM h.stream_version THEN h.facts END AS facts
       FROM ${this.table} h JOIN unnest($1::text[], $2::bigint[]) AS k(host_id, version) ON k.host_id = h.host_id`,
        [ids, ids.map((id) => this.known.get(id)?.version.toString() ?? null)],
      );
    for (const row of rows) {
      const version = BigInt(row.stream_version);
      const facts =
        row.facts === null
          ? this.known.get(row.host_id)?.facts
          : this.remember(row.host_id, version, factsOf(factsFromJson(row.facts)));
      result.set(row.host_id, facts);
    }
    return result;
  }

  private remember(hostId: string, version: bigint, facts: HostFacts | undefined): HostFacts | undefined {
    const current = this.known.get(hostId);
    if (!current || current.version <= version) this.known.set(hostId, { version, facts });
    return facts;
  }

  /** True unless the view's committed offsets reached the end of every pe.events partition. */
  async mightBeStale(): Promise<boolean> {
    const admin = this.admin;
    if (!admin) return true;
    const [committed] = await admin.fetchOffsets({ groupId: this.options.groupId, topics: [this.options.topic] });
    const done = new Map(committed.partitions.map((p) => [p.partition, BigInt(p.offset)]));
    const ends = await admin.fetchTopicOffsets(this.options.topic);
    return ends.some((p) => {
      const at = done.get(p.partition) ?? -1n;
      return at < 0n ? BigInt(p.high) > BigInt(p.low) : at < BigInt(p.high);
    });
  }

  /** Folds one batch in one transaction. A message that is not an envelope throws (DLQ after retries). */
  async apply(messages: ConsumedMessage[]): Promise<void> {
    const envelopes = messages.map((message) => {
      const envelope = parseEnvelope(message.value);
      if (!envelope)
        throw new Error(`${message.topic}[${message.partition}]@${message.offset} is not an event envelope`);
      return envelope;
    });
    let applied = 0;
    let duplicates = 0;
    const folded = new Map<string, { version: bigint; state: HostRegistryState }>();
    await this.dataSource.transaction(async (em) => {
      for (const envelope of envelopes) {
        if (isAnswer(envelope.type) || !(HOST_FACT_EVENT_TYPES as readonly string[]).includes(envelope.type)) continue;
        const next = (await this.inbox.claim(em, this.options.inboxConsumer, envelope.id))
          ? await this.fold(em, envelope)
          : undefined;
        if (!next) {
          duplicates += 1;
        } else {
          applied += 1;
          folded.set(envelope.hostId, next);
        }
      }
    });
    // Committed: the command handlers of this process see the new facts without reading them.
    for (const [hostId, { version, state }] of folded) this.remember(hostId, version, factsOf(state));
    this.count.applied += applied;
    this.count.duplicates += duplicates;
  }

  /** The folded state and version written, or undefined when the event was applied already. */
  private async fold(
    em: EntityManager,
    envelope: Envelope,
  ): Promise<{ version: bigint; state: HostRegistryState } | undefined> {
    const rows: { facts: HostFactsJson; stream_version: string }[] = await em.query(
      `SELECT facts, stream_version FROM ${this.table} WHERE host_id = $1 FOR UPDATE`,
      [envelope.hostId],
    );
    const version = envelope.streamVersion !== undefined ? BigInt(envelope.streamVersion) : undefined;
    const stored = rows.length > 0 ? BigInt(rows[0].stream_version) : 0n;
    if (version !== undefined && version <= stored) return undefined;
    const state = rows.length > 0 ? factsFromJson(rows[0].facts) : initialHostRegistryState();
    const event = decodeEvent(envelope.type, envelope.data) as HostRegistryEvent;
    const next = evolveHostRegistry(state, event);
    await em.query(
      `INSERT INTO ${this.table} (host_id, facts, stream_version) VALUES ($1, $2::jsonb, $3::bigint)
       ON CONFLICT (host_id) DO UPDATE SET facts = EXCLUDED.facts, stream_version = EXCLUDED.stream_version, updated_at = now()`,
      [envelope.hostId, JSON.stringify(factsToJson(next)), (version ?? stored).toString()],
    );
    return { version: version ?? stored, state: next };
  }
}
