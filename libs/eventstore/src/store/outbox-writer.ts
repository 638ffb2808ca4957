import type { EntityManager } from 'typeorm';
import { EventStoreError } from '../errors/event-store.error';
import { qualified } from '../schema/schema-name';
import { runSql } from '../sql/run-sql';
import type { OutboxMessage } from './outbox-message';
import { outboxLines } from './outbox-lines';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** LISTEN/NOTIFY channel the relay listens on for `schema` (a hint only; it also polls). */
export function outboxChannel(schema: string): string {
  return `${schema}_outbox`;
}

/**
 * Writes a transaction's messages as one outbox row, in array order (the order the relay
 * publishes them in), and queues a NOTIFY that PostgreSQL delivers only if the transaction
 * commits; both in one statement. One row whatever the count: the outbox costs a batch one
 * insert, and the relay one read and one update.
 */
export async function writeOutbox(
  em: EntityManager,
  schema: string,
  messages: readonly OutboxMessage[],
): Promise<void> {
  if (messages.length === 0) return;
  // Consumers dedupe by message id: refuse what is not a uuid before anything is written.
  for (const m of messages) {
    if (!UUID.test(m.messageId))
      throw new EventStoreError('INVALID_ARGUMENT', `outbox message id ${JSON.stringify(m.messageId)} is not a uuid`);
  }
  await runSql(
    em,
    `WITH inserted AS (INSERT INTO ${qualified(schema, 'outbox')} (messages, message_count) VALUES ($1, $2) RETURNING 1)
     SELECT pg_notify($3, '') FROM inserted`,
    [outboxLines(messages), messages.length, outboxChannel(schema)],
  );
}
