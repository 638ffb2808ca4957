import { EntityManager } from 'typeorm';
import { qualified, runSql } from '@barplane/eventstore';
import { Source } from '../projector/source';
import { JSON_TEXTS, jsonTexts } from '../sql/json-texts';

/** One audit record to append to its host's chain. */
export interface AuditEntry {
  readonly hostId: string;
  readonly seq: number;
  /** The record's canonical JSON: what its hash covers, and what is stored. */
  readonly recordJson: string;
  readonly prevHash: string;
  readonly hash: string;
  readonly source: Source;
}

/** The last record (seq, hash) of each host's chain that has one. */
export async function readAuditHeads(
  em: EntityManager,
  schema: string,
  hostIds: readonly string[],
): Promise<Map<string, { seq: number; hash: string }>> {
  const { rows } = await runSql<{ host_id: string; seq: number; hash: string }>(
    em,
    `SELECT h AS host_id, a.seq, a.hash FROM unnest($1::text[]) AS h
     CROSS JOIN LATERAL (SELECT seq, hash FROM ${qualified(schema, 'audit_records')} WHERE host_id = h ORDER BY seq DESC LIMIT 1) a`,
    [hostIds],
  );
  return new Map(rows.map((r) => [r.host_id, { seq: Number(r.seq), hash: r.hash }]));
}

export async function writeAudit(em: EntityManager, schema: string, audit: readonly AuditEntry[]): Promise<void> {
  if (audit.length === 0) return;
  await runSql(
    em,
    `INSERT INTO ${qualified(schema, 'audit_records')} (host_id, seq, record, prev_hash, hash, source_topic, source_partition, source_offset)
     SELECT * FROM unnest($1::text[], $2::int[], ${JSON_TEXTS('$3')}::json[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[])`,
    [
      audit.map((a) => a.hostId),
      audit.map((a) => a.seq),
      // The records as their canonical texts, what was hashed: stored as they are.
      jsonTexts(audit.map((a) => a.recordJson)),
      audit.map((a) => a.prevHash),
      audit.map((a) => a.hash),
      audit.map((a) => a.source.topic),
      audit.map((a) => a.source.partition),
      audit.map((a) => a.source.offset),
    ],
  );
}

/** The fact snapshots audit records point to, by hash (scenario JSON). */
export async function writeFactSnapshots(
  em: EntityManager,
  schema: string,
  snapshots: ReadonlyMap<string, string>,
): Promise<void> {
  if (snapshots.size === 0) return;
  // Shared between hosts: sorted, so concurrent batches inserting the same ones cannot deadlock.
  const hashes = [...snapshots.keys()].sort();
  await runSql(
    em,
    `INSERT INTO ${qualified(schema, 'fact_snapshots')} (hash, scenario) SELECT * FROM unnest($1::text[], ${JSON_TEXTS('$2')}::json[]) ON CONFLICT DO NOTHING`,
    [hashes, jsonTexts(hashes.map((h) => snapshots.get(h)!))],
  );
}
