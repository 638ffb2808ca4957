// The owners' definitions side by side, as their services, the API and the projector rely on them:
// schema, topics and streams, whether they keep host facts, and the guest events they react to.
import type { OwnerDefinition, Reaction } from './owner-definition';
import { guestMemoryOwner } from '../../../apps/guest-memory/src/guest-memory.owner';
import { guestHoldsReaction, peRegistryOwner } from '../../../apps/pe-registry/src/pe-registry.owner';
import { guestAssignmentReaction, vfioRegionsOwner } from '../../../apps/vfio-regions/src/vfio-regions.owner';

// Each owner is typed by its own commands, events and state; here they are only compared.
type Owner = OwnerDefinition<any, any, any>;
type AnyReaction = Reaction<any, any>;
const owners: Record<string, Owner> = {
  'guest-memory': guestMemoryOwner,
  'pe-registry': peRegistryOwner,
  'vfio-regions': vfioRegionsOwner,
};

describe('the owners', () => {
  it.each([
    // service, schema, commandTopic, eventTopic, streamPrefix, streamType
    ['guest-memory', 'guest_memory', 'guest.commands', 'guest.events', 'guests-', 'guests'],
    ['pe-registry', 'pe_registry', 'pe.commands', 'pe.events', 'host-', 'host'],
    ['vfio-regions', 'vfio_regions', 'vfio.commands', 'vfio.events', 'vfio-', 'vfio'],
  ])(
    '%s names its schema (%s), topics and streams',
    (service, schema, commandTopic, eventTopic, streamPrefix, streamType) => {
      const identity = { service, schema, commandTopic, eventTopic, streamPrefix, streamType };
      expect(owners[service].identity).toEqual(identity);
    },
  );

  it.each<[string, boolean, AnyReaction[] | undefined]>([
    ['guest-memory', true, undefined],
    ['pe-registry', false, [guestHoldsReaction]],
    ['vfio-regions', true, [guestAssignmentReaction]],
  ])('%s keeps host facts: %s, and has its reactions', (service, usesFacts, reactions) => {
    expect(owners[service].usesFacts).toBe(usesFacts);
    expect(owners[service].reactions).toEqual(reactions);
  });

  it.each<[string, AnyReaction, string[] | undefined]>([
    // service, reaction, the command types that wait for it
    ['pe-registry', guestHoldsReaction, ['ImportTopology', 'RemoveFunction']],
    ['vfio-regions', guestAssignmentReaction, undefined],
  ])('%s reacts to PeAssigned and PeReleased on guest.events', (_service, reaction, awaitedBy) => {
    const guestEvents = { name: 'guest', topic: 'guest.events', eventTypes: ['PeAssigned', 'PeReleased'] };
    expect(reaction).toMatchObject(guestEvents);
    expect(reaction.awaitedBy).toEqual(awaitedBy);
  });
});
