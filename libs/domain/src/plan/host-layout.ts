import { PageRemainder, pageRemainderIndex } from '../decision/page-remainder-index';
import { Pe } from '../pci/pe';
import { Scenario } from '../scenario/scenario';
import { inDecisionOrder } from './decision-order';

/**
 * What `planScenario` and `planRegions` both walk: the PEs in decision order and the
 * page-remainder answers (`pageRemainderIndex`). `planAnswer` builds it once for both: on a host with tens of
 * thousands of BARs each costs about as much as deriving every region.
 */
export interface HostLayout {
  readonly pes: readonly Pe[];
  readonly remainder: PageRemainder;
}

export function hostLayout(scenario: Pick<Scenario, 'host' | 'pes'>): HostLayout {
  const pes = inDecisionOrder(scenario.pes);
  return { pes, remainder: pageRemainderIndex(pes, scenario.host) };
}
