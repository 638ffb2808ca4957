import { Decider } from '../decider/decider';
import { ConflictError, NotFoundError, rejectProblems } from '../decider/domain-error';
import { structuralEqual } from '../decider/structural-equal';
import { Host } from '../pci/host';
import { Problem } from '../scenario/problem';
import { describeHeldPeChange, heldPeChanges } from './held-pe-changes';
import { HostRegistryCommand, PeHoldCommand } from './host-registry.commands';
import { HostRegistryEvent } from './host-registry.events';
import { topologyProblems } from './host-registry.rules';
import {
  HostRegistryState,
  evolveHostRegistry,
  initialHostRegistryState,
  isHeld,
  locateFunction,
} from './host-registry.state';
import { topologyDiff } from './topology-diff';

/**
 * pe-registry: decides on the host facts and the topology. Every command but RegisterHost
 * needs a registered host; the host and PEs after the command must pass scenarioProblems;
 * a PE a VM holds must keep exactly its functions (CONFLICT otherwise, naming each such PE and
 * its VM); a command that changes nothing yields no events. The holds themselves are recorded
 * from guest.events (PeHoldCommand), whether or not the host is registered here yet.
 */
export function decideHostRegistry(
  command: HostRegistryCommand | PeHoldCommand,
  state: HostRegistryState,
): HostRegistryEvent[] {
  if (command.type === 'RegisterHost') return registerHost(command.data.host, state);
  if (command.type === 'RecordPeHold' || command.type === 'RecordPeRelease') return recordHold(command, state);
  const host = state.host;
  if (!host) throw new NotFoundError(`${command.type}: no host is registered in this stream`);
  const events = decideOnTopology(command, state);
  if (events.length > 0) {
    const after = events.reduce(evolveHostRegistry, state);
    rejectProblems(`${command.type} would leave an invalid topology`, topologyProblems(host, after.pes));
    refuseHeldPeChanges(command, state, after);
  }
  return events;
}

function recordHold(command: PeHoldCommand, state: HostRegistryState): HostRegistryEvent[] {
  const { vmId, peId } = command.data;
  const held = isHeld(state, vmId, peId);
  if (command.type === 'RecordPeHold') return held ? [] : [{ type: 'PeHeld', data: { vmId, peId } }];
  return held ? [{ type: 'PeFreed', data: { vmId, peId } }] : [];
}

/**
 * CONFLICT when the command would drop a held PE, remove one of its functions, move one into
 * another PE or add one to it: one problem per such PE, naming it and its VM.
 */
function refuseHeldPeChanges(
  command: Exclude<HostRegistryCommand, { type: 'RegisterHost' }>,
  before: HostRegistryState,
  after: HostRegistryState,
): void {
  const changes = heldPeChanges(before.pes, after.pes, before.holds);
  if (changes.length === 0) return;
  const problems: Problem[] = changes.map((change) => ({
    path: command.type === 'ImportTopology' ? (change.index === undefined ? 'pes' : `pes[${change.index}]`) : 'bdf',
    message: describeHeldPeChange(change, command.type),
  }));
  const count = changes.length === 1 ? 'a PE given to a VM' : `${changes.length} PEs given to VMs`;
  throw new ConflictError(
    `${command.type} would change ${count}: ${problems.map((p) => p.message).join('; ')}`,
    problems,
  );
}

function registerHost(host: Host, state: HostRegistryState): HostRegistryEvent[] {
  if (state.host && state.host.id !== host.id) {
    throw new ConflictError(`this stream holds host "${state.host.id}", not "${host.id}"`, [
      { path: 'host.id', message: `the host id "${state.host.id}" cannot change` },
    ]);
  }
  if (state.host && structuralEqual(state.host, host)) return [];
  rejectProblems(
    `${state.host ? 'HostFactsChanged' : 'RegisterHost'} would leave invalid facts`,
    topologyProblems(host, state.pes),
  );
  return [{ type: state.host ? 'HostFactsChanged' : 'HostRegistered', data: { host } }];
}

function decideOnTopology(
  command: Exclude<HostRegistryCommand, { type: 'RegisterHost' }>,
  state: HostRegistryState,
): HostRegistryEvent[] {
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
      rejectProblems(
        'RelocateBar',
        address < 0n
          ? [
              {
                path: `pes[${at.peIndex}].functions[${at.fnIndex}].bars[${b}].address`,
                message: 'the address is negative',
              },
            ]
          : [],
      );
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

export const hostRegistryDecider: Decider<HostRegistryCommand | PeHoldCommand, HostRegistryEvent, HostRegistryState> = {
  decide: decideHostRegistry,
  evolve: evolveHostRegistry,
  initialState: initialHostRegistryState,
};
