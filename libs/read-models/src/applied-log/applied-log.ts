import { Envelope } from '@barplane/contracts';
import { OutboxMessage } from '@barplane/eventstore';
import { derivedId } from '../projector/derived-id';
import { Source } from '../projector/source';

/**
 * The applied-order log (`projector.applied`): facts of three owners reach the projector in an
 * order no single log holds, and decisions depend on it, so the projector records the order it
 * applied each host's events in, for rebuilds to follow.
 */
export interface AppliedEntry {
  readonly hostId: string;
  readonly eventId: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export function appliedEntry(e: Envelope, source: Source): AppliedEntry {
  return { hostId: e.hostId, eventId: e.id, topic: source.topic, partition: source.partition, offset: source.offset };
}

/**
 * One message for a host's entries of one transaction, in the order applied, keyed by the host
 * (its entries stay in one partition, in order). A batch of events costs one message per host,
 * not one per event.
 */
export function appliedMessage(topic: string, entries: readonly AppliedEntry[]): OutboxMessage {
  const hostId = entries[0].hostId;
  return {
    messageId: derivedId(`applied:${entries.map((e) => e.eventId).join(',')}`),
    topic,
    key: hostId,
    payload: { hostId, entries },
  };
}

/** The entries of a message of the log: `{ hostId, entries }`, or one bare entry (the first format). */
export function appliedEntriesOf(value: string): AppliedEntry[] {
  const parsed = JSON.parse(value) as { entries?: AppliedEntry[] } & Partial<AppliedEntry>;
  if (Array.isArray(parsed.entries)) return parsed.entries;
  return typeof parsed.eventId === 'string' ? [parsed as AppliedEntry] : [];
}
