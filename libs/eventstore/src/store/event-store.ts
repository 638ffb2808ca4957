import type { DataSource, EntityManager } from 'typeorm';
import { Inbox } from '../consumer/inbox';
import { ConcurrencyError } from '../errors/concurrency.error';
import { EventStoreError } from '../errors/event-store.error';
import { assertSchemaName, qualified } from '../schema/schema-name';
import { DEADLOCK_DETECTED, int8, int8Param, jsonParam, sqlState, UNIQUE_VIOLATION } from '../sql/pg-values';
import { runSql } from '../sql/run-sql';
import type { AppendManyInput, AppendManyResult } from './append-many';
import type { AppendExtras, AppendResult, RecordResult } from './append-options';
import type { NewEvent } from './new-event';
import type { OutboxMessage } from './outbox-message';
import { writeOutbox } from './outbox-writer';
import type { StoredEvent } from './stored-event';
import { ASSIGNED_COLUMNS, type AssignedColumns, EVENT_COLUMNS, type EventRow, storedEvent, toStoredEvent } from './stored-event-row';

export interface ReadStreamResult {
  /** 0n for a stream that does not exist. */
  version: bigint;
  events: StoredEvent[];
}

export interface ReadAllOptions {
  /** Exclusive; 0n (the default) reads from the start. */
  afterPosition?: bigint;
  limit?: number;
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
  private readonly inbox: Inbox;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
  ) {
    this.schema = assertSchemaName(schema);
    this.inbox = new Inbox(schema);
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
   * Appends `events` to a stream at `expectedVersion` (0n: the stream must not exist yet), with
   * the outbox rows and the inbox claim in the same transaction. Throws ConcurrencyError when the
   * stream is elsewhere; returns `{ duplicate: true }`, writing nothing, when the inbox already
   * holds the message.
   */
  async append(
    streamId: string,
    streamType: string,
    expectedVersion: bigint,
    events: NewEvent[],
    extras: AppendExtras = {},
  ): Promise<AppendResult> {
    if (expectedVersion < 0n) throw new EventStoreError('INVALID_ARGUMENT', `expected version ${expectedVersion} < 0`);
    if (events.length === 0) throw new EventStoreError('INVALID_ARGUMENT', 'append needs at least one event; use record()');
    try {
      return await this.dataSource.transaction(async (em): Promise<AppendResult> => {
        // First, so a redelivered command or event stops before touching the stream.
        if (extras.inbox && !(await this.inbox.claim(em, extras.inbox.consumer, extras.inbox.messageId))) {
          return { duplicate: true };
        }
        const version = expectedVersion + BigInt(events.length);
        await this.advanceStream(em, streamId, streamType, expectedVersion, version);
        const stored: StoredEvent[] = [];
        for (const [i, event] of events.entries()) {
          stored.push(await this.insertEvent(em, streamId, expectedVersion + BigInt(i + 1), event));
        }
        await writeOutbox(em, this.schema, this.outboxFor(extras, stored));
        return { duplicate: false, version, events: stored };
      });
    } catch (error) {
      // Backstop: the stream row or UNIQUE(stream_id, stream_version) caught a race the version
      // check did not (e.g. stream rows written by other code). Same meaning: a conflict.
      const constraint = (error as { constraint?: string }).constraint;
      if (sqlState(error) === UNIQUE_VIOLATION && constraint && STREAM_CONSTRAINTS.has(constraint)) {
        throw new ConcurrencyError(streamId, expectedVersion, await this.streamVersion(streamId));
      }
      throw error;
    }
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
      if (append.expectedVersion < 0n) throw new EventStoreError('INVALID_ARGUMENT', `${append.streamId}: expected version ${append.expectedVersion} < 0`);
      if (append.events.length === 0) throw new EventStoreError('INVALID_ARGUMENT', `${append.streamId}: an append needs at least one event`);
      if (streams.has(append.streamId)) throw new EventStoreError('INVALID_ARGUMENT', `${append.streamId} appears twice in one batch`);
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
      const lostRace = (sqlState(error) === UNIQUE_VIOLATION && constraint && STREAM_CONSTRAINTS.has(constraint)) || sqlState(error) === DEADLOCK_DETECTED;
      if (lostRace && input.appends.length > 0) {
        const first = input.appends[0];
        throw new ConcurrencyError(first.streamId, first.expectedVersion, await this.streamVersion(first.streamId));
      }
      throw error;
    }
  }

  /**
   * Commits an answer that appends no event (a rejected command): outbox rows and the inbox claim
   * in one transaction, so a redelivered command is answered once.
   */
  async record(extras: AppendExtras): Promise<RecordResult> {
    return this.dataSource.transaction(async (em) => {
      if (extras.inbox && !(await this.inbox.claim(em, extras.inbox.consumer, extras.inbox.messageId))) {
        return { duplicate: true };
      }
      await writeOutbox(em, this.schema, this.outboxFor(extras, []));
      return { duplicate: false };
    });
  }

  /**
   * Events of every stream in global_position order, for rebuilds. Gap-free: positions are
   * handed out before commit, so a plain `position > last` read could pass over a row whose
   * transaction commits later and never see it. Taking SHARE on the events table waits for
   * in-flight appends to finish (and holds new ones for the length of this one read), so the
   * page returned is a complete prefix after `afterPosition`.
   */
  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const after = options.afterPosition ?? 0n;
    const limit = options.limit ?? 1000;
    if (!Number.isInteger(limit) || limit <= 0) throw new EventStoreError('INVALID_ARGUMENT', `limit ${limit}`);
    return this.dataSource.transaction(async (em) => {
      await runSql(em, `LOCK TABLE ${this.table('events')} IN SHARE MODE`);
      const { rows } = await runSql<EventRow>(
        em,
        `SELECT ${EVENT_COLUMNS} FROM ${this.table('events')}
         WHERE global_position > $1::bigint ORDER BY global_position LIMIT $2`,
        [int8Param(after), limit],
      );
      return rows.map(toStoredEvent);
    });
  }

  /**
   * The optimistic-concurrency check. Concurrent appends at the same expected version serialise
   * on the stream row: the loser's INSERT or UPDATE waits for the winner's commit, then finds
   * the row present or its version moved, and matches nothing.
   */
  private async advanceStream(
    em: EntityManager,
    streamId: string,
    streamType: string,
    expected: bigint,
    next: bigint,
  ): Promise<void> {
    const { rowCount, rows } =
      expected === 0n
        ? await runSql(
            em,
            `INSERT INTO ${this.table('event_streams')} (stream_id, stream_type, version) VALUES ($1, $2, $3::bigint)
             ON CONFLICT (stream_id) DO NOTHING RETURNING version`,
            [streamId, streamType, int8Param(next)],
          )
        : await runSql(
            em,
            `UPDATE ${this.table('event_streams')} SET version = $3::bigint WHERE stream_id = $1 AND version = $2::bigint`,
            [streamId, int8Param(expected), int8Param(next)],
          );
    if (rowCount === 0 && rows.length === 0) {
      throw new ConcurrencyError(streamId, expected, await this.streamVersion(streamId, em));
    }
  }

  /** advanceStream for many streams in one statement: streams it did not move are elsewhere. */
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
  private async insertEvents(em: EntityManager, appends: AppendManyInput['appends'], order?: readonly string[]): Promise<StoredEvent[]> {
    let rows = appends.flatMap((append) =>
      append.events.map((event, i) => ({
        streamId: append.streamId,
        streamVersion: int8Param(append.expectedVersion + BigInt(i + 1)),
        eventId: event.eventId,
        eventType: event.eventType,
        schemaVersion: event.schemaVersion ?? 1,
        hostId: event.hostId,
        data: event.data ?? null,
        metadata: event.metadata ?? {},
      })),
    );
    if (rows.length === 0) return [];
    if (order) {
      const byId = new Map(rows.map((row) => [row.eventId, row]));
      const ordered = order.map((id) => byId.get(id));
      if (ordered.length !== rows.length || new Set(order).size !== rows.length || ordered.some((row) => row === undefined)) {
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
      if (!assigned) throw new EventStoreError('INVALID_ARGUMENT', `event ${row.eventId} was not returned by the insert`);
      return storedEvent(row.streamId, BigInt(row.streamVersion), row, assigned);
    });
  }

  private async insertEvent(em: EntityManager, streamId: string, version: bigint, event: NewEvent): Promise<StoredEvent> {
    const { rows } = await runSql<AssignedColumns>(
      em,
      `INSERT INTO ${this.table('events')}
         (stream_id, stream_version, event_id, event_type, schema_version, host_id, data, metadata)
       VALUES ($1, $2::bigint, $3, $4, $5, $6, $7::jsonb, $8::jsonb)
       RETURNING ${ASSIGNED_COLUMNS}`,
      [
        streamId,
        int8Param(version),
        event.eventId,
        event.eventType,
        event.schemaVersion ?? 1,
        event.hostId,
        jsonParam(event.data, `event ${event.eventId} data`),
        jsonParam(event.metadata ?? {}, `event ${event.eventId} metadata`),
      ],
    );
    return storedEvent(streamId, version, event, rows[0]);
  }

  private outboxFor(extras: AppendExtras, stored: StoredEvent[]): OutboxMessage[] {
    if (typeof extras.outbox === 'function') return extras.outbox(stored);
    return extras.outbox ?? [];
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
