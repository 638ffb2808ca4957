import type { QueryRunner } from 'typeorm';
import { type MigrationClass, schemaMigration } from './migration-class';
import { checkpointsTableSql } from './drop-checkpoints.migration';
import { qualified } from './schema-name';

// TypeORM reads a migration's timestamp from the last 13 characters of its name.
const TIMESTAMP = '1764000000000';

/**
 * The event store's tables for one service schema. A class factory, not a plain class, because
 * the schema varies per service (TypeORM's `migrations` option takes classes and instantiates
 * them). The name embeds the schema so that two schemas' migrations never share a name.
 */
export function createEventStoreTablesMigration(schema: string): MigrationClass {
  const t = (table: string) => qualified(schema, table);
  return schemaMigration('EventStoreTables', schema, TIMESTAMP, {
    async up(runner: QueryRunner): Promise<void> {
      // One row per stream: the optimistic-concurrency token (version = number of events).
      await runner.query(`
        CREATE TABLE ${t('event_streams')} (
          stream_id   text   PRIMARY KEY,
          stream_type text   NOT NULL,
          version     bigint NOT NULL CHECK (version >= 0)
        )`);
      // Append-only log. tx_id lets readers order by commit visibility (sequence values are
      // handed out before commit, so positions alone can have in-flight gaps); occurred_at uses
      // clock_timestamp() so each event carries the time it was written, not the start of its
      // transaction, and that exact value is what envelopes and replays see.
      await runner.query(`
        CREATE TABLE ${t('events')} (
          global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          stream_id       text        NOT NULL,
          stream_version  bigint      NOT NULL CHECK (stream_version >= 1),
          event_id        uuid        NOT NULL UNIQUE,
          event_type      text        NOT NULL,
          schema_version  int         NOT NULL DEFAULT 1,
          host_id         text        NOT NULL,
          data            jsonb       NOT NULL,
          metadata        jsonb       NOT NULL DEFAULT '{}',
          tx_id           xid8        NOT NULL DEFAULT pg_current_xact_id(),
          occurred_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
          CONSTRAINT events_stream_version_uq UNIQUE (stream_id, stream_version)
        )`);
      await runner.query(`CREATE INDEX events_tx_pos_idx ON ${t('events')} (tx_id, global_position)`);
      // Transactional outbox: written with the events, published later by the relay.
      await runner.query(`
        CREATE TABLE ${t('outbox')} (
          id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          message_id   uuid        NOT NULL UNIQUE,
          topic        text        NOT NULL,
          message_key  text        NOT NULL,
          headers      jsonb       NOT NULL DEFAULT '{}',
          payload      jsonb       NOT NULL,
          created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
          published_at timestamptz,
          attempts     int         NOT NULL DEFAULT 0,
          last_error   text
        )`);
      // The relay only ever looks at unpublished rows; a partial index keeps that scan small
      // however many published rows accumulate.
      await runner.query(`CREATE INDEX outbox_unpublished_idx ON ${t('outbox')} (id) WHERE published_at IS NULL`);
      // Idempotent consumers: one row per (consumer, message) processed, written with the effects.
      await runner.query(`
        CREATE TABLE ${t('inbox')} (
          consumer     text        NOT NULL,
          message_id   text        NOT NULL,
          processed_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (consumer, message_id)
        )`);
      // Meant for Kafka positions stored beside the effects; never used, and dropped by
      // DropCheckpoints (which keeps the table's definition for its down).
      await runner.query(checkpointsTableSql(t('checkpoints')));
    },

    async down(runner: QueryRunner): Promise<void> {
      for (const table of ['checkpoints', 'inbox', 'outbox', 'events', 'event_streams']) {
        await runner.query(`DROP TABLE IF EXISTS ${t(table)}`);
      }
    },
  });
}
