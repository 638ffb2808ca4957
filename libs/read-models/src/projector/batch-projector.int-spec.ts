import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DomainEvent,
  Envelope,
  SCHEMA_VERSION,
  readCommandNotice,
  projectionFromJson,
  readScenario,
  type CommandNotice,
} from '@barplane/contracts';
import { ChainedRecord, Scenario, verifyChain } from '@barplane/domain';
import { createDataSource, migrateEventStore } from '@barplane/eventstore';
import { DataSource } from 'typeorm';
import { BatchProjector } from './batch-projector';
import { StoredSnapshots } from '../audit/stored-snapshots';
import { HostProjector } from '../testing/host-projector';
import { factEnvelope } from '../testing/fact-envelope';
import { Source } from './source';
import { projectorMigrations } from '../schema/projector-tables.migration';
import { hostSummaryOf } from '../host-summaries/host-summary';
import { hostSummaries } from '../host-summaries/host-summaries.queries';
import { backfillHostSummaries } from '../host-summaries/host-summaries.backfill';
import { readQuery } from '../sql/read-query';

// The batch path against one-at-a-time (HostProjector.apply) on a second schema: the same
// envelopes, with duplicates, answers and several hosts interleaved, must leave exactly the same
// rows: audit records and hashes, decisions, projections, snapshots, outbox order, answers.
jest.setTimeout(60_000);
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/barplane';
const run = `t${randomUUID().slice(0, 8)}`;
const REF = `${run}_ref_projector`;
const namesOf = (schema: string) => ({
  schema,
  decisionsTopic: 'decisions.events',
  appliedTopic: 'projector.applied',
  answersChannel: `${schema}_commands`,
});
const BATCH = `${run}_batch_projector`;
const MIXED = `${run}_mixed_projector`;
const FAILING = `${run}_failing_projector`;
const QUIET = `${run}_quiet_projector`;
const example = (name: string): Scenario => {
  const read = readScenario(
    readFileSync(join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'examples', name), 'utf8'),
  );
  if (!read.ok) throw new Error(name);
  return read.scenario;
};

let db: DataSource;
/** A BatchItem the test may still change (ridingAnswer). */
type Item = { envelope: Envelope; source: Source };
const items: Item[] = [];
let offset = 0;
let version = 0;

function push(topic: string, envelope: Envelope): Item {
  const item = { envelope, source: { topic, partition: 1, offset: String(offset++) } satisfies Source };
  items.push(item);
  return item;
}

function fact(topic: string, hostId: string, event: DomainEvent): Item {
  version++;
  return push(topic, factEnvelope(topic, hostId, event, version));
}

function answer(topic: string, hostId: string, type: 'CommandApplied' | 'CommandRejected', commandId: string): Item {
  const data =
    type === 'CommandApplied'
      ? {
          commandId,
          commandType: 'ProgramGuestBar',
          streamId: `guests-${hostId}`,
          streamVersion: String(version),
          eventIds: [],
        }
      : { commandId, commandType: 'AssignPe', code: 'CONFLICT', message: 'taken', problems: [] };
  return push(topic, {
    id: randomUUID(),
    type,
    schemaVersion: SCHEMA_VERSION,
    hostId,
    correlationId: commandId,
    causationId: commandId,
    principal: 'operator:test',
    data,
  });
}

/** CommandApplied riding on the command's last event (Envelope.answer), as owners publish it. */
function ridingAnswer(item: Item, commandId: string): void {
  const e = item.envelope;
  const data = {
    commandId,
    commandType: 'ProgramGuestBar',
    streamId: e.streamId,
    streamVersion: e.streamVersion,
    eventIds: [e.id],
  };
  item.envelope = {
    ...e,
    answer: {
      id: randomUUID(),
      type: 'CommandApplied',
      schemaVersion: SCHEMA_VERSION,
      hostId: e.hostId,
      correlationId: commandId,
      causationId: commandId,
      principal: 'operator:test',
      data,
    },
  };
}

function redeliver(item: Item): void {
  items.push({ envelope: item.envelope, source: { ...item.source, offset: String(offset++) } });
}

beforeAll(async () => {
  db = await createDataSource({ url: databaseUrl, schema: REF }).initialize();
  for (const schema of [REF, BATCH, MIXED, FAILING, QUIET])
    await migrateEventStore(db, schema, projectorMigrations(schema));

  const hosts = [
    { s: example('11-guest-page-shared.json'), id: `h1-${run}` },
    { s: example('03-guest-subpage-unaligned.json'), id: `h2-${run}` },
    { s: example('04-three-functions-one-page.json'), id: `h3-${run}` },
  ];
  for (const { s, id } of hosts) fact('pe.events', id, { type: 'HostRegistered', data: { host: { ...s.host, id } } });
  for (const { s, id } of hosts)
    fact('pe.events', id, { type: 'TopologyImported', data: { pes: s.pes, added: [], removed: [], changed: [] } });
  answer('pe.events', hosts[2].id, 'CommandApplied', 'cmd-topology');
  for (const { s, id } of hosts.slice(0, 2)) {
    const vm = { ...s.vm!, assignedPes: [], guestBars: [] };
    fact('guest.events', id, { type: 'VmCreated', data: { vm } });
    fact('guest.events', id, {
      type: 'PeAssigned',
      data: { vmId: vm.id, peId: s.pes[0].id, functions: s.pes[0].functions.map((f) => f.bdf) },
    });
  }
  const dup = items[items.length - 1];
  redeliver(dup); // within the first batch
  for (const { s, id } of hosts.slice(0, 2)) {
    for (const g of s.vm!.guestBars) {
      ridingAnswer(
        fact('guest.events', id, { type: 'GuestBarProgrammed', data: { vmId: s.vm!.id, ...g } }),
        `cmd-${id}-${g.bdf}`,
      );
    }
  }
  answer('guest.events', hosts[0].id, 'CommandRejected', 'cmd-rejected');
  const h2 = hosts[1];
  const flip = fact('guest.events', h2.id, {
    type: 'GuestBarProgrammed',
    data: { vmId: h2.s.vm!.id, bdf: h2.s.vm!.guestBars[0].bdf, index: 0, address: 0x80010000n },
  });
  answer('guest.events', h2.id, 'CommandApplied', 'cmd-flip');
  answer('guest.events', h2.id, 'CommandApplied', 'cmd-flip'); // the same command answered twice: last wins
  fact('guest.events', h2.id, {
    type: 'GuestBarProgrammed',
    data: { vmId: h2.s.vm!.id, bdf: h2.s.vm!.guestBars[0].bdf, index: 0, address: 0x80011000n },
  });
  redeliver(flip); // a later batch sees an event of an earlier one again
  fact('guest.events', hosts[0].id, {
    type: 'PeReleased',
    data: { vmId: hosts[0].s.vm!.id, peId: hosts[0].s.pes[0].id },
  });
  fact('pe.events', hosts[2].id, { type: 'FunctionRemoved', data: { bdf: '0000:01:00.2', peId: '0000:01' } });
  answer('pe.events', hosts[2].id, 'CommandApplied', 'cmd-remove');
});

afterAll(async () => {
  if (db?.isInitialized) {
    for (const schema of [REF, BATCH, MIXED, FAILING, QUIET])
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.destroy();
  }
});

async function dump(schema: string) {
  const q = (sql: string) => db.query(sql.replaceAll('$S', `"${schema}"`)) as Promise<Record<string, unknown>[]>;
  return {
    audit: await q(
      `SELECT host_id, seq, record, prev_hash, hash, source_topic, source_partition, source_offset FROM $S.audit_records ORDER BY host_id, seq`,
    ),
    decisions: await q(
      `SELECT host_id, subject_key, subject, vm_id, outcome, audit_seq FROM $S.decisions ORDER BY host_id, subject_key`,
    ),
    projections: await q(`SELECT host_id, state FROM $S.host_projections ORDER BY host_id`),
    snapshots: await q(`SELECT hash, scenario FROM $S.fact_snapshots ORDER BY hash`),
    // Decisions as published, message for message; the applied-order log as each host's entries
    // in order (one message per host and transaction: a batch groups what one at a time spreads).
    outbox: await q(
      `SELECT message_id, topic, message_key, headers, payload FROM $S.outbox_messages WHERE topic <> 'projector.applied' ORDER BY outbox_id, position`,
    ),
    applied: await q(
      `SELECT e->>'hostId' AS host_id, json_agg(e ORDER BY o.outbox_id, o.position, i) AS entries
       FROM $S.outbox_messages o CROSS JOIN LATERAL json_array_elements(o.payload->'entries') WITH ORDINALITY AS a(e, i)
       WHERE o.topic = 'projector.applied' GROUP BY 1 ORDER BY 1`,
    ),
    answers: await q(`SELECT command_id, host_id, status, answer FROM $S.command_status ORDER BY command_id`),
    inbox: await q(`SELECT consumer, message_id FROM $S.inbox ORDER BY message_id`),
  };
}

async function q1(schema: string, sql: string): Promise<number> {
  return ((await db.query(sql.replaceAll('$S', `"${schema}"`))) as { n: number }[])[0].n;
}

async function listen(
  channel: string,
): Promise<{ got: string[]; notices: CommandNotice[]; stop: () => Promise<void> }> {
  const runner = db.createQueryRunner();
  const client = (await runner.connect()) as {
    on(event: 'notification', f: (n: { channel: string; payload?: string }) => void): void;
  };
  const got: string[] = [];
  const notices: CommandNotice[] = [];
  client.on('notification', (n) => {
    if (n.channel !== channel) return;
    const notice = readCommandNotice(n.payload ?? '');
    got.push(notice.commandId);
    notices.push(notice);
  });
  await runner.query(`LISTEN "${channel}"`);
  return {
    got,
    notices,
    stop: async () => {
      await runner.query(`UNLISTEN "${channel}"`);
      await runner.release();
    },
  };
}

describe('BatchProjector', () => {
  it('leaves exactly the rows one-at-a-time processing leaves, in batches with duplicates, answers and several hosts', async () => {
    const one = new HostProjector(db, REF, 'decisions.events', 'projector.applied');
    for (const { envelope, source } of items) await one.apply(envelope, source);

    const notes = await listen(`${BATCH}_commands`);
    const batch = new BatchProjector(db, namesOf(BATCH));
    const cut = 12;
    const first = await batch.applyBatch(items.slice(0, cut));
    const second = await batch.applyBatch(items.slice(cut));
    const again = await batch.applyBatch(items); // all redelivered: nothing changes
    expect(first.duplicates).toBe(1);
    expect(second.duplicates).toBe(1);
    expect(again).toEqual({ applied: 0, duplicates: items.length, changes: 0 });

    const ref = await dump(REF);
    const got = await dump(BATCH);
    expect(ref.audit.length).toBeGreaterThan(10);
    expect(ref.audit.some((r) => (r.record as { outcome: unknown }).outcome === null)).toBe(true); // a removal
    expect(ref.answers.find((a) => a.command_id === 'cmd-rejected')?.status).toBe('rejected');
    const riding = items.filter((i) => i.envelope.answer).map((i) => String(i.envelope.answer!.data.commandId));
    expect(riding.length).toBeGreaterThan(1);
    for (const id of riding) expect(ref.answers.find((a) => a.command_id === id)?.status).toBe('applied');
    expect(got).toEqual(ref);
    expect(ref.applied.length).toBe(3);
    expect(
      await q1(BATCH, `SELECT count(*)::int AS n FROM $S.outbox_messages WHERE topic = 'projector.applied'`),
    ).toBeLessThan(
      await q1(REF, `SELECT count(*)::int AS n FROM $S.outbox_messages WHERE topic = 'projector.applied'`),
    );
    expect(first.changes + second.changes).toBe(ref.audit.length);
    // Stored as the very text that was hashed: sha256(prev_hash || "\n" || record::text) is the hash.
    for (const schema of [REF, BATCH]) {
      const texts = (await db.query(
        `SELECT prev_hash || chr(10) || record::text AS text, hash FROM "${schema}".audit_records`,
      )) as { text: string; hash: string }[];
      expect(texts.length).toBe(ref.audit.length);
      for (const { text, hash } of texts) expect(createHash('sha256').update(text, 'utf8').digest('hex')).toBe(hash);
    }
    for (const hostId of new Set(got.audit.map((r) => r.host_id as string))) {
      const chain = got.audit
        .filter((r) => r.host_id === hostId)
        .map((r) => ({ record: r.record, prevHash: r.prev_hash, hash: r.hash }) as ChainedRecord);
      expect(verifyChain(chain)).toEqual({ ok: true, records: chain.length });
    }

    await new Promise((r) => setTimeout(r, 200));
    await notes.stop();
    expect(new Set(notes.got)).toEqual(new Set(ref.answers.map((a) => a.command_id)));
    // Each notice carries the answer as recorded, so a waiting request need not read it back.
    for (const a of ref.answers) {
      expect(notes.notices.filter((n) => n.commandId === a.command_id).at(-1)).toEqual({
        commandId: a.command_id,
        status: a.status,
        answer: a.answer,
      });
    }
  });

  it('does not trust the hosts it keeps in memory once another writer changed them', async () => {
    const batch = new BatchProjector(db, namesOf(MIXED));
    const other = new HostProjector(db, MIXED, 'decisions.events', 'projector.applied');
    const [a, b] = [12, 18];
    await batch.applyBatch(items.slice(0, a));
    for (const { envelope, source } of items.slice(a, b)) await other.apply(envelope, source); // behind its back
    await batch.applyBatch(items.slice(b));
    expect(await dump(MIXED)).toEqual(await dump(REF));
  });

  it('leaves nothing of a batch whose write failed, names the cause, and applies it whole once it can', async () => {
    const refused = items.find((i) => i.envelope.type === 'GuestBarProgrammed')!.envelope.hostId;
    await db.query(
      `ALTER TABLE "${FAILING}".audit_records ADD CONSTRAINT refuse_one_host CHECK (host_id <> '${refused}')`,
    );
    const batch = new BatchProjector(db, namesOf(FAILING));
    // The audit records go out while the batch goes on (PendingWrites): the refusal still
    // surfaces as itself, not as the "transaction is aborted" of the statements sent after it.
    await expect(batch.applyBatch(items)).rejects.toThrow(/refuse_one_host/);
    const empty = await dump(FAILING);
    for (const rows of Object.values(empty)) expect(rows).toEqual([]);
    await db.query(`ALTER TABLE "${FAILING}".audit_records DROP CONSTRAINT refuse_one_host`);
    await batch.applyBatch(items.slice(0, 12));
    await batch.applyBatch(items.slice(12));
    expect(await dump(FAILING)).toEqual(await dump(REF));
  });

  it('as a rebuild, publishes and notifies nothing, and remembers the snapshots it stored', async () => {
    const notes = await listen(`${QUIET}_commands`);
    const stored = new StoredSnapshots();
    const batch = new BatchProjector(db, namesOf(QUIET), { storedSnapshots: stored });
    await batch.applyBatch(items.slice(0, 12), { publish: false });
    await batch.applyBatch(items.slice(12), { publish: false });
    // All seen before: claimed alongside, rolled back, made again after claiming: nothing changes.
    expect(await batch.applyBatch(items, { publish: false })).toEqual({
      applied: 0,
      duplicates: items.length,
      changes: 0,
    });
    await new Promise((r) => setTimeout(r, 200));
    await notes.stop();
    expect(notes.got).toEqual([]);
    const { outbox, applied, ...rest } = await dump(QUIET);
    const { outbox: refOutbox, applied: refApplied, ...ref } = await dump(REF);
    expect([outbox, applied]).toEqual([[], []]);
    expect(refOutbox.length + refApplied.length).toBeGreaterThan(0);
    expect(rest).toEqual(ref);
    for (const { hash } of ref.snapshots) expect(stored.has(hash as string)).toBe(true);
  });

  it('keeps every host summary row equal to the summary of its stored projection and decisions, and backfills lost rows', async () => {
    const fromScratch = async () => {
      const { projections, decisions } = await dump(BATCH);
      return projections
        .map((p) =>
          hostSummaryOf(
            projectionFromJson(p.state as Record<string, unknown>),
            decisions.filter((d) => d.host_id === p.host_id) as {
              subject: { kind: string };
              outcome: Record<string, unknown>;
            }[],
          ),
        )
        .filter((x) => x !== null);
    };
    const stored = await hostSummaries(readQuery(db), BATCH);
    expect(stored.length).toBeGreaterThanOrEqual(3);
    expect(stored).toEqual(await fromScratch());
    const [lost, old] = stored.map((x) => x.host.id);
    await db.query(`DELETE FROM "${BATCH}".host_summaries WHERE host_id = $1`, [lost]);
    await db.query(`UPDATE "${BATCH}".host_summaries SET version = 0, summary = NULL WHERE host_id = $1`, [old]);
    expect(await backfillHostSummaries(db, BATCH)).toBe(2);
    expect(await backfillHostSummaries(db, BATCH)).toBe(0);
    expect(await hostSummaries(readQuery(db), BATCH)).toEqual(stored);
  });
});
