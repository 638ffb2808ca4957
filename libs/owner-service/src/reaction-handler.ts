import { type DomainCommand, type DomainEvent, type Envelope, parseEnvelope } from '@barplane/contracts';
import type { HostFacts } from '@barplane/domain';
import { ConcurrencyError } from '@barplane/eventstore';
import type { ConsumedMessage } from '@barplane/messaging';
import { DEFAULT_FACTS_WAIT, withFreshFacts } from './facts-wait';
import type { Reaction } from './owner-definition';
import { readBatch } from './batch-reads';
import { causeOf } from './stream-batch';
import { StreamCache } from './stream-cache';
import type { StreamWriterDeps } from './stream-writer-deps';

export type ReactionOutcome = 'applied' | 'noop' | 'skipped' | 'duplicate';

export interface ReactionHandlerDeps<C extends DomainCommand, E extends DomainEvent, S> extends StreamWriterDeps<
  C,
  E,
  S
> {
  reaction: Reaction<C, S>;
}

/**
 * Applies the commands an owner derives from another service's event: folded through the
 * decider one after the other and appended together, with the inbox claim of the event id, and
 * the event as causation (correlation and principal copied from it). No answer is published.
 * A DomainError (after waiting for facts) throws: the event is retried, then dead-lettered.
 */
export class ReactionHandler<C extends DomainCommand, E extends DomainEvent, S> {
  private readonly cache: StreamCache<S>;

  constructor(private readonly deps: ReactionHandlerDeps<C, E, S>) {
    this.cache = deps.cache ?? new StreamCache<S>();
  }

  /**
   * A partition batch in one transaction, as CommandHandler.handleBatch: each event's derived
   * commands decided in memory in order, then every event, outbox row and inbox claim written
   * by EventStore.appendMany; a lost race re-reads and retries, then one event at a time (a
   * single message is a batch of one). A
   * message that is not an envelope, or a DomainError after waiting for facts, fails the batch
   * (the consumer's one-at-a-time fallback then dead-letters that message alone).
   */
  async handleMessages(messages: readonly ConsumedMessage[]): Promise<ReactionOutcome[]> {
    const { store, definition, reaction, counters, inboxConsumer } = this.deps;
    const { identity } = definition;
    // Owners name each event's type in a header: most events on the topic are of no interest
    // here, and need not be parsed to know it (a message without the header is parsed).
    const envelopes = messages.map((message) => {
      const type = message.headers.type;
      if (type !== undefined && !reaction.eventTypes.includes(type)) return undefined;
      const envelope = parseEnvelope(message.value);
      if (!envelope)
        throw new Error(`${message.topic}[${message.partition}]@${message.offset} is not an event envelope`);
      return envelope;
    });
    const relevant = envelopes.filter((e): e is Envelope => e !== undefined && reaction.eventTypes.includes(e.type));
    if (relevant.length === 0) return envelopes.map(() => 'skipped');
    const duplicates = new Set<string>();
    let lostRace: ConcurrencyError | undefined;
    for (let attempt = 1; attempt <= (this.deps.batchAttempts ?? 3); attempt++) {
      const { batch, facts, processed } = await readBatch(
        this.deps,
        this.cache,
        { claim: relevant, load: relevant },
        duplicates,
      );
      const outcomes = new Map<string, ReactionOutcome>();
      for (const envelope of relevant) {
        if (duplicates.has(envelope.id) || processed.has(envelope.id) || outcomes.has(envelope.id)) continue;
        const streamId = identity.streamPrefix + envelope.hostId;
        const stream = batch.stream(streamId);
        let events: E[];
        try {
          events = await withFreshFacts(
            facts,
            envelope.hostId,
            (f) => this.decideAll(envelope, f, stream.state),
            this.deps.factsWait ?? DEFAULT_FACTS_WAIT,
          );
        } finally {
          facts?.settle(envelope.hostId);
        }
        batch.claim(envelope.id);
        if (events.length > 0) batch.append(streamId, identity.streamType, events, causeOf(envelope));
        outcomes.set(envelope.id, events.length > 0 ? 'applied' : 'noop');
      }
      const written = await batch.write(store, inboxConsumer, this.cache, duplicates);
      if (written instanceof ConcurrencyError) {
        lostRace = written;
        counters.raceRetries += 1;
      }
      if (written !== 'written') continue;
      const seen = new Set<string>();
      const result = envelopes.map((envelope): ReactionOutcome => {
        if (!envelope || !reaction.eventTypes.includes(envelope.type)) return 'skipped';
        const outcome = seen.has(envelope.id) ? undefined : outcomes.get(envelope.id);
        seen.add(envelope.id);
        return outcome ?? 'duplicate';
      });
      counters.duplicates += result.filter((o) => o === 'duplicate').length;
      counters.reactions += result.filter((o) => o === 'applied').length;
      counters.eventsAppended += batch.eventCount;
      return result;
    }
    // Every try lost a race: each event alone, a batch of one; one alone that keeps losing
    // throws, and the consumer retries it.
    if (messages.length === 1) throw lostRace!;
    const result: ReactionOutcome[] = [];
    for (const message of messages) result.push(...(await this.handleMessages([message])));
    return result;
  }

  /** The event's derived commands, each decided on the state the previous ones left. */
  private decideAll(envelope: Envelope, facts: HostFacts | undefined, from: S): E[] {
    const { decider } = this.deps.definition;
    let state = from;
    const all: E[] = [];
    for (const command of this.deps.reaction.commandsFor(envelope, facts, state)) {
      const decided = decider.decide(command, state, facts);
      state = decided.reduce((s, event) => decider.evolve(s, event), state);
      all.push(...decided);
    }
    return all;
  }
}
