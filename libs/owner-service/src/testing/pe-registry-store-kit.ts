// The pe-registry command path on the real PostgreSQL (no Kafka), as the command handler's
// integration tests drive it: the owner's definition, a store that loses races, a set-up host.
import type { Envelope } from '@barplane/contracts';
import type { HostRegistryCommand, HostRegistryEvent, HostRegistryState } from '@barplane/domain';
import { type AppendManyInput, EventStore } from '@barplane/eventstore';
import { newEvent } from '../../../eventstore/src/testing/postgres-test-kit';
import { CommandHandler, type CommandHandlerDeps, type CommandOutcome } from '../command-handler';
import { emptyOwnerCounters } from '../owner-counters';
import type { OwnerDefinition } from '../owner-definition';
import { p9Host, p9Pes } from './host-fixtures';
import { commandEnvelope } from './owner-test-kit';
import { peRegistryOwner } from '../../../../apps/pe-registry/src/pe-registry.owner';

type PeRegistryDefinition = OwnerDefinition<HostRegistryCommand, HostRegistryEvent, HostRegistryState>;
type PeRegistryHandlerDeps = CommandHandlerDeps<HostRegistryCommand, HostRegistryEvent, HostRegistryState>;

/** pe-registry's own identity and decider, without its host check and reactions (the command path alone). */
export const peRegistryDefinition: PeRegistryDefinition = {
  identity: peRegistryOwner.identity,
  decider: peRegistryOwner.decider,
  usesFacts: false,
};

/** A command handler on `store` as the pe-registry owner wires one, with its counters. */
export function peRegistryHandler(store: EventStore, deps: Pick<PeRegistryHandlerDeps, 'processedOf' | 'cache'> = {}) {
  const counters = emptyOwnerCounters();
  const commands = new CommandHandler({
    store,
    definition: peRegistryDefinition,
    eventTopic: 'x.pe.events',
    inboxConsumer: 'pe-registry',
    counters,
    ...deps,
  });
  return { counters, commands };
}

/**
 * A store where another writer sets PE `racePeId`'s alignment override right before each of the
 * first `races` writes: on `stream`, or else on the first stream being written. Counts streams read.
 */
export class RacingStore extends EventStore {
  races = 0;
  stream?: string;
  racePeId = '0004:01';
  reads = 0;

  override async appendMany(input: AppendManyInput) {
    const streamId = this.stream ?? input.appends[0]?.streamId;
    if (this.races > 0 && streamId !== undefined) {
      this.races -= 1;
      const version = (await this.readStream(streamId)).version;
      const events = [newEvent(streamId.slice(5), 'AlignmentOverrideSet', { peId: this.racePeId, alignment: 'page' })];
      await super.appendMany({ appends: [{ streamId, streamType: 'host', expectedVersion: version, events }] });
    }
    return super.appendMany(input);
  }

  override async readStreams(ids: readonly string[]) {
    this.reads += ids.length;
    return super.readStreams(ids);
  }
}

/** Registers `host` as the POWER9 host of host-fixtures and imports its PEs, both applied. */
export async function setUpP9Host(commands: { handle(e: Envelope): Promise<CommandOutcome> }, host: string) {
  expect(await commands.handle(commandEnvelope('RegisterHost', host, { host: p9Host(host) }))).toBe('applied');
  expect(await commands.handle(commandEnvelope('ImportTopology', host, { pes: p9Pes }))).toBe('applied');
}
