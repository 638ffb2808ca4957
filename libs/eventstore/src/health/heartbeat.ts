import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { DataSource } from 'typeorm';
import { assertSchemaName, qualified } from '../schema/schema-name';

export interface HeartbeatOptions {
  /** The service's schema: the row goes to `<schema>.heartbeats`, the outbox read is `<schema>.outbox`. */
  schema: string;
  /** The service's name as the API reports it (`pe-registry`, `projector`). */
  service: string;
  /** Time between beats. Default 5000 ms (BARPLANE_HEARTBEAT_MS). */
  intervalMs?: number;
  /** What else the row says at each beat (consumers, lag, dead letters): JSON. */
  report?: () => Record<string, unknown>;
  /** A beat failed (the database away): the next one tries again. */
  onError?: (error: Error) => void;
}

/** Rows of instances that stopped beating this long ago are deleted when an instance starts. */
const FORGET_AFTER_MS = 60 * 60 * 1000;

export const DEFAULT_HEARTBEAT_MS = 5000;

/** BARPLANE_HEARTBEAT_MS, or the default. */
export function heartbeatMsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const ms = Number(env.BARPLANE_HEARTBEAT_MS);
  return Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_HEARTBEAT_MS;
}

/**
 * A process's heartbeat: one upsert every few seconds of its row in `<schema>.heartbeats`,
 * carrying the time (PostgreSQL's clock), the outbox backlog (messages not yet published and
 * the age of the oldest, read in the same statement through the outbox's partial index of
 * unpublished rows) and the process's own report. A row whose beat is old is a dead process;
 * stop() deletes the row, so a process stopped on purpose is simply absent.
 */
export class Heartbeat {
  readonly instanceId = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  private readonly table: string;
  private readonly outbox: string;
  private readonly intervalMs: number;
  private timer?: NodeJS.Timeout;
  private beating?: Promise<void>;
  private statement?: string;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: HeartbeatOptions,
  ) {
    const schema = assertSchemaName(options.schema);
    this.table = qualified(schema, 'heartbeats');
    this.outbox = qualified(schema, 'outbox');
    this.intervalMs = options.intervalMs ?? DEFAULT_HEARTBEAT_MS;
  }

  /** The first beat (awaited: a start that cannot write its heartbeat fails), then one every interval. */
  async start(): Promise<void> {
    if (this.timer || this.stopped) return;
    await this.dataSource.query(
      `DELETE FROM ${this.table} WHERE service = $1 AND beat_at < clock_timestamp() - $2 * interval '1 millisecond'`,
      [this.options.service, FORGET_AFTER_MS],
    );
    await this.beatOnce();
    this.timer = setInterval(() => {
      // A beat still in flight (a slow database) is not doubled.
      if (this.beating) return;
      this.beating = this.beatOnce()
        .catch((error: Error) => this.options.onError?.(error))
        .finally(() => (this.beating = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Writes the row now. */
  async beatOnce(): Promise<void> {
    const report = { pid: process.pid, host: hostname(), ...(this.options.report?.() ?? {}) };
    await this.dataSource.query(this.upsert(), [this.instanceId, this.options.service, JSON.stringify(report)]);
  }

  /** No more beats; the row is deleted (a clean stop is not a dead process). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
    await this.dataSource
      .query(`DELETE FROM ${this.table} WHERE instance_id = $1`, [this.instanceId])
      .catch(() => undefined);
  }

  /**
   * The upsert, with the outbox's figures read in the same statement. Rows the relay set aside
   * for good (`quarantined_at`) are not waiting for the relay: they are counted on their own.
   */
  private upsert(): string {
    this.statement ??= `
      INSERT INTO ${this.table} AS h (instance_id, service, beat_at, outbox_pending, outbox_oldest_age_ms, report)
      SELECT $1, $2, clock_timestamp(), coalesce(sum(o.message_count), 0),
             (extract(epoch FROM clock_timestamp() - min(o.created_at)) * 1000)::bigint,
             $3::jsonb || jsonb_build_object('outboxQuarantined',
               (SELECT count(*) FROM ${this.outbox} WHERE published_at IS NULL AND quarantined_at IS NOT NULL))
      FROM ${this.outbox} o WHERE published_at IS NULL AND quarantined_at IS NULL
      ON CONFLICT (instance_id) DO UPDATE SET beat_at = excluded.beat_at, outbox_pending = excluded.outbox_pending,
        outbox_oldest_age_ms = excluded.outbox_oldest_age_ms, report = excluded.report`;
    return this.statement;
  }
}
