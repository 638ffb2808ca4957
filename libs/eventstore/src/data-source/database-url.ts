/** The PostgreSQL every service, the CLI and the scripts use when DATABASE_URL is not set. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/barplane';

/** DATABASE_URL, or the local default when it is unset or empty. */
export function databaseUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL || DEFAULT_DATABASE_URL;
}

/** BARPLANE_NAMESPACE: '' in production; e.g. 't1a2b.' isolates a test run's topics, groups and schemas. */
export function namespaceFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.BARPLANE_NAMESPACE ?? '';
}
