import type { DataSource, EntityManager } from 'typeorm';
import { ConcurrencyError } from '../errors/concurrency.error';
import { EventStoreError } from '../errors/event-store.error';
import { assertSchemaName, qualified } from '../schema/schema-name';
import { DEADLOCK_DETECTED, int8, int8Param, jsonParam, sqlState, UNIQUE_VIOLATION } from '../sql/pg-values';
import { runSql } from '../sql/run-sql';
import type { AppendManyInput, AppendManyResult } from './append-many';
import { writeOutbox } from './outbox-writer';
import type { StoredEvent } from './stored-event';
import {
  ASSIGNED_COLUMNS,
  type AssignedColumns,
  EVENT_COLUMNS,
  type EventRow,
  eventColumns,
  storedEvent,
  toStoredEvent,
} from './stored-event-row';

export interface ReadStreamResult {
  /** 0n for a stream that does not exist. */
  version: bigint;
  events: StoredEvent[];
}

// Constraints whose violation means "someone else appended to this stream first".
const STREAM_CONSTRAINTS = new Set(['event_streams_pkey', 'events_stream_version_uq']);

/**
 * One service's event store: streams with optimistic concurrency, the transactional outbox and
 * the inbox of the command or event being handled, all in the service's own schema. Every
 * write path is a single transaction on one EntityManager, so events, outbox rows and the
 * inbox row commit or vanish together.
 */
export class EventStore {
  private readonly schema: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
  ) {
    this.schema = assertSchemaName(schema);
  }

  /** The stream's events in version order, and its version (that of the last event). */
  async readStream(streamId: string): Promise<ReadStreamResult> {
    const { rows } = await runSql<EventRow>(
      this.dataSource.manager,
      `SELECT ${EVENT_COLUMNS} FROM ${this.table('events')} WHERE stream_id = $1 ORDER BY stream_version`,
      [streamId],
    );
    const events = rows.map(toStoredEvent);
    return { version: events.at(-1)?.streamVersion ?? 0n, events };
  }

  /** Several streams in one query: each one's events in version order and its version (0n: none). */
  async readStreams(streamIds: readonly string[]): Promise<Map<string, ReadStreamResult>> {
    const result = new Map<string, ReadStreamResult>(streamIds.map((id) => [id, { version: 0n, events: [] }]));
    if (streamIds.length === 0) return result;
    const { rows } = await runSql<EventRow>(
      this.dataSource.manager,
      `SELECT ${EVENT_COLUMNS} FROM ${this.table('events')} WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, stream_version`,
      [[...new Set(streamIds)]],
    );
    for (const row of rows) {
      const event = toStoredEvent(row);
      const read = result.get(event.streamId)!;
      read.events.push(event);
      read.version = event.streamVersion;
    }
    return result;
  }

  /** The stream's current version, 0n when it does not exist. */
  async streamVersion(streamId: string, em: EntityManager = this.dataSource.manager): Promise<bigint> {
    const { rows } = await runSql<{ version: string }>(
      em,
      `SELECT version FROM ${this.table('event_streams')} WHERE stream_id = $1`,
      [streamId],
    );
    return rows.length === 0 ? 0n : int8(rows[0].version, 'version');
  }

  /**
   * A whole batch in one transaction and a fixed number of statements, whatever its size: the
   * inbox claims of every message, each stream's version check and advance, every event, and
   * one outbox row with every message (in array order) and its NOTIFY. Returns
   * `{ duplicates }`, writing nothing, when any message is already in the inbox; throws
   * ConcurrencyError (for the first stream found elsewhere, or when the batch deadlocked with
   * another writer of its streams) and writes nothing when any stream is not at its expected
   * version.
   */
  async appendMany(input: AppendManyInput): Promise<AppendManyResult> {
    const streams = new Set<string>();
    for (const append of input.appends) {
      if (append.expectedVersion < 0n)
        throw new EventStoreError(
          'INVALID_ARGUMENT',
          `${append.streamId}: expected version ${append.expectedVersion} < 0`,
        );
      if (append.events.length === 0)
        throw new EventStoreError('INVALID_ARGUMENT', `${append.streamId}: an append needs at least one event`);
      if (streams.has(append.streamId))
        throw new EventStoreError('INVALID_ARGUMENT', `${append.streamId} appears twice in one batch`);
      streams.add(append.streamId);
    }
    try {
      return await this.dataSource.transaction(async (em): Promise<AppendManyResult> => {
        if (input.inbox && input.inbox.messageIds.length > 0) {
          const wanted = [...new Set(input.inbox.messageIds)];
          const { rows } = await runSql<{ message_id: string }>(
            em,
            `INSERT INTO ${this.table('inbox')} (consumer, message_id) SELECT $1, m FROM unnest($2::text[]) AS m
             ON CONFLICT DO NOTHING RETURNING message_id`,
            [input.inbox.consumer, wanted],
          );
          if (rows.length < wanted.length) {
            const claimed = new Set(rows.map((r) => r.message_id));
            // Throwing rolls the claims back; the caller decides again without the duplicates.
            throw new DuplicatesFound(wanted.filter((id) => !claimed.has(id)));
          }
        }
        await this.advanceStreams(em, input.appends);
        const stored = await this.insertEvents(em, input.appends, input.eventOrder);
        const byId = new Map(stored.map((event) => [event.eventId, event]));
        const outbox = typeof input.outbox === 'function' ? input.outbox(byId) : (input.outbox ?? []);
        await writeOutbox(em, this.schema, outbox);
        const versions = new Map(input.appends.map((a) => [a.streamId, a.expectedVersion + BigInt(a.events.length)]));
        return { duplicate: false, versions, events: stored };
      });
    } catch (error) {
      if (error instanceof DuplicatesFound) return { duplicate: true, duplicates: error.messageIds };
      if (error instanceof ConcurrencyError) throw error;
      const constraint = (error as { constraint?: string }).constraint;
      const lostRace =
        (sqlState(error) === UNIQUE_VIOLATION && constraint && STREAM_CONSTRAINTS.has(constraint)) ||
        sqlState(error) === DEADLOCK_DETECTED;
      if (lostRace && input.appends.length > 0) {
        const first = input.appends[0];
        throw new ConcurrencyError(first.streamId, first.expectedVersion, await this.streamVersion(first.streamId));
      }
      throw error;
    }
  }

  /**
   * The optimistic-concurrency check, every stream in one statement: streams it did not move are
   * elsewhere. Concurrent appends at the same expected version serialise on the stream row: the
   * loser's INSERT or UPDATE waits for the winner's commit, then finds the row present or its
   * version moved, and matches nothing.
   */
  private async advanceStreams(em: EntityManager, appends: AppendManyInput['appends']): Promise<void> {
    if (appends.length === 0) return;
    const sorted = [...appends].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
    const table = this.table('event_streams');
    const { rows } = await runSql<{ stream_id: string }>(
      em,
      `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS i(stream_id, stream_type, expected, next)
       ), updated AS (
         UPDATE ${table} s SET version = i.next FROM input i
         WHERE s.stream_id = i.stream_id AND i.expected > 0 AND s.version = i.expected
         RETURNING s.stream_id
       ), created AS (
         INSERT INTO ${table} (stream_id, stream_type, version)
         SELECT stream_id, stream_type, next FROM input WHERE expected = 0 ORDER BY stream_id
         ON CONFLICT (stream_id) DO NOTHING RETURNING stream_id
       )
       SELECT stream_id FROM updated UNION ALL SELECT stream_id FROM created`,
      [
        sorted.map((a) => a.streamId),
        sorted.map((a) => a.streamType),
        sorted.map((a) => int8Param(a.expectedVersion)),
        sorted.map((a) => int8Param(a.expectedVersion + BigInt(a.events.length))),
      ],
    );
    if (rows.length === sorted.length) return;
    const moved = new Set(rows.map((r) => r.stream_id));
    const stale = sorted.find((a) => !moved.has(a.streamId))!;
    throw new ConcurrencyError(stale.streamId, stale.expectedVersion, await this.streamVersion(stale.streamId, em));
  }

  /** Every event of the batch in one INSERT, in `order` (else array order); returned in that order. */
  private async insertEvents(
    em: EntityManager,
    appends: AppendManyInput['appends'],
    order?: readonly string[],
  ): Promise<StoredEvent[]> {
    let rows = appends.flatMap((append) =>
      append.events.map((event, i) => ({
        streamId: append.streamId,
        streamVersion: int8Param(append.expectedVersion + BigInt(i + 1)),
        ...eventColumns(event),
      })),
    );
    if (rows.length === 0) return [];
    if (order) {
      const byId = new Map(rows.map((row) => [row.eventId, row]));
      const ordered = order.map((id) => byId.get(id));
      if (
        ordered.length !== rows.length ||
        new Set(order).size !== rows.length ||
        ordered.some((row) => row === undefined)
      ) {
        throw new EventStoreError('INVALID_ARGUMENT', 'eventOrder must list every event of the batch once');
      }
      rows = ordered as typeof rows;
    }
    const { rows: inserted } = await runSql<AssignedColumns>(
      em,
      `INSERT INTO ${this.table('events')}
         (stream_id, stream_version, event_id, event_type, schema_version, host_id, data, metadata)
       SELECT x->>'streamId', (x->>'streamVersion')::bigint, (x->>'eventId')::uuid, x->>'eventType', (x->>'schemaVersion')::int,
              x->>'hostId', x->'data', x->'metadata'
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(x, ord) ORDER BY ord
       RETURNING ${ASSIGNED_COLUMNS}`,
      [jsonParam(rows, 'batch events')],
    );
    const byId = new Map(inserted.map((row) => [row.event_id, row]));
    return rows.map((row) => {
      const assigned = byId.get(row.eventId.toLowerCase());
      if (!assigned)
        throw new EventStoreError('INVALID_ARGUMENT', `event ${row.eventId} was not returned by the insert`);
      return storedEvent(row.streamId, BigInt(row.streamVersion), row, assigned);
    });
  }

  private table(name: string): string {
    return qualified(this.schema, name);
  }
}

/** Internal: rolls a batch back when some of its inbox claims were already taken. */
class DuplicatesFound extends Error {
  constructor(readonly messageIds: string[]) {
    super(`${messageIds.length} message(s) already processed`);
  }
}
