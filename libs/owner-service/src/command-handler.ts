import {
  type AnswerStatus,
  commandFromWire,
  type DomainCommand,
  type DomainEvent,
  type Envelope,
  parseEnvelope,
} from '@barplane/contracts';
import { DomainError, type Problem } from '@barplane/domain';
import { ConcurrencyError, type OutboxMessage } from '@barplane/eventstore';
import { type ConsumedMessage } from '@barplane/messaging';
import { answerEnvelope, outboxMessageOf } from './envelopes';
import { DEFAULT_FACTS_WAIT, withFreshFacts } from './facts-wait';
import type { ReactionBarrier } from './reaction-catch-up';
import { readBatch } from './batch-reads';
import { assertFitsTheBroker, describe, envelopeProblems, summary } from './command-checks';
import type { StreamWriterDeps } from './stream-writer-deps';
import { BatchFacts, causeOf, StreamBatch } from './stream-batch';
import { StreamCache } from './stream-cache';

/**
 * What handling a command came to: its answer's status, or a no-op (applied, no event), or a duplicate (answered
 * before).
 */
export type CommandOutcome = AnswerStatus | 'noop' | 'duplicate';

export interface CommandHandlerDeps<C extends DomainCommand, E extends DomainEvent, S> extends StreamWriterDeps<
  C,
  E,
  S
> {
  /** Reactions some command types wait for before they are decided (Reaction.awaitedBy). */
  catchUp?: ReactionBarrier;
}

/** What a command comes to in a batch, before anything is written. */
type Planned = { outcome: CommandOutcome; events?: number };

/**
 * Handles command envelopes end to end, a partition batch at a time (one command is a batch of
 * one): validate, read and fold the streams, check each expected version, decide (with the host
 * facts where the owner needs them), then write in one transaction the events with their
 * envelopes (the last carrying the CommandApplied answer) or the answer alone, with the inbox
 * claim of every command id, so a redelivered command is answered once.
 * Throws only for what retrying may fix (database down, races lost on every try) or for a
 * message that is not an envelope at all (it goes to the DLQ after the retries).
 */
export class CommandHandler<C extends DomainCommand, E extends DomainEvent, S> {
  private readonly commandTopic: string;
  private readonly cache: StreamCache<S>;

  constructor(private readonly deps: CommandHandlerDeps<C, E, S>) {
    this.commandTopic = deps.definition.identity.commandTopic;
    this.cache = deps.cache ?? new StreamCache<S>();
  }

  /**
   * A partition batch (in offset order): see handleBatch. A message that is not an envelope
   * fails the whole batch, so the consumer's one-at-a-time fallback isolates it for the DLQ.
   */
  async handleMessages(messages: readonly ConsumedMessage[]): Promise<CommandOutcome[]> {
    const envelopes = messages.map((message) => {
      const envelope = parseEnvelope(message.value);
      if (!envelope)
        throw new Error(`${message.topic}[${message.partition}]@${message.offset} is not a command envelope`);
      return envelope;
    });
    return this.handleBatch(envelopes);
  }

  /**
   * Commands in order, with exactly the outcomes, events and answers that handling them one by
   * one would give, in one transaction: every command is decided in memory against its stream
   * as the commands before it left it (streams and host facts read once per batch, streams kept
   * folded in the cache), then all events, outbox rows and inbox claims are written by
   * EventStore.appendMany. A lost race (ConcurrencyError) rolls everything back, drops the
   * batch's streams from the cache and decides again from fresh reads (a stale expectedVersion
   * then answers CommandConflicted); after `batchAttempts` the commands go one at a time.
   */
  async handleBatch(envelopes: readonly Envelope[]): Promise<CommandOutcome[]> {
    if (envelopes.length === 0) return [];
    const duplicates = new Set<string>();
    const attempts = this.deps.batchAttempts ?? 3;
    let lostRace: ConcurrencyError | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const { batch, planned } = await this.plan(envelopes, duplicates);
      const written = await batch.write(this.deps.store, this.deps.inboxConsumer, this.cache, duplicates);
      if (written instanceof ConcurrencyError) {
        lostRace = written;
        this.deps.counters.raceRetries += 1;
      }
      if (written !== 'written') continue;
      for (const p of planned) this.count(p.outcome, p.events ?? 0);
      return planned.map((p) => p.outcome);
    }
    // Every try lost a race: each command alone, a batch of one; one alone that keeps losing
    // throws, and the consumer retries it.
    if (envelopes.length === 1) throw lostRace!;
    const outcomes: CommandOutcome[] = [];
    for (const envelope of envelopes) outcomes.push(...(await this.handleBatch([envelope])));
    return outcomes;
  }

  /** One command: a batch of one. */
  async handle(envelope: Envelope): Promise<CommandOutcome> {
    return (await this.handleBatch([envelope]))[0];
  }

  private async plan(
    envelopes: readonly Envelope[],
    duplicates: Set<string>,
  ): Promise<{ batch: StreamBatch<C, E, S>; planned: Planned[] }> {
    const reads = envelopes.map((envelope) => this.read(envelope));
    const valid = envelopes.filter((_, i) => reads[i].problems.length === 0);
    // Before the streams are read: what the awaited reactions append must be in them.
    const caughtUp = await this.reactionsCaughtUp(valid.map((e) => e.type));
    const { batch, facts, processed } = await readBatch(
      this.deps,
      this.cache,
      { claim: envelopes, load: valid },
      duplicates,
    );
    const seen = new Set<string>();
    const planned: Planned[] = [];
    for (const [i, envelope] of envelopes.entries()) {
      if (duplicates.has(envelope.id) || processed.has(envelope.id) || seen.has(envelope.id)) {
        planned.push({ outcome: 'duplicate' });
        continue;
      }
      seen.add(envelope.id);
      batch.claim(envelope.id);
      planned.push(await this.planOne(batch, envelope, reads[i], facts, caughtUp));
    }
    return { batch, planned };
  }

  private read(envelope: Envelope): { command?: C; problems: Problem[] } {
    const problems = envelopeProblems(envelope, this.commandTopic, this.deps.definition.identity.service);
    const read = commandFromWire(envelope.type, envelope.data);
    if (!read.ok) problems.push(...read.problems);
    if (read.ok && problems.length === 0)
      problems.push(...(this.deps.definition.validate?.(read.command as C, envelope) ?? []));
    return read.ok && problems.length === 0 ? { command: read.command as C, problems } : { problems };
  }

  /** One command decided in memory: the batch gets its events and answer. */
  private async planOne(
    batch: StreamBatch<C, E, S>,
    envelope: Envelope,
    read: { command?: C; problems: Problem[] },
    facts: BatchFacts | undefined,
    caughtUp: boolean,
  ): Promise<Planned> {
    const { identity, decider } = this.deps.definition;
    const cause = causeOf(envelope);
    const answer = (
      type: 'CommandApplied' | 'CommandRejected' | 'CommandConflicted',
      data: Parameters<typeof answerEnvelope>[2],
    ) => batch.publish(this.outbox(answerEnvelope(type, cause, data)));
    if (!read.command) {
      const { problems } = read;
      answer('CommandRejected', {
        commandId: envelope.id,
        commandType: envelope.type,
        code: 'VALIDATION',
        message: `${envelope.type} is invalid: ${describe(problems)}`,
        problems,
      });
      return { outcome: 'rejected' };
    }
    const command = read.command;
    if (!caughtUp && this.deps.catchUp?.awaits(command.type)) {
      answer('CommandRejected', {
        commandId: envelope.id,
        commandType: envelope.type,
        code: 'UNAVAILABLE',
        message: this.deps.catchUp.lagMessage(command.type),
        problems: [],
      });
      return { outcome: 'rejected' };
    }
    const streamId = identity.streamPrefix + envelope.hostId;
    const stream = batch.stream(streamId);
    if (envelope.expectedVersion !== undefined && BigInt(envelope.expectedVersion) !== stream.version) {
      answer('CommandConflicted', {
        commandId: envelope.id,
        commandType: envelope.type,
        expectedVersion: BigInt(envelope.expectedVersion).toString(),
        actualVersion: stream.version.toString(),
      });
      return { outcome: 'conflict' };
    }
    let events: E[];
    try {
      events = await withFreshFacts(
        facts,
        envelope.hostId,
        (f) => decider.decide(command, stream.state, f),
        this.deps.factsWait ?? DEFAULT_FACTS_WAIT,
      );
      assertFitsTheBroker(envelope, events);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      answer('CommandRejected', {
        commandId: envelope.id,
        commandType: envelope.type,
        code: error.code,
        message: error.message,
        problems: [...error.problems],
      });
      return { outcome: 'rejected' };
    } finally {
      facts?.settle(envelope.hostId);
    }
    if (events.length === 0) {
      answer('CommandApplied', {
        commandId: envelope.id,
        commandType: envelope.type,
        streamId,
        streamVersion: stream.version.toString(),
        eventIds: [],
        events: [],
      });
      return { outcome: 'noop' };
    }
    const appended = batch.append(streamId, identity.streamType, events, cause);
    batch.answerLastEvent(
      answerEnvelope('CommandApplied', cause, {
        commandId: envelope.id,
        commandType: envelope.type,
        streamId,
        streamVersion: (appended.from + BigInt(appended.events.length)).toString(),
        eventIds: appended.events.map((event) => event.eventId),
        events: appended.events.map((event) => ({
          id: event.eventId,
          type: event.eventType,
          data: summary(event.eventType, event.data),
        })),
      }),
    );
    return { outcome: 'applied', events: appended.events.length };
  }

  /** Waits for the reactions that any of these command types await; false when they did not catch up in time. */
  private async reactionsCaughtUp(commandTypes: readonly string[]): Promise<boolean> {
    const barrier = this.deps.catchUp;
    if (!barrier) return true;
    const awaited = [...new Set(commandTypes)].filter((type) => barrier.awaits(type));
    return awaited.length === 0 || barrier.wait(awaited);
  }

  private count(outcome: CommandOutcome, events: number): void {
    const counters = this.deps.counters;
    if (outcome === 'duplicate') counters.duplicates += 1;
    else {
      counters.commands += 1;
      if (outcome === 'applied') counters.applied += 1;
      else if (outcome === 'noop') counters.noops += 1;
      else if (outcome === 'rejected') counters.rejected += 1;
      else counters.conflicted += 1;
    }
    counters.eventsAppended += events;
  }

  /**
   * A command the runner dead-lettered (it failed deterministically, every retry) still gets an
   * answer, so that it ends `failed` with its reason instead of pending for ever: a
   * CommandRejected with code FAILED, recorded with its inbox claim (a replay of the same id is
   * a duplicate). A message that is not even an envelope has no command id to answer.
   */
  async fail(message: ConsumedMessage, error: unknown, dlqTopic: string): Promise<void> {
    const envelope = parseEnvelope(message.value);
    if (!envelope) return;
    const reason = error instanceof Error ? error.message : String(error);
    const text = `${envelope.type} failed in ${this.deps.definition.identity.service} and is kept in ${dlqTopic}: ${reason}`;
    const answer = answerEnvelope('CommandRejected', causeOf(envelope), {
      commandId: envelope.id,
      commandType: envelope.type,
      code: 'FAILED',
      message: text,
      problems: [],
    });
    // A batch of answers only; a duplicate (answered before) writes nothing.
    await this.deps.store.appendMany({
      appends: [],
      inbox: { consumer: this.deps.inboxConsumer, messageIds: [envelope.id] },
      outbox: [this.outbox(answer)],
    });
  }

  private outbox(envelope: Envelope): OutboxMessage {
    return outboxMessageOf(this.deps.eventTopic, envelope);
  }
}
