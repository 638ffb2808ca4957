import type { Envelope } from '@barplane/contracts';
import {
  type HostFacts,
  NotFoundError,
  vfioDecider,
  vfioPciBinds,
  type VfioCommand,
  type VfioEvent,
  type VfioState,
} from '@barplane/domain';
import { TOPICS } from '@barplane/messaging';
import type { OwnerDefinition, Reaction } from '@barplane/owner-service';

/**
 * libvirt's managed='yes': assigning a PE to a VM binds its functions to vfio-pci, releasing it
 * unbinds them. PeAssigned lists the functions; PeReleased names the PE, whose functions come
 * from the host facts (only those bound are unbound). On a host whose kernel cannot bind
 * vfio-pci an assignment binds nothing: BindFunction would be refused, and a refused reaction is
 * retried and dead-lettered; the decisions already say UNAVAILABLE.
 */
export const guestAssignmentReaction: Reaction<VfioCommand, VfioState> = {
  name: 'guest',
  topic: TOPICS.guestEvents,
  eventTypes: ['PeAssigned', 'PeReleased'],
  commandsFor(event: Envelope, facts: HostFacts | undefined, state: VfioState): VfioCommand[] {
    if (event.type === 'PeAssigned') {
      if (facts && !vfioPciBinds(facts.host)) return [];
      const functions = (event.data.functions ?? []) as string[];
      return functions.map((bdf) => ({ type: 'BindFunction', data: { bdf } }));
    }
    const peId = String(event.data.peId);
    if (!facts) throw new NotFoundError(`PeReleased ${peId}: no host facts known yet`);
    const pe = facts.pes.find((p) => p.id === peId);
    if (!pe) throw new NotFoundError(`PeReleased: no PE "${peId}" on host "${facts.host.id}"`);
    return pe.functions
      .filter((fn) => state.bound.has(fn.bdf))
      .map((fn) => ({ type: 'UnbindFunction', data: { bdf: fn.bdf } }));
  },
};

/** vfio-regions: functions bound to vfio-pci and their regions; one stream per host, `vfio-<hostId>`. */
export const vfioRegionsOwner: OwnerDefinition<VfioCommand, VfioEvent, VfioState> = {
  identity: {
    service: 'vfio-regions',
    schema: 'vfio_regions',
    commandTopic: TOPICS.vfioCommands,
    eventTopic: TOPICS.vfioEvents,
    streamPrefix: 'vfio-',
    streamType: 'vfio',
  },
  decider: vfioDecider,
  usesFacts: true,
  reactions: [guestAssignmentReaction],
};
