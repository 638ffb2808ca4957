/** A message to publish. `key` is the host id (docs/control-plane.md), `value` the JSON envelope. */
export interface OutgoingMessage {
  topic: string;
  /** null only when re-publishing an unkeyed message as is (dead letters). */
  key: string | null;
  value: string;
  headers?: Record<string, string>;
}
