import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { MigrationClass } from './migration-class';
import { assertSchemaName, qualified } from './schema-name';

const TIMESTAMP = '1798000000000';

/**
 * Drops `<schema>.checkpoints`: no consumer stored Kafka positions there (each one's inbox makes
 * a redelivery harmless, and Kafka keeps the offsets), so the table was only ever empty.
 */
export function dropCheckpointsMigration(schema: string): MigrationClass {
  assertSchemaName(schema);
  const name = `DropCheckpoints_${schema}_${TIMESTAMP}`;
  const table = qualified(schema, 'checkpoints');

  const migration = class implements MigrationInterface {
    readonly name = name;

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS ${table}`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE ${table} (
          consumer    text        NOT NULL,
          topic       text        NOT NULL,
          partition   int         NOT NULL,
          next_offset bigint      NOT NULL CHECK (next_offset >= 0),
          updated_at  timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (consumer, topic, partition)
        )`);
    }
  };
  Object.defineProperty(migration, 'name', { value: name });
  return migration;
}
