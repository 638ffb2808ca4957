import { Envelope, SCHEMA_VERSION } from '@barplane/contracts';
import { AuditRecord } from '@barplane/domain';
import { OutboxMessage } from '@barplane/eventstore';
import { derivedId } from '../projector/derived-id';

export function decisionMessage(topic: string, cause: Envelope, record: AuditRecord, hash: string): OutboxMessage {
  // Derived from the record's hash, so a rebuild that republishes names each decision alike.
  const id = derivedId(hash);
  const envelope: Envelope = {
    id,
    type: 'DecisionChanged',
    schemaVersion: SCHEMA_VERSION,
    hostId: record.hostId,
    correlationId: cause.correlationId,
    causationId: cause.id,
    principal: cause.principal,
    // The decision and where its audit record is, not the facts: those stay in the audit log
    // (GET /v1/audit), and every event on the topic would otherwise carry the PE's whole facts.
    data: { ...withoutFacts(record), factsSha256: record.facts.scenarioSha256 ?? null, auditHash: hash },
  };
  return { messageId: id, topic, key: record.hostId, payload: envelope };
}

function withoutFacts(record: AuditRecord): Omit<AuditRecord, 'facts'> {
  const { facts: _facts, ...rest } = record;
  return rest;
}
