import { EntityManager } from 'typeorm';
import { HostProjection } from '@barplane/domain';
import { HeldDecision, writeDecisions } from '../decisions/decisions.writer';
import { HostSummary, hostSummaryOf } from '../host-summaries/host-summary';

/** One host as the batch sees it: loaded once, folded in memory, written once. */
export interface HostWork {
  state: HostProjection;
  readonly decisions: Map<string, HeldDecision>;
  seq: number;
  prevHash: string;
  /** Subject keys whose decision row must be written (upserted or deleted) at the end. */
  readonly touched: Set<string>;
}

/** Each touched decision once, as it stands after the batch: upserted, or deleted if gone. */
export async function writeTouchedDecisions(
  em: EntityManager,
  schema: string,
  hosts: ReadonlyMap<string, HostWork>,
): Promise<void> {
  const up: (HeldDecision & { hostId: string })[] = [];
  const gone: { hostId: string; key: string }[] = [];
  for (const [hostId, host] of hosts) {
    for (const key of host.touched) {
      const d = host.decisions.get(key);
      if (d) up.push({ ...d, hostId });
      else gone.push({ hostId, key });
    }
  }
  await writeDecisions(em, schema, up, gone);
}

/** Each host's summary as the batch leaves it (fleet reads need one row per host, not every projection). */
export function summariesOf(hosts: ReadonlyMap<string, HostWork>): Map<string, HostSummary | null> {
  return new Map([...hosts].map(([id, h]) => [id, hostSummaryOf(h.state, h.decisions.values())]));
}
