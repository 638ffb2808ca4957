import { EntityManager } from 'typeorm';
import { HostProjection } from '@barplane/domain';
import { projectionFromJson, projectionToJson } from '@barplane/contracts';
import { qualified, runSql } from '@barplane/eventstore';
import { JSON_TEXTS, jsonTexts } from '../sql/json-texts';

/** A host_projections row's version: every write of the row gives it a new xmin (and updated_at). */
const VERSION = `xmin::text || '/' || updated_at::text`;

/**
 * Locks the hosts (advisory, transaction-scoped) and their rows, and returns each row's version.
 * Sorted: two transactions sharing hosts take their locks in the same order, so partitions
 * consumed concurrently that share a host serialise instead of deadlocking.
 */
export async function lockHostProjections(
  em: EntityManager,
  schema: string,
  hostIds: readonly string[],
): Promise<Map<string, string>> {
  const sorted = [...hostIds].sort();
  await runSql(em, `SELECT pg_advisory_xact_lock(hashtextextended($1 || h, 0)) FROM unnest($2::text[]) AS h`, [
    `${schema}.host:`,
    sorted,
  ]);
  const { rows } = await runSql<{ host_id: string; version: string }>(
    em,
    `SELECT host_id, ${VERSION} AS version FROM ${qualified(schema, 'host_projections')} WHERE host_id = ANY($1::text[]) ORDER BY host_id FOR UPDATE`,
    [sorted],
  );
  return new Map(rows.map((r) => [r.host_id, r.version]));
}

export async function readHostProjections(
  em: EntityManager,
  schema: string,
  hostIds: readonly string[],
): Promise<Map<string, HostProjection>> {
  const { rows } = await runSql<{ host_id: string; state: Record<string, unknown> }>(
    em,
    `SELECT host_id, state FROM ${qualified(schema, 'host_projections')} WHERE host_id = ANY($1::text[])`,
    [hostIds],
  );
  return new Map(rows.map((r) => [r.host_id, projectionFromJson(r.state)]));
}

/** Upserts each host's projection; returns each row's new version. */
export async function writeHostProjections(
  em: EntityManager,
  schema: string,
  states: ReadonlyMap<string, HostProjection>,
): Promise<Map<string, string>> {
  if (states.size === 0) return new Map();
  const ids = [...states.keys()];
  const { rows } = await runSql<{ host_id: string; version: string }>(
    em,
    `INSERT INTO ${qualified(schema, 'host_projections')} (host_id, state) SELECT * FROM unnest($1::text[], ${JSON_TEXTS('$2')}::jsonb[])
     ON CONFLICT (host_id) DO UPDATE SET state = EXCLUDED.state, updated_at = now()
     RETURNING host_id, ${VERSION} AS version`,
    [ids, jsonTexts(ids.map((id) => JSON.stringify(projectionToJson(states.get(id)!))))],
  );
  return new Map(rows.map((r) => [r.host_id, r.version]));
}
