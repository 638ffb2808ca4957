import type { DomainCommand, DomainEvent, Envelope } from '@barplane/contracts';
import type { HostFacts, Problem } from '@barplane/domain';
import type { MigrationClass } from '@barplane/eventstore';
import type { OwnerIdentity } from './owner-service.config';

/**
 * An aggregate's decider as an owner runs it. The facts (host and PEs from pe.events) are
 * undefined for owners that do not use them, and while none arrived for the host.
 */
export interface OwnerDecider<C extends DomainCommand, E extends DomainEvent, S> {
  decide(command: C, state: S, facts: HostFacts | undefined): E[];
  evolve(state: S, event: E): S;
  initialState(): S;
}

/**
 * Commands an owner derives from another service's event (vfio-regions binds the functions of a
 * PE that guest.events says was assigned). They are decided and appended like commanded ones,
 * with the event as causation, and answered to nobody.
 */
export interface Reaction<C extends DomainCommand, S> {
  /** Suffix of the consumer group and inbox consumer: `<service>-<name>`. */
  readonly name: string;
  /** Base topic name, e.g. 'guest.events'. */
  readonly topic: string;
  /** Event types reacted to; every other message of the topic is skipped. */
  readonly eventTypes: readonly string[];
  /**
   * Command types the owner decides only once this reaction has applied every message its topic
   * held when the command was taken up (ReactionCatchUp; bounded: after the bound the command is
   * answered CommandRejected `UNAVAILABLE`, undecided). For commands whose decision depends on
   * what the reaction records, so that one sent after the other service's answer sees it.
   */
  readonly awaitedBy?: readonly string[];
  /**
   * The commands for one event, in order (may be empty). May throw a NOT_FOUND DomainError when
   * the facts it needs have not arrived yet: the owner waits for them like for a command.
   */
  commandsFor(event: Envelope, facts: HostFacts | undefined, state: S): C[];
}

/** What makes an owner service: its names, its decider and what it needs besides commands. */
export interface OwnerDefinition<
  C extends DomainCommand = DomainCommand,
  E extends DomainEvent = DomainEvent,
  S = unknown,
> {
  readonly identity: OwnerIdentity;
  readonly decider: OwnerDecider<C, E, S>;
  /** Keep a HostFactsView of pe.events and pass its facts to decide. */
  readonly usesFacts: boolean;
  /** Checks beyond the command's DTO that need the envelope (e.g. hostId vs data.host.id). */
  validate?(command: C, envelope: Envelope): Problem[];
  readonly reactions?: readonly Reaction<C, S>[];
  /** The owner's own additions to its event store's schema (e.g. an index others read by). */
  migrations?(schema: string): MigrationClass[];
}
