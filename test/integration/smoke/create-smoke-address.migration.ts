import { MigrationInterface, QueryRunner } from 'typeorm';

// Raw SQL on purpose: real migrations (event store, outbox) will be written the same way.
// numeric(20,0) because PostgreSQL bigint is signed and cannot hold unsigned values >= 2^63.
export class CreateSmokeAddress1764000000000 implements MigrationInterface {
  name = 'CreateSmokeAddress1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ${table(q)} (
      id text PRIMARY KEY,
      address numeric(20,0) NOT NULL CHECK (address >= 0 AND address <= 18446744073709551615)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ${table(q)}`);
  }
}

// The test runs in its own schema (DataSource option `schema`), so qualify the table with it.
function table(q: QueryRunner): string {
  const schema = (q.connection.options as { schema?: string }).schema ?? 'public';
  return `"${schema}"."smoke_address"`;
}
