import { DataSource, EntityManager } from 'typeorm';
import { DecisionSubject, GENESIS_HASH, applyFact, hostDecisions, initialHostProjection } from '@barplane/domain';
import {
  AnswerType,
  Envelope,
  answerStatusOf,
  commandNoticeOf,
  decodeEvent,
  isAnswer,
  projectionFromJson,
  projectionToJson,
} from '@barplane/contracts';
import { Inbox, OutboxMessage, runSql, writeOutbox } from '@barplane/eventstore';
import { EventSnapshots, chainLink } from '../audit/chain-link';
import { DecisionChange, StoredDecision, decisionChanges } from '../decisions/decision-changes';
import { appliedEntry, appliedMessage } from '../applied-log/applied-log';
import { decisionMessage } from '../decisions/decision-message';
import { Source } from '../projector/source';

export interface ApplyResult {
  readonly duplicate: boolean;
  readonly changes: number;
}

/**
 * The test oracle of BatchProjector (batch-projector.int-spec.ts): the projector's effects one
 * event at a time, written plainly. Applies one fact event (or command answer) to its host in one transaction: the
 * inbox
 * claim, the host's projection, the decisions that changed, their audit records (hash
 * chained per host), DecisionChanged envelopes in the outbox, and command status (of an
 * answer, or of the answer an event carries).
 */
export class HostProjector {
  private readonly inbox: Inbox;

  constructor(
    private readonly db: DataSource,
    private readonly schema: string,
    private readonly decisionsTopic: string,
    private readonly appliedTopic: string,
    private readonly consumer = 'projector',
  ) {
    this.inbox = new Inbox(schema);
  }

  apply(envelope: Envelope, source: Source, opts: { publish?: boolean } = {}): Promise<ApplyResult> {
    return this.db.transaction(async (em) => {
      if (!(await this.inbox.claim(em, this.consumer, envelope.id))) return { duplicate: true, changes: 0 };
      if (isAnswer(envelope.type)) {
        await this.recordAnswer(em, envelope);
        return { duplicate: false, changes: 0 };
      }
      const changes = await this.applyFact(em, envelope, source, opts.publish ?? true);
      // The answer of the command that appended this event, when it is the command's last.
      if (envelope.answer) await this.recordAnswer(em, envelope.answer);
      return { duplicate: false, changes };
    });
  }

  private t(table: string): string {
    return `"${this.schema}"."${table}"`;
  }

  private async recordAnswer(em: EntityManager, e: Envelope): Promise<void> {
    const status = answerStatusOf(e.type as AnswerType);
    const commandId = String(e.data.commandId);
    const answer = JSON.stringify(e);
    await runSql(
      em,
      `INSERT INTO ${this.t('command_status')} (command_id, host_id, status, answer) VALUES ($1, $2, $3, $4::json)
       ON CONFLICT (command_id) DO UPDATE SET status = EXCLUDED.status, answer = EXCLUDED.answer, updated_at = now()`,
      [commandId, e.hostId, status, answer],
    );
    await runSql(em, `SELECT pg_notify($1, $2)`, [
      `${this.schema}_commands`,
      commandNoticeOf(commandId, status, answer),
    ]);
  }

  private async applyFact(em: EntityManager, e: Envelope, source: Source, publish: boolean): Promise<number> {
    const { rows } = await runSql<{ state: Record<string, unknown> }>(
      em,
      `SELECT state FROM ${this.t('host_projections')} WHERE host_id = $1 FOR UPDATE`,
      [e.hostId],
    );
    const before = rows.length ? projectionFromJson(rows[0].state) : initialHostProjection(e.hostId);
    const after = applyFact(before, decodeEvent(e.type, e.data));
    await runSql(
      em,
      `INSERT INTO ${this.t('host_projections')} (host_id, state) VALUES ($1, $2::jsonb)
       ON CONFLICT (host_id) DO UPDATE SET state = EXCLUDED.state, updated_at = now()`,
      [e.hostId, JSON.stringify(projectionToJson(after))],
    );
    const stored = await this.storedDecisions(em, e.hostId);
    const changes = decisionChanges(hostDecisions(after), stored);
    if (changes.length > 0) await this.record(em, e, source, changes, publish);
    // The order facts were applied in (applied-log.ts), after the event's decisions.
    if (publish) await writeOutbox(em, this.schema, [appliedMessage(this.appliedTopic, [appliedEntry(e, source)])]);
    return changes.length;
  }

  private async storedDecisions(em: EntityManager, hostId: string): Promise<Map<string, StoredDecision>> {
    const { rows } = await runSql<{
      subject_key: string;
      subject: DecisionSubject;
      vm_id: string | null;
      outcome: Record<string, unknown>;
    }>(em, `SELECT subject_key, subject, vm_id, outcome FROM ${this.t('decisions')} WHERE host_id = $1`, [hostId]);
    return new Map(
      rows.map((r) => [r.subject_key, { key: r.subject_key, subject: r.subject, vmId: r.vm_id, outcome: r.outcome }]),
    );
  }

  private async record(
    em: EntityManager,
    e: Envelope,
    source: Source,
    changes: DecisionChange[],
    publish: boolean,
  ): Promise<void> {
    const { rows } = await runSql<{ seq: number; hash: string }>(
      em,
      `SELECT seq, hash FROM ${this.t('audit_records')} WHERE host_id = $1 ORDER BY seq DESC LIMIT 1`,
      [e.hostId],
    );
    let seq = rows.length ? Number(rows[0].seq) : 0;
    let prevHash = rows.length ? rows[0].hash : GENESIS_HASH;
    const snapshots = new EventSnapshots();
    const outbox: OutboxMessage[] = [];
    for (const change of changes) {
      const next = change.next;
      seq += 1;
      const { record, recordJson, hash } = chainLink(e, seq, change, snapshots.hashOf(next), prevHash);
      await runSql(
        em,
        `INSERT INTO ${this.t('audit_records')} (host_id, seq, record, prev_hash, hash, source_topic, source_partition, source_offset)
         VALUES ($1, $2, $3::json, $4, $5, $6, $7, $8)`,
        [e.hostId, seq, recordJson, prevHash, hash, source.topic, source.partition, source.offset],
      );
      if (next) {
        await runSql(
          em,
          `INSERT INTO ${this.t('decisions')} (host_id, subject_key, subject, vm_id, outcome, audit_seq) VALUES ($1, $2, $3::jsonb, $4, $5::jsonb, $6)
           ON CONFLICT (host_id, subject_key) DO UPDATE SET subject = EXCLUDED.subject, vm_id = EXCLUDED.vm_id, outcome = EXCLUDED.outcome,
             audit_seq = EXCLUDED.audit_seq, decided_at = now()`,
          [e.hostId, change.key, JSON.stringify(next.subject), next.vmId, JSON.stringify(next.outcome), seq],
        );
      } else {
        await runSql(em, `DELETE FROM ${this.t('decisions')} WHERE host_id = $1 AND subject_key = $2`, [
          e.hostId,
          change.key,
        ]);
      }
      if (publish) outbox.push(decisionMessage(this.decisionsTopic, e, record, hash));
      prevHash = hash;
    }
    for (const [hash, json] of snapshots.made) {
      await runSql(
        em,
        `INSERT INTO ${this.t('fact_snapshots')} (hash, scenario) VALUES ($1, $2::json) ON CONFLICT DO NOTHING`,
        [hash, json],
      );
    }
    if (outbox.length) await writeOutbox(em, this.schema, outbox);
  }
}
