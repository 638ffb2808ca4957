import type { QueryRunner } from 'typeorm';
import { type MigrationClass, schemaMigration } from './migration-class';
import { qualified } from './schema-name';

const TIMESTAMP = '1797000000000';

/**
 * `<schema>.heartbeats`: one row per running process of the service that owns the schema,
 * upserted every few seconds (health/heartbeat.ts) and read by the API's readiness check. Times
 * come from PostgreSQL's clock, so the reader compares them with the same clock. `report`
 * holds what the process knows of itself (its consumers, their lag, its dead-letter depth).
 */
export function heartbeatsMigration(schema: string): MigrationClass {
  return schemaMigration('Heartbeats', schema, TIMESTAMP, {
    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE ${qualified(schema, 'heartbeats')} (
          instance_id          text        PRIMARY KEY,
          service              text        NOT NULL,
          started_at           timestamptz NOT NULL DEFAULT clock_timestamp(),
          beat_at              timestamptz NOT NULL DEFAULT clock_timestamp(),
          outbox_pending       bigint      NOT NULL DEFAULT 0,
          outbox_oldest_age_ms bigint,
          report               jsonb       NOT NULL DEFAULT '{}'
        )`);
    },

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS ${qualified(schema, 'heartbeats')}`);
    },
  });
}
