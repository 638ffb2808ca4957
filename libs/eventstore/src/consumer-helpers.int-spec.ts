import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Checkpoints } from './consumer/checkpoints';
import { Inbox } from './consumer/inbox';
import { dropSchema, openMigrated, uniqueSchema } from './testing/postgres-test-kit';

jest.setTimeout(60_000);

const schema = uniqueSchema('consumer');
let dataSource: DataSource;
let inbox: Inbox;
let checkpoints: Checkpoints;

beforeAll(async () => {
  dataSource = await openMigrated(schema);
  inbox = new Inbox(schema);
  checkpoints = new Checkpoints(dataSource, schema);
});

afterAll(async () => {
  await dropSchema(dataSource, schema);
  await dataSource.destroy();
});

describe('Inbox', () => {
  it('claims a message once per consumer, inside the caller transaction', async () => {
    const id = randomUUID();
    expect(await dataSource.transaction((em) => inbox.claim(em, 'projector', id))).toBe(true);
    expect(await dataSource.transaction((em) => inbox.claim(em, 'projector', id))).toBe(false);
    expect(await dataSource.transaction((em) => inbox.claim(em, 'vfio-regions', id))).toBe(true);
  });

  it('forgets a claim whose transaction rolled back', async () => {
    const id = randomUUID();
    await expect(
      dataSource.transaction(async (em) => {
        expect(await inbox.claim(em, 'projector', id)).toBe(true);
        throw new Error('effect failed');
      }),
    ).rejects.toThrow('effect failed');
    expect(await dataSource.transaction((em) => inbox.claim(em, 'projector', id))).toBe(true);
  });
});

describe('Checkpoints', () => {
  it('stores next offsets with the effects and loads them as bigint', async () => {
    await dataSource.transaction(async (em) => {
      await checkpoints.checkpoint(em, 'projector', 'pe.events', 0, '42');
      await checkpoints.checkpoint(em, 'projector', 'pe.events', 1, 9_007_199_254_740_993n);
    });
    await dataSource.transaction((em) => checkpoints.checkpoint(em, 'projector', 'pe.events', 0, 43n));
    await expect(
      dataSource.transaction(async (em) => {
        await checkpoints.checkpoint(em, 'projector', 'pe.events', 0, 99n);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await checkpoints.loadCheckpoints('projector')).toEqual([
      { topic: 'pe.events', partition: 0, nextOffset: 43n },
      { topic: 'pe.events', partition: 1, nextOffset: 9_007_199_254_740_993n },
    ]);
    expect(await checkpoints.loadCheckpoints('nobody')).toEqual([]);
  });
});
