import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import {
  FactEvent,
  applyFact,
  hostDecisions,
  initialHostProjection,
  scenarioToJson,
  type HostProjection,
  type SubjectDecision,
} from '@barplane/domain';
import { decodeEvent } from '@barplane/contracts';

// What must hold after scripts/faults.mjs has SIGKILLed every service, taken Kafka away for 30 s
// and PostgreSQL for 15 s, and restarted PostgreSQL, under a steady command load: read from the
// run's report (FAULTS_REPORT), its database and its broker. Run by `npm run test:faults` only.

interface Acknowledged {
  commandId: string;
  hostId: string;
  op: string;
  httpStatus: number;
  status: string;
}
interface Report {
  apiUrl: string;
  tokens: Record<string, string>;
  databaseUrl: string;
  kafkaBrokers: string;
  acknowledged: Acknowledged[];
  /** What the run did and saw, in order (scripts/faults.mjs `mark`). */
  timeline: { at: number; what: string }[];
}

const reportFile = process.env.FAULTS_REPORT;
if (!reportFile)
  throw new Error('FAULTS_REPORT is not set: these checks run after `npm run test:faults` has made the faults');
const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
const OWNER_SCHEMAS = ['pe_registry', 'vfio_regions', 'guest_memory'];
// `barplane plan` runs as a process per scenario; the checks read whole tables.
jest.setTimeout(120_000);

let db: Client;
beforeAll(async () => {
  db = new Client({ connectionString: report.databaseUrl });
  await db.connect();
});
afterAll(() => db?.end());

async function api(path: string, role = 'operator'): Promise<{ status: number; body: any }> {
  const res = await fetch(report.apiUrl + path, { headers: { authorization: `Bearer ${report.tokens[role]}` } });
  return { status: res.status, body: await res.json() };
}

/** Each host's facts as its owners' event stores hold them now, folded by the domain's own evolve. */
async function finalFacts(): Promise<Map<string, HostProjection>> {
  const hosts = new Map<string, HostProjection>();
  for (const schema of OWNER_SCHEMAS) {
    const { rows } = await db.query(
      `SELECT host_id, event_type, data FROM "${schema}".events ORDER BY stream_id, stream_version`,
    );
    for (const row of rows) {
      const before = hosts.get(row.host_id) ?? initialHostProjection(row.host_id);
      hosts.set(row.host_id, applyFact(before, decodeEvent(row.event_type, row.data) as FactEvent));
    }
  }
  return hosts;
}

/** `barplane plan` (the CLI, as a user runs it) on a scenario, in JSON. */
function barplanePlan(
  scenario: SubjectDecision['scenario'],
  dir: string,
  n: number,
): { pes: { id: string; alignment: unknown }[]; bars: Record<string, unknown>[] } {
  const file = join(dir, `scenario-${n}.json`);
  writeFileSync(file, JSON.stringify(scenarioToJson(scenario)));
  const out = execFileSync(
    process.execPath,
    [join(__dirname, '..', '..', 'bin', 'barplane.js'), 'plan', file, '--format', 'json'],
    { encoding: 'utf8' },
  );
  return JSON.parse(out);
}

describe('after the faults (scripts/faults.mjs)', () => {
  it('acknowledged a steady load of commands of every kind', () => {
    const ops = new Set(report.acknowledged.map((a) => a.op));
    expect(report.acknowledged.length).toBeGreaterThan(50);
    expect([...ops].sort()).toEqual(['assign-pe', 'create-vm', 'import-topology', 'release-pe', 'set-alignment']);
  });

  it('is ready again (/health 200) within 90 s after every fault', () => {
    const recoveries = report.timeline.filter((t) => /^(NOT )?ready /.test(t.what)).map((t) => t.what);
    expect(recoveries.length).toBeGreaterThanOrEqual(5);
    expect(recoveries.filter((what) => what.startsWith('NOT ready'))).toEqual([]);
  });

  it('answers every acknowledged command: none pending, none failed', async () => {
    const open: string[] = [];
    for (const id of new Set(report.acknowledged.map((a) => a.commandId))) {
      const { status, body } = await api(`/v1/commands/${id}`, 'viewer');
      if (status !== 200 || body.status === 'pending' || body.status === 'failed')
        open.push(`${id}: HTTP ${status} ${body.status}`);
    }
    expect(open).toEqual([]);
  });

  it('stored the events of every applied command, and the projector recorded its answer', async () => {
    const answers = await db.query(`SELECT command_id, status, answer FROM projector.command_status`);
    const byId = new Map(answers.rows.map((r) => [r.command_id as string, r]));
    const events = new Set<string>();
    for (const schema of OWNER_SCHEMAS) {
      for (const r of (await db.query(`SELECT event_id FROM "${schema}".events`)).rows) events.add(r.event_id);
    }
    const missing: string[] = [];
    for (const a of report.acknowledged) {
      const row = byId.get(a.commandId);
      if (!row) {
        missing.push(`${a.op} ${a.commandId}: no answer recorded`);
        continue;
      }
      if (row.status !== 'applied') continue;
      for (const id of (row.answer.data.eventIds as string[]) ?? [])
        if (!events.has(id)) missing.push(`${a.op} ${a.commandId}: event ${id} not stored`);
    }
    expect(missing).toEqual([]);
  });

  it('decides exactly what `barplane plan` says for the final facts of every host', async () => {
    const facts = await finalFacts();
    expect([...facts.keys()].sort()).toEqual(['altra-ava', 'dl360-07', 'p8-tuleta', 'p9-zz']);
    const dir = mkdtempSync(join(tmpdir(), 'barplane-faults-'));
    let plans = 0;
    for (const [hostId, projection] of facts) {
      const expected = hostDecisions(projection);
      const stored = await db.query(
        `SELECT subject_key, outcome FROM projector.decisions WHERE host_id = $1 ORDER BY subject_key COLLATE "C"`,
        [hostId],
      );
      expect(stored.rows.map((r) => r.subject_key)).toEqual(expected.map((d) => d.key));
      // One `barplane plan` per distinct scenario (the VM-less one, one per VM holding PEs).
      const byScenario = new Map<string, SubjectDecision[]>();
      for (const d of expected) {
        const key = JSON.stringify(scenarioToJson(d.scenario));
        byScenario.set(key, [...(byScenario.get(key) ?? []), d]);
      }
      for (const decisions of byScenario.values()) {
        const plan = barplanePlan(decisions[0].scenario, dir, plans++);
        for (const d of decisions) {
          const planned =
            d.subject.kind === 'pe'
              ? plan.pes.find((p) => p.id === d.subject.pe)?.alignment
              : plan.bars.find(
                  (b) =>
                    b.bdf === (d.subject as { bdf: string }).bdf && b.index === (d.subject as { index: number }).index,
                );
          const served = stored.rows.find((r) => r.subject_key === d.key)?.outcome;
          expect({ key: `${hostId} ${d.key}`, served }).toEqual({ key: `${hostId} ${d.key}`, served: planned });
        }
      }
      const api200 = await api(`/v1/decisions?host=${encodeURIComponent(hostId)}`, 'viewer');
      expect(api200.status).toBe(200);
      expect(api200.body).toHaveLength(expected.filter((d) => d.subject.kind === 'bar').length);
    }
    expect(plans).toBeGreaterThanOrEqual(4);
  });

  it('verifies the audit chains, with no decision recorded twice', async () => {
    const verify = await api('/v1/audit/verify', 'auditor');
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ ok: true });
    const twice = await db.query(
      `SELECT host_id, record::jsonb->'subject' AS subject, record::jsonb->'causes' AS causes, count(*)::int AS n FROM projector.audit_records
        GROUP BY host_id, record::jsonb->'subject', record::jsonb->'causes' HAVING count(*) > 1`,
    );
    expect(twice.rows).toEqual([]);
    const records = await db.query(`SELECT count(*)::int AS n FROM projector.audit_records`);
    expect(records.rows[0].n).toBeGreaterThan(0);
  });

  it('leaves no dead letter, nothing waiting in an outbox, and /health at 200', async () => {
    const kafka = new Kafka({
      clientId: 'barplane-faults-check',
      brokers: report.kafkaBrokers.split(','),
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const dlqs = (await admin.listTopics()).filter((t) => t.endsWith('.dlq'));
      expect(dlqs.length).toBeGreaterThan(0);
      const depths: Record<string, number> = {};
      for (const topic of dlqs) {
        const offsets = await admin.fetchTopicOffsets(topic);
        depths[topic] = offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
      }
      expect(Object.entries(depths).filter(([, n]) => n > 0)).toEqual([]);
    } finally {
      await admin.disconnect();
    }
    const outboxes = await db.query(`SELECT table_schema FROM information_schema.tables WHERE table_name = 'outbox'`);
    expect(outboxes.rows.length).toBeGreaterThanOrEqual(OWNER_SCHEMAS.length);
    for (const { table_schema: schema } of outboxes.rows) {
      const waiting = await db.query(`SELECT count(*)::int AS n FROM "${schema}".outbox WHERE published_at IS NULL`);
      expect({ schema, waiting: waiting.rows[0].n }).toEqual({ schema, waiting: 0 });
    }
    const health = await api('/health', 'viewer');
    expect({ status: health.status, error: health.body.error }).toEqual({ status: 200, error: {} });
  });
});
