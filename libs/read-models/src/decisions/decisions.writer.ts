import { EntityManager } from 'typeorm';
import { DecisionSubject } from '@barplane/domain';
import { qualified, runSql } from '@barplane/eventstore';
import { JSON_TEXTS, jsonTexts } from '../sql/json-texts';
import { StoredDecision } from './decision-changes';

/** A decision as the decisions table holds it, with the audit record that made it. */
export type HeldDecision = StoredDecision & { readonly auditSeq: number };

/** The current decisions of each host, by subject key. */
export async function readDecisions(
  em: EntityManager,
  schema: string,
  hostIds: readonly string[],
): Promise<Map<string, Map<string, HeldDecision>>> {
  const { rows } = await runSql<{
    host_id: string;
    subject_key: string;
    subject: DecisionSubject;
    vm_id: string | null;
    outcome: Record<string, unknown>;
    audit_seq: number;
  }>(
    em,
    `SELECT host_id, subject_key, subject, vm_id, outcome, audit_seq FROM ${qualified(schema, 'decisions')} WHERE host_id = ANY($1::text[])`,
    [hostIds],
  );
  const byHost = new Map<string, Map<string, HeldDecision>>();
  for (const r of rows) {
    const decisions = byHost.get(r.host_id) ?? new Map<string, HeldDecision>();
    byHost.set(r.host_id, decisions);
    decisions.set(r.subject_key, {
      key: r.subject_key,
      subject: r.subject,
      vmId: r.vm_id,
      outcome: r.outcome,
      auditSeq: Number(r.audit_seq),
    });
  }
  return byHost;
}

/** Each decision as it stands: upserted (`up`), or deleted (`gone`). */
export async function writeDecisions(
  em: EntityManager,
  schema: string,
  up: readonly (HeldDecision & { hostId: string })[],
  gone: readonly { hostId: string; key: string }[],
): Promise<void> {
  const table = qualified(schema, 'decisions');
  if (up.length) {
    await runSql(
      em,
      `INSERT INTO ${table} (host_id, subject_key, subject, vm_id, outcome, audit_seq)
       SELECT * FROM unnest($1::text[], $2::text[], ${JSON_TEXTS('$3')}::jsonb[], $4::text[], ${JSON_TEXTS('$5')}::jsonb[], $6::int[])
       ON CONFLICT (host_id, subject_key) DO UPDATE SET subject = EXCLUDED.subject, vm_id = EXCLUDED.vm_id, outcome = EXCLUDED.outcome,
         audit_seq = EXCLUDED.audit_seq, decided_at = now()`,
      [
        up.map((d) => d.hostId),
        up.map((d) => d.key),
        jsonTexts(up.map((d) => JSON.stringify(d.subject))),
        up.map((d) => d.vmId),
        jsonTexts(up.map((d) => JSON.stringify(d.outcome))),
        up.map((d) => d.auditSeq),
      ],
    );
  }
  if (gone.length) {
    await runSql(
      em,
      `DELETE FROM ${table} d USING unnest($1::text[], $2::text[]) AS g(host_id, subject_key)
       WHERE d.host_id = g.host_id AND d.subject_key = g.subject_key`,
      [gone.map((g) => g.hostId), gone.map((g) => g.key)],
    );
  }
}
