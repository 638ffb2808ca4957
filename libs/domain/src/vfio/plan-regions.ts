import { HostLayout, hostLayout } from '../plan/host-layout';
import { Scenario } from '../scenario/scenario';
import { regionsAgainst } from './derive-regions';
import { VfioRegion } from './vfio-region';

/** One function of a plan with the regions vfio-pci would report for it once bound. */
export interface FunctionRegions {
  readonly pe: string;
  readonly bdf: string;
  readonly regions: readonly VfioRegion[];
}

/**
 * Every function of the host in decision order (PE id, BDF), each with
 * `deriveRegions(host, fn, pes)`: what apps/vfio-regions records when it binds the function.
 * Host facts only: the VM changes nothing vfio-pci reports. None has a region on a host
 * whose kernel cannot bind vfio-pci. deriveRegions indexes the host's MMIO on every call,
 * which over tens of thousands of functions is quadratic; the one page-remainder index the
 * planner uses (`layout.remainder`) answers the same on a valid scenario (no two BARs overlap), so
 * the whole host stays linear in its BARs. The input must have passed `scenarioProblems`.
 */
export function planRegions(
  scenario: Pick<Scenario, 'host' | 'pes'>,
  layout: HostLayout = hostLayout(scenario),
): FunctionRegions[] {
  return Array.from(functionRegions(scenario, layout));
}

/** planRegions one function at a time: `barplane plan` writes each and keeps none. */
export function* functionRegions(
  scenario: Pick<Scenario, 'host' | 'pes'>,
  layout: HostLayout = hostLayout(scenario),
): Generator<FunctionRegions> {
  const { host } = scenario;
  const { pes, remainder } = layout;
  for (let p = 0; p < pes.length; p++) {
    const pe = pes[p];
    for (let f = 0; f < pe.functions.length; f++) {
      const fn = pe.functions[f];
      yield { pe: pe.id, bdf: fn.bdf, regions: regionsAgainst(host, fn, remainder) };
    }
  }
}
