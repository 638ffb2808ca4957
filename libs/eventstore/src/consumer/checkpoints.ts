import type { DataSource, EntityManager } from 'typeorm';
import { EventStoreError } from '../errors/event-store.error';
import { assertSchemaName, qualified } from '../schema/schema-name';
import { int8, int8Param } from '../sql/pg-values';
import { runSql } from '../sql/run-sql';

export interface Checkpoint {
  topic: string;
  partition: number;
  /** The offset to consume next (Kafka's committed-offset convention: last processed + 1). */
  nextOffset: bigint;
}

/**
 * Kafka positions kept in PostgreSQL, written in the same transaction as the effects of the
 * messages before them, so "processed" and "position" can never disagree after a crash.
 */
export class Checkpoints {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
  ) {
    this.table = qualified(assertSchemaName(schema), 'checkpoints');
  }

  /**
   * Stores the next offset for (consumer, topic, partition). Last writer wins: a consumer that
   * must rewind (a rebuild) can store a lower offset. kafkajs hands offsets over as decimal
   * strings; both those and bigint are accepted.
   */
  async checkpoint(
    em: EntityManager,
    consumer: string,
    topic: string,
    partition: number,
    nextOffset: bigint | string,
  ): Promise<void> {
    const offset = typeof nextOffset === 'bigint' ? nextOffset : int8(nextOffset, 'nextOffset');
    if (offset < 0n || !Number.isInteger(partition) || partition < 0) {
      throw new EventStoreError('INVALID_ARGUMENT', `bad checkpoint ${topic}[${partition}]@${offset}`);
    }
    await runSql(
      em,
      `INSERT INTO ${this.table} (consumer, topic, partition, next_offset) VALUES ($1, $2, $3, $4::bigint)
       ON CONFLICT (consumer, topic, partition)
       DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()`,
      [consumer, topic, partition, int8Param(offset)],
    );
  }

  /** Every stored position of `consumer`, to seek to on partition assignment. */
  async loadCheckpoints(consumer: string, em: EntityManager = this.dataSource.manager): Promise<Checkpoint[]> {
    const { rows } = await runSql<{ topic: string; partition: number; next_offset: string }>(
      em,
      `SELECT topic, partition, next_offset FROM ${this.table} WHERE consumer = $1 ORDER BY topic, partition`,
      [consumer],
    );
    return rows.map((row) => ({
      topic: row.topic,
      partition: row.partition,
      nextOffset: int8(row.next_offset, 'next_offset'),
    }));
  }
}
