// Apart from kafka-from-env.ts so that reading the setting does not load kafkajs (the CLI).

/** The broker every service, the CLI and the scripts use when KAFKA_BROKERS is not set. */
export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';

/** KAFKA_BROKERS (comma separated host:port), or the local default when it is unset or empty. */
export function brokersFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.KAFKA_BROKERS || DEFAULT_KAFKA_BROKERS)
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
}
