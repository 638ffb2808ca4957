// Helpers for the integration tests against the real PostgreSQL (DATABASE_URL).
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../data-source/create-data-source';
import { databaseUrlFromEnv } from '../data-source/database-url';
import { migrateEventStore } from '../schema/migrate-event-store';
import type { EventStore } from '../store/event-store';
import type { NewEvent } from '../store/new-event';
import type { OutboxMessage } from '../store/outbox-message';
import type { StoredEvent } from '../store/stored-event';
import { waitFor as pollUntil } from '../../../messaging/src/testing/wait-for';

export const DATABASE_URL = databaseUrlFromEnv();

/** Unique per test file and run, so reruns and parallel files never share tables. */
export function uniqueSchema(prefix: string): string {
  return `t_${prefix}_${Date.now().toString(36)}_${randomUUID().slice(0, 8)}`;
}

/** An initialized DataSource for `schema`, migrated. */
export async function openMigrated(schema: string, poolSize = 10): Promise<DataSource> {
  const dataSource = createDataSource({ url: DATABASE_URL, schema, poolSize });
  await dataSource.initialize();
  await migrateEventStore(dataSource, schema);
  return dataSource;
}

export async function dropSchema(dataSource: DataSource, schema: string): Promise<void> {
  await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

export function newEvent(hostId: string, eventType: string, data: unknown): NewEvent {
  return { eventId: randomUUID(), eventType, hostId, data, metadata: { correlationId: randomUUID() } };
}

/** waitFor on the database's pace: a shorter deadline, a quicker poll. */
export function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  return pollUntil(what, predicate, timeoutMs, 20);
}

/** One message's inbox claim, as the tests of a single append name it. */
export interface InboxClaim {
  consumer: string;
  messageId: string;
}

/**
 * One stream's append through the store's one write path (EventStore.appendMany), in the shape
 * the tests of a single append read best: the stream's new version, or `{ duplicate: true }`.
 */
export async function appendOne(
  store: EventStore,
  streamId: string,
  streamType: string,
  expectedVersion: bigint,
  events: NewEvent[],
  extras: { inbox?: InboxClaim; outbox?: OutboxMessage[] | ((stored: StoredEvent[]) => OutboxMessage[]) } = {},
): Promise<{ duplicate: false; version: bigint; events: StoredEvent[] } | { duplicate: true }> {
  const { inbox, outbox } = extras;
  const result = await store.appendMany({
    appends: [{ streamId, streamType, expectedVersion, events }],
    inbox: inbox ? { consumer: inbox.consumer, messageIds: [inbox.messageId] } : undefined,
    outbox: typeof outbox === 'function' ? (byId) => outbox(events.map((e) => byId.get(e.eventId)!)) : outbox,
  });
  if (result.duplicate) return { duplicate: true };
  return { duplicate: false, version: result.versions.get(streamId)!, events: result.events };
}
