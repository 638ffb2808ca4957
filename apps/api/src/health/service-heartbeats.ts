import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { API_CONFIG, ApiConfig } from '../api-config';
import { HEARTBEAT_SERVICES, HeartbeatReport, HeartbeatRow, HeartbeatService, serviceSchema } from './assess';

interface Row {
  schema: string;
  instance_id: string;
  beat_age_ms: number;
  uptime_ms: number;
  outbox_pending: string;
  outbox_oldest_age_ms: string | null;
  report: HeartbeatReport;
}

/**
 * Reads the services' heartbeat rows (`<schema>.heartbeats`, one table per service schema) on
 * a small pool of its own, so that a busy request pool never delays /health and every statement
 * is bounded: connecting, and the statement itself (statement_timeout on the server,
 * query_timeout on the client), each within the health timeout.
 */
@Injectable()
export class ServiceHeartbeats implements OnApplicationShutdown {
  private readonly pool: Pool;
  private readonly schemas: { service: HeartbeatService; schema: string }[];

  constructor(@Inject(API_CONFIG) config: ApiConfig) {
    const timeout = config.health.timeoutMs;
    this.pool = new Pool({
      connectionString: config.databaseUrl,
      max: 2,
      connectionTimeoutMillis: timeout,
      statement_timeout: timeout,
      query_timeout: timeout,
      idleTimeoutMillis: 30_000,
      application_name: 'barplane:api-health',
    });
    // An idle connection that breaks (the server restarted) must not crash the process.
    this.pool.on('error', () => undefined);
    this.schemas = HEARTBEAT_SERVICES.map(({ service, schema }) => ({
      service,
      schema: serviceSchema(config.namespace, schema),
    }));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }

  /**
   * Every service's rows (none for a service whose table does not exist yet: it never started).
   * Ages are measured on PostgreSQL's clock, the one the rows were written with.
   */
  async read(): Promise<Map<HeartbeatService, HeartbeatRow[]>> {
    const { rows: present } = await this.pool.query<{ schema: string }>(
      `SELECT s AS schema FROM unnest($1::text[]) AS s WHERE to_regclass(quote_ident(s) || '.heartbeats') IS NOT NULL`,
      [this.schemas.map((s) => s.schema)],
    );
    const result = new Map<HeartbeatService, HeartbeatRow[]>(this.schemas.map((s) => [s.service, []]));
    if (present.length === 0) return result;
    // The schema names come from HEARTBEAT_SERVICES and the namespace, reduced to [a-z0-9_].
    const sql = present
      .map(
        ({ schema }) => `SELECT '${schema}'::text AS schema, instance_id,
          extract(epoch FROM clock_timestamp() - beat_at)::float8 * 1000 AS beat_age_ms,
          extract(epoch FROM clock_timestamp() - started_at)::float8 * 1000 AS uptime_ms,
          outbox_pending, outbox_oldest_age_ms, report
        FROM "${schema}".heartbeats`,
      )
      .join('\nUNION ALL\n');
    const { rows } = await this.pool.query<Row>(sql);
    const serviceOf = new Map(this.schemas.map((s) => [s.schema, s.service]));
    for (const row of rows) {
      const service = serviceOf.get(row.schema);
      if (!service) continue;
      result.get(service)!.push({
        instanceId: row.instance_id,
        beatAgeMs: Number(row.beat_age_ms),
        uptimeMs: Number(row.uptime_ms),
        outboxPending: Number(row.outbox_pending),
        outboxOldestAgeMs: row.outbox_oldest_age_ms === null ? null : Number(row.outbox_oldest_age_ms),
        report: row.report ?? {},
      });
    }
    return result;
  }
}
