import type { QueryRunner } from 'typeorm';
import { MigrationClass, qualified, schemaMigration } from '@barplane/eventstore';

/** The guest-memory owner's base schema: its event store holds every VmCreated. */
export const VM_DIRECTORY_SCHEMA = 'guest_memory';

/**
 * The VM directory: which host a VM was created on, read straight from the guest-memory
 * owner's own events (the write side, so a VM is found as soon as its creation is stored, not
 * once the projector applied it). VMs never change hosts, so the first VmCreated names it.
 */
export function vmDirectoryMigration(schema: string): MigrationClass {
  return schemaMigration('VmDirectory', schema, '1765000000000', {
    async up(runner: QueryRunner): Promise<void> {
      await runner.query(
        `CREATE INDEX events_vm_created_idx ON ${qualified(schema, 'events')} ((data->'vm'->>'id'), global_position) WHERE event_type = 'VmCreated'`,
      );
    },

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP INDEX ${qualified(schema, 'events_vm_created_idx')}`);
    },
  });
}
