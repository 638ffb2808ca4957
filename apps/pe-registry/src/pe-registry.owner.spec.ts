import { commandFromWire, decodeEvent, encodeEventData, type Envelope } from '@barplane/contracts';
import { foldEvents, type HostRegistryCommand, type HostRegistryEvent, type HostRegistryState } from '@barplane/domain';
import { NIC, p9Host, p9Pes, TOP, USB } from '../../../libs/owner-service/src/testing/host-fixtures';
import {
  guestHoldsReaction,
  peRegistryOwner,
  type PeRegistryCommand,
  registeredHostMatches,
} from './pe-registry.owner';

const command = (type: string, data: unknown) => {
  const read = commandFromWire(type, data);
  if (!read.ok) throw new Error(JSON.stringify(read.problems));
  return read.command as HostRegistryCommand;
};

describe('peRegistryOwner', () => {
  // Its names and reactions: libs/owner-service/src/owner-identities.spec.ts, with the other owners'.
  it('registers the test host and imports its topology with exact 64-bit addresses', () => {
    const { decide, evolve, initialState } = peRegistryOwner.decider;
    const registered = decide(command('RegisterHost', { host: p9Host('p9-a') }), initialState(), undefined);
    expect(registered.map((e) => e.type)).toEqual(['HostRegistered']);
    const state = registered.reduce(evolve, initialState());
    const imported = decide(command('ImportTopology', { pes: p9Pes }), state, undefined) as HostRegistryEvent[];
    expect(imported.map((e) => e.type)).toEqual(['TopologyImported']);
    const wire = JSON.stringify(encodeEventData(imported[0]));
    expect(wire).toContain('"0xfffffffffffff000"');
    expect(imported[0].type === 'TopologyImported' && imported[0].data.added).toEqual([NIC, '0004:01:00.1', TOP]);
  });

  it('refuses a RegisterHost whose host id is not the envelope hostId', () => {
    const envelope = { hostId: 'p9-a' } as Envelope;
    expect(registeredHostMatches(command('RegisterHost', { host: p9Host('p9-a') }), envelope)).toEqual([]);
    expect(registeredHostMatches(command('RegisterHost', { host: p9Host('p9-b') }), envelope)).toEqual([
      { path: 'data.host.id', message: '"p9-b" is not the envelope\'s hostId "p9-a"' },
    ]);
  });
});

describe('peRegistryOwner: which VM holds which PE, from guest.events', () => {
  const { decide, evolve } = peRegistryOwner.decider;
  const guest = (id: string, type: string, data: Record<string, unknown>) =>
    ({ id, type, hostId: 'p9-a', data }) as unknown as Envelope;
  const assigned = guest('g1', 'PeAssigned', { vmId: 'vm-a', peId: '0004:01', functions: [NIC, USB] });
  const released = guest('g2', 'PeReleased', { vmId: 'vm-a', peId: '0004:01' });
  const topology = (): HostRegistryState => {
    const registered = decide(
      command('RegisterHost', { host: p9Host('p9-a') }),
      peRegistryOwner.decider.initialState(),
      undefined,
    );
    const state = registered.reduce(evolve, peRegistryOwner.decider.initialState());
    return decide(command('ImportTopology', { pes: p9Pes }), state, undefined).reduce(evolve, state);
  };
  /** What the reaction handler does with one event: its commands decided in order on the state. */
  const react = (event: Envelope, state: HostRegistryState) => {
    const events: HostRegistryEvent[] = [];
    for (const c of guestHoldsReaction.commandsFor(event, undefined, state)) {
      const decided = decide(c, state, undefined);
      state = decided.reduce(evolve, state);
      events.push(...decided);
    }
    return { events, state };
  };

  it("turns PeAssigned into RecordPeHold and PeReleased into RecordPeRelease (the functions are pe-registry's own facts)", () => {
    expect(guestHoldsReaction.commandsFor(assigned, undefined, topology())).toEqual<PeRegistryCommand[]>([
      { type: 'RecordPeHold', data: { vmId: 'vm-a', peId: '0004:01' } },
    ]);
    expect(guestHoldsReaction.commandsFor(released, undefined, topology())).toEqual<PeRegistryCommand[]>([
      { type: 'RecordPeRelease', data: { vmId: 'vm-a', peId: '0004:01' } },
    ]);
  });

  it('records the hold once (PeHeld, on the wire as is), refuses the import that drops the PE, and accepts it after PeReleased', () => {
    const first = react(assigned, topology());
    expect(first.events).toEqual([{ type: 'PeHeld', data: { vmId: 'vm-a', peId: '0004:01' } }]);
    expect(decodeEvent('PeHeld', encodeEventData(first.events[0]))).toEqual(first.events[0]);
    // The same event again (a redelivery past the inbox, or a replay) changes nothing.
    expect(react(assigned, first.state).events).toEqual([]);

    const without = command('ImportTopology', { pes: [p9Pes[1]] });
    expect(() => decide(without, first.state, undefined)).toThrow(/PE "0004:01" is given to VM "vm-a"/);
    expect(() => decide(command('RemoveFunction', { bdf: USB }), first.state, undefined)).toThrow(/VM "vm-a"/);

    const second = react(released, first.state);
    expect(second.events).toEqual([{ type: 'PeFreed', data: { vmId: 'vm-a', peId: '0004:01' } }]);
    expect(decide(without, second.state, undefined).map((e) => e.type)).toEqual(['TopologyImported']);
  });

  it('folds to the same holds however often the stream is replayed (a restart reads the stream)', () => {
    const stream = [...react(assigned, topology()).events];
    const state = foldEvents(peRegistryOwner.decider, [
      ...decide(command('RegisterHost', { host: p9Host('p9-a') }), peRegistryOwner.decider.initialState(), undefined),
      ...stream,
      ...stream,
    ]);
    expect(state.holds).toEqual([{ peId: '0004:01', vmId: 'vm-a' }]);
  });

  it('has no wire form for the derived commands: on pe.commands they are an unknown command type', () => {
    expect(commandFromWire('RecordPeHold', { vmId: 'vm-a', peId: '0004:01' })).toEqual({
      ok: false,
      problems: [{ path: 'type', message: 'unknown command type "RecordPeHold"' }],
    });
    expect(commandFromWire('RecordPeRelease', { vmId: 'vm-a', peId: '0004:01' }).ok).toBe(false);
  });
});
