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
import { AnswerType, Envelope, answerStatusOf, commandNoticeOf, decodeEvent, isAnswer, projectionFromJson, projectionToJson } from '@barplane/contracts';
import { OutboxMessage, runSql, writeOutbox } from '@barplane/eventstore';
import { StoredDecision, decisionChanges } from './decision-changes';
import { AppliedEntry, appliedEntry, appliedMessage } from './applied-log';
import { decisionMessage } from './decision-message';
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
      answers.set(commandId, { hostId: a.hostId, status: answerStatusOf(a.type as AnswerType), answer: a });
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
          // Held as decided: the engine's outputs are fresh plain JSON values nobody changes, so
          // the next event's comparison and its record's `previous` serialise exactly as the
          // row one-at-a-time reads back (batch-projector.int-spec compares the two).
          host.decisions.set(change.key, {
            key: change.key,
            subject: next.subject,
            vmId: next.vmId,
            outcome: next.outcome,
            auditSeq: host.seq,
            outcomeJson: JSON.stringify(next.outcome),
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
    const ids = [...hosts.keys()];
    const { rows } = await runSql<{ host_id: string; version: string }>(
      em,
      `INSERT INTO ${this.t('host_projections')} (host_id, state) SELECT * FROM unnest($1::text[], ${JSON_TEXTS('$2')}::jsonb[])
       ON CONFLICT (host_id) DO UPDATE SET state = EXCLUDED.state, updated_at = now()
       RETURNING host_id, ${VERSION} AS version`,
      [ids, jsonTexts(ids.map((id) => JSON.stringify(projectionToJson(hosts.get(id)!.state))))],
    );
    return new Map(rows.map((r) => [r.host_id, r.version]));
  }

  private async writeSnapshots(em: EntityManager, snapshots: Map<string, string>): Promise<void> {
    if (snapshots.size === 0) return;
    // Shared between hosts: sorted, so concurrent batches inserting the same ones cannot deadlock.
    const hashes = [...snapshots.keys()].sort();
    await runSql(
      em,
      `INSERT INTO ${this.t('fact_snapshots')} (hash, scenario) SELECT * FROM unnest($1::text[], ${JSON_TEXTS('$2')}::json[]) ON CONFLICT DO NOTHING`,
      [hashes, jsonTexts(hashes.map((h) => snapshots.get(h)!))],
    );
  }

  private async writeAudit(em: EntityManager, audit: AuditRow[]): Promise<void> {
    if (audit.length === 0) return;
    await runSql(
      em,
      `INSERT INTO ${this.t('audit_records')} (host_id, seq, record, prev_hash, hash, source_topic, source_partition, source_offset)
       SELECT * FROM unnest($1::text[], $2::int[], ${JSON_TEXTS('$3')}::json[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[])`,
      [
        audit.map((a) => a.hostId),
        audit.map((a) => a.seq),
        // The records as their canonical texts, what was hashed: stored as they are.
        jsonTexts(audit.map((a) => a.recordJson)),
        audit.map((a) => a.prevHash),
        audit.map((a) => a.hash),
        audit.map((a) => a.source.topic),
        audit.map((a) => a.source.partition),
        audit.map((a) => a.source.offset),
      ],
    );
  }

  /** Each touched decision once, as it stands after the batch: upserted, or deleted if gone. */
  private async writeDecisions(em: EntityManager, hosts: Map<string, HostWork>): Promise<void> {
    const up: (StoredDecision & { hostId: string; auditSeq: number })[] = [];
    const gone: { hostId: string; key: string }[] = [];
    for (const [hostId, host] of hosts) {
      for (const key of host.touched) {
        const d = host.decisions.get(key);
        if (d) up.push({ ...d, hostId });
        else gone.push({ hostId, key });
      }
    }
    if (up.length) {
      await runSql(
        em,
        `INSERT INTO ${this.t('decisions')} (host_id, subject_key, subject, vm_id, outcome, audit_seq)
         SELECT * FROM unnest($1::text[], $2::text[], ${JSON_TEXTS('$3')}::jsonb[], $4::text[], ${JSON_TEXTS('$5')}::jsonb[], $6::int[])
         ON CONFLICT (host_id, subject_key) DO UPDATE SET subject = EXCLUDED.subject, vm_id = EXCLUDED.vm_id, outcome = EXCLUDED.outcome,
           audit_seq = EXCLUDED.audit_seq, decided_at = now()`,
        [
          up.map((d) => d.hostId),
          up.map((d) => d.key),
          jsonTexts(up.map((d) => JSON.stringify(d.subject))),
          up.map((d) => d.vmId),
          jsonTexts(up.map((d) => d.outcomeJson ?? JSON.stringify(d.outcome))),
          up.map((d) => d.auditSeq),
        ],
      );
    }
    if (gone.length) {
      await runSql(
        em,
        `DELETE FROM ${this.t('decisions')} d USING unnest($1::text[], $2::text[]) AS g(host_id, subject_key)
         WHERE d.host_id = g.host_id AND d.subject_key = g.subject_key`,
        [gone.map((g) => g.hostId), gone.map((g) => g.key)],
      );
    }
  }

  /** command_status after the batch's events; one NOTIFY per answered command (sent at commit). */
  private async writeAnswers(em: EntityManager, answers: Map<string, AnswerRow>): Promise<void> {
    if (answers.size === 0) return;
    const ids = [...answers.keys()];
    const texts = ids.map((id) => JSON.stringify(answers.get(id)!.answer));
    await runSql(
      em,
      `WITH written AS (
         INSERT INTO ${this.t('command_status')} (command_id, host_id, status, answer)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], ${JSON_TEXTS('$4')}::json[])
         ON CONFLICT (command_id) DO UPDATE SET status = EXCLUDED.status, answer = EXCLUDED.answer, updated_at = now()
         RETURNING 1)
       SELECT pg_notify($5, n) FROM unnest(${JSON_TEXTS('$6')}) AS n`,
      [
        ids,
        ids.map((id) => answers.get(id)!.hostId),
        ids.map((id) => answers.get(id)!.status),
        jsonTexts(texts),
        `${this.schema}_commands`,
        jsonTexts(ids.map((id, i) => commandNoticeOf(id, answers.get(id)!.status, texts[i]))),
      ],
    );
  }
}

/**
 * JSON texts as one parameter, split in SQL: a text[] parameter would have the driver escape
 * every quote of every document in JavaScript (the most expensive part of a batch once), and
 * a JSON document of documents would have PostgreSQL parse each one twice. U+001E never
 * occurs in JSON text (control characters are escaped inside strings), nor in a CommandNotice
 * (commandNoticeOf leaves out an id that holds control characters).
 */
function jsonTexts(texts: readonly string[]): string {
  return texts.join('\u001e');
}

const JSON_TEXTS = (param: string) => `string_to_array(${param}, chr(30))`;

/** A host_projections row's version: every write of the row gives it a new xmin (and updated_at). */
const VERSION = `xmin::text || '/' || updated_at::text`;
