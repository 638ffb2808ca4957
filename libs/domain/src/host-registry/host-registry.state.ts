import { compareIds } from '../pci/bdf';
import { Host } from '../pci/host';
import { Pe, PciFunction } from '../pci/pe';
import { HostRegistryEvent } from './host-registry.events';

/** A VM holds a PE: learnt from guest.events (PeAssigned, until PeReleased). */
export interface PeHold {
  readonly peId: string;
  readonly vmId: string;
}

/**
 * The host facts (null until RegisterHost) and its PEs, in scenario shape with bigint; and
 * which VM holds which PE, as guest-memory reported it (in PE id, then VM id order).
 */
export interface HostRegistryState {
  readonly host: Host | null;
  readonly pes: readonly Pe[];
  readonly holds: readonly PeHold[];
}

export function initialHostRegistryState(): HostRegistryState {
  return { host: null, pes: [], holds: [] };
}

export function evolveHostRegistry(state: HostRegistryState, event: HostRegistryEvent): HostRegistryState {
  switch (event.type) {
    case 'HostRegistered':
    case 'HostFactsChanged':
      return { ...state, host: event.data.host };
    case 'TopologyImported':
      return { ...state, pes: event.data.pes };
    case 'AlignmentOverrideSet': {
      const { peId, alignment } = event.data;
      return { ...state, pes: state.pes.map((pe) => (pe.id === peId ? { ...pe, alignment } : pe)) };
    }
    case 'BarRelocated': {
      const { bdf, index, address } = event.data;
      return mapFunction(state, bdf, (fn) => ({
        ...fn,
        bars: fn.bars.map((bar) => (bar.index === index ? { ...bar, address } : bar)),
      }));
    }
    case 'FunctionRemoved': {
      const { bdf, peId } = event.data;
      return {
        ...state,
        pes: state.pes.map((pe) =>
          pe.id === peId ? { ...pe, functions: pe.functions.filter((fn) => fn.bdf !== bdf) } : pe,
        ),
      };
    }
    case 'PeHeld': {
      const { vmId, peId } = event.data;
      if (isHeld(state, vmId, peId)) return state;
      const holds = [...state.holds, { peId, vmId }].sort(
        (a, b) => compareIds(a.peId, b.peId) || compareIds(a.vmId, b.vmId),
      );
      return { ...state, holds };
    }
    case 'PeFreed': {
      const { vmId, peId } = event.data;
      return { ...state, holds: state.holds.filter((h) => h.vmId !== vmId || h.peId !== peId) };
    }
  }
}

/** True when guest-memory reported VM `vmId` holding PE `peId` (and not its release since). */
export function isHeld(state: HostRegistryState, vmId: string, peId: string): boolean {
  return state.holds.some((h) => h.vmId === vmId && h.peId === peId);
}

function mapFunction(
  state: HostRegistryState,
  bdf: string,
  change: (fn: PciFunction) => PciFunction,
): HostRegistryState {
  return {
    ...state,
    pes: state.pes.map((pe) =>
      pe.functions.some((fn) => fn.bdf === bdf)
        ? { ...pe, functions: pe.functions.map((fn) => (fn.bdf === bdf ? change(fn) : fn)) }
        : pe,
    ),
  };
}

/** Where a function sits in the topology: its PE and the indexes that make scenario paths. */
export interface FunctionLocation {
  readonly pe: Pe;
  readonly fn: PciFunction;
  readonly peIndex: number;
  readonly fnIndex: number;
}

export function locateFunction(pes: readonly Pe[], bdf: string): FunctionLocation | undefined {
  for (let peIndex = 0; peIndex < pes.length; peIndex++) {
    const fnIndex = pes[peIndex].functions.findIndex((fn) => fn.bdf === bdf);
    if (fnIndex >= 0) return { pe: pes[peIndex], fn: pes[peIndex].functions[fnIndex], peIndex, fnIndex };
  }
  return undefined;
}
