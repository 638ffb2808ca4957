import type { DataSource } from 'typeorm';
import { eventStoreMigrations, MIGRATIONS_TABLE } from './event-store-migrations';
import type { MigrationClass } from './migration-class';
import { assertSchemaName, qualified } from './schema-name';

/**
 * Creates `schema` if missing and applies the event-store migrations (plus `extra`, e.g. a
 * service's read-model tables) that it has not applied yet. Idempotent and safe when several
 * processes start at once: an advisory lock serialises them, because even
 * `CREATE SCHEMA IF NOT EXISTS` can fail with a unique violation when two run concurrently.
 *
 * Why not `dataSource.runMigrations()`: TypeORM binds the migration list and the migrations
 * table to the DataSource's options, while the schema here is an argument. The bookkeeping uses
 * TypeORM's own table layout (`<schema>.migrations`: id, timestamp, name), so a DataSource made
 * by `createDataSource` for the same schema sees these as executed and runs only its own.
 * Everything happens in one transaction: a failing migration leaves nothing behind.
 *
 * Returns the names of the migrations applied by this call.
 */
export async function migrateEventStore(
  dataSource: DataSource,
  schema: string,
  extra: MigrationClass[] = [],
): Promise<string[]> {
  assertSchemaName(schema);
  const table = qualified(schema, MIGRATIONS_TABLE);
  const runner = dataSource.createQueryRunner();
  const applied: string[] = [];
  try {
    await runner.connect();
    await runner.startTransaction();
    // Two-int form keeps this key apart from the relay's single-bigint advisory locks.
    await runner.query(`SELECT pg_advisory_xact_lock(hashtext('barplane.migrate'), hashtext($1))`, [schema]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await runner.query(
      `CREATE TABLE IF NOT EXISTS ${table} (id SERIAL PRIMARY KEY, timestamp bigint NOT NULL, name varchar NOT NULL)`,
    );
    const rows: { name: string }[] = await runner.query(`SELECT name FROM ${table}`);
    const done = new Set(rows.map((row) => row.name));
    for (const Migration of [...eventStoreMigrations(schema), ...extra]) {
      const migration = new Migration();
      const name = migration.name ?? Migration.name;
      if (done.has(name)) continue;
      await migration.up(runner);
      // Same timestamp rule as TypeORM: the last 13 characters of the name.
      await runner.query(`INSERT INTO ${table} (timestamp, name) VALUES ($1, $2)`, [name.slice(-13), name]);
      applied.push(name);
    }
    await runner.commitTransaction();
    return applied;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
}
