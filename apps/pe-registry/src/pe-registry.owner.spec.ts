import { commandFromWire, encodeEventData, type Envelope } from '@barplane/contracts';
import type { HostRegistryCommand, HostRegistryEvent } from '@barplane/domain';
import { NIC, p9Host, p9Pes, TOP } from '../../../libs/owner-service/src/testing/host-fixtures';
import { peRegistryOwner, registeredHostMatches } from './pe-registry.owner';

const command = (type: string, data: unknown) => {
  const read = commandFromWire(type, data);
  if (!read.ok) throw new Error(JSON.stringify(read.problems));
  return read.command as HostRegistryCommand;
};

describe('peRegistryOwner', () => {
  it('names its schema, topics and streams', () => {
    expect(peRegistryOwner.identity).toEqual({
      service: 'pe-registry', schema: 'pe_registry', commandTopic: 'pe.commands', eventTopic: 'pe.events', streamPrefix: 'host-', streamType: 'host',
    });
    expect(peRegistryOwner.usesFacts).toBe(false);
  });

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
