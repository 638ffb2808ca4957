// Set-up shared by the integration tests against the real PostgreSQL (DATABASE_URL).
import type { DataSource } from 'typeorm';
import type { OutboxMessage } from '../store/outbox-message';
import type { StoredEvent } from '../store/stored-event';
import { dropSchema, openMigrated, uniqueSchema } from './postgres-test-kit';

/**
 * A migrated schema of the test file's own (named after `prefix`): opened before its first test and
 * handed to `opened`, dropped after its last. Gives the file the 60 s timeout of a database test.
 */
export function schemaPerFile(prefix: string, opened: (dataSource: DataSource, schema: string) => void): string {
  jest.setTimeout(60_000);
  const schema = uniqueSchema(prefix);
  let dataSource: DataSource | undefined;
  beforeAll(async () => {
    dataSource = await openMigrated(schema);
    opened(dataSource, schema);
  });
  afterAll(async () => {
    if (!dataSource) return;
    await dropSchema(dataSource, schema);
    await dataSource.destroy();
  });
  return schema;
}

/** An outbox of stored events: one message each on pe.events keyed by its host, with `payload` (and `headers`). */
export function outboxOf(
  payload: (event: StoredEvent) => unknown,
  headers?: (event: StoredEvent) => Record<string, string>,
): (stored: StoredEvent[]) => OutboxMessage[] {
  return (stored) =>
    stored.map((e) => ({
      messageId: e.eventId,
      topic: 'pe.events',
      key: e.hostId,
      ...(headers ? { headers: headers(e) } : {}),
      payload: payload(e),
    }));
}

/** Runs `body` on a fresh schema (not migrated), dropped afterwards whatever happens. */
export async function withScratchSchema(dataSource: DataSource, body: (schema: string) => Promise<void>) {
  const schema = uniqueSchema('mig');
  try {
    await body(schema);
  } finally {
    await dropSchema(dataSource, schema);
  }
}
