// The batch path of the owners against the real PostgreSQL (no Kafka): a partition batch gives
// exactly the answers and events of one-at-a-time handling, and a lost race loses nothing.
import { randomUUID } from 'node:crypto';
import type { Envelope } from '@barplane/contracts';
import type { HostRegistryState } from '@barplane/domain';
import { EventStore } from '@barplane/eventstore';
import type { DataSource } from 'typeorm';
import { schemaPerFile } from '../../eventstore/src/testing/schema-per-file';
import type { CommandOutcome } from './command-handler';
import { StreamCache } from './stream-cache';
import { NIC, p9Pes, TOP, USB } from './testing/host-fixtures';
import { commandEnvelope } from './testing/owner-test-kit';
import { peRegistryHandler, RacingStore, setUpP9Host } from './testing/pe-registry-store-kit';

let dataSource: DataSource;
const schema = schemaPerFile('batch', (ds) => (dataSource = ds));

/** A store whose races, on the stream a test names, set PE 0005:01's override. */
function racingStore(): RacingStore {
  const store = new RacingStore(dataSource, schema);
  store.racePeId = '0005:01';
  return store;
}

function handler(store: EventStore, cache = new StreamCache<HostRegistryState>()) {
  const inbox = `"${schema}".inbox`;
  const processedOf = async (consumer: string, ids: string[]) =>
    new Set(
      (
        (await dataSource.query(
          `SELECT message_id FROM ${inbox} WHERE consumer = $1 AND message_id = ANY($2::text[])`,
          [consumer, ids],
        )) as { message_id: string }[]
      ).map((r) => r.message_id),
    );
  return { cache, ...peRegistryHandler(store, { processedOf, cache }) };
}

const setUpHost = (store: EventStore, host: string) => setUpP9Host(handler(store).commands, host);

/** The same mixed scenario for two hosts, as envelopes (fresh ids per call). */
function scenario(a: string, b: string) {
  const alreadyDone = commandEnvelope('SetAlignmentOverride', a, { peId: '0004:01', alignment: 'none' });
  const again = commandEnvelope('RelocateBar', b, { bdf: USB, index: 0, address: '0x3fe080012000' });
  const batch: Envelope[] = [
    commandEnvelope('RelocateBar', a, { bdf: USB, index: 0, address: '0x3fe080011000' }), // a: v4
    again, // b: v4
    commandEnvelope('RemoveFunction', a, { bdf: '0009:00:00.0' }), // rejected (NOT_FOUND)
    commandEnvelope('RelocateBar', b, { bdf: 'nonsense' }), // rejected (VALIDATION)
    alreadyDone, // redelivered: handled before the batch
    commandEnvelope('RelocateBar', a, { bdf: USB, index: 0, address: '0x3fe080013000' }, { expectedVersion: '3' }), // stale: a is at 4
    again, // duplicate inside the batch
    commandEnvelope('RelocateBar', b, { bdf: NIC, index: 2, address: '0x3fe080040000' }, { expectedVersion: '4' }), // b: v5
    commandEnvelope('ImportTopology', a, { pes: p9Pes.map((pe) => ({ ...pe })) }), // changes a's relocated BAR back
    commandEnvelope('ImportTopology', b, { pes: p9Pes }, { expectedVersion: '6' }), // stale again (b at 5... or 6)
    commandEnvelope('SetAlignmentOverride', b, { peId: '0005:01', alignment: 'page' }),
    commandEnvelope('RemoveFunction', b, { bdf: TOP }),
    commandEnvelope('SetAlignmentOverride', b, { peId: '0005:01', alignment: 'page' }), // PE gone now: rejected
  ];
  return { alreadyDone, batch };
}

/** Every outbox row and event of the hosts, with ids, hosts and times made comparable. */
async function history(hosts: string[]): Promise<string[]> {
  const outbox: { payload: Envelope; topic: string; message_key: string }[] = await dataSource.query(
    `SELECT topic, message_key, payload FROM "${schema}".outbox_messages WHERE message_key = ANY($1::text[]) ORDER BY outbox_id, position`,
    [hosts],
  );
  const events: { stream_id: string; stream_version: string; event_type: string; data: unknown; metadata: unknown }[] =
    await dataSource.query(
      `SELECT stream_id, stream_version, event_type, data, metadata FROM "${schema}".events WHERE host_id = ANY($1::text[]) ORDER BY global_position`,
      [hosts],
    );
  const streams: unknown[] = await dataSource.query(
    `SELECT stream_id, version FROM "${schema}".event_streams WHERE stream_id = ANY($1::text[]) ORDER BY array_position($1::text[], stream_id)`,
    [hosts.map((h) => `host-${h}`)],
  );
  let text = [...outbox.map((o) => ({ ...o, payload: { ...o.payload, occurredAt: undefined } })), ...events, ...streams]
    .map((row) => JSON.stringify(row))
    .join('\n');
  hosts.forEach((host, i) => (text = text.split(host).join(`HOST${i}`)));
  const ids = new Map<string, string>();
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => {
      if (!ids.has(id)) ids.set(id, `ID${ids.size}`);
      return ids.get(id)!;
    })
    .split('\n');
}

const host = () => `h-${randomUUID().slice(0, 8)}`;

describe('CommandHandler.handleBatch', () => {
  it('gives exactly the outcomes, answers and events of one-at-a-time handling', async () => {
    const store = new EventStore(dataSource, schema);
    const [a1, b1, a2, b2] = [host(), host(), host(), host()];
    for (const h of [a1, b1, a2, b2]) await setUpHost(store, h);

    const one = scenario(a1, b1);
    const single = handler(store);
    expect(await single.commands.handle(one.alreadyDone)).toBe('applied');
    const singleOutcomes: CommandOutcome[] = [];
    for (const envelope of one.batch) singleOutcomes.push(await single.commands.handle(envelope));

    const two = scenario(a2, b2);
    const batched = handler(store);
    expect(await batched.commands.handle(two.alreadyDone)).toBe('applied');
    const batchOutcomes = await batched.commands.handleBatch(two.batch);

    expect(batchOutcomes).toEqual(singleOutcomes);
    expect(new Set(batchOutcomes)).toEqual(
      new Set(
        ['applied', 'rejected', 'duplicate', 'conflict', 'noop'].filter((o) =>
          singleOutcomes.includes(o as CommandOutcome),
        ),
      ),
    );
    expect(singleOutcomes).toEqual(expect.arrayContaining(['applied', 'rejected', 'duplicate', 'conflict']));
    expect(batched.counters).toEqual(single.counters);
    expect(await history([a2, b2])).toEqual(await history([a1, b1]));

    // Redelivered whole: answered once, nothing more written.
    const before = await history([a2, b2]);
    expect(new Set(await batched.commands.handleBatch(two.batch))).toEqual(new Set(['duplicate']));
    expect(await history([a2, b2])).toEqual(before);
  });

  it('reads each stream once, then decides from the cache', async () => {
    const store = racingStore();
    const [a, b] = [host(), host()];
    for (const h of [a, b]) await setUpHost(store, h);
    store.reads = 0;
    const { commands } = handler(store);
    const relocate = (h: string, n: number) =>
      commandEnvelope('RelocateBar', h, { bdf: USB, index: 0, address: `0x3fe08001${n}000` });
    expect(await commands.handleBatch([relocate(a, 1), relocate(b, 1), relocate(a, 2)])).toEqual([
      'applied',
      'applied',
      'applied',
    ]);
    expect(await commands.handleBatch([relocate(a, 3), relocate(b, 2), relocate(b, 3)])).toEqual([
      'applied',
      'applied',
      'applied',
    ]);
    expect(store.reads).toBe(2);
    expect((await store.readStream(`host-${a}`)).version).toBe(5n);
    expect((await store.readStream(`host-${b}`)).version).toBe(5n);
  });

  it('loses nothing to a concurrent writer mid-batch: rolls back, re-reads and decides again', async () => {
    const store = racingStore();
    const [a, b] = [host(), host()];
    for (const h of [a, b]) await setUpHost(store, h);
    const { commands, counters, cache } = handler(store);
    // Warm the cache, then someone else appends to a's stream (v3 -> v4) before the batch writes.
    expect(
      await commands.handleBatch([commandEnvelope('SetAlignmentOverride', a, { peId: '0004:01', alignment: 'page' })]),
    ).toEqual(['applied']);
    expect(cache.get(`host-${a}`)?.version).toBe(3n);
    store.stream = `host-${a}`;
    store.races = 1;
    const batch = [
      commandEnvelope('RelocateBar', a, { bdf: USB, index: 0, address: '0x3fe080011000' }),
      commandEnvelope('RelocateBar', b, { bdf: USB, index: 0, address: '0x3fe080011000' }),
      commandEnvelope('RelocateBar', a, { bdf: NIC, index: 2, address: '0x3fe080040000' }, { expectedVersion: '4' }), // right before the race, stale after
      commandEnvelope('RelocateBar', a, { bdf: NIC, index: 2, address: '0x3fe080060000' }, { expectedVersion: '5' }), // right after the race
    ];
    expect(await commands.handleBatch(batch)).toEqual(['applied', 'applied', 'conflict', 'applied']);
    expect(counters.raceRetries).toBe(1);

    const events = (await store.readStream(`host-${a}`)).events;
    expect(events.map((e) => [e.streamVersion, e.eventType])).toEqual([
      [1n, 'HostRegistered'],
      [2n, 'TopologyImported'],
      [3n, 'AlignmentOverrideSet'],
      [4n, 'AlignmentOverrideSet'],
      [5n, 'BarRelocated'],
      [6n, 'BarRelocated'],
    ]);
    const answers: { type: string; data: Record<string, unknown>; causationId: string }[] = (
      await dataSource.query(
        `SELECT payload FROM "${schema}".outbox_messages WHERE payload->>'causationId' = ANY($1::text[]) ORDER BY outbox_id, position`,
        [batch.map((e) => e.id)],
      )
    ).flatMap((r: { payload: { answer?: unknown } }) =>
      r.payload.answer ? [r.payload, r.payload.answer] : [r.payload],
    );
    // CommandApplied rides on the command's last event; the conflict travels alone.
    expect(answers.map((p) => [p.type, batch.findIndex((e) => e.id === p.causationId)])).toEqual([
      ['BarRelocated', 0],
      ['CommandApplied', 0],
      ['BarRelocated', 1],
      ['CommandApplied', 1],
      ['CommandConflicted', 2],
      ['BarRelocated', 3],
      ['CommandApplied', 3],
    ]);
    expect(answers[4].data).toMatchObject({ expectedVersion: '4', actualVersion: '5' });
    expect(answers[6].data).toMatchObject({ streamVersion: '6' });
    expect(cache.get(`host-${a}`)?.version).toBe(6n);
  });

  it('goes one command at a time after losing the race on every batch try', async () => {
    const store = racingStore();
    const a = host();
    await setUpHost(store, a);
    const { commands, counters } = handler(store);
    store.stream = `host-${a}`;
    store.races = 3;
    const batch = [
      commandEnvelope('RelocateBar', a, { bdf: USB, index: 0, address: '0x3fe080011000' }),
      commandEnvelope('RemoveFunction', a, { bdf: '0009:00:00.0' }),
    ];
    expect(await commands.handleBatch(batch)).toEqual(['applied', 'rejected']);
    expect(counters).toMatchObject({ raceRetries: 3, applied: 1, rejected: 1, commands: 2 });
    expect((await store.readStream(`host-${a}`)).version).toBe(6n);
  });
});
