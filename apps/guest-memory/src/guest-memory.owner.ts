import { guestDecider, type GuestCommand, type GuestEvent, type GuestState } from '@barplane/domain';
import { TOPICS } from '@barplane/messaging';
import type { OwnerDefinition } from '@barplane/owner-service';
import { VM_DIRECTORY_SCHEMA, vmDirectoryMigration } from '@barplane/read-models';

/** guest-memory: the VMs of a host, PE assignments, guest BARs; one stream per host, `guests-<hostId>`. */
export const guestMemoryOwner: OwnerDefinition<GuestCommand, GuestEvent, GuestState> = {
  identity: {
    service: 'guest-memory',
    schema: VM_DIRECTORY_SCHEMA,
    commandTopic: TOPICS.guestCommands,
    eventTopic: TOPICS.guestEvents,
    streamPrefix: 'guests-',
    streamType: 'guests',
  },
  decider: guestDecider,
  usesFacts: true,
  // The API finds a VM's host by it (`POST /v1/vms/{vmId}/assignments` names no host).
  migrations: (schema) => [vmDirectoryMigration(schema)],
};
