import type { DomainCommand, DomainEvent, Envelope } from '@barplane/contracts';
import type { StreamWriterDeps } from './stream-writer-deps';
import type { StreamCache } from './stream-cache';
import { BatchFacts, StreamBatch } from './stream-batch';

/** What a batch reads before it decides: its streams, its hosts' facts, and which ids the inbox already holds. */
export interface BatchReads<C extends DomainCommand, E extends DomainEvent, S> {
  readonly batch: StreamBatch<C, E, S>;
  readonly facts?: BatchFacts;
  readonly processed: Set<string>;
}

/**
 * Reads, all at once, the streams of `load`'s hosts and their facts, and looks up in the inbox
 * the ids of `claim` not already known to be `duplicates` (the claim itself still decides).
 */
export async function readBatch<C extends DomainCommand, E extends DomainEvent, S>(
  deps: StreamWriterDeps<C, E, S>,
  cache: StreamCache<S>,
  envelopes: { readonly claim: readonly Envelope[]; readonly load: readonly Envelope[] },
  duplicates: ReadonlySet<string>,
): Promise<BatchReads<C, E, S>> {
  const { definition, store, inboxConsumer, processedOf } = deps;
  const batch = new StreamBatch<C, E, S>(definition.decider, deps.eventTopic);
  const facts = deps.facts ? new BatchFacts(deps.facts) : undefined;
  const unknown = [...new Set(envelopes.claim.map((e) => e.id))].filter((id) => !duplicates.has(id));
  const [processed] = await Promise.all([
    processedOf && unknown.length > 0 ? processedOf(inboxConsumer, unknown) : new Set<string>(),
    batch.load(
      store,
      cache,
      envelopes.load.map((e) => definition.identity.streamPrefix + e.hostId),
    ),
    facts?.prefetch(envelopes.load.map((e) => e.hostId)),
  ]);
  return { batch, facts, processed };
}
