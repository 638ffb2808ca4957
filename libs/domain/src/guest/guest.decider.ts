import { Decider } from '../decider/decider';
import { ConflictError, NotFoundError, ValidationError, rejectProblems } from '../decider/domain-error';
import { HostFacts } from '../host-registry/host-facts';
import { compareIds } from '../pci/bdf';
import { Pe } from '../pci/pe';
import { GuestBar, Vm, vmWithDefaults } from '../pci/vm';
import { AssignPe, CreateVm, GuestCommand, ProgramGuestBar, ProgramGuestBars } from './guest.commands';
import { GuestEvent } from './guest.events';
import { conflictProblems, guestBarProblems, guestBarSetProblems, relocationProblems, vmProblems } from './guest.rules';
import { GuestState, evolveGuest, initialGuestState } from './guest.state';

/**
 * guest-memory: the VMs of one host, the PEs given to them and their guest BAR addresses.
 * `facts` are the host facts and PEs learnt from pe.events (undefined while none arrived).
 */
export function decideGuest(command: GuestCommand, state: GuestState, facts: HostFacts | undefined): GuestEvent[] {
  if (command.type === 'CreateVm') return createVm(command.data, state, known(facts, command.type));
  const vm = state.vms.get(command.data.vmId);
  if (!vm) throw new NotFoundError(`no VM "${command.data.vmId}" on this host`);
  switch (command.type) {
    case 'AssignPe':
      return assignPe(command.data, vm, state, known(facts, command.type));
    case 'ProgramGuestBar':
      return programGuestBar(command.data, vm, state, known(facts, command.type));
    case 'ProgramGuestBars':
      return programGuestBars(command.data, vm, state, known(facts, command.type));
    case 'ReleasePe': {
      const { peId } = command.data;
      if (vm.assignedPes.includes(peId)) return [{ type: 'PeReleased', data: { vmId: vm.id, peId } }];
      if (!facts?.pes.some((pe) => pe.id === peId)) throw new NotFoundError(`no PE "${peId}" on this host`);
      return [];
    }
  }
}

function known(facts: HostFacts | undefined, what: string): HostFacts {
  if (!facts) throw new NotFoundError(`${what}: no host facts known yet`);
  return facts;
}

function createVm(data: CreateVm['data'], state: GuestState, { host }: HostFacts): GuestEvent[] {
  if (state.vms.has(data.vmId))
    throw new ConflictError(`VM "${data.vmId}" already exists`, [
      { path: 'vmId', message: `VM "${data.vmId}" already exists` },
    ]);
  const vm = vmWithDefaults(data.vmId, data, host.platform, { assignedPes: [], guestBars: [] });
  rejectProblems(`CreateVm "${data.vmId}"`, vmProblems(vm, host));
  return [{ type: 'VmCreated', data: { vm } }];
}

function assignPe(data: AssignPe['data'], vm: Vm, state: GuestState, facts: HostFacts): GuestEvent[] {
  const pe = resolvePe(data, facts);
  if (vm.assignedPes.includes(pe.id)) return [];
  const conflicts = conflictProblems(state, pe, vm.id, data.peId !== undefined ? 'peId' : 'bdf');
  if (conflicts.length > 0) {
    const detail = conflicts.map((p) => p.message).join('; ');
    throw new ConflictError(`PE "${pe.id}" cannot go to VM "${vm.id}" whole: ${detail}`, conflicts);
  }
  rejectProblems(`AssignPe "${pe.id}" to VM "${vm.id}"`, relocationProblems(vm, pe));
  const functions = pe.functions.map((fn) => fn.bdf).sort(compareIds);
  return [{ type: 'PeAssigned', data: { vmId: vm.id, peId: pe.id, functions } }];
}

function resolvePe(data: AssignPe['data'], facts: HostFacts): Pe {
  const byId = data.peId !== undefined ? facts.pes.find((pe) => pe.id === data.peId) : undefined;
  if (data.peId !== undefined && !byId) throw new NotFoundError(`no PE "${data.peId}" on this host`);
  if (data.bdf === undefined) return byId!;
  const byBdf = facts.pes.find((pe) => pe.functions.some((fn) => fn.bdf === data.bdf));
  if (!byBdf) throw new NotFoundError(`no function ${data.bdf} on this host`);
  if (byId && byId !== byBdf) {
    rejectProblems('AssignPe', [
      { path: 'bdf', message: `function ${data.bdf} is in PE "${byBdf.id}", not "${byId.id}"` },
    ]);
  }
  return byBdf;
}

function programGuestBar(data: ProgramGuestBar['data'], vm: Vm, state: GuestState, facts: HostFacts): GuestEvent[] {
  const { bdf, index, address } = data;
  const fn = facts.pes.flatMap((pe) => pe.functions).find((f) => f.bdf === bdf);
  if (!fn) throw new NotFoundError(`no function ${bdf} on this host`);
  const bar = fn.bars.find((b) => b.index === index);
  if (!bar) throw new NotFoundError(`function ${bdf} has no BAR ${index}`);
  if (state.holders.get(bdf)?.vmId !== vm.id) {
    rejectProblems('ProgramGuestBar', [
      { path: 'bdf', message: `function ${bdf} is not given to VM "${vm.id}": assign its PE first` },
    ]);
  }
  rejectProblems(`ProgramGuestBar ${bdf} BAR ${index}`, guestBarProblems(bar, bdf, address));
  if (vm.guestBars.some((g) => g.bdf === bdf && g.index === index && g.address === address)) return [];
  return [{ type: 'GuestBarProgrammed', data: { vmId: vm.id, bdf, index, address } }];
}

/**
 * All or nothing: any bad entry refuses the whole set, every bad entry listed. For each function
 * named, the entries with an address become its guest BARs; only functions whose set differs from
 * the state are in the event, so a retried set yields nothing.
 */
function programGuestBars(data: ProgramGuestBars['data'], vm: Vm, state: GuestState, facts: HostFacts): GuestEvent[] {
  const problems = guestBarSetProblems(data.bars, vm.id, state, facts);
  if (problems.length > 0) {
    // The message stays short (it travels in the answer beside the problems); problems list all.
    const shown = problems
      .slice(0, 3)
      .map((p) => `${p.path}: ${p.message}`)
      .join('; ');
    const more = problems.length > 3 ? `; and ${problems.length - 3} more` : '';
    throw new ValidationError(`ProgramGuestBars for VM "${vm.id}" refused, nothing stored: ${shown}${more}`, problems);
  }
  const wanted = new Map<string, GuestBar[]>();
  for (const { bdf, index, address } of data.bars) {
    const bars = wanted.get(bdf) ?? [];
    if (address !== null) bars.push({ bdf, index, address });
    wanted.set(bdf, bars);
  }
  const held = new Map<string, GuestBar[]>();
  for (const g of vm.guestBars) held.set(g.bdf, [...(held.get(g.bdf) ?? []), g]);
  const functions = [...wanted.keys()]
    .filter((bdf) => !sameBars(held.get(bdf) ?? [], wanted.get(bdf)!))
    .sort(compareIds);
  if (functions.length === 0) return [];
  const bars = functions.flatMap((bdf) => [...wanted.get(bdf)!].sort((a, b) => a.index - b.index));
  return [{ type: 'GuestBarsProgrammed', data: { vmId: vm.id, functions, bars } }];
}

function sameBars(held: readonly GuestBar[], wanted: readonly GuestBar[]): boolean {
  return (
    held.length === wanted.length &&
    wanted.every((w) => held.some((h) => h.index === w.index && h.address === w.address))
  );
}

export const guestDecider: Decider<GuestCommand, GuestEvent, GuestState, HostFacts | undefined> = {
  decide: decideGuest,
  evolve: evolveGuest,
  initialState: initialGuestState,
};
