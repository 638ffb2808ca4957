/**
 * The largest message barplane puts on a topic, in bytes of its JSON value. The broker's default
 * `message.max.bytes` is 1,048,588 (with the record's own overhead); a larger message is refused
 * by the broker, and an outbox row holding one would block its relay. BARPLANE_MAX_MESSAGE_BYTES
 * raises it for a broker configured for more.
 */
export const MAX_MESSAGE_BYTES = Number(process.env.BARPLANE_MAX_MESSAGE_BYTES ?? 1_000_000);

/** Size of `value` as the UTF-8 bytes of its JSON (what the publisher sends). */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
