import { hostRegistryDecider, type HostRegistryCommand, type HostRegistryEvent, type HostRegistryState, type Problem } from '@barplane/domain';
import { TOPICS } from '@barplane/messaging';
import type { Envelope } from '@barplane/contracts';
import type { OwnerDefinition } from '@barplane/owner-service';

/** pe-registry: hosts, PHBs, PEs, functions, BARs; one stream per host, `host-<hostId>`. */
export const peRegistryOwner: OwnerDefinition<HostRegistryCommand, HostRegistryEvent, HostRegistryState> = {
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
};

/** The stream is keyed by the envelope's hostId: RegisterHost must name that same host. */
export function registeredHostMatches(command: HostRegistryCommand, envelope: Envelope): Problem[] {
  if (command.type !== 'RegisterHost' || command.data.host.id === envelope.hostId) return [];
  return [{ path: 'data.host.id', message: `"${command.data.host.id}" is not the envelope's hostId "${envelope.hostId}"` }];
}
