/** An event as committed. Every field is what PostgreSQL holds, so a replay sees the same values. */
export interface StoredEvent {
  globalPosition: bigint;
  streamId: string;
  streamVersion: bigint;
  eventId: string;
  eventType: string;
  schemaVersion: number;
  hostId: string;
  data: unknown;
  metadata: Record<string, unknown>;
  /** ISO 8601 UTC with microseconds, e.g. "2026-11-25T16:40:00.123456Z" (a JS Date keeps only ms). */
  occurredAt: string;
}
