import { COMMAND_TOPIC, type CommandType, type DomainEvent, encodeEventData, type Envelope } from '@barplane/contracts';
import { idProblem, type Problem, ValidationError } from '@barplane/domain';
import { jsonBytes, MAX_MESSAGE_BYTES } from '@barplane/messaging';

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/**
 * What makes an envelope unfit to decide, whatever its command says: a bad host id or expected
 * version, or a command type another owner decides (`ownTopic` is this owner's command topic).
 */
export function envelopeProblems(envelope: Envelope, ownTopic: string, service: string): Problem[] {
  const problems: Problem[] = [];
  // The same id rules as the API's edge: a command from elsewhere with an undecodable or
  // unstorable host id is rejected with its reason, never left pending.
  const hostProblem = idProblem(envelope.hostId);
  if (hostProblem) problems.push({ path: 'hostId', message: hostProblem });
  if (
    envelope.expectedVersion !== undefined &&
    (typeof envelope.expectedVersion !== 'string' || !DECIMAL.test(envelope.expectedVersion))
  ) {
    problems.push({ path: 'expectedVersion', message: 'must be a decimal string (a stream version)' });
  }
  const owner = COMMAND_TOPIC[envelope.type as CommandType] as string | undefined;
  if (owner !== undefined && owner !== ownTopic) {
    problems.push({
      path: 'type',
      message: `${envelope.type} is not a command of ${service} (it goes to ${owner})`,
    });
  }
  return problems;
}

/** Room the envelope around an event's data takes (ids, metadata, the answer riding on the last). */
const ENVELOPE_ROOM = 64 * 1024;

/**
 * Refuses a command whose events could not be published: an event over the broker's message
 * size would sit in the outbox for ever and block every host of this owner behind it.
 */
export function assertFitsTheBroker(envelope: Envelope, events: readonly DomainEvent[]): void {
  const limit = MAX_MESSAGE_BYTES - ENVELOPE_ROOM;
  // The wire form (64-bit values as "0x..." strings) is what the outbox holds and the broker gets.
  const sizes = events.map((event) => jsonBytes(encodeEventData(event)));
  const largest = Math.max(0, ...sizes);
  if (largest <= limit) return;
  const message = `${envelope.type} would make a ${events[sizes.indexOf(largest)].type} event of ${largest} bytes; a message on the broker holds at most ${limit} (BARPLANE_MAX_MESSAGE_BYTES ${MAX_MESSAGE_BYTES} less the envelope): split it (e.g. import the topology in parts) or raise the broker's message.max.bytes and BARPLANE_MAX_MESSAGE_BYTES`;
  throw new ValidationError(message, [{ path: '$', message }]);
}

export function describe(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.path}: ${p.message}`).join('; ');
}

/** An event's data for the answer: a topology import says what changed, not the whole topology. */
export function summary(type: string, data: unknown): unknown {
  if (type !== 'TopologyImported' || data === null || typeof data !== 'object') return data;
  const { pes, ...changes } = data as Record<string, unknown>;
  return { ...changes, peCount: Array.isArray(pes) ? pes.length : 0 };
}
