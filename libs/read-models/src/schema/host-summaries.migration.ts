import { QueryRunner } from 'typeorm';
import { MigrationClass, schemaMigration } from '@barplane/eventstore';

/**
 * One row per host with what fleet-wide reads need (host-summaries/host-summary.ts), written by
 * the projector in the batch that changes the host; `json`, as written, since it is only ever
 * read whole. The rows are filled for existing hosts by backfillHostSummaries at the projector's start.
 */
export function hostSummariesMigration(schema: string): MigrationClass {
  const q = (table: string) => `"${schema}"."${table}"`;
  return schemaMigration('HostSummaries', schema, '1765300000000', {
    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`CREATE TABLE ${q('host_summaries')} (
        host_id text PRIMARY KEY,
        summary json,
        version integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now())`);
    },

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE ${q('host_summaries')}`);
    },
  });
}
