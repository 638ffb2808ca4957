import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChainedRecord, HostProjection } from '@barplane/domain';
import {
  AuditFilter,
  AuditPosition,
  AuditRow,
  CommandStatusRow,
  DecisionFilter,
  DecisionRow,
  HostSummary,
  ReadQuery,
  auditChains,
  auditRow,
  auditRows,
  auditRowsAfter,
  commandStatusRow,
  decisionRows,
  hostOfVm,
  hostProjections,
  hostSummaries,
  hostSummariesVersion,
  hostSummaryVersion,
  readModelNames,
  readQuery,
} from '@barplane/read-models';
import { API_CONFIG, ApiConfig } from '../api-config';

export type { AuditFilter, AuditRow, DecisionRow } from '@barplane/read-models';

/** The read models the API serves (libs/read-models owns their tables and queries; the API owns no state). */
@Injectable()
export class ReadModels {
  private readonly read: ReadQuery;
  private readonly schema: string;

  constructor(
    @Inject(DataSource) db: DataSource,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {
    this.read = readQuery(db);
    this.schema = readModelNames(config.namespace).schema;
  }

  projections(hostId?: string): Promise<HostProjection[]> {
    return hostProjections(this.read, this.schema, hostId);
  }

  /** One row per registered host with what fleet-wide reads need (kept by the projector). */
  hostSummaries(hostId?: string): Promise<HostSummary[]> {
    return hostSummaries(this.read, this.schema, hostId);
  }

  /** Changes whenever a host summary does: the key of a cached host list. */
  hostSummariesVersion(): Promise<string> {
    return hostSummariesVersion(this.read, this.schema);
  }

  /** Changes whenever the projector writes this host (its projection, decisions and summary together). */
  hostSummaryVersion(hostId: string): Promise<string | undefined> {
    return hostSummaryVersion(this.read, this.schema, hostId);
  }

  /** The host a VM was created on (the guest-memory owner's VM directory), if any. */
  hostOfVm(vmId: string): Promise<string | undefined> {
    return hostOfVm(this.read, this.config.namespace, vmId);
  }

  decisions(filter: DecisionFilter = {}): Promise<DecisionRow[]> {
    return decisionRows(this.read, this.schema, filter);
  }

  audit(filter: AuditFilter, limit = 1000): Promise<AuditRow[]> {
    return auditRows(this.read, this.schema, filter, limit);
  }

  chains(): AsyncGenerator<{ hostId: string; chain: ChainedRecord[] }> {
    return auditChains(this.read, this.schema);
  }

  commandStatus(commandId: string): Promise<CommandStatusRow | undefined> {
    return commandStatusRow(this.read, this.schema, commandId);
  }

  auditAfter(after: AuditPosition | undefined, limit = 500): Promise<AuditRow[]> {
    return auditRowsAfter(this.read, this.schema, after, limit);
  }

  auditRecord(hostId: string, seq: number): Promise<AuditRow | undefined> {
    return auditRow(this.read, this.schema, hostId, seq);
  }
}
