import { qualified } from '@barplane/eventstore';
import { ReadQuery } from '../sql/read-query';
import { HostSummary } from './host-summary';

/** Every registered host's summary in host order, or one host's: one row each. */
export async function hostSummaries(read: ReadQuery, schema: string, hostId?: string): Promise<HostSummary[]> {
  const table = qualified(schema, 'host_summaries');
  const rows = hostId
    ? await read<{ summary: HostSummary }>(`SELECT summary FROM ${table} WHERE host_id = $1 AND summary IS NOT NULL`, [
        hostId,
      ])
    : await read<{ summary: HostSummary }>(`SELECT summary FROM ${table} WHERE summary IS NOT NULL ORDER BY host_id`);
  return rows.map((r) => r.summary);
}

/**
 * A text that changes whenever any summary row is written or the table is emptied (a rebuild
 * writes every row again): what a reader keys a cached fleet-wide answer on. One tiny read.
 */
export async function hostSummariesVersion(read: ReadQuery, schema: string): Promise<string> {
  const [row] = await read<{ version: string }>(
    `SELECT count(*) || '/' || coalesce(max(updated_at)::text, '') AS version FROM ${qualified(schema, 'host_summaries')}`,
  );
  return row?.version ?? '';
}

/** When one host's summary was last written: it changes in every transaction that writes the host. */
export async function hostSummaryVersion(read: ReadQuery, schema: string, hostId: string): Promise<string | undefined> {
  const [row] = await read<{ version: string }>(
    `SELECT updated_at::text AS version FROM ${qualified(schema, 'host_summaries')} WHERE host_id = $1`,
    [hostId],
  );
  return row?.version;
}
