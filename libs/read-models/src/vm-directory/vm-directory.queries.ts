import { namespacedSchema, qualified } from '@barplane/eventstore';
import { ReadQuery } from '../sql/read-query';
import { VM_DIRECTORY_SCHEMA } from './vm-directory.migration';

/**
 * The host a VM was created on, if any (see vmDirectoryMigration). Read per request: an index
 * lookup, and nothing cached that could grow without bound or outlive a rebuilt database.
 */
export async function hostOfVm(read: ReadQuery, namespace: string, vmId: string): Promise<string | undefined> {
  const rows = await read<{ host_id: string }>(
    `SELECT host_id FROM ${qualified(namespacedSchema(namespace, VM_DIRECTORY_SCHEMA), 'events')}
     WHERE event_type = 'VmCreated' AND data->'vm'->>'id' = $1 ORDER BY global_position LIMIT 1`,
    [vmId],
  );
  return rows[0]?.host_id;
}
