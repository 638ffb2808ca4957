import type { DataSource } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';

/** The slice of pg's Client used here (the project has no @types/pg). */
export interface PgClient {
  connect(): Promise<void>;
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: Row[] }>;
  end(): Promise<void>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
}

type PgClientClass = new (config: Record<string, unknown>) => PgClient;

/**
 * A pg Client outside TypeORM's pool, for session state that must never leak into pooled
 * connections: the relay's advisory lock and its LISTEN. Closing it drops both, even when the
 * process dies. Built from the same pg module and credentials TypeORM uses.
 */
export function createDedicatedClient(dataSource: DataSource, applicationName: string): PgClient {
  const pg = (dataSource.driver as unknown as { postgres: { Client: PgClientClass } }).postgres;
  const options = dataSource.options as PostgresDataSourceOptions;
  return new pg.Client({
    connectionString: options.url,
    host: options.host,
    port: options.port,
    user: options.username,
    password: options.password,
    database: options.database,
    ssl: options.ssl,
    application_name: applicationName,
  });
}
