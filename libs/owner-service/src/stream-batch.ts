import type { DomainCommand, DomainEvent, Envelope } from '@barplane/contracts';
import type { HostFacts } from '@barplane/domain';
import {
  type AppendManyInput,
  ConcurrencyError,
  type EventStore,
  type NewEvent,
  type OutboxMessage,
  type StoredEvent,
  type StreamAppend,
} from '@barplane/eventstore';
import { foldStored, type LoadedStream, toNewEvents } from './aggregate-stream';
import { type Cause, eventEnvelope, outboxMessageOf } from './envelopes';
import type { FactsSource } from './facts-wait';
import type { OwnerDecider } from './owner-definition';
import type { StreamCache } from './stream-cache';

interface Working<S> {
  streamType?: string;
  /** Committed version the batch started from (the append's expected version). */
  base: bigint;
  version: bigint;
  state: S;
  events: NewEvent[];
}

type OutboxEntry = { eventId: string; answer?: Envelope } | { message: OutboxMessage };

/**
 * One partition batch of an owner, decided in memory: each stream's state as of the commands
 * before, the events to append per stream, the outbox messages in order (a command's events,
 * its answer on the last of them, or the answer alone) and the inbox claims. `input()` is what EventStore.appendMany
 * commits at once.
 */
export class StreamBatch<C extends DomainCommand, E extends DomainEvent, S> {
  private readonly streams = new Map<string, Working<S>>();
  private readonly entries: OutboxEntry[] = [];
  private readonly claims: string[] = [];

  constructor(
    private readonly decider: OwnerDecider<C, E, S>,
    private readonly eventTopic: string,
  ) {}

  /**
   * Makes the streams' states available: from the cache, or read and folded in one query for
   * the streams it lacks (and offered to the cache: a read is a committed snapshot).
   */
  async load(store: EventStore, cache: StreamCache<S>, streamIds: Iterable<string>): Promise<void> {
    const missing: string[] = [];
    for (const id of new Set(streamIds)) {
      if (this.streams.has(id)) continue;
      const cached = cache.get(id);
      if (cached)
        this.streams.set(id, { base: cached.version, version: cached.version, state: cached.state, events: [] });
      else missing.push(id);
    }
    if (missing.length === 0) return;
    const read = await store.readStreams(missing);
    for (const id of missing) {
      const stream = read.get(id)!;
      const state = foldStored(this.decider, this.decider.initialState(), stream.events);
      cache.offer(id, { version: stream.version, state });
      this.streams.set(id, { base: stream.version, version: stream.version, state, events: [] });
    }
  }

  /** The stream as the batch's earlier commands left it. */
  stream(streamId: string): LoadedStream<S> {
    const working = this.streams.get(streamId);
    if (!working) throw new Error(`stream ${streamId} was not loaded for this batch`);
    return { version: working.version, state: working.state };
  }

  /**
   * Adds decided events to the stream (next versions) and their envelopes to the outbox, and
   * moves the stream's state on, folding the events in the form the store will hold (as a
   * later read would). Returns the new events, versions `from + 1 ...`.
   */
  append(
    streamId: string,
    streamType: string,
    events: readonly E[],
    cause: Cause,
  ): { from: bigint; events: NewEvent[] } {
    const working = this.streams.get(streamId);
    if (!working) throw new Error(`stream ${streamId} was not loaded for this batch`);
    const from = working.version;
    const added = toNewEvents(events, cause);
    working.streamType = streamType;
    working.events.push(...added);
    working.version += BigInt(added.length);
    working.state = foldStored(this.decider, working.state, added);
    for (const event of added) this.entries.push({ eventId: event.eventId });
    return { from, events: added };
  }

  /** An outbox message after those already added (an answer to a command without events). */
  publish(message: OutboxMessage): void {
    this.entries.push({ message });
  }

  /** The answer of the command whose events were appended last: it rides on the last of them. */
  answerLastEvent(answer: Envelope): void {
    const last = this.entries.at(-1);
    if (!last || !('eventId' in last)) throw new Error('answerLastEvent: the last outbox entry is not an event');
    last.answer = answer;
  }

  /** The inbox claim of a handled message (answered, applied, or a no-op). */
  claim(messageId: string): void {
    this.claims.push(messageId);
  }

  get claimed(): readonly string[] {
    return this.claims;
  }

  /** Streams this batch read (their cache entries are suspect after a conflict). */
  get streamIds(): string[] {
    return [...this.streams.keys()];
  }

  get eventCount(): number {
    let n = 0;
    for (const working of this.streams.values()) n += working.events.length;
    return n;
  }

  input(inboxConsumer: string): AppendManyInput {
    const appends: StreamAppend[] = [];
    for (const [streamId, working] of this.streams) {
      if (working.events.length === 0) continue;
      appends.push({
        streamId,
        streamType: working.streamType!,
        expectedVersion: working.base,
        events: working.events,
      });
    }
    return {
      appends,
      inbox: { consumer: inboxConsumer, messageIds: [...this.claims] },
      // Global positions in decision order, across streams, as one-at-a-time handling gives.
      eventOrder: this.entries.flatMap((entry) => ('eventId' in entry ? [entry.eventId] : [])),
      outbox: (stored: ReadonlyMap<string, StoredEvent>) =>
        this.entries.map((entry) =>
          'message' in entry
            ? entry.message
            : outboxMessageOf(this.eventTopic, eventEnvelope(stored.get(entry.eventId)!, entry.answer)),
        ),
    };
  }

  /** After the commit: every stream's state is committed at its new version. */
  commitTo(cache: StreamCache<S>): void {
    for (const [streamId, working] of this.streams)
      cache.offer(streamId, { version: working.version, state: working.state });
  }

  /**
   * Commits the batch (nothing to do when it claimed nothing) and offers its streams to the
   * cache. Otherwise says why the caller must decide again: messages handled meanwhile (another
   * instance after a rebalance; their ids are added to `duplicates`), or a lost race (the
   * batch's streams leave the cache, and the error is returned for the caller to throw at last).
   */
  async write(
    store: EventStore,
    inboxConsumer: string,
    cache: StreamCache<S>,
    duplicates: Set<string>,
  ): Promise<'written' | 'duplicates' | ConcurrencyError> {
    if (this.claims.length === 0) return 'written';
    try {
      const result = await store.appendMany(this.input(inboxConsumer));
      if (result.duplicate) {
        for (const id of result.duplicates) duplicates.add(id);
        return 'duplicates';
      }
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      cache.drop(this.streamIds);
      return error;
    }
    this.commitTo(cache);
    return 'written';
  }
}

/** Host facts for a batch: fetched once for all its hosts, re-read per host only on NOT_FOUND. */
export class BatchFacts implements FactsSource {
  private readonly known = new Map<string, HostFacts | undefined>();
  private readonly fresh = new Set<string>();

  constructor(private readonly source: FactsSource) {}

  async prefetch(hostIds: Iterable<string>): Promise<void> {
    const ids = [...new Set(hostIds)].filter((id) => !this.known.has(id));
    if (ids.length === 0) return;
    const facts = this.source.loadMany
      ? await this.source.loadMany(ids)
      : new Map(await Promise.all(ids.map(async (id) => [id, await this.source.load(id)] as const)));
    for (const id of ids) {
      this.known.set(id, facts.get(id));
      this.fresh.add(id);
    }
  }

  /** The prefetched facts the first time, a new read each time after (withFreshFacts' retries). */
  async load(hostId: string): Promise<HostFacts | undefined> {
    if (this.fresh.delete(hostId)) return this.known.get(hostId);
    const facts = await this.source.load(hostId);
    this.known.set(hostId, facts);
    return facts;
  }

  /** Next decide of this host starts from the facts known now (no re-read). */
  settle(hostId: string): void {
    if (this.known.has(hostId)) this.fresh.add(hostId);
  }

  mightBeStale(): Promise<boolean> {
    return this.source.mightBeStale();
  }
}

/** The envelope's cause: who asked, copied into every envelope it causes. */
export function causeOf(envelope: Envelope): Cause {
  return {
    hostId: envelope.hostId,
    correlationId: envelope.correlationId,
    causationId: envelope.id,
    principal: envelope.principal,
  };
}
