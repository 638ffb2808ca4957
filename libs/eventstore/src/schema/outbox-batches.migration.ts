import type { QueryRunner } from 'typeorm';
import { type MigrationClass, schemaMigration } from './migration-class';
import { qualified } from './schema-name';

const TIMESTAMP = '1764800000000';

// The lines of a row in SQL (outbox-lines.ts), spelt out here so the migration stays as written.
const L = {
  lines: (column: string) => `string_to_table(${column}, chr(10)) WITH ORDINALITY AS l(line, ord)`,
  head: `split_part(l.line, chr(9), 1)::json`,
  value: `substr(l.line, strpos(l.line, chr(9)) + 1)::json`,
};

/**
 * One outbox row per transaction instead of one per message: `messages` holds the
 * transaction's messages in publication order, as outbox lines (outbox-lines.ts). A batch of
 * 150 commands then costs the outbox one insert, one read and one update instead of 300 of
 * each (measured: the per-message rows were ~60 % of PostgreSQL's time in the pipeline bench).
 * Plain `text`: only the relay reads it, as text, and validating a row of a few hundred
 * kilobytes as `json` (or building a `jsonb`) on every insert was the most expensive statement
 * of a batch. Rows still pending are converted, so an upgrade loses nothing. `outbox_messages`
 * shows one row per message, for people and tests that query the outbox.
 */
export function outboxBatchesMigration(schema: string): MigrationClass {
  const t = (table: string) => qualified(schema, table);
  return schemaMigration('OutboxBatches', schema, TIMESTAMP, {
    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`ALTER TABLE ${t('outbox')} ADD COLUMN messages text, ADD COLUMN message_count int`);
      await runner.query(`
        UPDATE ${t('outbox')} SET message_count = 1,
          messages = json_build_object('messageId', message_id, 'topic', topic, 'key', message_key, 'headers', headers)::text || chr(9) || payload::text`);
      await runner.query(`
        ALTER TABLE ${t('outbox')}
          ALTER COLUMN messages SET NOT NULL,
          ALTER COLUMN message_count SET NOT NULL,
          DROP COLUMN message_id, DROP COLUMN topic, DROP COLUMN message_key, DROP COLUMN headers, DROP COLUMN payload`);
      // Stored out of line uncompressed: a row lives for milliseconds, and pglz on a few hundred
      // kilobytes cost as much as the rest of the insert (measured: 4.5 instead of 10 ms per
      // 480 KB row).
      await runner.query(`ALTER TABLE ${t('outbox')} ALTER COLUMN messages SET STORAGE EXTERNAL`);
      await runner.query(`
        CREATE VIEW ${t('outbox_messages')} AS
        SELECT o.id AS outbox_id, l.ord::int AS position, ${L.head}->>'messageId' AS message_id, ${L.head}->>'topic' AS topic,
               ${L.head}->>'key' AS message_key, ${L.head}->'headers' AS headers, ${L.value} AS payload, o.created_at, o.published_at
        FROM ${t('outbox')} o CROSS JOIN LATERAL ${L.lines('o.messages')}`);
    },

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP VIEW ${t('outbox_messages')}`);
      await runner.query(
        `ALTER TABLE ${t('outbox')} ADD COLUMN message_id uuid, ADD COLUMN topic text, ADD COLUMN message_key text, ADD COLUMN headers jsonb, ADD COLUMN payload jsonb`,
      );
      // One row per message again; ids are re-drawn in (row, position) order.
      await runner.query(`
        INSERT INTO ${t('outbox')} (message_id, topic, message_key, headers, payload, messages, message_count, created_at, published_at, attempts, last_error)
        SELECT (${L.head}->>'messageId')::uuid, ${L.head}->>'topic', ${L.head}->>'key', (${L.head}->'headers')::jsonb, ${L.value}::jsonb,
               '', 0, created_at, published_at, attempts, last_error
        FROM ${t('outbox')} o CROSS JOIN LATERAL ${L.lines('o.messages')} ORDER BY o.id, l.ord`);
      await runner.query(`DELETE FROM ${t('outbox')} WHERE message_id IS NULL`);
      await runner.query(`
        ALTER TABLE ${t('outbox')} DROP COLUMN messages, DROP COLUMN message_count,
          ALTER COLUMN message_id SET NOT NULL, ALTER COLUMN topic SET NOT NULL, ALTER COLUMN message_key SET NOT NULL,
          ALTER COLUMN headers SET NOT NULL, ALTER COLUMN headers SET DEFAULT '{}', ALTER COLUMN payload SET NOT NULL,
          ADD CONSTRAINT outbox_message_id_key UNIQUE (message_id)`);
    },
  });
}
