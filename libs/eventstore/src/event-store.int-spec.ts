import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ConcurrencyError } from './errors/concurrency.error';
import { EventStoreError } from './errors/event-store.error';
import { createEventStoreTablesMigration } from './schema/create-event-store-tables.migration';
import { eventStoreMigrations } from './schema/event-store-migrations';
import { migrateEventStore } from './schema/migrate-event-store';
import { EventStore } from './store/event-store';
import type { OutboxMessage } from './store/outbox-message';
import { appendOne, newEvent } from './testing/postgres-test-kit';
import { outboxOf, schemaPerFile, withScratchSchema } from './testing/schema-per-file';

let dataSource: DataSource;
let store: EventStore;
const schema = schemaPerFile('es', (ds) => {
  dataSource = ds;
  store = new EventStore(ds, schema);
});

const envelopes = outboxOf((e) => ({
  id: e.eventId,
  type: e.eventType,
  streamVersion: e.streamVersion.toString(),
  occurredAt: e.occurredAt,
  data: e.data,
}));

async function outboxRows(): Promise<{ message_id: string; payload: { streamVersion: string; occurredAt: string } }[]> {
  return dataSource.query(`SELECT message_id, payload FROM "${schema}".outbox_messages ORDER BY outbox_id, position`);
}

describe('migrations', () => {
  it('are idempotent and recorded where TypeORM looks for them', async () => {
    expect(await migrateEventStore(dataSource, schema)).toEqual([]);
    // The DataSource lists the same migrations: TypeORM sees none pending.
    expect(await dataSource.showMigrations()).toBe(false);
    const tables: { table_name: string }[] = await dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
      [schema],
    );
    expect(tables.map((t) => t.table_name)).toEqual([
      'event_streams',
      'events',
      'heartbeats',
      'inbox',
      'migrations',
      'outbox',
    ]);
  });

  it('survive concurrent runs on a fresh schema', async () => {
    await withScratchSchema(dataSource, async (other) => {
      const results = await Promise.all([1, 2, 3].map(() => migrateEventStore(dataSource, other)));
      expect(results.map((names) => names.length).sort()).toEqual([0, 0, eventStoreMigrations(other).length]);
    });
  });

  it('turn per-message outbox rows still pending into one-row batches, losing nothing', async () => {
    await withScratchSchema(dataSource, async (other) => {
      // A schema as the first release left it: one outbox row per message, two not yet published.
      await dataSource.query(`CREATE SCHEMA "${other}"`);
      const runner = dataSource.createQueryRunner();
      await new (createEventStoreTablesMigration(other))().up(runner);
      await runner.release();
      await dataSource.query(
        `CREATE TABLE "${other}".migrations (id SERIAL PRIMARY KEY, timestamp bigint NOT NULL, name varchar NOT NULL)`,
      );
      const first = new (createEventStoreTablesMigration(other))().name!;
      await dataSource.query(`INSERT INTO "${other}".migrations (timestamp, name) VALUES ($1, $2)`, [
        first.slice(-13),
        first,
      ]);
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      for (const [i, id] of ids.entries()) {
        await dataSource.query(
          `INSERT INTO "${other}".outbox (message_id, topic, message_key, headers, payload, published_at) VALUES ($1, 'pe.events', 'h', '{"type":"E"}', $2, $3)`,
          [id, JSON.stringify({ i, address: '0xfffffffffffff000' }), i === 0 ? new Date() : null],
        );
      }
      expect(await migrateEventStore(dataSource, other)).toHaveLength(eventStoreMigrations(other).length - 1);
      const pending = await dataSource.query(
        `SELECT message_id, topic, message_key, headers, payload FROM "${other}".outbox_messages WHERE published_at IS NULL ORDER BY outbox_id, position`,
      );
      expect(pending).toEqual(
        [1, 2].map((i) => ({
          message_id: ids[i],
          topic: 'pe.events',
          message_key: 'h',
          headers: { type: 'E' },
          payload: { i, address: '0xfffffffffffff000' },
        })),
      );
    });
  });
});

describe('append and read', () => {
  it('round-trips data, 64-bit hex strings, bigint versions and microsecond occurredAt', async () => {
    const streamId = `host-${randomUUID()}`;
    const data = { address: '0xfffffffffffff000', size: '0x1000', nested: [{ bar: 0 }] };
    const first = await appendOne(store, streamId, 'host', 0n, [newEvent('p9', 'HostRegistered', data)], {
      outbox: envelopes,
    });
    if (first.duplicate) throw new Error('unexpected duplicate');
    expect(first.version).toBe(1n);
    const second = await appendOne(store, streamId, 'host', 1n, [
      newEvent('p9', 'BarRelocated', { address: '0x8000000000000000' }),
      newEvent('p9', 'BarRelocated', { address: '0xffffffffffffffff' }),
    ]);
    if (second.duplicate) throw new Error('unexpected duplicate');
    expect(second.version).toBe(3n);
    expect(second.events.map((e) => e.streamVersion)).toEqual([2n, 3n]);

    const read = await store.readStream(streamId);
    expect(read.version).toBe(3n);
    expect(typeof read.version).toBe('bigint');
    expect(read.events.map((e) => e.streamVersion)).toEqual([1n, 2n, 3n]);
    expect(read.events[0].data).toEqual(data);
    expect(read.events[2].data).toEqual({ address: '0xffffffffffffffff' });
    expect(typeof read.events[0].globalPosition).toBe('bigint');
    // What append returned is exactly what a later read (a replay) sees.
    expect(read.events[0]).toEqual(first.events[0]);
    expect(read.events.slice(1)).toEqual(second.events);
    expect(read.events[0].occurredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    // The outbox envelope carries the committed streamVersion and occurredAt.
    const [row] = (await outboxRows()).filter((r) => r.message_id === first.events[0].eventId);
    expect(row.payload.streamVersion).toBe('1');
    expect(row.payload.occurredAt).toBe(read.events[0].occurredAt);
  });

  it('keeps versions beyond 2^53 exact', async () => {
    const streamId = `big-${randomUUID()}`;
    const big = 2n ** 62n + 1n;
    // Seed a stream at a version no JS number can hold, as a long-lived stream would be.
    await dataSource.query(`INSERT INTO "${schema}".event_streams VALUES ($1, 'host', $2::bigint)`, [
      streamId,
      big.toString(),
    ]);
    const result = await appendOne(store, streamId, 'host', big, [newEvent('h', 'E', {})]);
    if (result.duplicate) throw new Error('unexpected duplicate');
    expect(result.version).toBe(big + 1n);
    expect((await store.readStream(streamId)).version).toBe(big + 1n);
    await expect(appendOne(store, streamId, 'host', big, [newEvent('h', 'E', {})])).rejects.toMatchObject({
      code: 'CONFLICT',
      expectedVersion: big,
      actualVersion: big + 1n,
    });
  });

  it('refuses bigint in data and empty appends with INVALID_ARGUMENT', async () => {
    await expect(
      appendOne(store, `x-${randomUUID()}`, 'host', 0n, [newEvent('h', 'E', { size: 1n })]),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(appendOne(store, `x-${randomUUID()}`, 'host', 0n, [])).rejects.toBeInstanceOf(EventStoreError);
  });
});

describe('optimistic concurrency', () => {
  it('lets exactly one of two appends at the same expected version win (new stream)', async () => {
    const streamId = `host-${randomUUID()}`;
    const results = await Promise.allSettled([
      appendOne(store, streamId, 'host', 0n, [newEvent('h', 'A', {})], { outbox: envelopes }),
      appendOne(store, streamId, 'host', 0n, [newEvent('h', 'B', {}), newEvent('h', 'B2', {})], { outbox: envelopes }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(ConcurrencyError);
    expect(lost[0].reason).toMatchObject({ code: 'CONFLICT', expectedVersion: 0n });
    const read = await store.readStream(streamId);
    expect(read.events.map((e) => e.streamVersion)).toEqual(read.events.map((_, i) => BigInt(i + 1)));
    expect(lost[0].reason.actualVersion).toBe(read.version);
    // The loser's outbox rows went with its transaction.
    const ids = new Set((await outboxRows()).map((r) => r.message_id));
    expect(read.events.every((e) => ids.has(e.eventId))).toBe(true);
  });

  it('lets exactly one of many appends at the same existing version win', async () => {
    const streamId = `host-${randomUUID()}`;
    await appendOne(store, streamId, 'host', 0n, [newEvent('h', 'Start', {})]);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => appendOne(store, streamId, 'host', 1n, [newEvent('h', `E${i}`, {})])),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'CONFLICT', actualVersion: 2n });
    const read = await store.readStream(streamId);
    expect(read.version).toBe(2n);
    expect(read.events.map((e) => e.streamVersion)).toEqual([1n, 2n]);
  });

  it('makes an append that waited on a concurrent writer fail, not overwrite (deterministic interleaving)', async () => {
    const streamId = `host-${randomUUID()}`;
    await appendOne(store, streamId, 'host', 0n, [newEvent('h', 'A', {})]);
    // Writer 1 is mid-transaction, holding the stream row at version 1 -> 2.
    const writer = dataSource.createQueryRunner();
    await writer.connect();
    await writer.startTransaction();
    await writer.query(`UPDATE "${schema}".event_streams SET version = 2 WHERE stream_id = $1`, [streamId]);
    const waiting = appendOne(store, streamId, 'host', 1n, [newEvent('h', 'B', {})]);
    const outcome = waiting.then(
      () => 'appended',
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    await writer.commitTransaction();
    await writer.release();
    expect(await outcome).toMatchObject({ code: 'CONFLICT', expectedVersion: 1n, actualVersion: 2n });
  });

  it('rejects a stale expected version and an expected version ahead of the stream', async () => {
    const streamId = `host-${randomUUID()}`;
    await appendOne(store, streamId, 'host', 0n, [newEvent('h', 'A', {})]);
    await expect(appendOne(store, streamId, 'host', 0n, [newEvent('h', 'B', {})])).rejects.toMatchObject({
      actualVersion: 1n,
    });
    await expect(appendOne(store, streamId, 'host', 5n, [newEvent('h', 'B', {})])).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
    await expect(appendOne(store, `none-${randomUUID()}`, 'host', 1n, [newEvent('h', 'B', {})])).rejects.toMatchObject({
      actualVersion: 0n,
    });
  });
});

describe('inbox and outbox in the append transaction', () => {
  it('a duplicate inbox message changes nothing', async () => {
    const streamId = `host-${randomUUID()}`;
    const inbox = { consumer: 'pe-registry', messageId: randomUUID() };
    const first = await appendOne(store, streamId, 'host', 0n, [newEvent('h', 'A', {})], { inbox, outbox: envelopes });
    expect(first.duplicate).toBe(false);
    const outboxBefore = (await outboxRows()).length;
    const again = await appendOne(store, streamId, 'host', 1n, [newEvent('h', 'A', {})], { inbox, outbox: envelopes });
    expect(again).toEqual({ duplicate: true });
    // Even a stale expected version is not an error for a duplicate: it is answered, not retried.
    expect(await appendOne(store, streamId, 'host', 0n, [newEvent('h', 'A', {})], { inbox })).toEqual({
      duplicate: true,
    });
    expect((await store.readStream(streamId)).version).toBe(1n);
    expect((await outboxRows()).length).toBe(outboxBefore);
  });

  it('a failing append leaves no outbox row and no inbox row', async () => {
    const streamId = `host-${randomUUID()}`;
    await appendOne(store, streamId, 'host', 0n, [newEvent('h', 'A', {})]);
    const inbox = { consumer: 'pe-registry', messageId: randomUUID() };
    const event = newEvent('h', 'B', {});
    await expect(appendOne(store, streamId, 'host', 0n, [event], { inbox, outbox: envelopes })).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
    expect((await outboxRows()).some((r) => r.message_id === event.eventId)).toBe(false);
    // A failing outbox insert (bad uuid) rolls back the events too.
    const bad = newEvent('h', 'C', {});
    await expect(
      appendOne(store, streamId, 'host', 1n, [bad], {
        outbox: [{ messageId: 'not-a-uuid', topic: 't', key: 'h', payload: {} }],
      }),
    ).rejects.toThrow();
    expect((await store.readStream(streamId)).version).toBe(1n);
    // The inbox claim went with the failed attempt: the redelivery is processed.
    const retried = await appendOne(store, streamId, 'host', 1n, [event], { inbox, outbox: envelopes });
    expect(retried.duplicate).toBe(false);
    expect((await outboxRows()).some((r) => r.message_id === event.eventId)).toBe(true);
  });

  it('a batch of answers only (no append) writes the answer and the inbox row once', async () => {
    const inbox = { consumer: 'pe-registry', messageIds: [randomUUID()] };
    const answer = { messageId: randomUUID(), topic: 'pe.events', key: 'h', payload: { type: 'CommandRejected' } };
    expect(await store.appendMany({ appends: [], inbox, outbox: [answer] })).toMatchObject({
      duplicate: false,
      events: [],
    });
    expect(await store.appendMany({ appends: [], inbox, outbox: [{ ...answer, messageId: randomUUID() }] })).toEqual({
      duplicate: true,
      duplicates: inbox.messageIds,
    });
    expect((await outboxRows()).filter((r) => r.message_id === answer.messageId)).toHaveLength(1);
  });
});

describe('appendMany', () => {
  const message = (id: string): OutboxMessage => ({ messageId: id, topic: 't', key: 'k', payload: { id } });

  it('writes several streams, their outbox rows in order and the inbox claims in one transaction', async () => {
    const [a, b] = [`batch-a-${randomUUID()}`, `batch-b-${randomUUID()}`];
    await appendOne(store, a, 'host', 0n, [newEvent('ha', 'E', { n: 0 })]);
    const e1 = newEvent('ha', 'E', { n: 1 });
    const e2 = newEvent('hb', 'E', { n: 2 });
    const e3 = newEvent('ha', 'E', { n: 3 });
    const answers = Array.from({ length: 40 }, () => message(randomUUID()));
    const result = await store.appendMany({
      appends: [
        { streamId: a, streamType: 'host', expectedVersion: 1n, events: [e1, e3] },
        { streamId: b, streamType: 'host', expectedVersion: 0n, events: [e2] },
      ],
      eventOrder: [e1.eventId, e2.eventId, e3.eventId],
      inbox: { consumer: 'batcher', messageIds: ['m1', 'm2'] },
      outbox: (stored) => [
        ...answers.slice(0, 20),
        ...[e1, e2, e3].map((e) => message(stored.get(e.eventId)!.eventId)),
        ...answers.slice(20),
      ],
    });
    if (result.duplicate) throw new Error('unexpected duplicates');
    expect(result.events.map((e) => [e.eventId, e.streamVersion])).toEqual([
      [e1.eventId, 2n],
      [e2.eventId, 1n],
      [e3.eventId, 3n],
    ]);
    expect(result.versions).toEqual(
      new Map([
        [a, 3n],
        [b, 1n],
      ]),
    );
    expect(
      result.events[0].globalPosition < result.events[1].globalPosition &&
        result.events[1].globalPosition < result.events[2].globalPosition,
    ).toBe(true);
    expect(await store.streamVersion(a)).toBe(3n);
    expect(await store.streamVersion(b)).toBe(1n);
    const ids = [
      ...answers.slice(0, 20).map((m) => m.messageId),
      e1.eventId,
      e2.eventId,
      e3.eventId,
      ...answers.slice(20).map((m) => m.messageId),
    ];
    const rows = (await outboxRows()).filter((r) => ids.includes(r.message_id));
    expect(rows.map((r) => r.message_id)).toEqual(ids);
    const read = await store.readStreams([a, b, 'batch-none']);
    expect(read.get(a)!.events.map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }, { n: 3 }]);
    expect(read.get('batch-none')).toEqual({ version: 0n, events: [] });
  });

  it('writes nothing and names the duplicates when a message is already in the inbox', async () => {
    const a = `batch-dup-${randomUUID()}`;
    await store.appendMany({ appends: [], inbox: { consumer: 'batcher', messageIds: ['dup-1'] } });
    const result = await store.appendMany({
      appends: [{ streamId: a, streamType: 'host', expectedVersion: 0n, events: [newEvent('h', 'E', {})] }],
      inbox: { consumer: 'batcher', messageIds: ['dup-0', 'dup-1'] },
      outbox: [message(randomUUID())],
    });
    expect(result).toEqual({ duplicate: true, duplicates: ['dup-1'] });
    expect(await store.streamVersion(a)).toBe(0n);
    expect(
      (await store.appendMany({ appends: [], inbox: { consumer: 'batcher', messageIds: ['dup-0'] } })).duplicate,
    ).toBe(false);
  });

  it('throws ConcurrencyError and writes nothing when any stream moved', async () => {
    const [a, b] = [`batch-c1-${randomUUID()}`, `batch-c2-${randomUUID()}`];
    await appendOne(store, b, 'host', 0n, [newEvent('h', 'E', {}), newEvent('h', 'E', {})]);
    const attempt = store.appendMany({
      appends: [
        { streamId: a, streamType: 'host', expectedVersion: 0n, events: [newEvent('h', 'E', {})] },
        { streamId: b, streamType: 'host', expectedVersion: 1n, events: [newEvent('h', 'E', {})] },
      ],
      inbox: { consumer: 'batcher', messageIds: ['c-1'] },
    });
    await expect(attempt).rejects.toMatchObject({ streamId: b, expectedVersion: 1n, actualVersion: 2n });
    await expect(attempt).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await store.streamVersion(a)).toBe(0n);
    expect(
      (await store.appendMany({ appends: [], inbox: { consumer: 'batcher', messageIds: ['c-1'] } })).duplicate,
    ).toBe(false);
  });
});
