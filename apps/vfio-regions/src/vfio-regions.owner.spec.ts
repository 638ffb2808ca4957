import type { Envelope } from '@barplane/contracts';
import { DomainError, type FunctionBound, type HostFacts, type VfioState } from '@barplane/domain';
import { guestAssignmentReaction } from './vfio-regions.owner';

const facts = {
  host: { id: 'h' },
  pes: [{ id: 'pe1', alignment: 'auto', functions: [{ bdf: 'a' }, { bdf: 'b' }] }],
} as unknown as HostFacts;
const event = (type: string, data: Record<string, unknown>) =>
  ({ id: 'e1', type, hostId: 'h', data }) as unknown as Envelope;
const bound = (...bdfs: string[]): VfioState => ({
  bound: new Map(bdfs.map((bdf) => [bdf, [] as FunctionBound['data']['regions']])),
});

describe('vfioRegionsOwner', () => {
  // Its names and reactions: libs/owner-service/src/owner-identities.spec.ts, with the other owners'.
  it('binds every function of an assigned PE', () => {
    expect(
      guestAssignmentReaction.commandsFor(
        event('PeAssigned', { vmId: 'v', peId: 'pe1', functions: ['a', 'b'] }),
        undefined,
        bound(),
      ),
    ).toEqual([
      { type: 'BindFunction', data: { bdf: 'a' } },
      { type: 'BindFunction', data: { bdf: 'b' } },
    ]);
  });

  it('binds nothing on a host whose kernel cannot bind vfio-pci (BindFunction would be refused)', () => {
    const power61 = { ...facts, host: { id: 'h', kernel: { vfioPci: false } } } as unknown as HostFacts;
    expect(
      guestAssignmentReaction.commandsFor(
        event('PeAssigned', { vmId: 'v', peId: 'pe1', functions: ['a', 'b'] }),
        power61,
        bound(),
      ),
    ).toEqual([]);
  });

  it('unbinds the bound functions of a released PE, from the facts', () => {
    expect(
      guestAssignmentReaction.commandsFor(event('PeReleased', { vmId: 'v', peId: 'pe1' }), facts, bound('b', 'z')),
    ).toEqual([{ type: 'UnbindFunction', data: { bdf: 'b' } }]);
    const missing = () =>
      guestAssignmentReaction.commandsFor(event('PeReleased', { vmId: 'v', peId: 'pe1' }), undefined, bound());
    expect(missing).toThrow(DomainError);
    expect(missing).toThrow(/no host facts/);
  });
});
