import {
  hostRegistryDecider,
  type HostRegistryCommand,
  type HostRegistryEvent,
  type HostRegistryState,
  type PeHoldCommand,
  type Problem,
} from '@barplane/domain';
import { TOPICS } from '@barplane/messaging';
import type { Envelope } from '@barplane/contracts';
import type { OwnerDefinition, Reaction } from '@barplane/owner-service';

export type PeRegistryCommand = HostRegistryCommand | PeHoldCommand;

/**
 * Which VM holds which PE, learnt from guest-memory's events: PeAssigned records a hold (PeHeld),
 * PeReleased ends it (PeFreed), appended to the host's stream with the guest event as causation
 * (its inbox claim makes a redelivery change nothing; the decider makes a second PeAssigned of
 * the same hold a no-op). ImportTopology and RemoveFunction wait until every guest event
 * published before them is applied here, so an assignment the API answered is known to them.
 */
export const guestHoldsReaction: Reaction<PeRegistryCommand, HostRegistryState> = {
  name: 'guest',
  topic: TOPICS.guestEvents,
  eventTypes: ['PeAssigned', 'PeReleased'],
  awaitedBy: ['ImportTopology', 'RemoveFunction'],
  commandsFor(event: Envelope): PeRegistryCommand[] {
    const data = { vmId: String(event.data.vmId), peId: String(event.data.peId) };
    return [event.type === 'PeAssigned' ? { type: 'RecordPeHold', data } : { type: 'RecordPeRelease', data }];
  },
};

/** pe-registry: hosts, PHBs, PEs, functions, BARs; one stream per host, `host-<hostId>`. */
export const peRegistryOwner: OwnerDefinition<PeRegistryCommand, HostRegistryEvent, HostRegistryState> = {
  identity: {
    service: 'pe-registry',
    schema: 'pe_registry',
    commandTopic: TOPICS.peCommands,
    eventTopic: TOPICS.peEvents,
    streamPrefix: 'host-',
    streamType: 'host',
  },
  decider: {
    decide: (command, state) => hostRegistryDecider.decide(command, state),
    evolve: hostRegistryDecider.evolve,
    initialState: hostRegistryDecider.initialState,
  },
  usesFacts: false,
  validate: registeredHostMatches,
  reactions: [guestHoldsReaction],
};

/** The stream is keyed by the envelope's hostId: RegisterHost must name that same host. */
export function registeredHostMatches(command: PeRegistryCommand, envelope: Envelope): Problem[] {
  if (command.type !== 'RegisterHost' || command.data.host.id === envelope.hostId) return [];
  return [
    { path: 'data.host.id', message: `"${command.data.host.id}" is not the envelope's hostId "${envelope.hostId}"` },
  ];
}
