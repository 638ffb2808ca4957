import type { EntityManager } from 'typeorm';
import { jsonParam } from '../sql/pg-values';
import { runSql } from '../sql/run-sql';
import { qualified } from '../schema/schema-name';
import type { OutboxMessage } from './outbox-message';

/** LISTEN/NOTIFY channel the relay listens on for `schema` (a hint only; it also polls). */
export function outboxChannel(schema: string): string {
  return `${schema}_outbox`;
}

/**
 * Inserts outbox rows in the caller's transaction and queues a NOTIFY that PostgreSQL delivers
 * only if the transaction commits. One INSERT per message, in array order: the identity values,
 * hence publication order, then follow the array for certain (a multi-row INSERT ... SELECT
 * does in practice, but PostgreSQL does not promise it). Batches here are a handful of rows.
 */
export async function writeOutbox(em: EntityManager, schema: string, messages: OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const table = qualified(schema, 'outbox');
  for (const message of messages) {
    await runSql(
      em,
      `INSERT INTO ${table} (message_id, topic, message_key, headers, payload) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb)`,
      [
        message.messageId,
        message.topic,
        message.key,
        jsonParam(message.headers ?? {}, `outbox ${message.messageId} headers`),
        jsonParam(message.payload, `outbox ${message.messageId} payload`),
      ],
    );
  }
  await runSql(em, `SELECT pg_notify($1, '')`, [outboxChannel(schema)]);
}
