import { QueryRunner } from 'typeorm';
import { MigrationClass, schemaMigration } from '@barplane/eventstore';

/**
 * Audit records, fact snapshots and command answers as `json` (their text as written) instead
 * of `jsonb`. A record is now stored as the very RFC 8785 text its hash covers, so
 * `sha256(prev_hash || '\n' || record::text)` checks it with standard tools; and the projector
 * writes one of each per decision, where building a jsonb cost about twice storing the text.
 * Rows written before keep jsonb's rendering; verification canonicalises, so they still check.
 */
export function auditTextMigration(schema: string): MigrationClass {
  const q = (table: string) => `"${schema}"."${table}"`;
  return schemaMigration('AuditText', schema, '1764900000000', {
    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`ALTER TABLE ${q('audit_records')} ALTER COLUMN record TYPE json USING record::json`);
      await runner.query(`ALTER TABLE ${q('fact_snapshots')} ALTER COLUMN scenario TYPE json USING scenario::json`);
      await runner.query(`ALTER TABLE ${q('command_status')} ALTER COLUMN answer TYPE json USING answer::json`);
    },

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`ALTER TABLE ${q('audit_records')} ALTER COLUMN record TYPE jsonb USING record::jsonb`);
      await runner.query(`ALTER TABLE ${q('fact_snapshots')} ALTER COLUMN scenario TYPE jsonb USING scenario::jsonb`);
      await runner.query(`ALTER TABLE ${q('command_status')} ALTER COLUMN answer TYPE jsonb USING answer::jsonb`);
    },
  });
}
