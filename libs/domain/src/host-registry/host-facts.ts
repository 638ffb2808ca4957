import { NotFoundError } from '../decider/domain-error';
import { Host } from '../pci/host';
import { Pe } from '../pci/pe';
import { Scenario } from '../scenario/scenario';
import { HostRegistryState } from './host-registry.state';

/** What the vfio-regions and guest-memory aggregates know of a host, from `pe.events`. */
export interface HostFacts {
  readonly host: Host;
  readonly pes: readonly Pe[];
}

/** The registered host and its PEs as a VM-less scenario; NOT_FOUND before RegisterHost. */
export function hostScenario(state: HostRegistryState): Scenario {
  if (!state.host) throw new NotFoundError('no host is registered in this stream');
  return { host: state.host, pes: state.pes };
}
