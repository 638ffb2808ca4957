import type { MigrationInterface, QueryRunner } from 'typeorm';
import { assertSchemaName } from './schema-name';

/** What TypeORM's `migrations` option accepts: a class it instantiates with no arguments. */
export type MigrationClass = new () => MigrationInterface;

/** What a migration does to its schema, forward and back. */
export interface MigrationSteps {
  up(runner: QueryRunner): Promise<void>;
  down(runner: QueryRunner): Promise<void>;
}

/**
 * A migration of one schema as TypeORM takes it: a class (its `migrations` option instantiates
 * them), named `<base>_<schema>_<timestamp>` so that two schemas' migrations never share a name
 * and TypeORM reads the timestamp from the last 13 characters.
 */
export function schemaMigration(
  base: string,
  schema: string,
  timestamp: string,
  steps: MigrationSteps,
): MigrationClass {
  assertSchemaName(schema);
  const name = `${base}_${schema}_${timestamp}`;
  const migration = class implements MigrationInterface {
    readonly name = name;
    up(runner: QueryRunner): Promise<void> {
      return steps.up(runner);
    }
    down(runner: QueryRunner): Promise<void> {
      return steps.down(runner);
    }
  };
  Object.defineProperty(migration, 'name', { value: name });
  return migration;
}
