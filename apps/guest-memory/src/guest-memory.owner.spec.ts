import { guestDecider } from '@barplane/domain';
import { guestMemoryOwner } from './guest-memory.owner';

describe('guestMemoryOwner', () => {
  // Its names and reactions: libs/owner-service/src/owner-identities.spec.ts, with the other owners'.
  it('decides with the host facts', () => {
    expect(guestMemoryOwner.usesFacts).toBe(true);
    expect(guestMemoryOwner.decider).toBe(guestDecider);
  });
});
