import type { IHeaders, KafkaMessage } from 'kafkajs';

/** A message as handlers see it: plain strings, no client types. */
export interface ConsumedMessage {
  topic: string;
  partition: number;
  /** 64-bit, so a decimal string (never `number`). */
  offset: string;
  key: string | null;
  /** UTF-8 value; a tombstone (null value) arrives as ''. */
  value: string;
  headers: Record<string, string>;
  /** Broker/producer timestamp, milliseconds since epoch as a decimal string. */
  timestamp: string;
}

export function toConsumedMessage(topic: string, partition: number, message: KafkaMessage): ConsumedMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString('utf8'),
    value: message.value === null ? '' : message.value.toString('utf8'),
    headers: headersToStrings(message.headers),
    timestamp: message.timestamp,
  };
}

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    if (raw === undefined) continue;
    // Kafka allows a header name to repeat; like Java's lastHeader() we keep the last value.
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value !== undefined) result[name] = value.toString();
  }
  return result;
}
