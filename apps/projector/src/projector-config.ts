import { databaseUrlFromEnv, namespacedSchema, namespaceFromEnv } from '@barplane/eventstore';
import { DEFAULT_KAFKA_BROKERS, TOPICS } from '@barplane/messaging';

/** The projector's settings, from its environment. */
export interface ProjectorConfig {
  readonly databaseUrl: string;
  readonly kafkaBrokers: string;
  /** Prefix of topics, groups and schemas: isolates test runs (see libs/owner-service). */
  readonly namespace: string;
}

export function projectorConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ProjectorConfig {
  return {
    databaseUrl: databaseUrlFromEnv(env),
    kafkaBrokers: env.KAFKA_BROKERS || DEFAULT_KAFKA_BROKERS,
    namespace: namespaceFromEnv(env),
  };
}

/** Names under a namespace: `t1.pe.events`, schema `t1_projector`. */
export function projectorNames(namespace: string) {
  return {
    schema: namespacedSchema(namespace, 'projector'),
    group: `${namespace}projector`,
    factTopics: [TOPICS.peEvents, TOPICS.vfioEvents, TOPICS.guestEvents].map((t) => namespace + t),
    decisionsTopic: namespace + TOPICS.decisionsEvents,
    appliedTopic: namespace + TOPICS.projectorApplied,
    topicName: (topic: string) => topic.slice(namespace.length),
  };
}
