import { EventStoreError } from '../errors/event-store.error';
import type { OutboxMessage, PendingOutboxMessage } from './outbox-message';

/**
 * How an outbox row holds its messages: one line per message, `<envelope JSON> TAB <value JSON>`,
 * where the envelope is `{ messageId, topic, key, headers }` and the value is the payload as it
 * goes to Kafka. JSON text has no raw tab or newline (JSON.stringify escapes them in strings and
 * adds no whitespace), so the relay splits a row and hands each value to the producer as it is:
 * the payloads are serialised once, on write, never parsed back or serialised again.
 */
export function outboxLines(messages: readonly OutboxMessage[]): string {
  let text = '';
  for (const [i, m] of messages.entries()) {
    const head = JSON.stringify({ messageId: m.messageId, topic: m.topic, key: m.key, headers: m.headers ?? {} });
    const value = JSON.stringify(m.payload ?? null);
    if (value === undefined)
      throw new EventStoreError('INVALID_ARGUMENT', `outbox message ${m.messageId}: the payload is not JSON`);
    text += (i === 0 ? '' : '\n') + head + '\t' + value;
  }
  return text;
}

/** The messages of a row, in order. */
export function readOutboxLines(id: bigint, text: string, attempts: number): PendingOutboxMessage[] {
  return text.split('\n').map((line, i) => {
    const tab = line.indexOf('\t');
    const head = JSON.parse(line.slice(0, tab)) as Pick<OutboxMessage, 'messageId' | 'topic' | 'key'> & {
      headers: Record<string, string>;
    };
    return {
      id,
      position: i + 1,
      messageId: head.messageId,
      topic: head.topic,
      key: head.key,
      headers: head.headers,
      value: line.slice(tab + 1),
      attempts,
    };
  });
}
