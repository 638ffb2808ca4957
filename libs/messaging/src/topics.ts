// Topic names of docs/control-plane.md. Every message is keyed by host id, so these topics must
// keep their partition count for life (a change would remap keys and break per-host order).
export const TOPICS = {
  peCommands: 'pe.commands',
  vfioCommands: 'vfio.commands',
  guestCommands: 'guest.commands',
  peEvents: 'pe.events',
  vfioEvents: 'vfio.events',
  guestEvents: 'guest.events',
  decisionsEvents: 'decisions.events',
  /** The order in which the projector applied fact events, per host: what a rebuild replays. */
  projectorApplied: 'projector.applied',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** The dead-letter topic beside `topic`: where a message that cannot be processed goes. */
export function dlqTopicOf(topic: string): string {
  return `${topic}.dlq`;
}
