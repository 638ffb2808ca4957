import { namespacedSchema } from '@barplane/eventstore';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChainedRecord, HostProjection } from '@barplane/domain';
import { projectionFromJson } from '@barplane/contracts';
import { API_CONFIG, ApiConfig } from '../api-config';

export interface DecisionRow {
  host_id: string;
  subject_key: string;
  subject: { kind: 'bar' | 'pe'; pe: string; bdf?: string; index?: number };
  vm_id: string | null;
  outcome: Record<string, unknown>;
  audit_seq: number;
  decided_at: Date;
}

export interface AuditRow {
  host_id: string;
  seq: number;
  record: Record<string, unknown>;
  prev_hash: string;
  hash: string;
  recorded_at: Date;
  source_topic: string | null;
  source_partition: number | null;
  source_offset: string | null;
}

export interface AuditFilter {
  host?: string;
  pe?: string;
  vm?: string;
  since?: Date;
  until?: Date;
  afterHost?: string;
  afterSeq?: number;
}

/** Queries over the projector's read models (the API owns no state). */
@Injectable()
export class ReadModels {
  private readonly schema: string;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(API_CONFIG) config: ApiConfig,
  ) {
    this.schema = namespacedSchema(config.namespace, 'projector');
  }

  private t(table: string): string {
    return `"${this.schema}"."${table}"`;
  }

  /** Before the projector's first start its tables do not exist: that reads as empty. */
  private async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    try {
      return await this.db.query(sql, params);
    } catch (error) {
      if ((error as { code?: string }).code === '42P01') return [];
      throw error;
    }
  }

  async projections(hostId?: string): Promise<HostProjection[]> {
    const rows: { state: Record<string, unknown> }[] = hostId
      ? await this.query(`SELECT state FROM ${this.t('host_projections')} WHERE host_id = $1`, [hostId])
      : await this.query(`SELECT state FROM ${this.t('host_projections')} ORDER BY host_id`);
    return rows.map((r) => projectionFromJson(r.state));
  }

  /** VMs do not change hosts: a VM's host, once found, is remembered. */
  private readonly vmHosts = new Map<string, string>();

  /** The host a VM runs on, if any host has it. */
  async hostOfVm(vmId: string): Promise<string | undefined> {
    const known = this.vmHosts.get(vmId);
    if (known) return known;
    const rows: { host_id: string }[] = await this.query(
      `SELECT host_id FROM ${this.t('host_projections')} WHERE state->'guest'->'vms' @> $1::jsonb LIMIT 1`,
      [JSON.stringify([{ id: vmId }])],
    );
    if (rows[0]) this.vmHosts.set(vmId, rows[0].host_id);
    return rows[0]?.host_id;
  }

  async decisions(filter: { host?: string; pe?: string; vm?: string; kind?: 'bar' | 'pe' } = {}): Promise<DecisionRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.host) add('host_id = ?', filter.host);
    if (filter.pe) add(`subject->>'pe' = ?`, filter.pe);
    if (filter.vm) add('vm_id = ?', filter.vm);
    if (filter.kind) add(`subject->>'kind' = ?`, filter.kind);
    return this.query(
      `SELECT host_id, subject_key, subject, vm_id, outcome, audit_seq, decided_at FROM ${this.t('decisions')}
       ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY host_id, subject_key`,
      params,
    );
  }

  async audit(filter: AuditFilter, limit = 1000): Promise<AuditRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, ...values: unknown[]) => {
      let text = sql;
      for (const v of values) {
        params.push(v);
        text = text.replace('?', `$${params.length}`);
      }
      where.push(text);
    };
    if (filter.host) add('host_id = ?', filter.host);
    if (filter.pe) add(`record->'subject'->>'pe' = ?`, filter.pe);
    if (filter.vm) add(`record->>'vmId' = ?`, filter.vm);
    if (filter.since) add('recorded_at >= ?', filter.since);
    if (filter.until) add('recorded_at < ?', filter.until);
    if (filter.afterHost !== undefined) add('(host_id, seq) > (?, ?)', filter.afterHost, filter.afterSeq ?? 0);
    params.push(limit);
    return this.query(
      `SELECT host_id, seq, record, prev_hash, hash, recorded_at, source_topic, source_partition, source_offset
       FROM ${this.t('audit_records')} ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
       ORDER BY host_id, seq LIMIT $${params.length}`,
      params,
    );
  }

  /** Every host's chain, host by host, in seq order (for verification). */
  async *chains(): AsyncGenerator<{ hostId: string; chain: ChainedRecord[] }> {
    const hosts: { host_id: string }[] = await this.query(`SELECT DISTINCT host_id FROM ${this.t('audit_records')} ORDER BY host_id`);
    for (const { host_id } of hosts) {
      const rows: AuditRow[] = await this.query(
        `SELECT record, prev_hash, hash FROM ${this.t('audit_records')} WHERE host_id = $1 ORDER BY seq`,
        [host_id],
      );
      yield { hostId: host_id, chain: rows.map((r) => ({ record: r.record as never, prevHash: r.prev_hash, hash: r.hash })) };
    }
  }

  async commandStatus(commandId: string): Promise<{ status: string; answer: Record<string, unknown> } | undefined> {
    const rows: { status: string; answer: Record<string, unknown> }[] = await this.query(
      `SELECT status, answer FROM ${this.t('command_status')} WHERE command_id = $1`,
      [commandId],
    );
    return rows[0];
  }

  /** Audit records after a position in (recorded_at, host, seq) order, for the SSE stream. */
  async auditAfter(after: { recordedAt: Date; hostId: string; seq: number } | undefined, limit = 500): Promise<AuditRow[]> {
    return after
      ? this.query(
          `SELECT host_id, seq, record, hash, recorded_at FROM ${this.t('audit_records')}
           WHERE (recorded_at, host_id, seq) > ($1, $2, $3) ORDER BY recorded_at, host_id, seq LIMIT $4`,
          [after.recordedAt, after.hostId, after.seq, limit],
        )
      : this.query(`SELECT host_id, seq, record, hash, recorded_at FROM ${this.t('audit_records')} ORDER BY recorded_at, host_id, seq LIMIT $1`, [limit]);
  }

  async auditRecord(hostId: string, seq: number): Promise<AuditRow | undefined> {
    const rows: AuditRow[] = await this.query(`SELECT host_id, seq, record, hash, recorded_at FROM ${this.t('audit_records')} WHERE host_id = $1 AND seq = $2`, [hostId, seq]);
    return rows[0];
  }
}
