import { guestDecider } from '@barplane/domain';
import { guestMemoryOwner } from './guest-memory.owner';

describe('guestMemoryOwner', () => {
  it('names its schema, topics and streams and decides with the host facts', () => {
    expect(guestMemoryOwner.identity).toEqual({
      service: 'guest-memory',
      schema: 'guest_memory',
      commandTopic: 'guest.commands',
      eventTopic: 'guest.events',
      streamPrefix: 'guests-',
      streamType: 'guests',
    });
    expect(guestMemoryOwner.usesFacts).toBe(true);
    expect(guestMemoryOwner.decider).toBe(guestDecider);
  });
});
