import { DataSource, type DataSourceOptions, type EntitySchema } from 'typeorm';
import { eventStoreMigrations, MIGRATIONS_TABLE } from '../schema/event-store-migrations';
import type { MigrationClass } from '../schema/migration-class';
import { assertSchemaName } from '../schema/schema-name';

export interface EventStoreDataSourceConfig {
  /** `postgres://user@host:port/db` */
  url: string;
  /** The service's schema: entities default to it and `<schema>.migrations` records migrations. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own option type
  entities?: (Function | EntitySchema)[];
  /** The service's own migrations, run after the event store's by `dataSource.runMigrations()`. */
  migrations?: MigrationClass[];
  /** Max pooled connections (pg's default is 10); the relay's lock connection is extra. */
  poolSize?: number;
  applicationName?: string;
}

/**
 * The DataSource options every service uses. `synchronize` stays off: the schema is owned by
 * migrations (synchronize can drop data, and knows nothing of xid8 defaults or partial indexes).
 * `parseInt8` is deliberately not set: int8 stays a string from pg and becomes bigint in code.
 */
export function eventStoreDataSourceOptions(config: EventStoreDataSourceConfig): DataSourceOptions {
  const schema = assertSchemaName(config.schema);
  return {
    type: 'postgres',
    url: config.url,
    schema,
    entities: config.entities ?? [],
    migrations: [...eventStoreMigrations(schema), ...(config.migrations ?? [])],
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'all',
    migrationsRun: false,
    synchronize: false,
    poolSize: config.poolSize,
    applicationName: config.applicationName ?? `barplane:${schema}`,
  };
}

/**
 * A DataSource for a service, not yet initialized (call `initialize()`; Nest's TypeOrmModule
 * wants to do that itself, so it can take `eventStoreDataSourceOptions` instead).
 */
export function createDataSource(config: EventStoreDataSourceConfig): DataSource {
  return new DataSource(eventStoreDataSourceOptions(config));
}
