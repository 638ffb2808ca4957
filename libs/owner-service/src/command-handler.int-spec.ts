// The command path against the real PostgreSQL (no Kafka): races, redeliveries, the outbox.
import { randomUUID } from 'node:crypto';
import { EventStore } from '@barplane/eventstore';
import type { DataSource } from 'typeorm';
import { schemaPerFile } from '../../eventstore/src/testing/schema-per-file';
import { p9Host, p9Pes, USB } from './testing/host-fixtures';
import { commandEnvelope } from './testing/owner-test-kit';
import { peRegistryHandler, RacingStore, setUpP9Host } from './testing/pe-registry-store-kit';

let dataSource: DataSource;
const schema = schemaPerFile('owner', (ds) => (dataSource = ds));

const handler = (store: EventStore) => peRegistryHandler(store);

type Published = { type: string; data: Record<string, unknown>; causationId: string; answer?: Published };

/** What the outbox publishes for a command, an answer riding on an event listed after it. */
async function outbox(causationId: string): Promise<Published[]> {
  const rows: { payload: Published }[] = await dataSource.query(
    `SELECT payload FROM "${schema}".outbox_messages WHERE payload->>'causationId' = $1 ORDER BY outbox_id, position`,
    [causationId],
  );
  return rows.flatMap((r) => (r.payload.answer ? [r.payload, r.payload.answer] : [r.payload]));
}

async function registeredHost(store: EventStore): Promise<string> {
  const host = `h-${randomUUID().slice(0, 8)}`;
  await setUpP9Host(handler(store).commands, host);
  return host;
}

describe('CommandHandler', () => {
  it('re-reads and retries once after losing a race, when the command has no expectedVersion', async () => {
    const store = new RacingStore(dataSource, schema);
    const host = await registeredHost(store);
    store.races = 1;
    const { commands, counters } = handler(store);
    const relocate = commandEnvelope('RelocateBar', host, { bdf: USB, index: 0, address: '0x3fe080011000' });
    expect(await commands.handle(relocate)).toBe('applied');
    expect(counters.raceRetries).toBe(1);
    expect((await outbox(relocate.id)).map((p) => p.type)).toEqual(['BarRelocated', 'CommandApplied']);
    expect((await outbox(relocate.id))[1].data).toMatchObject({ streamVersion: '4' });
  });

  it('answers CommandConflicted after losing a race with an expectedVersion', async () => {
    const store = new RacingStore(dataSource, schema);
    const host = await registeredHost(store);
    store.races = 1;
    const relocate = commandEnvelope(
      'RelocateBar',
      host,
      { bdf: USB, index: 0, address: '0x3fe080011000' },
      { expectedVersion: '2' },
    );
    expect(await handler(store).commands.handle(relocate)).toBe('conflict');
    expect(await outbox(relocate.id)).toEqual([
      expect.objectContaining({
        type: 'CommandConflicted',
        data: expect.objectContaining({ expectedVersion: '2', actualVersion: '3' }),
      }),
    ]);
  });

  it('throws after losing the race on every try (the consumer retries the message)', async () => {
    const store = new RacingStore(dataSource, schema);
    const host = await registeredHost(store);
    store.races = 3;
    await expect(
      handler(store).commands.handle(
        commandEnvelope('RelocateBar', host, { bdf: USB, index: 0, address: '0x3fe080011000' }),
      ),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('answers a rejected or no-op command once, however often it is redelivered', async () => {
    const store = new EventStore(dataSource, schema);
    const host = await registeredHost(store);
    const { commands, counters } = handler(store);
    const bad = commandEnvelope('RemoveFunction', host, { bdf: '0009:00:00.0' });
    expect(await commands.handle(bad)).toBe('rejected');
    expect(await commands.handle(bad)).toBe('duplicate');
    const same = commandEnvelope('ImportTopology', host, { pes: p9Pes });
    expect(await commands.handle(same)).toBe('noop');
    expect(await commands.handle(same)).toBe('duplicate');
    expect((await outbox(bad.id)).map((p) => p.type)).toEqual(['CommandRejected']);
    expect(await outbox(same.id)).toEqual([
      expect.objectContaining({
        type: 'CommandApplied',
        data: expect.objectContaining({ eventIds: [], streamVersion: '2' }),
      }),
    ]);
    expect(counters).toMatchObject({ rejected: 1, noops: 1, duplicates: 2 });
  });

  it('rejects a bad expectedVersion, an empty hostId and a mismatched type together', async () => {
    const store = new EventStore(dataSource, schema);
    const command = commandEnvelope('BindFunction', ' ', { bdf: 'x' }, { expectedVersion: '0x2' });
    expect(await handler(store).commands.handle(command)).toBe('rejected');
    const [answer] = await outbox(command.id);
    expect((answer.data.problems as { path: string }[]).map((p) => p.path)).toEqual([
      'hostId',
      'expectedVersion',
      'type',
      'data.bdf',
    ]);
  });

  it('refuses a command whose event would not fit on the broker, and stores nothing (issue 10)', async () => {
    const store = new EventStore(dataSource, schema);
    const host = `huge-${randomUUID().slice(0, 8)}`;
    expect(await handler(store).commands.handle(commandEnvelope('RegisterHost', host, { host: p9Host(host) }))).toBe(
      'applied',
    );
    // 8,000 functions: a command of about half a megabyte, an event of more than the 1,000,000 bytes.
    const pes = Array.from({ length: 2000 }, (_, p) => ({
      id: `${(p >> 8).toString(16).padStart(4, '0')}:${(p & 0xff).toString(16).padStart(2, '0')}`,
      functions: Array.from({ length: 4 }, (_, f) => ({
        bdf: `${(p >> 8).toString(16).padStart(4, '0')}:${(p & 0xff).toString(16).padStart(2, '0')}:00.${f}`,
        bars: [
          {
            index: 0,
            kind: 'mem64',
            address: `0x${(0x600000000000 + (p * 4 + f) * 0x10000).toString(16)}`,
            size: '0x4000',
          },
        ],
      })),
    }));
    const command = commandEnvelope('ImportTopology', host, { pes });
    expect(await handler(store).commands.handle(command)).toBe('rejected');
    const [answer] = await outbox(command.id);
    expect(answer.type).toBe('CommandRejected');
    expect(answer.data).toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/would make a \w+ event of \d+ bytes; a message on the broker holds at most \d+/),
    });
    expect((await store.readStream(`host-${host}`)).version).toBe(1n);
  });
});
