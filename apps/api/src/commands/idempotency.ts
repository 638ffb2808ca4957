import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { API_CONFIG, ApiConfig } from '../api-config';
import { ApiTable } from './api-schema';

/**
 * Idempotency-Key bookkeeping, the API's only table: the same key with the same body is the
 * same command (same id, same answer); with another body it is refused (422).
 */
@Injectable()
export class IdempotencyKeys extends ApiTable {
  constructor(@Inject(DataSource) db: DataSource, @Inject(API_CONFIG) config: ApiConfig) {
    super(
      db,
      config,
      'idempotency_keys',
      'key text PRIMARY KEY, body_sha256 text NOT NULL, command_id text NOT NULL, created_at timestamptz NOT NULL DEFAULT now()',
    );
  }

  /** The command id for this key: new, the same (same body), or 'mismatch' (another body). */
  async claim(
    key: string,
    bodySha256: string,
    commandId: string,
  ): Promise<{ commandId: string; first: boolean } | 'mismatch'> {
    const inserted: { command_id: string }[] = await this.db.query(
      `INSERT INTO ${this.table} (key, body_sha256, command_id) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING RETURNING command_id`,
      [key, bodySha256, commandId],
    );
    if (inserted.length) return { commandId, first: true };
    const rows: { body_sha256: string; command_id: string }[] = await this.db.query(
      `SELECT body_sha256, command_id FROM ${this.table} WHERE key = $1`,
      [key],
    );
    if (rows[0].body_sha256 !== bodySha256) return 'mismatch';
    return { commandId: rows[0].command_id, first: false };
  }
}
