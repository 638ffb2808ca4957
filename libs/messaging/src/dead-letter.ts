import type { ConsumedMessage } from './consumed-message';
import type { OutgoingMessage } from './outgoing-message';
import { dlqTopicOf } from './topics';

export const DLQ_HEADERS = {
  error: 'x-error',
  originalTopic: 'x-original-topic',
  originalPartition: 'x-original-partition',
  originalOffset: 'x-original-offset',
} as const;

/** The DLQ copy of a message: same key (so same partitioning), value and headers, plus why. */
export function deadLetterOf(message: ConsumedMessage, error: unknown): OutgoingMessage {
  return {
    topic: dlqTopicOf(message.topic),
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      [DLQ_HEADERS.error]: describeError(error),
      [DLQ_HEADERS.originalTopic]: message.topic,
      [DLQ_HEADERS.originalPartition]: String(message.partition),
      [DLQ_HEADERS.originalOffset]: message.offset,
    },
  };
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  // Headers travel with every fetch of the DLQ; a stack or a huge message is not worth that.
  return text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text;
}
