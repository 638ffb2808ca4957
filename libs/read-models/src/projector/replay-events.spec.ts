import { Envelope } from '@barplane/contracts';
import { ConsumedMessage, PartitionBounds, PartitionRange, PartitionReader } from '@barplane/messaging';
import { AppliedEntry } from '../applied-log/applied-log';
import { AppliedIndex } from './applied-index';
import { readAppliedIndex, replayEvents } from './replay-events';
import { ReplayEntry, replayOrder } from './replay-order';

// The streamed replay against the whole-in-memory replayOrder, on random logs: each host must
// get the same events in the same order (the inbox drops a repeated envelope, as here).
const ns = 'ns.';
const FACT_TOPICS = ['pe.events', 'guest.events', 'vfio.events'].map((t) => ns + t);
const APPLIED = `${ns}projector.applied`;
const topicName = (t: string) => t.slice(ns.length);

/** A deterministic generator (mulberry32), so a failing seed can be run again. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}

type Log = Map<string, ConsumedMessage[]>;
const lane = (topic: string, partition: number) => `${partition}/${topic}`;

function append(log: Log, topic: string, partition: number, key: string, value: string): ConsumedMessage {
  const messages = log.get(lane(topic, partition)) ?? [];
  log.set(lane(topic, partition), messages);
  const message = { topic, partition, offset: String(messages.length), key, value, headers: {}, timestamp: '0' };
  messages.push(message);
  return message;
}

/** Fact topics as three owners write them, the applied-order log of a live projector that stopped part-way. */
function scenario(seed: number) {
  const r = random(seed);
  const partitions = 1 + r.int(3);
  const hosts = Array.from({ length: 1 + r.int(6) }, (_, i) => ({ id: `h${i}`, partition: r.int(partitions) }));
  const log: Log = new Map();
  const versions = new Map<string, number>();
  let clock = 0;
  for (let n = 0, events = 5 + r.int(60); n < events; n++) {
    const host = hosts[r.int(hosts.length)];
    const topic = FACT_TOPICS[r.int(3)];
    const kind = r.int(20);
    if (kind === 0) {
      append(log, topic, host.partition, host.id, 'not an envelope');
      continue;
    }
    const stream = `${topic}-${host.id}`;
    const version = (versions.get(stream) ?? 0) + 1;
    const untimed = kind === 1; // an answer that travels alone: no stream, no commit time
    if (!untimed) versions.set(stream, version);
    clock += r.int(2); // equal commit times happen
    const envelope: Envelope = {
      id: `e${n}`,
      type: untimed ? 'CommandRejected' : 'Fact',
      schemaVersion: 1,
      hostId: host.id,
      ...(untimed ? {} : { streamId: stream, streamVersion: String(version), occurredAt: `t${1000 + clock}` }),
      correlationId: 'c',
      principal: 'p',
      data: { commandId: `c${n % 4}` },
    };
    append(log, topic, host.partition, host.id, JSON.stringify(envelope));
    if (kind === 2) append(log, topic, host.partition, host.id, JSON.stringify(envelope)); // published twice
  }
  // The live projector: each topic-partition in offset order, interleaved at random, stopped
  // part-way; answers alone are not logged; a transaction's entries grouped by host.
  const consumed = new Map<string, number>();
  const stopAt = new Map([...log.keys()].map((k) => [k, r.int(log.get(k)!.length + 1)]));
  const seen = new Set<string>();
  const applied: AppliedEntry[][] = [];
  for (;;) {
    const open = [...log.keys()].filter((k) => (consumed.get(k) ?? 0) < stopAt.get(k)!);
    if (open.length === 0) break;
    const transaction: AppliedEntry[] = [];
    for (let n = 1 + r.int(4); n > 0 && open.length > 0; n--) {
      const k = open[r.int(open.length)];
      const at = consumed.get(k) ?? 0;
      if (at >= stopAt.get(k)!) continue;
      consumed.set(k, at + 1);
      const m = log.get(k)![at];
      const e = JSON.parse(m.value === 'not an envelope' ? '{}' : m.value) as Partial<Envelope>;
      if (!e.id || e.type === 'CommandRejected' || seen.has(e.id)) continue;
      seen.add(e.id);
      const entry = {
        hostId: e.hostId!,
        eventId: e.id,
        topic: topicName(m.topic),
        partition: m.partition,
        offset: m.offset,
      };
      transaction.push(entry);
    }
    applied.push(transaction);
  }
  for (const transaction of applied)
    for (const host of hosts) {
      const entries = transaction.filter((e) => e.hostId === host.id);
      if (entries.length) append(log, APPLIED, host.partition, host.id, JSON.stringify({ hostId: host.id, entries }));
    }
  return { log, partitions, r, applied: applied.flat() };
}

/** A PartitionReader over the log, in batches of random size. */
function reader(log: Log, r: ReturnType<typeof random>, opened: PartitionRange[][]) {
  return async (ranges: PartitionRange[]): Promise<PartitionReader> => {
    opened.push(ranges);
    const at = new Map(ranges.map((x) => [lane(x.topic, x.partition), { next: Number(x.from), end: Number(x.end) }]));
    return {
      next: async (topic, partition) => {
        const cursor = at.get(lane(topic, partition));
        if (!cursor || cursor.next >= cursor.end) return undefined;
        const take = Math.min(cursor.end - cursor.next, 1 + r.int(4));
        const messages = log.get(lane(topic, partition))!.slice(cursor.next, cursor.next + take);
        cursor.next += take;
        return messages;
      },
      close: async () => undefined,
    };
  };
}

function boundsOf(log: Log, topics: string[], partitions: number): PartitionBounds[] {
  return topics.flatMap((topic) =>
    Array.from({ length: partitions }, (_, partition) => ({
      topic,
      partition,
      low: 0n,
      high: BigInt(log.get(lane(topic, partition))?.length ?? 0),
    })),
  );
}

const perHost = (entries: readonly ReplayEntry[]) => {
  const seen = new Set<string>();
  const hosts = new Map<string, string[]>();
  for (const { envelope } of entries) {
    if (seen.has(envelope.id)) continue; // the inbox's part
    seen.add(envelope.id);
    hosts.set(envelope.hostId, [...(hosts.get(envelope.hostId) ?? []), envelope.id]);
  }
  return hosts;
};

describe('replayEvents (streamed) against replayOrder (in memory)', () => {
  it.each(Array.from({ length: 300 }, (_, i) => i + 1))(
    'gives each host the same events in the same order (seed %i)',
    async (seed) => {
      const { log, partitions, r, applied } = scenario(seed);
      const opened: PartitionRange[][] = [];
      const open = reader(log, r, opened);
      const index = await readAppliedIndex(open, boundsOf(log, [APPLIED], partitions));
      expect(index.size).toBe(applied.length);
      const replayed: ReplayEntry[] = [];
      const counters = { read: 0 };
      await replayEvents(
        open,
        boundsOf(log, FACT_TOPICS, partitions),
        index,
        topicName,
        () => ({ add: (e) => void replayed.push(e) }),
        counters,
      );

      const all = FACT_TOPICS.flatMap((t) =>
        Array.from({ length: partitions }, (_, p) => log.get(lane(t, p)) ?? []).flat(),
      );
      const expected = replayOrder(
        all,
        applied.map((a) => a.eventId),
        topicName,
      );
      expect(perHost(replayed)).toEqual(perHost(expected));
      // Every message dealt with once (an envelope published twice counts twice).
      expect(counters.read).toBe(all.length);
    },
  );
});

describe('AppliedIndex', () => {
  const entry = (topic: string, partition: number, offset: number, eventId = `e${offset}`) => ({
    hostId: 'h',
    eventId,
    topic,
    partition,
    offset: String(offset),
  });

  it('finds applied offsets and the first one never applied, and forgets an unmarked one', () => {
    const index = new AppliedIndex();
    for (const o of [3, 0, 1, 2, 5, 1]) index.add(entry('pe.events', 0, o));
    index.seal();
    expect(index.size).toBe(6);
    expect(index.at(0)).toMatchObject({ topic: 'pe.events', partition: 0, offset: 3n });
    expect(index.isApplied('pe.events', 0, 2n)).toBe(true);
    expect(index.isApplied('pe.events', 0, 4n)).toBe(false);
    expect(index.isApplied('pe.events', 1, 2n)).toBe(false);
    expect(index.firstUnapplied('pe.events', 0, 0n, 10n)).toBe(4n);
    expect(index.firstUnapplied('pe.events', 0, 0n, 4n)).toBe(4n);
    expect(index.firstUnapplied('guest.events', 0, 7n, 9n)).toBe(7n);
    expect(index.span('pe.events', 0)).toEqual({ first: 0n, last: 5n });
    index.unmark('pe.events', 0, 1n);
    expect(index.isApplied('pe.events', 0, 1n)).toBe(false);
    expect(index.firstUnapplied('pe.events', 0, 0n, 10n)).toBe(1n);
  });

  it('grows past its first capacity', () => {
    const index = new AppliedIndex();
    for (let o = 0; o < 5000; o++) index.add(entry('guest.events', 2, o));
    index.seal();
    expect(index.at(4999).offset).toBe(4999n);
    expect(index.firstUnapplied('guest.events', 2, 0n, 6000n)).toBe(5000n);
  });
});
