import type { DataSource } from 'typeorm';
import { assertSchemaName, qualified } from '../schema/schema-name';
import { int8 } from '../sql/pg-values';
import { runSql } from '../sql/run-sql';
import type { PendingOutboxMessage } from '../store/outbox-message';
import { readOutboxLines } from '../store/outbox-lines';
import { outboxChannel } from '../store/outbox-writer';
import type { OutboxRelayOptions, PublishFn, RelayCounters } from './outbox-relay-options';
import { RelayLeadership } from './relay-leadership';

interface OutboxRow {
  id: string;
  /** The row's messages as outbox lines (outbox-lines.ts). */
  messages: string;
  attempts: number;
}

/** `full`: the batch took as many messages as it may, so more rows may be waiting. */
type BatchOutcome = { published: number; failed: boolean; unpublishable?: boolean; full?: boolean };

/**
 * The broker's answers that no retry can change: the message itself is refused (kafkajs
 * protocol error types, or the broker's own words).
 */
const REFUSED_FOR_GOOD =
  /MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE|INVALID_RECORD|CORRUPT_MESSAGE|larger than the max message size|too large/i;

export function unpublishable(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const e = error as { type?: unknown; message?: unknown; cause?: unknown; originalError?: unknown };
  if (typeof e.type === 'string' && REFUSED_FOR_GOOD.test(e.type)) return true;
  if (typeof e.message === 'string' && REFUSED_FOR_GOOD.test(e.message)) return true;
  return [e.cause, e.originalError].some((inner) => inner !== undefined && inner !== error && unpublishable(inner));
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Rows looked at per prune statement, and prune statements per prune round. */
const PRUNE_CHUNK = 5000;
const PRUNE_ROUNDS = 20;

/**
 * Publishes a schema's outbox in order (rows by id, each row's messages in array order), at
 * least once: rows are locked, published, marked and committed in one transaction, so a crash
 * after publishing and before the commit republishes them on restart (consumers dedupe by
 * message id), and a crash before publishing loses nothing.
 *
 * Order: one relay per schema (see RelayLeadership). Appends to one stream serialise on its
 * stream row before writing the outbox, so a stream's rows get increasing ids and commit in that
 * order; a batch therefore never holds a later message of a stream without the earlier ones.
 * Rows are locked with a plain FOR UPDATE (a relay that lost its lock mid-batch makes the next
 * one wait for it, rather than skip ahead and reorder).
 */
export class OutboxRelay {
  private readonly table: string;
  private readonly publish: PublishFn;
  private readonly leadership: RelayLeadership;
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly lockRetryMs: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly retainPublishedMs: number;
  private readonly pruneEveryMs: number;
  private lastPrune = 0;
  private readonly reportError: (error: Error) => void;
  private readonly isUnpublishable: (error: unknown) => boolean;
  private readonly reportQuarantine: (rowId: string, error: Error) => void;
  private readonly count: RelayCounters = { published: 0, failed: 0, quarantined: 0 };
  /** After a refusal for good: the next rows go one at a time, to find the one refused. */
  private isolating = false;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  // A NOTIFY that arrived mid-batch (nobody asleep yet) must still cut the next sleep short.
  private wakePending = false;

  constructor(
    private readonly dataSource: DataSource,
    options: OutboxRelayOptions,
  ) {
    const schema = assertSchemaName(options.schema);
    this.table = qualified(schema, 'outbox');
    this.publish = options.publish;
    this.batchSize = options.batchSize ?? 100;
    this.idleMs = options.idleMs ?? 1000;
    this.lockRetryMs = options.lockRetryMs ?? 1000;
    this.minBackoffMs = options.minBackoffMs ?? 100;
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
    this.retainPublishedMs = options.retainPublishedMs ?? 7 * DAY_MS;
    this.pruneEveryMs = options.pruneEveryMs ?? 60_000;
    this.reportError = options.onError ?? (() => undefined);
    this.isUnpublishable = options.isUnpublishable ?? unpublishable;
    this.reportQuarantine =
      options.onQuarantine ??
      ((rowId, error) => this.reportError(new Error(`outbox row ${rowId} quarantined: ${error.message}`)));
    this.leadership = new RelayLeadership(
      dataSource,
      schema,
      options.listen === false ? undefined : outboxChannel(schema),
      () => this.wake(),
      (error) => this.reportError(error),
    );
  }

  /** Counters for metrics (a copy). */
  get counters(): RelayCounters {
    return { ...this.count };
  }

  /** Whether this instance currently holds the schema's relay lock. */
  get isLeader(): boolean {
    return this.leadership.held;
  }

  /** Starts the background loop (idempotent). */
  start(): void {
    if (this.loop) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Lets the current batch finish, then releases the lock and its connection. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = undefined;
    await this.leadership.release();
  }

  /**
   * One batch, for tests and tools: takes the lock if free (keeping it until stop), publishes
   * whole rows up to batchSize messages, returns how many messages were published (0 when
   * another relay leads or the publish failed). Not to be mixed with a running loop.
   */
  async drainOnce(): Promise<number> {
    if (!(await this.leadership.tryAcquire())) return 0;
    return (await this.publishBatch()).published;
  }

  /**
   * Deletes published rows older than retainPublishedMs (at most PRUNE_ROUNDS x PRUNE_CHUNK
   * rows a call); returns how many. The relay publishes rows in id order, so the prunable rows
   * are the oldest ids: each statement looks only at the first PRUNE_CHUNK rows by id, whatever
   * the outbox's size, and never touches a row that is unpublished or younger.
   */
  async pruneOnce(): Promise<number> {
    if (this.retainPublishedMs <= 0) return 0;
    let deleted = 0;
    for (let round = 0; round < PRUNE_ROUNDS; round++) {
      const { rowCount } = await runSql(
        this.dataSource.manager,
        `DELETE FROM ${this.table} WHERE id IN (SELECT id FROM ${this.table} ORDER BY id LIMIT $1)
         AND published_at < clock_timestamp() - $2 * interval '1 millisecond'`,
        [PRUNE_CHUNK, this.retainPublishedMs],
      );
      deleted += rowCount;
      if (rowCount < PRUNE_CHUNK) break;
    }
    return deleted;
  }

  private async run(): Promise<void> {
    let backoff = 0;
    while (this.running) {
      let delay: number;
      try {
        if (!(await this.leadership.tryAcquire())) {
          delay = this.lockRetryMs;
        } else {
          if (Date.now() - this.lastPrune >= this.pruneEveryMs) {
            this.lastPrune = Date.now();
            await this.pruneOnce();
          }
          const outcome = await this.publishBatch();
          if (outcome.unpublishable) {
            // Refused for good: no backoff (waiting changes nothing), find and set the row aside.
            delay = 0;
          } else if (outcome.failed) {
            backoff = Math.min(Math.max(backoff * 2, this.minBackoffMs), this.maxBackoffMs);
            delay = backoff;
          } else {
            backoff = 0;
            // A full batch may have left rows: look again at once. One that was not took every
            // row committed before its SELECT; a row committed later comes with its NOTIFY,
            // which cuts the sleep short (or, heard mid-batch, skips it), so looking again at once
            // would only find nothing (a transaction of three statements, per batch, for nothing).
            delay = outcome.full ? 0 : this.idleMs;
          }
        }
      } catch (error) {
        // Database unreachable, lock connection lost, ...: keep the loop alive and retry.
        this.reportError(error as Error);
        delay = this.lockRetryMs;
      }
      if (delay > 0 && this.running) await this.sleep(delay);
    }
  }

  private async publishBatch(): Promise<BatchOutcome> {
    let batch: PendingOutboxMessage[] = [];
    let rowIds: string[] = [];
    let sent = false;
    let limit = this.batchSize;
    try {
      await this.dataSource.transaction(async (em) => {
        // Whole rows, oldest first, until they hold batchSize messages (at least one row).
        // One row at a time while looking for a row the broker refuses for good.
        limit = this.isolating ? 1 : this.batchSize;
        const { rows } = await runSql<OutboxRow>(
          em,
          `SELECT id, messages, attempts FROM ${this.table}
           WHERE published_at IS NULL AND quarantined_at IS NULL AND id IN (
             SELECT id FROM (
               SELECT id, sum(message_count) OVER (ORDER BY id) - message_count AS before
               FROM ${this.table} WHERE published_at IS NULL AND quarantined_at IS NULL ORDER BY id LIMIT $1
             ) pending WHERE before < $1)
           ORDER BY id FOR UPDATE`,
          [limit],
        );
        batch = rows.flatMap(toPending);
        rowIds = rows.map((row) => row.id);
        if (batch.length === 0) return;
        await this.publish(batch);
        sent = true;
        await runSql(em, `UPDATE ${this.table} SET published_at = clock_timestamp() WHERE id = ANY($1::bigint[])`, [
          rowIds,
        ]);
      });
    } catch (error) {
      if (batch.length === 0) throw error;
      // Sent but not marked (commit failed): they go again next round; nothing to count.
      if (sent) {
        this.reportError(error as Error);
        return { published: 0, failed: true };
      }
      this.count.failed += batch.length;
      if (this.isUnpublishable(error)) {
        if (rowIds.length === 1) {
          // This row alone is refused for good: set it aside, report it, go on with the rest.
          await this.quarantine(rowIds[0], error as Error);
          this.isolating = false;
        } else {
          this.reportError(error as Error);
          this.isolating = true;
        }
        return { published: 0, failed: true, unpublishable: true };
      }
      this.reportError(error as Error);
      await this.noteFailure(rowIds, error as Error).catch((noteError: Error) => this.reportError(noteError));
      return { published: 0, failed: true };
    }
    this.count.published += batch.length;
    // Every row of an isolating round went: back to whole batches.
    this.isolating = false;
    return { published: batch.length, failed: false, full: batch.length >= limit };
  }

  private async quarantine(rowId: string, error: Error): Promise<void> {
    await runSql(
      this.dataSource.manager,
      `UPDATE ${this.table} SET quarantined_at = clock_timestamp(), attempts = attempts + 1, last_error = $2 WHERE id = $1`,
      [rowId, String(error?.message ?? error).slice(0, 2000)],
    );
    this.count.quarantined += 1;
    this.reportQuarantine(rowId, error);
  }

  /** After the rollback, in its own small transaction: the failure must outlive the rollback. */
  private async noteFailure(rowIds: string[], error: Error): Promise<void> {
    await runSql(
      this.dataSource.manager,
      `UPDATE ${this.table} SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])`,
      [rowIds, String(error?.message ?? error).slice(0, 2000)],
    );
  }

  /** Resolves after `ms`, or earlier on wake() (a NOTIFY, or stop()). */
  private sleep(ms: number): Promise<void> {
    if (this.wakePending) {
      this.wakePending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wakeUp === done) this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  private wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.wakePending = true;
  }
}

function toPending(row: OutboxRow): PendingOutboxMessage[] {
  return readOutboxLines(int8(row.id, 'outbox.id'), row.messages, row.attempts);
}
