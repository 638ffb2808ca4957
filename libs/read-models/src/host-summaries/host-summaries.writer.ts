import { EntityManager } from 'typeorm';
import { qualified, runSql } from '@barplane/eventstore';
import { JSON_TEXTS, jsonTexts } from '../sql/json-texts';
import { HOST_SUMMARY_VERSION, HostSummary } from './host-summary';

/** Upserts each host's summary (SQL NULL for a host not registered: the row says it is summarised; reads skip it). */
export async function writeHostSummaries(
  em: EntityManager,
  schema: string,
  summaries: ReadonlyMap<string, HostSummary | null>,
): Promise<void> {
  if (summaries.size === 0) return;
  const ids = [...summaries.keys()];
  await runSql(
    em,
    `INSERT INTO ${qualified(schema, 'host_summaries')} (host_id, summary, version)
     SELECT id, NULLIF(s, 'null')::json, $3 FROM unnest($1::text[], ${JSON_TEXTS('$2')}) AS t(id, s)
     ON CONFLICT (host_id) DO UPDATE SET summary = EXCLUDED.summary, version = EXCLUDED.version, updated_at = now()`,
    [ids, jsonTexts(ids.map((id) => JSON.stringify(summaries.get(id) ?? null))), HOST_SUMMARY_VERSION],
  );
}
