import type { DataSource } from 'typeorm';
import { createDedicatedClient, type PgClient } from './pg-client';

/**
 * "Only one relay publishes a schema's outbox": a session advisory lock on a dedicated
 * connection. One publisher keeps one host's messages in id order (two relays sharing rows
 * with SKIP LOCKED could interleave them). The same connection LISTENs for the commit-time
 * NOTIFY that wakes the relay early.
 *
 * If the connection drops, PostgreSQL releases the lock at once; `held` turns false on the
 * client's error/end event, and the relay stops publishing until it wins the lock again.
 */
export class RelayLeadership {
  private client: PgClient | undefined;
  private heldLock = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly channel: string | undefined,
    private readonly onNotify: () => void,
    private readonly onError: (error: Error) => void,
  ) {}

  get held(): boolean {
    return this.heldLock;
  }

  /** true when this instance holds the lock (now or already). */
  async tryAcquire(): Promise<boolean> {
    if (this.heldLock) return true;
    const client = await this.connected();
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [
      this.schema,
    ]);
    if (!rows[0]?.ok) return false;
    // Listen only as leader: standbys have nothing to wake up for.
    if (this.channel) await client.query(`LISTEN "${this.channel}"`);
    this.heldLock = true;
    return true;
  }

  /** Unlocks and closes the connection (closing alone would release the lock too). */
  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    const wasHeld = this.heldLock;
    this.heldLock = false;
    if (!client) return;
    try {
      if (wasHeld) await client.query('SELECT pg_advisory_unlock(hashtext($1))', [this.schema]);
    } catch {
      // The connection is going away anyway, and with it the lock.
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async connected(): Promise<PgClient> {
    if (this.client) return this.client;
    const client = createDedicatedClient(this.dataSource, `barplane-relay:${this.schema}`);
    const lost = (error?: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      this.heldLock = false;
      if (error) this.onError(error);
      client.end().catch(() => undefined);
    };
    // Without an 'error' listener a dropped connection would crash the process.
    client.on('error', (error) => lost(error));
    client.on('end', () => lost());
    client.on('notification', () => this.onNotify());
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
    return client;
  }
}
