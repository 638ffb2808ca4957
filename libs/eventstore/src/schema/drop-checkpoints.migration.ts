import type { QueryRunner } from 'typeorm';
import { type MigrationClass, schemaMigration } from './migration-class';
import { qualified } from './schema-name';

const TIMESTAMP = '1798000000000';

/**
 * Drops `<schema>.checkpoints`: no consumer stored Kafka positions there (each one's inbox makes
 * a redelivery harmless, and Kafka keeps the offsets), so the table was only ever empty.
 */
export function dropCheckpointsMigration(schema: string): MigrationClass {
  const table = qualified(schema, 'checkpoints');
  return schemaMigration('DropCheckpoints', schema, TIMESTAMP, {
    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS ${table}`);
    },

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(checkpointsTableSql(table));
    },
  });
}

/** The checkpoints table as EventStoreTables created it (and this migration's down restores it). */
export function checkpointsTableSql(table: string): string {
  return `
    CREATE TABLE ${table} (
      consumer    text        NOT NULL,
      topic       text        NOT NULL,
      partition   int         NOT NULL,
      next_offset bigint      NOT NULL CHECK (next_offset >= 0),
      updated_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, topic, partition)
    )`;
}
