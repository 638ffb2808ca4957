import type { QueryRunner } from 'typeorm';
import { type MigrationClass, schemaMigration } from './migration-class';
import { assertSchemaName, qualified } from './schema-name';

const TIMESTAMP = '1796000000000';

/**
 * `quarantined_at`: a row the broker refuses for good (a message over its size, say) is set
 * aside instead of blocking every row behind it; the relay skips it, nothing prunes it, and it
 * stays for an operator with its `last_error`.
 */
export function outboxQuarantineMigration(schema: string): MigrationClass {
  const outbox = qualified(assertSchemaName(schema), 'outbox');
  return schemaMigration('OutboxQuarantine', schema, TIMESTAMP, {
    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`ALTER TABLE ${outbox} ADD COLUMN quarantined_at timestamptz`);
    },

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`ALTER TABLE ${outbox} DROP COLUMN quarantined_at`);
    },
  });
}
