import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { OutboxRelay } from './relay/outbox-relay';
import { EventStore } from './store/event-store';
import type { PendingOutboxMessage } from './store/outbox-message';
import { appendOne, newEvent, openMigrated, waitFor } from './testing/postgres-test-kit';
import { outboxOf, schemaPerFile } from './testing/schema-per-file';

let dataSource: DataSource;
let store: EventStore;
const relays: OutboxRelay[] = [];
const extraSources: DataSource[] = [];
const schema = schemaPerFile('relay', (ds) => {
  dataSource = ds;
  store = new EventStore(ds, schema);
});

afterEach(async () => {
  // Stop every relay a test started, so the next test starts with no lock holder.
  await Promise.all(relays.splice(0).map((relay) => relay.stop()));
  await Promise.all(extraSources.splice(0).map((ds) => ds.destroy()));
  // A failed test must not leave rows that the next test's relay would publish.
  await dataSource.query(`UPDATE "${schema}".outbox SET published_at = now() WHERE published_at IS NULL`);
});

const envelopes = outboxOf(
  (e) => ({ id: e.eventId, streamVersion: e.streamVersion.toString() }),
  (e) => ({ type: e.eventType }),
);

function relay(
  publish: (messages: PendingOutboxMessage[]) => Promise<void>,
  ds = dataSource,
  idleMs = 50,
): OutboxRelay {
  const r = new OutboxRelay(ds, { schema, publish, batchSize: 10, idleMs, lockRetryMs: 100, minBackoffMs: 20 });
  relays.push(r);
  return r;
}

/** Appends `n` events to a fresh stream, one append each; returns their ids in order. */
async function appendMany(n: number, host = 'h1'): Promise<string[]> {
  const streamId = `host-${randomUUID()}`;
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const event = newEvent(host, 'E', { i });
    await appendOne(store, streamId, 'host', BigInt(i), [event], { outbox: envelopes });
    ids.push(event.eventId);
  }
  return ids;
}

async function unpublished(): Promise<number> {
  const [row] = await dataSource.query(
    `SELECT count(*)::int AS n FROM "${schema}".outbox_messages WHERE published_at IS NULL`,
  );
  return row.n;
}

describe('OutboxRelay', () => {
  it('publishes everything exactly once, in id order, with key, headers and payload', async () => {
    const ids = await appendMany(25);
    const seen: PendingOutboxMessage[] = [];
    const r = relay(async (messages) => {
      seen.push(...messages);
    });
    r.start();
    await waitFor('all published', () => seen.length >= 25);
    await r.stop();
    expect(seen.map((m) => m.messageId)).toEqual(ids);
    const outboxIds = seen.map((m) => m.id);
    expect([...outboxIds].sort((a, b) => (a < b ? -1 : 1))).toEqual(outboxIds);
    expect(seen[0]).toMatchObject({ topic: 'pe.events', key: 'h1', headers: { type: 'E' } });
    expect(JSON.parse(seen[0].value)).toEqual({ id: ids[0], streamVersion: '1' });
    expect(typeof seen[0].id).toBe('bigint');
    expect(r.counters).toEqual({ published: 25, failed: 0, quarantined: 0 });
    expect(await unpublished()).toBe(0);
  });

  it('publishes the messages of a transaction as one row, whole, in row and position order', async () => {
    // Three batches of 7 messages (one appendMany each): with batchSize 10, a relay round takes
    // whole rows until it holds 10 messages, so 14 then 7, never a row cut in two.
    const batches: string[][] = [];
    for (let b = 0; b < 3; b++) {
      const events = Array.from({ length: 7 }, (_, i) => newEvent('h7', 'E', { b, i }));
      const result = await store.appendMany({
        appends: [{ streamId: `host-${randomUUID()}`, streamType: 'host', expectedVersion: 0n, events }],
        outbox: (stored) => envelopes([...stored.values()]),
      });
      if (result.duplicate) throw new Error('unexpected duplicate');
      batches.push(events.map((e) => e.eventId));
    }
    const [rows] = await dataSource.query(
      `SELECT count(*)::int AS n FROM "${schema}".outbox WHERE published_at IS NULL`,
    );
    expect(rows.n).toBe(3);
    const rounds: PendingOutboxMessage[][] = [];
    const r = relay(async (messages) => {
      rounds.push(messages);
    });
    expect(await r.drainOnce()).toBe(14);
    expect(await r.drainOnce()).toBe(7);
    expect(await r.drainOnce()).toBe(0);
    expect(rounds.flat().map((m) => m.messageId)).toEqual(batches.flat());
    expect(rounds[0].map((m) => m.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4, 5, 6, 7]);
    expect(await unpublished()).toBe(0);
  });

  it('prunes published rows past retention, and only those', async () => {
    const ids = await appendMany(6);
    const seen: PendingOutboxMessage[] = [];
    const r = new OutboxRelay(dataSource, {
      schema,
      publish: async (m) => void seen.push(...m),
      batchSize: 4,
      retainPublishedMs: 3_600_000,
    });
    relays.push(r);
    expect(await r.drainOnce()).toBe(4); // rows of ids[0..3] published, ids[4..5] pending
    const rowOf = async (messageId: string) =>
      (
        await dataSource.query(`SELECT outbox_id FROM "${schema}".outbox_messages WHERE message_id = $1`, [messageId])
      )[0]?.outbox_id;
    const old = [await rowOf(ids[0]), await rowOf(ids[1])];
    // Two published rows made older than the hour kept; also the pending ones (never pruned).
    await dataSource.query(
      `UPDATE "${schema}".outbox SET published_at = now() - interval '2 hours' WHERE id = ANY($1::bigint[])`,
      [old],
    );
    await dataSource.query(
      `UPDATE "${schema}".outbox SET created_at = now() - interval '2 hours' WHERE published_at IS NULL`,
    );
    expect(await r.pruneOnce()).toBe(2);
    for (const id of ids.slice(0, 2)) expect(await rowOf(id)).toBeUndefined();
    for (const id of ids.slice(2)) expect(await rowOf(id)).toBeDefined();
    expect(await unpublished()).toBe(2);
    expect(await r.pruneOnce()).toBe(0);
  });

  it('wakes up on the commit-time NOTIFY long before its next poll', async () => {
    const seen: string[] = [];
    const r = relay(
      async (messages) => {
        seen.push(...messages.map((m) => m.messageId));
      },
      dataSource,
      60_000,
    );
    r.start();
    await waitFor('leader', () => r.isLeader);
    await new Promise((resolve) => setTimeout(resolve, 100)); // let the first (empty) round go to sleep
    const ids = await appendMany(3);
    await waitFor('published without polling', () => seen.length >= 3, 5_000);
    expect(seen).toEqual(ids);
  });

  it('retries after a failed publish and loses nothing', async () => {
    const ids = await appendMany(5);
    const seen: string[] = [];
    let calls = 0;
    const r = relay(async (messages) => {
      calls += 1;
      if (calls === 1) throw new Error('broker unavailable');
      seen.push(...messages.map((m) => m.messageId));
    });
    expect(await r.drainOnce()).toBe(0);
    expect(r.counters).toEqual({ published: 0, failed: 5, quarantined: 0 });
    const rows: { attempts: number; last_error: string }[] = await dataSource.query(
      `SELECT attempts, last_error FROM "${schema}".outbox WHERE published_at IS NULL ORDER BY id`,
    );
    expect(rows).toHaveLength(5);
    expect(rows.every((row) => row.attempts === 1 && row.last_error === 'broker unavailable')).toBe(true);
    expect(await r.drainOnce()).toBe(5);
    expect(seen).toEqual(ids);
    expect(await unpublished()).toBe(0);
  });

  it('recovers in the background loop after a failed publish', async () => {
    const ids = await appendMany(4);
    const seen: string[] = [];
    let failures = 2;
    const r = relay(async (messages) => {
      if (failures-- > 0) throw new Error('flaky');
      seen.push(...messages.map((m) => m.messageId));
    });
    r.start();
    await waitFor('published after retries', () => seen.length >= 4);
    expect(seen).toEqual(ids);
    expect(r.counters.failed).toBe(8);
  });

  it('publishes rows committed before a crash, from a new instance on a new DataSource', async () => {
    // "Killed between commit and publish": the append committed, no relay ever ran.
    const ids = await appendMany(3, 'crashed-host');
    expect(await unpublished()).toBe(3);
    const fresh = await openMigrated(schema, 2);
    extraSources.push(fresh);
    const seen: string[] = [];
    const r = relay(async (messages) => {
      seen.push(...messages.map((m) => m.messageId));
    }, fresh);
    r.start();
    await waitFor('pending rows published', () => seen.length >= 3);
    expect(seen).toEqual(ids);
  });

  it('republishes a batch whose commit never happened (at least once)', async () => {
    const ids = await appendMany(2);
    const seen: string[] = [];
    // The publish succeeds, then the relay process "dies" before marking: simulated by a
    // publish that records and then throws after the broker accepted the messages.
    let first = true;
    const r = relay(async (messages) => {
      seen.push(...messages.map((m) => m.messageId));
      if (first) {
        first = false;
        throw new Error('crashed before commit');
      }
    });
    await r.drainOnce();
    await r.drainOnce();
    expect(seen).toEqual([...ids, ...ids]);
    expect(await unpublished()).toBe(0);
  });

  it('lets only one of two relays on a schema hold the lock; the other takes over after stop', async () => {
    const other = await openMigrated(schema, 2);
    extraSources.push(other);
    const seenA: string[] = [];
    const seenB: string[] = [];
    const a = relay(async (m) => {
      seenA.push(...m.map((x) => x.messageId));
    });
    const b = relay(async (m) => {
      seenB.push(...m.map((x) => x.messageId));
    }, other);
    a.start();
    await waitFor('a leads', () => a.isLeader);
    b.start();
    const first = await appendMany(3);
    await waitFor('a published', () => seenA.length >= 3);
    expect(a.isLeader).toBe(true);
    expect(b.isLeader).toBe(false);
    expect(seenB).toEqual([]);
    // The lock as PostgreSQL sees it: exactly one session holds it.
    const [held] = await dataSource.query(
      `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted
         AND objsubid = 1 AND objid = (hashtext($1)::bigint & 4294967295)::oid`,
      [schema],
    );
    expect(held.n).toBe(1);

    await a.stop();
    await waitFor('b takes over', () => b.isLeader);
    const second = await appendMany(2);
    await waitFor('b published', () => seenB.length >= 2);
    expect(seenA).toEqual(first);
    expect(seenB).toEqual(second);
  });
});

describe('a row the broker refuses for good (issue 10)', () => {
  it('is quarantined with its error, reported, and every row behind it is published in order', async () => {
    const ids = await appendMany(6);
    const tooBig = ids[2];
    const published: string[] = [];
    const quarantined: string[] = [];
    const r = new OutboxRelay(dataSource, {
      schema,
      batchSize: 10,
      idleMs: 50,
      lockRetryMs: 100,
      minBackoffMs: 20,
      onQuarantine: (rowId) => void quarantined.push(rowId),
      publish: async (messages) => {
        // As the broker answers a message over message.max.bytes: the whole request fails.
        if (messages.some((m) => m.messageId === tooBig))
          throw Object.assign(
            new Error('The request included a message larger than the max message size the server will accept'),
            { type: 'MESSAGE_TOO_LARGE' },
          );
        published.push(...messages.map((m) => m.messageId));
      },
    });
    relays.push(r);
    r.start();
    await waitFor('the five others published', () => published.length === 5);
    expect(published).toEqual(ids.filter((id) => id !== tooBig));
    expect(quarantined).toHaveLength(1);
    expect(r.counters.quarantined).toBe(1);
    const [row] = await dataSource.query(
      `SELECT o.quarantined_at IS NOT NULL AS quarantined, o.published_at, o.last_error FROM "${schema}".outbox o JOIN "${schema}".outbox_messages m ON m.outbox_id = o.id WHERE m.message_id = $1`,
      [tooBig],
    );
    expect(row).toMatchObject({
      quarantined: true,
      published_at: null,
      last_error: expect.stringContaining('larger than the max message size'),
    });
  });

  it('keeps backing off on a failure that may pass (the broker away): nothing is quarantined', async () => {
    const ids = await appendMany(3);
    let refuse = 3;
    const published: string[] = [];
    const r = relay(async (messages) => {
      if (refuse-- > 0)
        throw Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), {
          name: 'KafkaJSConnectionError',
        });
      published.push(...messages.map((m) => m.messageId));
    });
    r.start();
    await waitFor('all three published', () => published.length === 3);
    expect(published).toEqual(ids);
    expect(r.counters.quarantined).toBe(0);
  });
});
