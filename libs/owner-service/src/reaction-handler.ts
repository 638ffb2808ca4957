import { type DomainCommand, type DomainEvent, parseEnvelope } from '@barplane/contracts';
import { ConcurrencyError, type EventStore, type InboxClaim } from '@barplane/eventstore';
import type { ConsumedMessage } from '@barplane/messaging';
import { loadStream, toNewEvents } from './aggregate-stream';
import { type Cause, eventEnvelope, outboxMessageOf } from './envelopes';
import { DEFAULT_FACTS_WAIT, type FactsSource, type FactsWaitOptions, withFreshFacts } from './facts-wait';
import type { OwnerCounters } from './owner-counters';
import type { OwnerDefinition, Reaction } from './owner-definition';

export type ReactionOutcome = 'applied' | 'noop' | 'skipped' | 'duplicate';

export interface ReactionHandlerDeps<C extends DomainCommand, E extends DomainEvent, S> {
  store: EventStore;
  definition: OwnerDefinition<C, E, S>;
  reaction: Reaction<C, S>;
  /** Namespaced event topic of the owner. */
  eventTopic: string;
  /** Inbox consumer: `<service>-<reaction name>`. */
  inboxConsumer: string;
  facts?: FactsSource;
  isProcessed?: (claim: InboxClaim) => Promise<boolean>;
  factsWait?: FactsWaitOptions;
  counters: OwnerCounters;
}

/**
 * Applies the commands an owner derives from another service's event: folded through the
 * decider one after the other and appended together, with the inbox claim of the event id, and
 * the event as causation (correlation and principal copied from it). No answer is published.
 * A DomainError (after waiting for facts) throws: the event is retried, then dead-lettered.
 */
export class ReactionHandler<C extends DomainCommand, E extends DomainEvent, S> {
  constructor(private readonly deps: ReactionHandlerDeps<C, E, S>) {}

  async handleMessage(message: ConsumedMessage): Promise<ReactionOutcome> {
    const envelope = parseEnvelope(message.value);
    if (!envelope) throw new Error(`${message.topic}[${message.partition}]@${message.offset} is not an event envelope`);
    const { store, definition, reaction, counters } = this.deps;
    if (!reaction.eventTypes.includes(envelope.type)) return 'skipped';
    const inbox: InboxClaim = { consumer: this.deps.inboxConsumer, messageId: envelope.id };
    if (await this.deps.isProcessed?.(inbox)) {
      counters.duplicates += 1;
      return 'duplicate';
    }
    const cause: Cause = { hostId: envelope.hostId, correlationId: envelope.correlationId, causationId: envelope.id, principal: envelope.principal };
    const { decider, identity } = definition;
    const streamId = identity.streamPrefix + envelope.hostId;

    for (let attempt = 1; ; attempt++) {
      const stream = await loadStream(store, decider, streamId);
      const events = await withFreshFacts(
        this.deps.facts,
        envelope.hostId,
        (facts) => {
          let state = stream.state;
          const all: E[] = [];
          for (const command of reaction.commandsFor(envelope, facts, state)) {
            const decided = decider.decide(command, state, facts);
            state = decided.reduce((s, event) => decider.evolve(s, event), state);
            all.push(...decided);
          }
          return all;
        },
        this.deps.factsWait ?? DEFAULT_FACTS_WAIT,
      );
      if (events.length === 0) {
        const { duplicate } = await store.record({ inbox });
        if (duplicate) counters.duplicates += 1;
        return duplicate ? 'duplicate' : 'noop';
      }
      try {
        const result = await store.append(streamId, identity.streamType, stream.version, toNewEvents(events, cause), {
          inbox,
          outbox: (stored) => stored.map((event) => outboxMessageOf(this.deps.eventTopic, eventEnvelope(event))),
        });
        if (result.duplicate) {
          counters.duplicates += 1;
          return 'duplicate';
        }
        counters.reactions += 1;
        counters.eventsAppended += result.events.length;
        return 'applied';
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= 2) throw error;
        counters.raceRetries += 1;
      }
    }
  }
}
