import { ChainedRecord } from '@barplane/domain';
import { qualified } from '@barplane/eventstore';
import { ReadQuery } from '../sql/read-query';

export interface AuditRow {
  host_id: string;
  seq: number;
  record: Record<string, unknown>;
  prev_hash: string;
  hash: string;
  recorded_at: Date;
  source_topic: string | null;
  source_partition: number | null;
  source_offset: string | null;
}

export interface AuditFilter {
  host?: string;
  pe?: string;
  vm?: string;
  since?: Date;
  until?: Date;
  afterHost?: string;
  afterSeq?: number;
}

/** The records that match, in (host, seq) order, at most `limit`. */
export function auditRows(read: ReadQuery, schema: string, filter: AuditFilter, limit = 1000): Promise<AuditRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    let text = sql;
    for (const v of values) {
      params.push(v);
      text = text.replace('?', `$${params.length}`);
    }
    where.push(text);
  };
  if (filter.host) add('host_id = ?', filter.host);
  if (filter.pe) add(`record->'subject'->>'pe' = ?`, filter.pe);
  if (filter.vm) add(`record->>'vmId' = ?`, filter.vm);
  if (filter.since) add('recorded_at >= ?', filter.since);
  if (filter.until) add('recorded_at < ?', filter.until);
  if (filter.afterHost !== undefined) add('(host_id, seq) > (?, ?)', filter.afterHost, filter.afterSeq ?? 0);
  params.push(limit);
  return read<AuditRow>(
    `SELECT host_id, seq, record, prev_hash, hash, recorded_at, source_topic, source_partition, source_offset
     FROM ${qualified(schema, 'audit_records')} ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
     ORDER BY host_id, seq LIMIT $${params.length}`,
    params,
  );
}

/** Every host's chain, host by host, in seq order (for verification). */
export async function* auditChains(
  read: ReadQuery,
  schema: string,
): AsyncGenerator<{ hostId: string; chain: ChainedRecord[] }> {
  const table = qualified(schema, 'audit_records');
  const hosts = await read<{ host_id: string }>(`SELECT DISTINCT host_id FROM ${table} ORDER BY host_id`);
  for (const { host_id } of hosts) {
    const rows = await read<AuditRow>(`SELECT record, prev_hash, hash FROM ${table} WHERE host_id = $1 ORDER BY seq`, [
      host_id,
    ]);
    yield {
      hostId: host_id,
      chain: rows.map((r) => ({ record: r.record as never, prevHash: r.prev_hash, hash: r.hash })),
    };
  }
}

/** A position in (recorded_at, host, seq) order: where the SSE stream of decisions stands. */
export interface AuditPosition {
  recordedAt: Date;
  hostId: string;
  seq: number;
}

/** Audit records after a position in (recorded_at, host, seq) order, for the SSE stream. */
export function auditRowsAfter(
  read: ReadQuery,
  schema: string,
  after: AuditPosition | undefined,
  limit = 500,
): Promise<AuditRow[]> {
  const table = qualified(schema, 'audit_records');
  return after
    ? read<AuditRow>(
        `SELECT host_id, seq, record, hash, recorded_at FROM ${table}
         WHERE (recorded_at, host_id, seq) > ($1, $2, $3) ORDER BY recorded_at, host_id, seq LIMIT $4`,
        [after.recordedAt, after.hostId, after.seq, limit],
      )
    : read<AuditRow>(
        `SELECT host_id, seq, record, hash, recorded_at FROM ${table} ORDER BY recorded_at, host_id, seq LIMIT $1`,
        [limit],
      );
}

export async function auditRow(
  read: ReadQuery,
  schema: string,
  hostId: string,
  seq: number,
): Promise<AuditRow | undefined> {
  const rows = await read<AuditRow>(
    `SELECT host_id, seq, record, hash, recorded_at FROM ${qualified(schema, 'audit_records')} WHERE host_id = $1 AND seq = $2`,
    [hostId, seq],
  );
  return rows[0];
}
