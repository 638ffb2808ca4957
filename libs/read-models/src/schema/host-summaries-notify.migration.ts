import { QueryRunner } from 'typeorm';
import { MigrationClass, schemaMigration } from '@barplane/eventstore';
import { summariesChannelOf } from '../read-model-names';

/**
 * A NOTIFY on `<schema>_summaries` at the commit of every transaction that writes
 * host_summaries: the API keeps fleet reads made from those rows and asks the database whether
 * they are still current only after a notice. A statement trigger, not the projector's code, so
 * that every writer (a batch, the backfill, a rebuild's TRUNCATE, a hand-run UPDATE) sends it.
 */
export function hostSummariesNotifyMigration(schema: string): MigrationClass {
  const fn = `"${schema}"."host_summaries_changed"`;
  const table = `"${schema}"."host_summaries"`;
  return schemaMigration('HostSummariesNotify', schema, '1765400000000', {
    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('${summariesChannelOf(schema)}', ''); RETURN NULL; END $$`);
      await runner.query(`CREATE TRIGGER host_summaries_changed
        AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
    },

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TRIGGER host_summaries_changed ON ${table}`);
      await runner.query(`DROP FUNCTION ${fn}()`);
    },
  });
}
