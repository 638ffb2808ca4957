import { Decider } from '../decider/decider';
import { ConflictError, NotFoundError, rejectProblems } from '../decider/domain-error';
import { structuralEqual } from '../decider/structural-equal';
import { Host } from '../pci/host';
import { HostRegistryCommand } from './host-registry.commands';
import { HostRegistryEvent } from './host-registry.events';
import { topologyProblems } from './host-registry.rules';
import { HostRegistryState, evolveHostRegistry, initialHostRegistryState, locateFunction } from './host-registry.state';
import { topologyDiff } from './topology-diff';

/**
 * pe-registry: decides on the host facts and the topology. Every command but RegisterHost
 * needs a registered host; the host and PEs after the command must pass scenarioProblems;
 * a command that changes nothing yields no events.
 */
export function decideHostRegistry(command: HostRegistryCommand, state: HostRegistryState): HostRegistryEvent[] {
  if (command.type === 'RegisterHost') return registerHost(command.data.host, state);
  const host = state.host;
  if (!host) throw new NotFoundError(`${command.type}: no host is registered in this stream`);
  const events = decideOnTopology(command, state);
  if (events.length > 0) {
    const after = events.reduce(evolveHostRegistry, state);
    rejectProblems(`${command.type} would leave an invalid topology`, topologyProblems(host, after.pes));
  }
  return events;
}

function registerHost(host: Host, state: HostRegistryState): HostRegistryEvent[] {
  if (state.host && state.host.id !== host.id) {
    throw new ConflictError(`this stream holds host "${state.host.id}", not "${host.id}"`, [
      { path: 'host.id', message: `the host id "${state.host.id}" cannot change` },
    ]);
  }
  if (state.host && structuralEqual(state.host, host)) return [];
  rejectProblems(`${state.host ? 'HostFactsChanged' : 'RegisterHost'} would leave invalid facts`, topologyProblems(host, state.pes));
  return [{ type: state.host ? 'HostFactsChanged' : 'HostRegistered', data: { host } }];
}

function decideOnTopology(command: Exclude<HostRegistryCommand, { type: 'RegisterHost' }>, state: HostRegistryState): HostRegistryEvent[] {
  switch (command.type) {
    case 'ImportTopology': {
      const { pes } = command.data;
      if (structuralEqual(pes, state.pes)) return [];
      return [{ type: 'TopologyImported', data: { pes, ...topologyDiff(state.pes, pes) } }];
    }
    case 'SetAlignmentOverride': {
      const { peId, alignment } = command.data;
      const pe = state.pes.find((p) => p.id === peId);
      if (!pe) throw new NotFoundError(`no PE "${peId}" on this host`);
      return pe.alignment === alignment ? [] : [{ type: 'AlignmentOverrideSet', data: { peId, alignment } }];
    }
    case 'RelocateBar': {
      const { bdf, index, address } = command.data;
      const at = locateFunction(state.pes, bdf);
      if (!at) throw new NotFoundError(`no function ${bdf} on this host`);
      const b = at.fn.bars.findIndex((bar) => bar.index === index);
      if (b < 0) throw new NotFoundError(`function ${bdf} has no BAR ${index}`);
      const previous = at.fn.bars[b].address;
      if (previous === address) return [];
      rejectProblems('RelocateBar', address < 0n ? [{ path: `pes[${at.peIndex}].functions[${at.fnIndex}].bars[${b}].address`, message: 'the address is negative' }] : []);
      return [{ type: 'BarRelocated', data: { bdf, index, address, previous } }];
    }
    case 'RemoveFunction': {
      const { bdf } = command.data;
      const at = locateFunction(state.pes, bdf);
      if (!at) throw new NotFoundError(`no function ${bdf} on this host`);
      return [{ type: 'FunctionRemoved', data: { bdf, peId: at.pe.id } }];
    }
  }
}

export const hostRegistryDecider: Decider<HostRegistryCommand, HostRegistryEvent, HostRegistryState> = {
  decide: decideHostRegistry,
  evolve: evolveHostRegistry,
  initialState: initialHostRegistryState,
};
