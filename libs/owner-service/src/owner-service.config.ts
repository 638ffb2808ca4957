import { assertSchemaName } from '@barplane/eventstore';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/barplane';
export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';

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
export type OwnerIdentity = Pick<OwnerServiceConfig, 'service' | 'schema' | 'commandTopic' | 'eventTopic' | 'streamPrefix' | 'streamType'>;

/** DATABASE_URL, KAFKA_BROKERS (comma separated) and BARPLANE_NAMESPACE, with local defaults. */
export function ownerConfigFromEnv(identity: OwnerIdentity, env: NodeJS.ProcessEnv = process.env): OwnerServiceConfig {
  return {
    ...identity,
    databaseUrl: env.DATABASE_URL || DEFAULT_DATABASE_URL,
    kafkaBrokers: (env.KAFKA_BROKERS || DEFAULT_KAFKA_BROKERS)
      .split(',')
      .map((broker) => broker.trim())
      .filter((broker) => broker.length > 0),
    namespace: env.BARPLANE_NAMESPACE ?? '',
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

/**
 * `namespace + schema` with every character that is not a plain identifier character turned into
 * '_' (dots first of all), lowercased; checked like every schema name the event store takes.
 */
export function namespacedSchema(namespace: string, schema: string): string {
  const prefix = namespace.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return assertSchemaName(`${prefix}${schema}`);
}
