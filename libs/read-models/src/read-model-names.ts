import { namespacedSchema } from '@barplane/eventstore';
import { TOPICS } from '@barplane/messaging/topics';

/**
 * Every name of the projector's read models under a namespace (`t1.pe.events`, schema
 * `t1_projector`): the one place the projector, the API and `barplane replay` take them from.
 */
export function readModelNames(namespace: string) {
  const schema = namespacedSchema(namespace, 'projector');
  return {
    schema,
    group: `${namespace}projector`,
    factTopics: [TOPICS.peEvents, TOPICS.vfioEvents, TOPICS.guestEvents].map((t) => namespace + t),
    decisionsTopic: namespace + TOPICS.decisionsEvents,
    appliedTopic: namespace + TOPICS.projectorApplied,
    /** NOTIFY channel of command answers (a CommandNotice per answer, sent at commit). */
    answersChannel: `${schema}_commands`,
    /** NOTIFY channel of host summary writes (no payload; sent at commit, by a trigger). */
    summariesChannel: summariesChannelOf(schema),
    topicName: (topic: string) => topic.slice(namespace.length),
  };
}

/** The channel host_summaries' trigger notifies (schema/host-summaries-notify.migration.ts). */
export function summariesChannelOf(schema: string): string {
  return `${schema}_summaries`;
}

export type ReadModelNames = ReturnType<typeof readModelNames>;
