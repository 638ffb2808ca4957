import { Inject, Injectable } from '@nestjs/common';
import { GroupCommit } from '@barplane/messaging';
import { DataSource } from 'typeorm';
import { API_CONFIG, ApiConfig } from '../api-config';
import { ApiTable } from './api-schema';

/**
 * The commands this API published, so that GET /v1/commands/{id} can tell a command still on
 * its way (pending) from one that never existed (404). One row per command, written before
 * the command is published; the rows of concurrent requests in one insert.
 */
@Injectable()
export class SentCommands extends ApiTable {
  constructor(@Inject(DataSource) db: DataSource, @Inject(API_CONFIG) config: ApiConfig) {
    super(
      db,
      config,
      'sent_commands',
      'command_id text PRIMARY KEY, host_id text NOT NULL, sent_at timestamptz NOT NULL DEFAULT now()',
    );
  }

  /** Rows of requests that arrive while one insert runs go in the next, together (one transaction). */
  private readonly inserts = new GroupCommit<{ commandId: string; hostId: string }>(async (rows) => {
    await this.db.query(
      `INSERT INTO ${this.table} (command_id, host_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
      [rows.map((r) => r.commandId), rows.map((r) => r.hostId)],
    );
  });

  record(commandId: string, hostId: string): Promise<void> {
    return this.inserts.add([{ commandId, hostId }]);
  }

  async known(commandId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM ${this.table} WHERE command_id = $1`, [commandId]);
    return rows.length > 0;
  }
}
