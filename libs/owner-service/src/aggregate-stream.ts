import { randomUUID } from 'node:crypto';
import { type DomainCommand, type DomainEvent, decodeEvent, encodeEventData, SCHEMA_VERSION } from '@barplane/contracts';
import type { EventStore, NewEvent } from '@barplane/eventstore';
import { type Cause, eventMetadata } from './envelopes';
import type { OwnerDecider } from './owner-definition';

export interface LoadedStream<S> {
  version: bigint;
  state: S;
}

/** Reads a stream and folds its (wire-form) events through the decider. */
export async function loadStream<C extends DomainCommand, E extends DomainEvent, S>(
  store: EventStore,
  decider: OwnerDecider<C, E, S>,
  streamId: string,
): Promise<LoadedStream<S>> {
  const read = await store.readStream(streamId);
  const state = read.events.reduce(
    (s, stored) => decider.evolve(s, decodeEvent(stored.eventType, stored.data as Record<string, unknown>) as E),
    decider.initialState(),
  );
  return { version: read.version, state };
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
  return events.reduce((s, stored) => decider.evolve(s, decodeEvent(stored.eventType, stored.data as Record<string, unknown>) as E), state);
}
