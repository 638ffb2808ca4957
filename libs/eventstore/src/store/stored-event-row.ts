import { int8 } from '../sql/pg-values';
import type { NewEvent } from './new-event';
import type { StoredEvent } from './stored-event';

/**
 * occurred_at rendered by PostgreSQL itself, in UTC with all six fractional digits: a JS Date
 * would cut it to milliseconds, and then a replay from the store would disagree with the
 * envelope published at commit.
 */
export const OCCURRED_AT_ISO = `to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Columns selected (or returned) for a StoredEvent, matching EventRow. */
export const EVENT_COLUMNS = `global_position, stream_id, stream_version, event_id, event_type, schema_version,
  host_id, data, metadata, ${OCCURRED_AT_ISO} AS occurred_at`;

/** An events row as pg returns it: int8 as string, jsonb parsed, uuid as lowercase text. */
export interface EventRow {
  global_position: string;
  stream_id: string;
  stream_version: string;
  event_id: string;
  event_type: string;
  schema_version: number;
  host_id: string;
  data: unknown;
  metadata: Record<string, unknown>;
  occurred_at: string;
}

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    globalPosition: int8(row.global_position, 'global_position'),
    streamId: row.stream_id,
    streamVersion: int8(row.stream_version, 'stream_version'),
    eventId: row.event_id,
    eventType: row.event_type,
    schemaVersion: row.schema_version,
    hostId: row.host_id,
    data: row.data,
    metadata: row.metadata,
    occurredAt: row.occurred_at,
  };
}

/**
 * What an insert gets back: only what the database assigns (position, commit-clock time, the
 * uuid as it renders it). Data and metadata are what was sent, not parsed again from the
 * answer; appends and reads then agree on values (jsonb keeps values, not key order).
 */
export const ASSIGNED_COLUMNS = `global_position, event_id, ${OCCURRED_AT_ISO} AS occurred_at`;

export interface AssignedColumns {
  global_position: string;
  event_id: string;
  occurred_at: string;
}

export function storedEvent(
  streamId: string,
  streamVersion: bigint,
  event: NewEvent,
  assigned: AssignedColumns,
): StoredEvent {
  return {
    globalPosition: int8(assigned.global_position, 'global_position'),
    streamId,
    streamVersion,
    ...eventColumns(event),
    eventId: assigned.event_id,
    occurredAt: assigned.occurred_at,
  };
}

/** A new event's columns as stored: its defaults filled in. */
export function eventColumns(event: NewEvent) {
  return {
    eventId: event.eventId,
    eventType: event.eventType,
    schemaVersion: event.schemaVersion ?? 1,
    hostId: event.hostId,
    data: event.data ?? null,
    metadata: event.metadata ?? {},
  };
}
