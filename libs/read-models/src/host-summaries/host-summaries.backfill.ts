import { DataSource } from 'typeorm';
import { qualified } from '@barplane/eventstore';
import { readDecisions } from '../decisions/decisions.writer';
import { lockHostProjections, readHostProjections } from '../host-projections/host-projections.writer';
import { HOST_SUMMARY_VERSION, HostSummary, hostSummaryOf } from './host-summary';
import { writeHostSummaries } from './host-summaries.writer';

const CHUNK = 200;

/**
 * Writes the summary of every host that has none or one of an older HOST_SUMMARY_VERSION (a
 * database from before host_summaries, or after a change of the summary), from its projection
 * and decisions. Each chunk locks its hosts as a batch of the projector does, so a projector
 * instance already consuming cannot interleave; run at the projector's start. Returns the hosts written.
 */
export async function backfillHostSummaries(db: DataSource, schema: string): Promise<number> {
  let written = 0;
  for (;;) {
    const stale = await db.query<{ host_id: string }[]>(
      `SELECT p.host_id FROM ${qualified(schema, 'host_projections')} p
       LEFT JOIN ${qualified(schema, 'host_summaries')} s USING (host_id)
       WHERE s.host_id IS NULL OR s.version <> $1 ORDER BY p.host_id LIMIT ${CHUNK}`,
      [HOST_SUMMARY_VERSION],
    );
    if (stale.length === 0) return written;
    const ids = stale.map((r) => r.host_id);
    await db.transaction(async (em) => {
      await lockHostProjections(em, schema, ids);
      const states = await readHostProjections(em, schema, ids);
      const decisions = await readDecisions(em, schema, ids);
      const summaries = new Map<string, HostSummary | null>();
      for (const [hostId, state] of states)
        summaries.set(hostId, hostSummaryOf(state, decisions.get(hostId)?.values() ?? []));
      await writeHostSummaries(em, schema, summaries);
    });
    written += ids.length;
  }
}
