import { Host } from '../pci/host';
import { Pe } from '../pci/pe';
import { Vm } from '../pci/vm';

/** Everything the engine decides from: one host, its PEs, and at most one VM on it. */
export interface Scenario {
  readonly host: Host;
  readonly pes: readonly Pe[];
  readonly vm?: Vm;
}
