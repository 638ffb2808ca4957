import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainEvent, Envelope, readScenario } from '@barplane/contracts';
import { ChainedRecord, Scenario, planScenario, planToJson, verifyChain } from '@barplane/domain';
import { createDataSource } from '@barplane/eventstore';
import { MessagePublisher, kafkaFromEnv } from '@barplane/messaging';
import { DataSource } from 'typeorm';
import { factEnvelope } from '@barplane/read-models/testing/fact-envelope';
import { ProjectorService } from './projector.service';
import { RebuildProgress, readModelNames, rebuildProjector } from '@barplane/read-models';

// The projector against the real broker and database: facts in (as the owners publish them),
// decisions, audit chain and rebuild out. The owners are not running: envelopes are produced here.
jest.setTimeout(90_000);
const namespace = `t${randomUUID().slice(0, 8)}.`;
const names = readModelNames(namespace);
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/barplane';
const kafkaBrokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const kafka = kafkaFromEnv('projector-test', { brokers: kafkaBrokers.split(',') });
const example = (name: string): Scenario => {
  const read = readScenario(
    readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'examples', name), 'utf8'),
  );
  if (!read.ok) throw new Error(name);
  return read.scenario;
};

let service: ProjectorService;
let db: DataSource;
let publisher: MessagePublisher;
let version = 0;

const sent: { topic: string; envelope: Envelope }[] = [];

async function publish(topic: string, hostId: string, event: DomainEvent): Promise<void> {
  version++;
  const envelope = factEnvelope(topic, hostId, event, version);
  sent.push({ topic, envelope });
  await publisher.publish([{ topic: namespace + topic, key: hostId, value: JSON.stringify(envelope) }]);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const q = (sql: string, params: unknown[] = []) => db.query(sql.replaceAll('$S', `"${names.schema}"`), params);
const decisionsOf = async (hostId: string) =>
  (await q(`SELECT subject_key, vm_id, outcome FROM $S.decisions WHERE host_id = $1 ORDER BY subject_key`, [
    hostId,
  ])) as { subject_key: string; vm_id: string | null; outcome: Record<string, unknown> }[];
const chainOf = async (hostId: string): Promise<ChainedRecord[]> =>
  (
    (await q(`SELECT record, prev_hash, hash FROM $S.audit_records WHERE host_id = $1 ORDER BY seq`, [hostId])) as {
      record: never;
      prev_hash: string;
      hash: string;
    }[]
  ).map((r) => ({
    record: r.record,
    prevHash: r.prev_hash,
    hash: r.hash,
  }));

beforeAll(async () => {
  service = new ProjectorService({ databaseUrl, kafkaBrokers, namespace });
  await service.start();
  db = await createDataSource({ url: databaseUrl, schema: names.schema }).initialize();
  publisher = new MessagePublisher(kafka);
  await publisher.connect();
});

afterAll(async () => {
  await service?.stop();
  await publisher?.disconnect();
  if (db?.isInitialized) {
    await db.query(`DROP SCHEMA IF EXISTS "${names.schema}" CASCADE`);
    await db.destroy();
  }
});

describe('projector (real Kafka and PostgreSQL)', () => {
  const s = example('11-guest-page-shared.json');
  const hostId = s.host.id + namespace;

  it('decides a host from its facts exactly as barplane plan does on the same facts', async () => {
    const host = { ...s.host, id: hostId };
    await publish('pe.events', hostId, { type: 'HostRegistered', data: { host } });
    await publish('pe.events', hostId, {
      type: 'TopologyImported',
      data: { pes: s.pes, added: [], removed: [], changed: [] },
    });
    const vm = { ...s.vm!, assignedPes: [], guestBars: [] };
    await publish('guest.events', hostId, { type: 'VmCreated', data: { vm } });
    await publish('guest.events', hostId, {
      type: 'PeAssigned',
      data: { vmId: vm.id, peId: s.pes[0].id, functions: s.pes[0].functions.map((f) => f.bdf) },
    });
    for (const g of s.vm!.guestBars)
      await publish('guest.events', hostId, { type: 'GuestBarProgrammed', data: { vmId: vm.id, ...g } });

    const expected = planToJson(planScenario({ ...s, host }));
    const bars = await until('the decisions of the last guest BAR', async () => {
      const rows = await decisionsOf(hostId);
      const barRows = rows.filter((r) => r.subject_key.startsWith('bar:'));
      return isDeepStrictEqual(
        barRows.map((r) => r.outcome),
        expected.bars,
      )
        ? barRows
        : undefined;
    });
    expect(bars.every((b) => b.vm_id === s.vm!.id)).toBe(true);
    const pe = (await decisionsOf(hostId)).find((r) => r.subject_key === `pe:${s.pes[0].id}`);
    expect(pe?.outcome).toEqual((expected.pes as { alignment: unknown }[])[0].alignment);
  });

  it('keeps a hash chain that verifies, records why, and names a record changed in the database', async () => {
    const chain = await chainOf(hostId);
    expect(chain.length).toBeGreaterThanOrEqual(3);
    expect(verifyChain(chain)).toEqual({ ok: true, records: chain.length });
    const last = chain.at(-1)!.record as unknown as Record<string, unknown>;
    expect(last).toMatchObject({
      hostId,
      ruleSet: 'barplane-rules/2',
      principal: 'provisioner:test',
      causes: [expect.any(String)],
    });
    expect((last.facts as Record<string, unknown>).scenarioSha256).toMatch(/^[0-9a-f]{64}$/);

    await q(
      `UPDATE $S.audit_records SET record = jsonb_set(record::jsonb, '{principal}', '"mallory"')::json WHERE host_id = $1 AND seq = 2`,
      [hostId],
    );
    expect(verifyChain(await chainOf(hostId))).toMatchObject({ ok: false, seq: 2, hostId });
  });

  it('rebuilds from the topics into the same decisions and the same audit hashes', async () => {
    await service.stop();
    await q(
      `UPDATE $S.audit_records SET record = jsonb_set(record::jsonb, '{principal}', '"provisioner:test"')::json WHERE host_id = $1 AND seq = 2`,
      [hostId],
    );
    const decisions = await decisionsOf(hostId);
    const hashes = (await chainOf(hostId)).map((r) => r.hash);
    const result = await rebuildProjector(db, kafka, namespace);
    expect(result.applied).toBe(6);
    expect(await decisionsOf(hostId)).toEqual(decisions);
    expect((await chainOf(hostId)).map((r) => r.hash)).toEqual(hashes);
    service = new ProjectorService({ databaseUrl, kafkaBrokers, namespace });
    await service.start();
  });

  it('changes nothing when an event arrives twice', async () => {
    const before = (await chainOf(hostId)).length;
    const { topic, envelope } = sent[sent.length - 1];
    expect(topic).toBe('guest.events');
    await publisher.publish([{ topic: namespace + topic, key: hostId, value: JSON.stringify(envelope) }]);
    // A later event on the same topic and key, so it is consumed after the redelivered one.
    const g = s.vm!.guestBars[0];
    await publish('guest.events', hostId, {
      type: 'GuestBarProgrammed',
      data: { vmId: s.vm!.id, bdf: g.bdf, index: g.index, address: 0x80030000n },
    });
    const markerId = sent[sent.length - 1].envelope.id;
    await until('the later event', async () => ((await chainOf(hostId)).length > before ? true : undefined));
    const added = (await chainOf(hostId)).slice(before);
    expect(added.every((r) => JSON.stringify(r.record.causes) === JSON.stringify([markerId]))).toBe(true);
  });

  it('publishes each change on decisions.events once', async () => {
    const { readTopics } = await import('@barplane/messaging');
    const published = await until('decision events', async () => {
      const all = await readTopics(kafka, [names.decisionsTopic]);
      const mine = all.map((m) => JSON.parse(m.value) as Envelope).filter((e) => e.hostId === hostId);
      return mine.length === (await chainOf(hostId)).length ? mine : undefined;
    });
    expect(new Set(published.map((e) => e.id)).size).toBe(published.length);
    expect(published[0]).toMatchObject({ type: 'DecisionChanged', data: { seq: 1, ruleSet: 'barplane-rules/2' } });
  });

  it('rebuilds the events the live projector never applied after those it did', async () => {
    await service.stop();
    const hashes = (await chainOf(hostId)).map((r) => r.hash);
    // Published while the projector is stopped: in no applied-order log, so replayed last.
    const moved = { bdf: s.vm!.guestBars[1].bdf, index: s.vm!.guestBars[1].index, address: 0x80028000n };
    await publish('guest.events', hostId, { type: 'GuestBarProgrammed', data: { vmId: s.vm!.id, ...moved } });
    const progress: RebuildProgress[] = [];
    const result = await rebuildProjector(db, kafka, namespace, (p) => progress.push(p), { chunk: 2 });
    expect(result.applied).toBe(sent.length);
    expect(progress.at(-1)).toEqual(result);
    expect(result).toMatchObject({ read: result.total });

    const guestBars = [{ ...s.vm!.guestBars[0], address: 0x80030000n }, moved];
    const expected = planToJson(planScenario({ ...s, host: { ...s.host, id: hostId }, vm: { ...s.vm!, guestBars } }));
    const bars = (await decisionsOf(hostId)).filter((r) => r.subject_key.startsWith('bar:'));
    expect(bars.map((r) => r.outcome)).toEqual(expected.bars);
    const chain = await chainOf(hostId);
    expect(verifyChain(chain)).toEqual({ ok: true, records: chain.length });
    expect(chain.slice(0, hashes.length).map((r) => r.hash)).toEqual(hashes);
    service = new ProjectorService({ databaseUrl, kafkaBrokers, namespace });
    await service.start();
  });
});
