import { COMMAND_TOPIC, type CommandType, commandFromWire, type DomainCommand, type DomainEvent, type Envelope, parseEnvelope } from '@barplane/contracts';
import { DomainError, type Problem } from '@barplane/domain';
import { ConcurrencyError, type EventStore, type InboxClaim, type OutboxMessage } from '@barplane/eventstore';
import type { ConsumedMessage } from '@barplane/messaging';
import { loadStream, toNewEvents } from './aggregate-stream';
import { answerEnvelope, type Cause, eventEnvelope, outboxMessageOf } from './envelopes';
import { DEFAULT_FACTS_WAIT, type FactsSource, type FactsWaitOptions, withFreshFacts } from './facts-wait';
import type { OwnerCounters } from './owner-counters';
import type { OwnerDefinition } from './owner-definition';

export type CommandOutcome = 'applied' | 'noop' | 'rejected' | 'conflicted' | 'duplicate';

export interface CommandHandlerDeps<C extends DomainCommand, E extends DomainEvent, S> {
  store: EventStore;
  definition: OwnerDefinition<C, E, S>;
  /** Namespaced event topic: where events and answers go. */
  eventTopic: string;
  /** The service name: inbox consumer of its commands. */
  inboxConsumer: string;
  facts?: FactsSource;
  /** Cheap early look at the inbox, so a redelivery skips the work (the claim still decides). */
  isProcessed?: (claim: InboxClaim) => Promise<boolean>;
  factsWait?: FactsWaitOptions;
  counters: OwnerCounters;
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/**
 * Handles one command envelope end to end: validate, read and fold the stream, check the
 * expected version, decide (with the host facts where the owner needs them), then append the
 * events with their envelopes and the CommandApplied answer, or record the answer alone; every
 * write carries the inbox claim of the command id, so a redelivered command is answered once.
 * Throws only for what retrying may fix (database down, a second lost race) or for a message
 * that is not an envelope at all (it goes to the DLQ after the retries).
 */
export class CommandHandler<C extends DomainCommand, E extends DomainEvent, S> {
  private readonly commandTopic: string;

  constructor(private readonly deps: CommandHandlerDeps<C, E, S>) {
    this.commandTopic = deps.definition.identity.commandTopic;
  }

  async handleMessage(message: ConsumedMessage): Promise<CommandOutcome> {
    const envelope = parseEnvelope(message.value);
    if (!envelope) throw new Error(`${message.topic}[${message.partition}]@${message.offset} is not a command envelope`);
    return this.handle(envelope);
  }

  async handle(envelope: Envelope): Promise<CommandOutcome> {
    const cause: Cause = { hostId: envelope.hostId, correlationId: envelope.correlationId, causationId: envelope.id, principal: envelope.principal };
    const inbox: InboxClaim = { consumer: this.deps.inboxConsumer, messageId: envelope.id };
    const outcome = await this.decideAndWrite(envelope, cause, inbox);
    const counters = this.deps.counters;
    if (outcome === 'duplicate') counters.duplicates += 1;
    else {
      counters.commands += 1;
      if (outcome === 'applied') counters.applied += 1;
      else if (outcome === 'noop') counters.noops += 1;
      else if (outcome === 'rejected') counters.rejected += 1;
      else counters.conflicted += 1;
    }
    return outcome;
  }

  private async decideAndWrite(envelope: Envelope, cause: Cause, inbox: InboxClaim): Promise<CommandOutcome> {
    const { definition, store } = this.deps;
    const { identity, decider } = definition;

    if (await this.deps.isProcessed?.(inbox)) return 'duplicate';
    const problems = this.envelopeProblems(envelope);
    const read = commandFromWire(envelope.type, envelope.data);
    if (!read.ok) problems.push(...read.problems);
    if (read.ok && problems.length === 0) problems.push(...(definition.validate?.(read.command as C, envelope) ?? []));
    if (!read.ok || problems.length > 0) {
      return this.reject(envelope, cause, inbox, 'VALIDATION', `${envelope.type} is invalid: ${describe(problems)}`, problems);
    }
    const command = read.command as C;
    const expected = envelope.expectedVersion === undefined ? undefined : BigInt(envelope.expectedVersion);
    const streamId = identity.streamPrefix + envelope.hostId;

    for (let attempt = 1; ; attempt++) {
      const stream = await loadStream(store, decider, streamId);
      if (expected !== undefined && expected !== stream.version) return this.conflict(envelope, cause, inbox, expected, stream.version);
      let events: E[];
      try {
        events = await withFreshFacts(this.deps.facts, envelope.hostId, (facts) => decider.decide(command, stream.state, facts), this.deps.factsWait ?? DEFAULT_FACTS_WAIT);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return this.reject(envelope, cause, inbox, error.code, error.message, [...error.problems]);
      }
      if (events.length === 0) {
        const applied = answerEnvelope('CommandApplied', cause, {
          commandId: envelope.id, commandType: envelope.type, streamId, streamVersion: stream.version.toString(), eventIds: [], events: [],
        });
        return (await store.record({ inbox, outbox: [this.outbox(applied)] })).duplicate ? 'duplicate' : 'noop';
      }
      try {
        const result = await store.append(streamId, identity.streamType, stream.version, toNewEvents(events, cause), {
          inbox,
          outbox: (stored) => {
            const applied = answerEnvelope('CommandApplied', cause, {
              commandId: envelope.id,
              commandType: envelope.type,
              streamId,
              streamVersion: stored[stored.length - 1].streamVersion.toString(),
              eventIds: stored.map((event) => event.eventId),
              // What the caller asked about, e.g. the functions an import added or removed.
              events: stored.map((event) => ({ id: event.eventId, type: event.eventType, data: summary(event.eventType, event.data) })),
            });
            return [...stored.map((event) => this.outbox(eventEnvelope(event))), this.outbox(applied)];
          },
        });
        if (result.duplicate) return 'duplicate';
        this.deps.counters.eventsAppended += result.events.length;
        return 'applied';
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        // Another writer (a second instance, a reaction) appended between our read and write.
        if (expected !== undefined) return this.conflict(envelope, cause, inbox, expected, error.actualVersion);
        if (attempt >= 2) throw error;
        this.deps.counters.raceRetries += 1;
      }
    }
  }

  private envelopeProblems(envelope: Envelope): Problem[] {
    const problems: Problem[] = [];
    if (envelope.hostId.trim() === '') problems.push({ path: 'hostId', message: 'should not be empty' });
    if (envelope.expectedVersion !== undefined && (typeof envelope.expectedVersion !== 'string' || !DECIMAL.test(envelope.expectedVersion))) {
      problems.push({ path: 'expectedVersion', message: 'must be a decimal string (a stream version)' });
    }
    const owner = COMMAND_TOPIC[envelope.type as CommandType] as string | undefined;
    if (owner !== undefined && owner !== this.commandTopic) {
      problems.push({ path: 'type', message: `${envelope.type} is not a command of ${this.deps.definition.identity.service} (it goes to ${owner})` });
    }
    return problems;
  }

  private async reject(envelope: Envelope, cause: Cause, inbox: InboxClaim, code: string, message: string, problems: Problem[]): Promise<CommandOutcome> {
    const answer = answerEnvelope('CommandRejected', cause, { commandId: envelope.id, commandType: envelope.type, code, message, problems });
    return (await this.deps.store.record({ inbox, outbox: [this.outbox(answer)] })).duplicate ? 'duplicate' : 'rejected';
  }

  private async conflict(envelope: Envelope, cause: Cause, inbox: InboxClaim, expected: bigint, actual: bigint): Promise<CommandOutcome> {
    const answer = answerEnvelope('CommandConflicted', cause, {
      commandId: envelope.id, commandType: envelope.type, expectedVersion: expected.toString(), actualVersion: actual.toString(),
    });
    return (await this.deps.store.record({ inbox, outbox: [this.outbox(answer)] })).duplicate ? 'duplicate' : 'conflicted';
  }

  private outbox(envelope: Envelope): OutboxMessage {
    return outboxMessageOf(this.deps.eventTopic, envelope);
  }
}

function describe(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.path}: ${p.message}`).join('; ');
}

/** An event's data for the answer: a topology import says what changed, not the whole topology. */
function summary(type: string, data: unknown): unknown {
  if (type !== 'TopologyImported' || data === null || typeof data !== 'object') return data;
  const { pes, ...changes } = data as Record<string, unknown>;
  return { ...changes, peCount: Array.isArray(pes) ? pes.length : 0 };
}
