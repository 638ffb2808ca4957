import { VfioRegion } from './vfio-region';
import { VfioEvent } from './vfio.events';

/** Functions bound to vfio-pci on the host, each with the regions reported when it was bound. */
export interface VfioState {
  readonly bound: ReadonlyMap<string, readonly VfioRegion[]>;
}

export function initialVfioState(): VfioState {
  return { bound: new Map() };
}

export function evolveVfio(state: VfioState, event: VfioEvent): VfioState {
  const bound = new Map(state.bound);
  switch (event.type) {
    case 'FunctionBound':
      bound.set(event.data.bdf, event.data.regions);
      break;
    case 'FunctionUnbound':
      bound.delete(event.data.bdf);
      break;
  }
  return { bound };
}
