import { randomUUID } from 'node:crypto';
import { DomainEvent, Envelope, SCHEMA_VERSION, encodeEventData } from '@barplane/contracts';

/** A fact event as an owner would publish it; `version` also sets a distinct commit time. */
export function factEnvelope(topic: string, hostId: string, event: DomainEvent, version: number): Envelope {
  return {
    id: randomUUID(),
    type: event.type,
    schemaVersion: SCHEMA_VERSION,
    hostId,
    streamId: `${topic}-${hostId}`,
    streamVersion: String(version),
    occurredAt: new Date(Date.UTC(2026, 10, 25, 12, 0, version)).toISOString(),
    correlationId: randomUUID(),
    principal: 'provisioner:test',
    data: encodeEventData(event),
  };
}
