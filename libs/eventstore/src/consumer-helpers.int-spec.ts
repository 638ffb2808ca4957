import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Inbox } from './consumer/inbox';
import { schemaPerFile } from './testing/schema-per-file';

let dataSource: DataSource;
let inbox: Inbox;
schemaPerFile('consumer', (ds, schema) => {
  dataSource = ds;
  inbox = new Inbox(schema);
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
