import { Envelope, parseEnvelope } from '@barplane/contracts';
import { ConsumedMessage } from '@barplane/messaging';

/** An event to apply again and the message it was read from. */
export interface ReplayEntry {
  readonly envelope: Envelope;
  readonly message: ConsumedMessage;
}

/** Owners in the order their events of one instant are applied: hosts before VMs before bindings. */
const TOPIC_RANK: Record<string, number> = { 'pe.events': 0, 'guest.events': 1, 'vfio.events': 2 };

export const topicRank = (topic: string): number => TOPIC_RANK[topic] ?? 9;

/** Where an event the live projector never applied goes: commit time, owner, stream version. */
export interface UnappliedKey {
  /** occurredAt; none (an answer that travels alone) sorts last. */
  readonly at: string;
  readonly rank: number;
  readonly version: bigint;
}

export function unappliedKey(entry: ReplayEntry, topicName: (t: string) => string): UnappliedKey {
  return {
    at: entry.envelope.occurredAt ?? NO_TIME,
    rank: topicRank(topicName(entry.message.topic)),
    version: BigInt(entry.envelope.streamVersion ?? entry.message.offset),
  };
}

export const NO_TIME = '\uffff';

export function compareUnapplied(a: UnappliedKey, b: UnappliedKey): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  if (a.rank !== b.rank) return a.rank - b.rank;
  return a.version < b.version ? -1 : a.version > b.version ? 1 : 0;
}

/**
 * The replay order, whole and in memory: what the streamed rebuild (replayEvents) reproduces
 * for every host. First the events in the order the live projector applied them (its
 * applied-order log, by event id), then those it never applied by commit time, owner and
 * stream version. A message that is no envelope is left out; an envelope read twice counts once.
 */
export function replayOrder(
  messages: readonly ConsumedMessage[],
  appliedOrder: readonly string[],
  topicName: (t: string) => string,
): ReplayEntry[] {
  const byId = new Map<string, ReplayEntry>();
  for (const message of messages) {
    const envelope = parseEnvelope(message.value);
    if (envelope && !byId.has(envelope.id)) byId.set(envelope.id, { envelope, message });
  }
  const ordered: ReplayEntry[] = [];
  for (const id of appliedOrder) {
    const entry = byId.get(id);
    if (!entry) continue;
    ordered.push(entry);
    byId.delete(id);
  }
  const rest = [...byId.values()]
    .map((entry) => ({ entry, key: unappliedKey(entry, topicName) }))
    .sort((a, b) => compareUnapplied(a.key, b.key))
    .map((x) => x.entry);
  return [...ordered, ...rest];
}
