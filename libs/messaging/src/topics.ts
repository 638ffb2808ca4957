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
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** All control-plane topics, for `ensureTopics` at start-up. */
export const ALL_TOPICS: readonly TopicName[] = Object.values(TOPICS);

/** The dead-letter topic beside `topic`: where a message that cannot be processed goes. */
export function dlqTopicOf(topic: string): string {
  return `${topic}.dlq`;
}
