import { Scenario } from '../scenario/scenario';
import { planRegions } from '../vfio/plan-regions';
import { hostLayout } from './host-layout';
import { Plan } from './plan';
import { planScenario } from './plan-scenario';

/**
 * What `barplane plan` and POST /v1/plans answer for a scenario: the decisions and, beside
 * them, every function's VFIO regions, so that an operator (and the conformance lab, against
 * VFIO_DEVICE_GET_REGION_INFO) sees what vfio-pci reports next to what was decided from it.
 * The projector decides with `planScenario` alone.
 */
export function planAnswer(scenario: Scenario): Plan {
  const layout = hostLayout(scenario);
  return { ...planScenario(scenario, layout), regions: planRegions(scenario, layout) };
}
