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
}

/** 4 MiB: five times the largest topology seen in practice (25,000 functions, 825 KB). */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

export function apiConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return {
    port: Number(env.PORT ?? 8080),
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/barplane',
    kafkaBrokers: env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    tokensFile: env.BARPLANE_TOKENS_FILE ?? '.run/tokens.json',
    commandWaitMs: Number(env.BARPLANE_COMMAND_WAIT_MS ?? 5000),
    namespace: env.BARPLANE_NAMESPACE ?? '',
    maxBodyBytes: Number(env.BARPLANE_MAX_BODY_BYTES ?? DEFAULT_MAX_BODY_BYTES),
  };
}

export const API_CONFIG = Symbol('ApiConfig');
