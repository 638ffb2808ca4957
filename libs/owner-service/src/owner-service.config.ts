import { databaseUrlFromEnv, namespaceFromEnv } from '@barplane/eventstore';
import { brokersFromEnv } from '@barplane/messaging';

/**
 * Where one owner service lives. Topic, group and schema names here are the base names
 * (`pe.commands`, `pe_registry`); `namespace` is applied by the helpers below, so that a test
 * run (BARPLANE_NAMESPACE=t1a2b.) gets its own topics, groups and schemas on a shared broker and
 * database.
 */
export interface OwnerServiceConfig {
  /** Service name: Kafka client id, command consumer group, inbox consumer. */
  readonly service: string;
  /** Base schema of the service's event store. */
  readonly schema: string;
  readonly commandTopic: string;
  readonly eventTopic: string;
  /** Stream id = streamPrefix + hostId. */
  readonly streamPrefix: string;
  readonly streamType: string;
  readonly databaseUrl: string;
  readonly kafkaBrokers: readonly string[];
  /** '' in production; e.g. 't1a2b.' to isolate a test run. */
  readonly namespace: string;
}

/** The part of the config that names the service (the rest comes from the environment). */
export type OwnerIdentity = Pick<
  OwnerServiceConfig,
  'service' | 'schema' | 'commandTopic' | 'eventTopic' | 'streamPrefix' | 'streamType'
>;

/** DATABASE_URL, KAFKA_BROKERS (comma separated) and BARPLANE_NAMESPACE, with local defaults. */
export function ownerConfigFromEnv(identity: OwnerIdentity, env: NodeJS.ProcessEnv = process.env): OwnerServiceConfig {
  return {
    ...identity,
    databaseUrl: databaseUrlFromEnv(env),
    kafkaBrokers: brokersFromEnv(env),
    namespace: namespaceFromEnv(env),
  };
}

/** `namespace + topic` (the DLQ beside it follows: `<namespace><topic>.dlq`). */
export function namespacedTopic(namespace: string, topic: string): string {
  return `${namespace}${topic}`;
}

/** `namespace + group`. */
export function namespacedGroup(namespace: string, group: string): string {
  return `${namespace}${group}`;
}
