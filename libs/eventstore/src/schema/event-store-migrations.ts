import type { MigrationClass } from './migration-class';
import { createEventStoreTablesMigration } from './create-event-store-tables.migration';
import { dropCheckpointsMigration } from './drop-checkpoints.migration';
import { heartbeatsMigration } from './heartbeats.migration';
import { outboxBatchesMigration } from './outbox-batches.migration';
import { outboxQuarantineMigration } from './outbox-quarantine.migration';

/** Every event-store migration class for `schema`, oldest first. New migrations are appended here. */
export function eventStoreMigrations(schema: string): MigrationClass[] {
  return [
    createEventStoreTablesMigration(schema),
    outboxBatchesMigration(schema),
    outboxQuarantineMigration(schema),
    heartbeatsMigration(schema),
    dropCheckpointsMigration(schema),
  ];
}

/** Name of the per-schema table recording applied migrations (TypeORM's own layout and name). */
export const MIGRATIONS_TABLE = 'migrations';
