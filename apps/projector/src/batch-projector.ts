import { auditRecordOf } from './audit-record-of';
import { DataSource, EntityManager } from 'typeorm';
import {
  DecisionSubject,
  GENESIS_HASH,
  HostProjection,
  SubjectDecision,
  applyFact,
  canonicalJson,
  chainHashOfText,
  hostDecisions,
  initialHostProjection,
  scenarioSnapshot,
} from '@barplane/domain';
import { Envelope, commandNoticeOf, decodeEvent, isAnswer, projectionFromJson, projectionToJson } from '@barplane/contracts';
import { OutboxMessage, runSql, writeOutbox } from '@barplane/eventstore';
import { StoredDecision, decisionChanges } from './decision-changes';
import { AppliedEntry, appliedEntry, appliedMessage } from './applied-log';
import { answerStatus, decisionMessage } from './host-projector';
import { Source } from './source';

export interface BatchItem {
  readonly envelope: Envelope;
  readonly source: Source;
}

export interface BatchResult {
  /** Envelopes applied (facts and answers), duplicates not counted. */
  readonly applied: number;
  /** Already in the inbox, or repeated within the batch. */
  readonly duplicates: number;
  /** Decision changes (= audit records written). */
  readonly changes: number;
}

type HeldDecision = StoredDecision & { auditSeq: number };

/** One host as the batch sees it: loaded once, folded in memory, written once. */
interface HostWork {
  state: HostProjection;
  readonly decisions: Map<string, HeldDecision>;
  seq: number;
  prevHash: string;
  /** Subject keys whose decision row must be written (upserted or deleted) at the end. */
  readonly touched: Set<string>;
}

/**
 * A host as the last transaction of this instance committed it, with the version of its
 * host_projections row then (xmin and updated_at): valid only while the row still has that
 * version. Any other writer (another instance after a rebalance, a rebuild, one-at-a-time)
 * writes the row, so it changes the version and the entry is simply not used.
 */
interface CachedHost {
  readonly version: string;
  readonly state: HostProjection;
  readonly decisions: ReadonlyMap<string, HeldDecision>;
  readonly seq: number;
  readonly prevHash: string;
}

/** Hosts kept in memory across batches (least recently used first out). */
const HOST_CACHE_LIMIT = 10_000;

interface AuditRow {
  hostId: string;
  seq: number;
  /** The record's canonical JSON: what its hash covers, and what is stored. */
  recordJson: string;
  prevHash: string;
  hash: string;
  source: Source;
}

interface AnswerRow {
  hostId: string;
  status: string;
  answer: Envelope;
}

/**
 * Applies a run of envelopes (one Kafka partition batch, or a chunk of a rebuild) in one
 * transaction, with exactly the effects HostProjector.apply has when run on each in turn: the
 * inbox claims (a duplicate, in the inbox or earlier in the batch, changes nothing), each host's
 * projection folded event by event with its decisions compared after every event (so the audit
 * records, their hashes and the DecisionChanged messages are those of one-at-a-time), the
 * applied-order log in the same outbox order, and the command answers with their NOTIFYs.
 *
 * Reads and writes are set-based: a fixed dozen statements per batch whatever its size.
 * Hosts are locked (advisory, transaction-scoped, in sorted order, so that partitions consumed
 * concurrently that share a host serialise instead of deadlocking) before their rows are read.
 */
export class BatchProjector {
  /** Hosts as committed by this instance, so a batch need not read and parse them again. */
  private readonly cache = new Map<string, CachedHost>();

  constructor(
    private readonly db: DataSource,
    private readonly schema: string,
    private readonly decisionsTopic: string,
    private readonly appliedTopic: string,
    private readonly consumer = 'projector',
  ) {}

  private t(table: string): string {
    return `"${this.schema}"."${table}"`;
  }

  applyBatch(items: readonly BatchItem[], opts: { publish?: boolean } = {}): Promise<BatchResult> {
    const publish = opts.publish ?? true;
    // A message repeated within the batch counts once: its first occurrence, as one at a time.
    const seen = new Set<string>();
    const unique = items.filter((i) => !seen.has(i.envelope.id) && seen.add(i.envelope.id));
    if (unique.length === 0) return Promise.resolve({ applied: 0, duplicates: items.length, changes: 0 });
    let committed: Map<string, CachedHost> | undefined;
    return this.db
      .transaction(async (em) => {
        const { result, hosts } = await this.run(em, unique, items.length, publish);
        committed = hosts;
        return result;
      })
      .then(
        (result) => {
          // Only now that the transaction committed does memory follow it.
          for (const [hostId, host] of committed ?? []) this.remember(hostId, host);
          return result;
        },
        (error: unknown) => {
          for (const { envelope } of unique) this.cache.delete(envelope.hostId);
          throw error;
        },
      );
  }

  /** Forgets every host kept in memory (the next batch reads them from the database). */
  clearCache(): void {
    this.cache.clear();
  }

  private remember(hostId: string, host: CachedHost): void {
    this.cache.delete(hostId);
    this.cache.set(hostId, host);
    if (this.cache.size > HOST_CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
  }

  private async run(
    em: EntityManager,
    unique: readonly BatchItem[],
    total: number,
    publish: boolean,
  ): Promise<{ result: BatchResult; hosts?: Map<string, CachedHost> }> {
    const claimed = await this.claim(em, unique.map((i) => i.envelope.id));
    const work = unique.filter((i) => claimed.has(i.envelope.id));
    const duplicates = total - work.length;
    if (work.length === 0) return { result: { applied: 0, duplicates, changes: 0 } };

    const hostIds = [...new Set(work.filter((i) => !isAnswer(i.envelope.type)).map((i) => i.envelope.hostId))].sort();
    const hosts = await this.loadHosts(em, hostIds);

    const audit: AuditRow[] = [];
    const snapshots = new Map<string, string>();
    const outbox: OutboxMessage[] = [];
    const applied = new Map<string, AppliedEntry[]>();
    const answers = new Map<string, AnswerRow>();
    const answer = (a: Envelope) => {
      const commandId = String(a.data.commandId);
      answers.delete(commandId); // last one wins, as successive upserts would
      answers.set(commandId, { hostId: a.hostId, status: answerStatus(a.type), answer: a });
    };
    for (const { envelope: e, source } of work) {
      if (isAnswer(e.type)) {
        answer(e);
        continue;
      }
      const host = hosts.get(e.hostId)!;
      host.state = applyFact(host.state, decodeEvent(e.type, e.data));
      const changes = decisionChanges(hostDecisions(host.state), host.decisions);
      const eventSnapshots = new Map<SubjectDecision['scenario'], string>();
      for (const change of changes) {
        const next = change.next;
        let snapshot: string | null = null;
        if (next) {
          snapshot = eventSnapshots.get(next.scenario) ?? null;
          if (!snapshot) {
            const made = scenarioSnapshot(next.scenario);
            snapshot = made.hash;
            eventSnapshots.set(next.scenario, snapshot);
            if (!snapshots.has(snapshot)) snapshots.set(snapshot, made.json);
          }
        }
        host.seq += 1;
        const record = auditRecordOf(e, host.seq, change, snapshot);
        const recordJson = canonicalJson(record);
        const hash = chainHashOfText(host.prevHash, recordJson);
        audit.push({ hostId: e.hostId, seq: host.seq, recordJson, prevHash: host.prevHash, hash, source });
        if (next) {
          // Kept as the database would give it back (JSON), for the next event's comparison and
          // its audit record's `previous`, exactly as one-at-a-time reads it.
          const outcomeJson = JSON.stringify(next.outcome);
          host.decisions.set(change.key, {
            key: change.key,
            subject: jsonCopy(next.subject),
            vmId: next.vmId,
            outcome: JSON.parse(outcomeJson) as Record<string, unknown>,
            auditSeq: host.seq,
            outcomeJson,
          });
        } else {
          host.decisions.delete(change.key);
        }
        host.touched.add(change.key);
        if (publish) outbox.push(decisionMessage(this.decisionsTopic, e, record, hash));
        host.prevHash = hash;
      }
      if (publish) {
        const entries = applied.get(e.hostId) ?? [];
        entries.push(appliedEntry(e, source));
        applied.set(e.hostId, entries);
      }
      if (e.answer) answer(e.answer);
    }
    // The applied-order log: one message per host of the batch, its events in the order applied.
    for (const entries of applied.values()) outbox.push(appliedMessage(this.appliedTopic, entries));

    const versions = await this.writeHosts(em, hosts);
    await this.writeSnapshots(em, snapshots);
    await this.writeAudit(em, audit);
    await this.writeDecisions(em, hosts);
    await writeOutbox(em, this.schema, outbox);
    await this.writeAnswers(em, answers);
    const cached = new Map<string, CachedHost>();
    for (const [hostId, host] of hosts) {
      const version = versions.get(hostId);
      if (version) cached.set(hostId, { version, state: host.state, decisions: host.decisions, seq: host.seq, prevHash: host.prevHash });
    }
    return { result: { applied: work.length, duplicates, changes: audit.length }, hosts: cached };
  }

  private async claim(em: EntityManager, ids: string[]): Promise<Set<string>> {
    const { rows } = await runSql<{ message_id: string }>(
      em,
      `INSERT INTO ${this.t('inbox')} (consumer, message_id) SELECT $1, id FROM unnest($2::text[]) AS id
       ON CONFLICT DO NOTHING RETURNING message_id`,
      [this.consumer, ids],
    );
    return new Set(rows.map((r) => r.message_id));
  }

  private async loadHosts(em: EntityManager, hostIds: string[]): Promise<Map<string, HostWork>> {
    const hosts = new Map<string, HostWork>();
    if (hostIds.length === 0) return hosts;
    // Sorted: two transactions sharing hosts take their locks in the same order.
    await runSql(em, `SELECT pg_advisory_xact_lock(hashtextextended($1 || h, 0)) FROM unnest($2::text[]) AS h`, [`${this.schema}.host:`, hostIds]);
    const rows = await runSql<{ host_id: string; version: string }>(
      em,
      `SELECT host_id, ${VERSION} AS version FROM ${this.t('host_projections')} WHERE host_id = ANY($1::text[]) ORDER BY host_id FOR UPDATE`,
      [hostIds],
    );
    const versions = new Map(rows.rows.map((r) => [r.host_id, r.version]));
    const missed: string[] = [];
    for (const hostId of hostIds) {
      const cached = this.cache.get(hostId);
      if (cached && cached.version === versions.get(hostId)) {
        // A copy of the decisions: the batch changes them, and may yet roll back.
        hosts.set(hostId, { state: cached.state, decisions: new Map(cached.decisions), seq: cached.seq, prevHash: cached.prevHash, touched: new Set() });
      } else {
        this.cache.delete(hostId);
        missed.push(hostId);
        hosts.set(hostId, { state: initialHostProjection(hostId), decisions: new Map(), seq: 0, prevHash: GENESIS_HASH, touched: new Set() });
      }
    }
    if (missed.length === 0) return hosts;
    const states = await runSql<{ host_id: string; state: Record<string, unknown> }>(
      em,
      `SELECT host_id, state FROM ${this.t('host_projections')} WHERE host_id = ANY($1::text[])`,
      [missed],
    );
    const decisions = await runSql<{ host_id: string; subject_key: string; subject: DecisionSubject; vm_id: string | null; outcome: Record<string, unknown>; audit_seq: number }>(
      em,
      `SELECT host_id, subject_key, subject, vm_id, outcome, audit_seq FROM ${this.t('decisions')} WHERE host_id = ANY($1::text[])`,
      [missed],
    );
    const heads = await runSql<{ host_id: string; seq: number; hash: string }>(
      em,
      `SELECT h AS host_id, a.seq, a.hash FROM unnest($1::text[]) AS h
       CROSS JOIN LATERAL (SELECT seq, hash FROM ${this.t('audit_records')} WHERE host_id = h ORDER BY seq DESC LIMIT 1) a`,
      [missed],
    );
    for (const r of states.rows) hosts.get(r.host_id)!.state = projectionFromJson(r.state);
    for (const r of decisions.rows) {
      hosts.get(r.host_id)!.decisions.set(r.subject_key, {
        key: r.subject_key,
        subject: r.subject,
        vmId: r.vm_id,
        outcome: r.outcome,
        auditSeq: Number(r.audit_seq),
        outcomeCanonical: canonicalJson(r.outcome),
      });
    }
    for (const r of heads.rows) {
      const host = hosts.get(r.host_id)!;
      host.seq = Number(r.seq);
      host.prevHash = r.hash;
    }
    return hosts;
  }

  /** Upserts each host's projection; returns each row's new version (see CachedHost). */
  private async writeHosts(em: EntityManager, hosts: Map<string, HostWork>): Promise<Map<string, string>> {
    if (hosts.size === 0) return new Map();
    const rows = [...hosts].map(([id, host]) => ({ id, state: projectionToJson(host.state) }));
    const { rows: written } = await runSql<{ host_id: string; version: string }>(
      em,
      `INSERT INTO ${this.t('host_projections')} (host_id, state) SELECT id, state FROM json_to_recordset($1::json) AS x(id text, state jsonb)
       ON CONFLICT (host_id) DO UPDATE SET state = EXCLUDED.state, updated_at = now()
       RETURNING host_id, ${VERSION} AS version`,
      [JSON.stringify(rows)],
    );
    return new Map(written.map((r) => [r.host_id, r.version]));
  }

  private async writeSnapshots(em: EntityManager, snapshots: Map<string, string>): Promise<void> {
    if (snapshots.size === 0) return;
    // Shared between hosts: sorted, so concurrent batches inserting the same ones cannot deadlock.
    const hashes = [...snapshots.keys()].sort();
    await runSql(
      em,
      `INSERT INTO ${this.t('fact_snapshots')} (hash, scenario) SELECT hash, scenario FROM json_to_recordset($1::json) AS x(hash text, scenario json)
       ORDER BY hash ON CONFLICT DO NOTHING`,
      // The scenarios are JSON texts already (canonical): spliced in, not parsed and written again.
      [`[${hashes.map((h) => `{"hash":"${h}","scenario":${snapshots.get(h)!}}`).join(',')}]`],
    );
  }

  private async writeAudit(em: EntityManager, audit: AuditRow[]): Promise<void> {
    if (audit.length === 0) return;
    // The records are their canonical JSON texts (what was hashed): spliced in as they are.
    const rows = audit.map(
      (a) =>
        `{"host_id":${JSON.stringify(a.hostId)},"seq":${a.seq},"record":${a.recordJson},"prev_hash":"${a.prevHash}","hash":"${a.hash}",` +
        `"topic":${JSON.stringify(a.source.topic)},"partition":${a.source.partition},"offset":${JSON.stringify(a.source.offset)}}`,
    );
    await runSql(
      em,
      `INSERT INTO ${this.t('audit_records')} (host_id, seq, record, prev_hash, hash, source_topic, source_partition, source_offset)
       SELECT host_id, seq, record, prev_hash, hash, topic, partition, "offset"
       FROM json_to_recordset($1::json) AS x(host_id text, seq int, record json, prev_hash text, hash text, topic text, partition int, "offset" text)`,
      [`[${rows.join(',')}]`],
    );
  }

  /** Each touched decision once, as it stands after the batch: upserted, or deleted if gone. */
  private async writeDecisions(em: EntityManager, hosts: Map<string, HostWork>): Promise<void> {
    const up: string[] = [];
    const gone: { host_id: string; subject_key: string }[] = [];
    for (const [hostId, host] of hosts) {
      for (const key of host.touched) {
        const d = host.decisions.get(key);
        if (!d) {
          gone.push({ host_id: hostId, subject_key: key });
          continue;
        }
        const outcome = d.outcomeJson ?? JSON.stringify(d.outcome);
        up.push(
          `{"host_id":${JSON.stringify(hostId)},"subject_key":${JSON.stringify(key)},"subject":${JSON.stringify(d.subject)},` +
            `"vm_id":${JSON.stringify(d.vmId)},"outcome":${outcome},"audit_seq":${d.auditSeq}}`,
        );
      }
    }
    if (up.length) {
      await runSql(
        em,
        `INSERT INTO ${this.t('decisions')} (host_id, subject_key, subject, vm_id, outcome, audit_seq)
         SELECT host_id, subject_key, subject, vm_id, outcome, audit_seq
         FROM json_to_recordset($1::json) AS x(host_id text, subject_key text, subject jsonb, vm_id text, outcome jsonb, audit_seq int)
         ON CONFLICT (host_id, subject_key) DO UPDATE SET subject = EXCLUDED.subject, vm_id = EXCLUDED.vm_id, outcome = EXCLUDED.outcome,
           audit_seq = EXCLUDED.audit_seq, decided_at = now()`,
        [`[${up.join(',')}]`],
      );
    }
    if (gone.length) {
      await runSql(
        em,
        `DELETE FROM ${this.t('decisions')} d USING json_to_recordset($1::json) AS g(host_id text, subject_key text)
         WHERE d.host_id = g.host_id AND d.subject_key = g.subject_key`,
        [JSON.stringify(gone)],
      );
    }
  }

  /** command_status after the batch's events; one NOTIFY per answered command (sent at commit). */
  private async writeAnswers(em: EntityManager, answers: Map<string, AnswerRow>): Promise<void> {
    if (answers.size === 0) return;
    const rows: string[] = [];
    const notices: string[] = [];
    for (const [id, a] of answers) {
      const answer = JSON.stringify(a.answer);
      rows.push(`{"command_id":${JSON.stringify(id)},"host_id":${JSON.stringify(a.hostId)},"status":"${a.status}","answer":${answer}}`);
      notices.push(commandNoticeOf(id, a.status, answer));
    }
    await runSql(
      em,
      `WITH written AS (
         INSERT INTO ${this.t('command_status')} (command_id, host_id, status, answer)
         SELECT command_id, host_id, status, answer FROM json_to_recordset($1::json) AS x(command_id text, host_id text, status text, answer json)
         ON CONFLICT (command_id) DO UPDATE SET status = EXCLUDED.status, answer = EXCLUDED.answer, updated_at = now()
         RETURNING 1)
       SELECT pg_notify($2, n) FROM unnest($3::text[]) AS n`,
      [`[${rows.join(',')}]`, `${this.schema}_commands`, notices],
    );
  }
}

/** A host_projections row's version: every write of the row gives it a new xmin (and updated_at). */
const VERSION = `xmin::text || '/' || updated_at::text`;

function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
