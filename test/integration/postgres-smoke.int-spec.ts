// Smoke test against the REAL PostgreSQL (DATABASE_URL): TypeORM 1.x DataSource, a raw-SQL
// migration, and exact 64-bit round-trips through a bigint <-> numeric(20,0) transformer.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CreateSmokeAddress1764000000000 } from './smoke/create-smoke-address.migration';
import { SmokeAddressEntity } from './smoke/smoke-address.entity';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/barplane';
const schema = `smoke_${Date.now()}_${randomBytes(3).toString('hex')}`;

jest.setTimeout(30_000);

describe('postgres smoke (real database)', () => {
  let ds: DataSource;

  beforeAll(async () => {
    ds = new DataSource({
      type: 'postgres',
      url,
      schema,
      synchronize: false,
      entities: [SmokeAddressEntity],
      migrations: [CreateSmokeAddress1764000000000],
      extra: { max: 2 },
    });
    await ds.initialize();
    await ds.query(`CREATE SCHEMA "${schema}"`);
  });

  afterAll(async () => {
    if (ds?.isInitialized) {
      await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await ds.destroy();
    }
  });

  it('runs the migration', async () => {
    const ran = await ds.runMigrations();
    expect(ran.map((m) => m.name)).toEqual(['CreateSmokeAddress1764000000000']);
  });

  it('round-trips 64-bit unsigned values exactly', async () => {
    const repo = ds.getRepository(SmokeAddressEntity);
    const values = { above2p53: 0xfffffffffffff000n, max64: 0xffffffffffffffffn };
    for (const [id, address] of Object.entries(values)) await repo.save(repo.create({ id, address }));

    for (const [id, address] of Object.entries(values)) {
      const row = await repo.findOneByOrFail({ id });
      expect(typeof row.address).toBe('bigint');
      expect(row.address === address).toBe(true);
    }
    const raw = await ds.query(`SELECT address::text AS a FROM "${schema}".smoke_address WHERE id = $1`, ['max64']);
    expect(raw[0].a).toBe('18446744073709551615');
  });
});
