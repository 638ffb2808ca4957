import { QueryRunner } from 'typeorm';
import { MigrationClass, schemaMigration } from '@barplane/eventstore';
import { auditTextMigration } from './audit-text.migration';
import { hostSummariesNotifyMigration } from './host-summaries-notify.migration';
import { hostSummariesMigration } from './host-summaries.migration';

/**
 * The projector's read models, in its own schema beside the event-store tables (outbox for
 * decisions.events, inbox for idempotent consumption): host projections, current decisions,
 * the hash-chained audit log, the fact snapshots the audit records point to, command status.
 */
export function projectorTablesMigration(schema: string): MigrationClass {
  const q = (table: string) => `"${schema}"."${table}"`;
  return schemaMigration('ProjectorTables', schema, '1764100000000', {
    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`CREATE TABLE ${q('host_projections')} (
        host_id text PRIMARY KEY,
        state jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now())`);
      await runner.query(`CREATE TABLE ${q('decisions')} (
        host_id text NOT NULL,
        subject_key text NOT NULL,
        subject jsonb NOT NULL,
        vm_id text,
        outcome jsonb NOT NULL,
        audit_seq integer NOT NULL,
        decided_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (host_id, subject_key))`);
      await runner.query(`CREATE TABLE ${q('audit_records')} (
        host_id text NOT NULL,
        seq integer NOT NULL,
        record jsonb NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        source_topic text,
        source_partition integer,
        source_offset text,
        PRIMARY KEY (host_id, seq))`);
      await runner.query(`CREATE INDEX audit_records_recorded_at_idx ON ${q('audit_records')} (recorded_at)`);
      await runner.query(`CREATE TABLE ${q('fact_snapshots')} (hash text PRIMARY KEY, scenario jsonb NOT NULL)`);
      await runner.query(`CREATE TABLE ${q('command_status')} (
        command_id text PRIMARY KEY,
        host_id text NOT NULL,
        status text NOT NULL,
        answer jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now())`);
    },

    async down(runner: QueryRunner): Promise<void> {
      for (const t of ['command_status', 'fact_snapshots', 'audit_records', 'decisions', 'host_projections'])
        await runner.query(`DROP TABLE ${q(t)}`);
    },
  });
}

/** Every migration of the projector's own tables, oldest first (after the event store's). */
export function projectorMigrations(schema: string): MigrationClass[] {
  return [
    projectorTablesMigration(schema),
    auditTextMigration(schema),
    hostSummariesMigration(schema),
    hostSummariesNotifyMigration(schema),
  ];
}

/** The tables a rebuild empties (not the migrations, not the outbox of what was published). */
export const PROJECTOR_READ_TABLES = [
  'host_projections',
  'host_summaries',
  'decisions',
  'audit_records',
  'fact_snapshots',
  'command_status',
  'inbox',
];
