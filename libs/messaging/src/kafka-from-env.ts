import { Kafka, logLevel as LogLevel } from 'kafkajs';
import { brokersFromEnv } from './brokers';
import { stopRequestQueueIdleLoop } from './request-queue-idle';

// The client object the rest of the library takes. Apps get it from here and pass it on, so
// they never import kafkajs themselves and a change of client stays inside libs/messaging.
export type MessagingClient = Kafka;

export interface KafkaFromEnvOptions {
  /** Overrides `KAFKA_BROKERS` (comma separated host:port). */
  brokers?: string[];
  /** kafkajs log level; WARN by default because INFO logs every join/leave of a group. */
  logLevel?: LogLevel;
}

export function kafkaFromEnv(clientId: string, options: KafkaFromEnvOptions = {}): MessagingClient {
  // We key by host id with the v2 default (Java-compatible murmur2) partitioner on purpose;
  // kafkajs would otherwise warn about the v1 -> v2 partitioner change on every producer.
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  stopRequestQueueIdleLoop();
  return new Kafka({
    clientId,
    brokers: options.brokers ?? brokersFromEnv(),
    logLevel: options.logLevel ?? LogLevel.WARN,
  });
}
