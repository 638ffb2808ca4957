import { TOPICS } from '@barplane/messaging';

/** The projector's settings, from its environment. */
export interface ProjectorConfig {
  readonly databaseUrl: string;
  readonly kafkaBrokers: string;
  /** Prefix of topics, groups and schemas: isolates test runs (see libs/owner-service). */
  readonly namespace: string;
}

export function projectorConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ProjectorConfig {
  return {
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/barplane',
    kafkaBrokers: env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    namespace: env.BARPLANE_NAMESPACE ?? '',
  };
}

/** Names under a namespace: `t1.pe.events`, schema `t1_projector`. */
export function projectorNames(namespace: string) {
  const schemaPrefix = namespace.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
  return {
    schema: `${schemaPrefix}projector`,
    group: `${namespace}projector`,
    factTopics: [TOPICS.peEvents, TOPICS.vfioEvents, TOPICS.guestEvents].map((t) => namespace + t),
    decisionsTopic: namespace + TOPICS.decisionsEvents,
    appliedTopic: namespace + TOPICS.projectorApplied,
    topicName: (topic: string) => topic.slice(namespace.length),
  };
}
