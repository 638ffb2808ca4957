import { namespacedSchema } from '@barplane/eventstore';
import { OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiConfig } from '../api-config';

/** The API's own schema: `<namespace>api`, sanitised as every service schema is. */
export function apiSchema(config: ApiConfig): string {
  return namespacedSchema(config.namespace, 'api');
}

/**
 * Creates the schema and one of the API's tables if missing. Created at start rather than by a
 * migration: each is one table, never altered; the advisory lock keeps API instances starting
 * together from racing.
 */
export async function ensureApiTable(db: DataSource, schema: string, createTable: string): Promise<void> {
  await db.query(`SELECT pg_advisory_lock(hashtext('barplane.api.schema'))`);
  try {
    await db.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await db.query(createTable);
  } finally {
    await db.query(`SELECT pg_advisory_unlock(hashtext('barplane.api.schema'))`);
  }
}

/** One of the API's tables: `<schema>.<name>`, created with `columns` when the module starts. */
export abstract class ApiTable implements OnModuleInit {
  protected readonly table: string;
  private readonly schema: string;

  protected constructor(
    protected readonly db: DataSource,
    config: ApiConfig,
    name: string,
    private readonly columns: string,
  ) {
    this.schema = apiSchema(config);
    this.table = `"${this.schema}"."${name}"`;
  }

  async onModuleInit(): Promise<void> {
    await ensureApiTable(this.db, this.schema, `CREATE TABLE IF NOT EXISTS ${this.table} (${this.columns})`);
  }
}
