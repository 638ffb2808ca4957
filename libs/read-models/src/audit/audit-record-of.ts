import { AuditRecord, RULE_SET, auditFacts } from '@barplane/domain';
import { Envelope } from '@barplane/contracts';
import { DecisionChange } from '../decisions/decision-changes';

/** The audit record of one decision change caused by event `e`: what both apply paths hash. */
export function auditRecordOf(e: Envelope, seq: number, change: DecisionChange, snapshot: string | null): AuditRecord {
  const next = change.next;
  return {
    hostId: e.hostId,
    seq,
    subject: next ? next.subject : change.previous!.subject,
    vmId: next ? next.vmId : null,
    outcome: next ? next.outcome : null,
    previous: change.previous ? change.previous.outcome : null,
    facts: next ? auditFacts(next, snapshot!) : { removed: true },
    ruleSet: RULE_SET,
    causes: [e.id],
    correlationId: e.correlationId ?? null,
    principal: e.principal ?? null,
  };
}
