import { randomUUID } from 'node:crypto';
import {
  type DomainCommand,
  type DomainEvent,
  decodeEvent,
  encodeEventData,
  SCHEMA_VERSION,
} from '@barplane/contracts';
import type { NewEvent } from '@barplane/eventstore';
import { type Cause, eventMetadata } from './envelopes';
import type { OwnerDecider } from './owner-definition';

export interface LoadedStream<S> {
  version: bigint;
  state: S;
}

/** Decided events as the store takes them: new ids, wire-form data, the cause as metadata. */
export function toNewEvents(events: readonly DomainEvent[], cause: Cause): NewEvent[] {
  return events.map((event) => ({
    eventId: randomUUID(),
    eventType: event.type,
    schemaVersion: SCHEMA_VERSION,
    hostId: cause.hostId,
    data: encodeEventData(event),
    metadata: eventMetadata(cause),
  }));
}

/** Folds events as the store returned them (wire-form data) onto `state`. */
export function foldStored<E extends DomainEvent, S>(
  decider: Pick<OwnerDecider<DomainCommand, E, S>, 'evolve'>,
  state: S,
  events: readonly { eventType: string; data: unknown }[],
): S {
  return events.reduce(
    (s, stored) => decider.evolve(s, decodeEvent(stored.eventType, stored.data as Record<string, unknown>) as E),
    state,
  );
}
