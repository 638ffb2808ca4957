import type { MigrationClass } from './migration-class';
import { createEventStoreTablesMigration } from './create-event-store-tables.migration';
import { outboxBatchesMigration } from './outbox-batches.migration';

/** Every event-store migration class for `schema`, oldest first. New migrations are appended here. */
export function eventStoreMigrations(schema: string): MigrationClass[] {
  return [createEventStoreTablesMigration(schema), outboxBatchesMigration(schema)];
}

/** Name of the per-schema table recording applied migrations (TypeORM's own layout and name). */
export const MIGRATIONS_TABLE = 'migrations';
