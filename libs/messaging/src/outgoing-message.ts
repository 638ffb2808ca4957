/** A message to publish. `key` is the host id (docs/control-plane.md), `value` the JSON envelope. */
export interface OutgoingMessage {
  topic: string;
  key: string;
  value: string;
  headers?: Record<string, string>;
}
