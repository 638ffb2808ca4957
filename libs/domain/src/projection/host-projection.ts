import { GuestEvent } from '../guest/guest.events';
import { GuestState, evolveGuest, initialGuestState } from '../guest/guest.state';
import { HOST_REGISTRY_EVENT_TYPES, HostRegistryEvent } from '../host-registry/host-registry.events';
import { HostRegistryState, evolveHostRegistry, initialHostRegistryState } from '../host-registry/host-registry.state';
import { VfioEvent } from '../vfio/vfio.events';
import { VfioState, evolveVfio, initialVfioState } from '../vfio/vfio.state';

export type FactEvent = HostRegistryEvent | VfioEvent | GuestEvent;

/** What the projector knows of one host: the three owners' states, folded by their own evolve. */
export interface HostProjection {
  readonly hostId: string;
  readonly registry: HostRegistryState;
  readonly vfio: VfioState;
  readonly guest: GuestState;
}

export function initialHostProjection(hostId: string): HostProjection {
  return { hostId, registry: initialHostRegistryState(), vfio: initialVfioState(), guest: initialGuestState() };
}

const REGISTRY = new Set<string>(HOST_REGISTRY_EVENT_TYPES);
const VFIO = new Set(['FunctionBound', 'FunctionUnbound']);

/** Folds one fact event of any owner into the host's projection. */
export function applyFact(p: HostProjection, event: FactEvent): HostProjection {
  if (REGISTRY.has(event.type)) return { ...p, registry: evolveHostRegistry(p.registry, event as HostRegistryEvent) };
  if (VFIO.has(event.type)) return { ...p, vfio: evolveVfio(p.vfio, event as VfioEvent) };
  return { ...p, guest: evolveGuest(p.guest, event as GuestEvent) };
}
