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

/**
 * writeOutbox for a batch: every row in one INSERT ... SELECT over the array WITH ORDINALITY,
 * ORDER BY the ordinal, with the NOTIFY in the same statement. The identity default is evaluated
 * above the sort, so ids (publication order) follow the array.
 */
export async function writeOutboxMany(em: EntityManager, schema: string, messages: OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const rows = messages.map((m) => ({ messageId: m.messageId, topic: m.topic, key: m.key, headers: m.headers ?? {}, payload: m.payload ?? null }));
  await runSql(
    em,
    `WITH inserted AS (
       INSERT INTO ${qualified(schema, 'outbox')} (message_id, topic, message_key, headers, payload)
       SELECT (x->>'messageId')::uuid, x->>'topic', x->>'key', x->'headers', x->'payload'
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(x, ord) ORDER BY ord
       RETURNING 1
     )
     SELECT pg_notify($2, '') FROM (SELECT count(*) FROM inserted) AS n`,
    [jsonParam(rows, 'batch outbox'), outboxChannel(schema)],
  );
}
