import type { EntityManager } from 'typeorm';
import { assertSchemaName, qualified } from '../schema/schema-name';
import { runSql } from '../sql/run-sql';

/**
 * Idempotent consumption: claim a message inside the transaction that applies its effects. A
 * redelivered message finds its row and is skipped; a rolled-back attempt leaves no row, so the
 * redelivery is processed. Concurrent claims of one message serialise on the primary key: the
 * second waits for the first to commit (then sees a duplicate) or roll back (then wins).
 */
export class Inbox {
  private readonly table: string;

  constructor(schema: string) {
    this.table = qualified(assertSchemaName(schema), 'inbox');
  }

  /** true: first time, go on; false: already processed, do nothing. `em` must be transactional. */
  async claim(em: EntityManager, consumer: string, messageId: string): Promise<boolean> {
    const { rows } = await runSql(
      em,
      `INSERT INTO ${this.table} (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1 AS claimed`,
      [consumer, messageId],
    );
    return rows.length === 1;
  }
}
