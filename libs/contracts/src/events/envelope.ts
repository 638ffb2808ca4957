/**
 * The Kafka message value of every command and event (docs/control-plane.md). The message
 * key is `hostId`, so one host's history stays in order in one partition.
 */
export interface Envelope<Data = Record<string, unknown>> {
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly hostId: string;
  readonly streamId?: string;
  /** Decimal string: stream versions are bigint. */
  readonly streamVersion?: string;
  /** Commit time of the event (PostgreSQL clock), ISO 8601 with microseconds. */
  readonly occurredAt?: string;
  readonly correlationId: string;
  readonly causationId?: string;
  readonly principal: string;
  /** Commands only: the stream version the sender saw (optimistic concurrency). */
  readonly expectedVersion?: string;
  readonly data: Data;
  /**
   * Events only, on the last event a command appended: the command's CommandApplied answer.
   * It travels with the event instead of as a message of its own (half the messages on the
   * events topic); answers of commands that appended nothing still travel alone.
   */
  readonly answer?: Envelope;
}

export const SCHEMA_VERSION = 1;

/** Reads an envelope from a message value; undefined when it is not one. */
export function parseEnvelope(value: string): Envelope | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  const e = parsed as Partial<Envelope>;
  const ok =
    typeof e === 'object' &&
    e !== null &&
    typeof e.id === 'string' &&
    typeof e.type === 'string' &&
    typeof e.hostId === 'string' &&
    typeof e.correlationId === 'string' &&
    typeof e.principal === 'string' &&
    typeof e.data === 'object' &&
    e.data !== null;
  return ok ? (e as Envelope) : undefined;
}
