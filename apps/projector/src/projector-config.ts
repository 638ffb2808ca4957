import { databaseUrlFromEnv, namespaceFromEnv } from '@barplane/eventstore';
import { DEFAULT_KAFKA_BROKERS } from '@barplane/messaging';

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
