import { BarDecisionView, HostProjection, fastPathCoverage, hostToJson } from '@barplane/domain';
import { CoverageJson, coverageJson } from './coverage-json';

/**
 * What a fleet-wide read needs of one host (GET /v1/hosts, /metrics), kept as one row per host
 * by the projector so that those reads need not load every projection and decision.
 */
export interface HostSummary {
  host: ReturnType<typeof hostToJson>;
  peCount: number;
  functionCount: number;
  vms: string[];
  coverage: CoverageJson;
  /** Current BAR decisions by mapping mode, assigned or not. */
  barModes: Record<string, number>;
}

/** Bumped whenever HostSummary or its derivation changes: the projector then writes every row again. */
export const HOST_SUMMARY_VERSION = 1;

/** The summary of a host from its projection and current decisions; null while it is not registered. */
export function hostSummaryOf(
  state: HostProjection,
  decisions: Iterable<{ readonly subject: { readonly kind: string }; readonly outcome: Record<string, unknown> }>,
): HostSummary | null {
  const host = state.registry.host;
  if (!host) return null;
  const bars: BarDecisionView[] = [];
  const barModes: Record<string, number> = {};
  for (const d of decisions) {
    if (d.subject.kind !== 'bar') continue;
    const view = d.outcome as unknown as BarDecisionView;
    bars.push(view);
    barModes[view.mode] = (barModes[view.mode] ?? 0) + 1;
  }
  const pes = state.registry.pes;
  return {
    host: hostToJson(host),
    peCount: pes.length,
    functionCount: pes.reduce((n, pe) => n + pe.functions.length, 0),
    vms: [...state.guest.vms.keys()],
    coverage: coverageJson(fastPathCoverage(pes, bars, (bdf) => state.guest.holders.has(bdf))),
    barModes,
  };
}
