import { HostProjection } from '@barplane/domain';
import { projectionFromJson } from '@barplane/contracts';
import { qualified } from '@barplane/eventstore';
import { ReadQuery } from '../sql/read-query';

/** Every host's projection in host order, or one host's. */
export async function hostProjections(read: ReadQuery, schema: string, hostId?: string): Promise<HostProjection[]> {
  const table = qualified(schema, 'host_projections');
  const rows = hostId
    ? await read<{ state: Record<string, unknown> }>(`SELECT state FROM ${table} WHERE host_id = $1`, [hostId])
    : await read<{ state: Record<string, unknown> }>(`SELECT state FROM ${table} ORDER BY host_id`);
  return rows.map((r) => projectionFromJson(r.state));
}
