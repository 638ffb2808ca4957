import { databaseUrlFromEnv, namespaceFromEnv } from '@barplane/eventstore';
import { DEFAULT_KAFKA_BROKERS } from '@barplane/messaging';
/** Everything the API reads from its environment, read once. */
export interface ApiConfig {
  readonly port: number;
  readonly databaseUrl: string;
  readonly kafkaBrokers: string;
  readonly tokensFile: string;
  /** How long a command waits for its outcome before answering 202. */
  readonly commandWaitMs: number;
  /** Prefix of topics and schemas (BARPLANE_NAMESPACE): isolates test runs. */
  readonly namespace: string;
  /** The largest request body (BARPLANE_MAX_BODY_BYTES); a larger one is refused with 413 unread. */
  readonly maxBodyBytes: number;
  /** What GET /health holds against the services' heartbeats, and how long it waits. */
  readonly health: HealthSettings;
}

export interface HealthSettings {
  /**
   * A service whose newest heartbeat is older than this is dead (BARPLANE_HEALTH_STALE_MS; default 15 s, three beats).
   */
  readonly staleMs: number;
  /** The oldest message an outbox may hold unpublished (BARPLANE_HEALTH_OUTBOX_MAX_AGE_MS; default 30 s). */
  readonly outboxMaxAgeMs: number;
  /** Dead letters a service's topics may hold (BARPLANE_HEALTH_MAX_DLQ; default 0). */
  readonly maxDlqMessages: number;
  /** Bound of each probe, the database's and Kafka's, run side by side (BARPLANE_HEALTH_TIMEOUT_MS; default 800 ms). */
  readonly timeoutMs: number;
}

export const DEFAULT_HEALTH: HealthSettings = {
  staleMs: 15_000,
  outboxMaxAgeMs: 30_000,
  maxDlqMessages: 0,
  timeoutMs: 800,
};

/** 4 MiB: five times the largest topology seen in practice (25,000 functions, 825 KB). */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

export function apiConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return {
    port: Number(env.PORT ?? 8080),
    databaseUrl: databaseUrlFromEnv(env),
    kafkaBrokers: env.KAFKA_BROKERS || DEFAULT_KAFKA_BROKERS,
    tokensFile: env.BARPLANE_TOKENS_FILE ?? '.run/tokens.json',
    commandWaitMs: Number(env.BARPLANE_COMMAND_WAIT_MS ?? 5000),
    namespace: namespaceFromEnv(env),
    maxBodyBytes: Number(env.BARPLANE_MAX_BODY_BYTES ?? DEFAULT_MAX_BODY_BYTES),
    health: {
      staleMs: Number(env.BARPLANE_HEALTH_STALE_MS ?? DEFAULT_HEALTH.staleMs),
      outboxMaxAgeMs: Number(env.BARPLANE_HEALTH_OUTBOX_MAX_AGE_MS ?? DEFAULT_HEALTH.outboxMaxAgeMs),
      maxDlqMessages: Number(env.BARPLANE_HEALTH_MAX_DLQ ?? DEFAULT_HEALTH.maxDlqMessages),
      timeoutMs: Number(env.BARPLANE_HEALTH_TIMEOUT_MS ?? DEFAULT_HEALTH.timeoutMs),
    },
  };
}

export const API_CONFIG = Symbol('ApiConfig');
