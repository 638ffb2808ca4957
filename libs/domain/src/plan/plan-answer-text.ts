import { Scenario } from '../scenario/scenario';
import { functionRegions } from '../vfio/plan-regions';
import { hostLayout } from './host-layout';
import { planJsonText } from './plan-json-text';
import { planScenario } from './plan-scenario';

/**
 * planAnswer's JSON text (`JSON.stringify(planToJson(planAnswer(s)), null, 2)`), in pieces, for
 * `barplane plan`: the regions are derived one function at a time as they are written, so the
 * command never holds them all (4 MB on 30,000 BARs that would otherwise outlive every young
 * collection and be copied into the old generation).
 */
export function planAnswerText(scenario: Scenario): Generator<string> {
  const layout = hostLayout(scenario);
  return planJsonText(planScenario(scenario, layout), functionRegions(scenario, layout));
}
