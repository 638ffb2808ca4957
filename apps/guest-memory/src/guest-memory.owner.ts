import { guestDecider, type GuestCommand, type GuestEvent, type GuestState } from '@barplane/domain';
import { TOPICS } from '@barplane/messaging';
import type { OwnerDefinition } from '@barplane/owner-service';

/** guest-memory: the VMs of a host, PE assignments, guest BARs; one stream per host, `guests-<hostId>`. */
export const guestMemoryOwner: OwnerDefinition<GuestCommand, GuestEvent, GuestState> = {
  identity: {
    service: 'guest-memory',
    schema: 'guest_memory',
    commandTopic: TOPICS.guestCommands,
    eventTopic: TOPICS.guestEvents,
    streamPrefix: 'guests-',
    streamType: 'guests',
  },
  decider: guestDecider,
  usesFacts: true,
};
