import type { DomainCommand, DomainEvent } from '@barplane/contracts';
import type { EventStore } from '@barplane/eventstore';
import type { FactsSource, FactsWaitOptions } from './facts-wait';
import type { OwnerCounters } from './owner-counters';
import type { OwnerDefinition } from './owner-definition';
import type { StreamCache } from './stream-cache';

/** What a command handler and a reaction handler both write with. */
export interface StreamWriterDeps<C extends DomainCommand, E extends DomainEvent, S> {
  store: EventStore;
  definition: OwnerDefinition<C, E, S>;
  /** Namespaced event topic of the owner: where events and answers go. */
  eventTopic: string;
  /** Inbox consumer name of what is handled. */
  inboxConsumer: string;
  facts?: FactsSource;
  /**
   * Cheap early look at the inbox, so a redelivery skips the work (the claim still decides): the ids of `messageIds`
   * the inbox of `consumer` holds.
   */
  processedOf?: (consumer: string, messageIds: string[]) => Promise<Set<string>>;
  factsWait?: FactsWaitOptions;
  counters: OwnerCounters;
  /** Folded streams shared by the owner's writers (commands, reactions); a private one if absent. */
  cache?: StreamCache<S>;
  /** Tries of a batch that lost a race before its messages go one at a time (default 3). */
  batchAttempts?: number;
}
