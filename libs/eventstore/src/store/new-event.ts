/** An event as a decider produced it, before the store gives it a version and a position. */
export interface NewEvent {
  /** uuid; also the Kafka message id consumers dedupe on. */
  eventId: string;
  eventType: string;
  schemaVersion?: number;
  hostId: string;
  /** JSON only: 64-bit values as "0x..." strings (a bigint here is refused). */
  data: unknown;
  /** correlationId, causationId, principal, ... */
  metadata?: Record<string, unknown>;
}
