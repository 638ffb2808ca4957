import { Vm } from '../pci/vm';
import { GuestEvent } from './guest.events';

/** Which VM holds a function, and under which PE, as PeAssigned recorded it. */
export interface FunctionHolder {
  readonly vmId: string;
  readonly peId: string;
}

/** Every VM of the host (with its assigned PEs and guest BARs) and who holds each given function. */
export interface GuestState {
  readonly vms: ReadonlyMap<string, Vm>;
  readonly holders: ReadonlyMap<string, FunctionHolder>;
}

export function initialGuestState(): GuestState {
  return { vms: new Map(), holders: new Map() };
}

export function evolveGuest(state: GuestState, event: GuestEvent): GuestState {
  if (event.type === 'VmCreated') return { ...state, vms: new Map(state.vms).set(event.data.vm.id, event.data.vm) };
  const vm = state.vms.get(event.data.vmId);
  if (!vm) return state;
  const vms = new Map(state.vms);
  const holders = new Map(state.holders);
  switch (event.type) {
    case 'PeAssigned': {
      const { vmId, peId, functions } = event.data;
      const assignedPes = vm.assignedPes.includes(peId) ? vm.assignedPes : [...vm.assignedPes, peId];
      vms.set(vmId, { ...vm, assignedPes });
      for (const bdf of functions) holders.set(bdf, { vmId, peId });
      break;
    }
    case 'GuestBarProgrammed': {
      const { bdf, index, address } = event.data;
      const others = vm.guestBars.filter((g) => g.bdf !== bdf || g.index !== index);
      vms.set(vm.id, { ...vm, guestBars: [...others, { bdf, index, address }] });
      break;
    }
    case 'GuestBarsProgrammed': {
      const named = new Set(event.data.functions);
      vms.set(vm.id, { ...vm, guestBars: [...vm.guestBars.filter((g) => !named.has(g.bdf)), ...event.data.bars] });
      break;
    }
    case 'PeReleased': {
      const { vmId, peId } = event.data;
      const released = new Set(
        [...state.holders].filter(([, h]) => h.vmId === vmId && h.peId === peId).map(([bdf]) => bdf),
      );
      for (const bdf of released) holders.delete(bdf);
      vms.set(vmId, {
        ...vm,
        assignedPes: vm.assignedPes.filter((id) => id !== peId),
        guestBars: vm.guestBars.filter((g) => !released.has(g.bdf)),
      });
      break;
    }
  }
  return { vms, holders };
}
