import { PageRemainder, pageRemainderIndex } from '../decision/page-remainder-index';
import { Pe } from '../pci/pe';
import { Scenario } from '../scenario/scenario';
import { inDecisionOrder } from './decision-order';

/**
 * What `planScenario` and `planRegions` both walk: the PEs in decision order and the index
 * the page-remainder rule asks. `planAnswer` builds it once for both: on a host with tens of
 * thousands of BARs each costs about as much as deriving every region.
 */
export interface HostLayout {
  readonly pes: readonly Pe[];
  readonly mmio: PageRemainder;
}

export function hostLayout(scenario: Pick<Scenario, 'host' | 'pes'>): HostLayout {
  const pes = inDecisionOrder(scenario.pes);
  return { pes, mmio: pageRemainderIndex(pes, scenario.host) };
}
