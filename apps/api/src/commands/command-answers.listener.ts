import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { API_CONFIG, ApiConfig } from '../api-config';

/**
 * Wakes waiting command requests when the projector records an answer: it NOTIFYs
 * `<schema>_commands` with the command id. A hint only; waiters also poll.
 */
@Injectable()
export class CommandAnswersListener implements OnModuleInit, OnApplicationShutdown {
  private client?: Client;
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly channel: string;

  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {
    this.channel = `${config.namespace.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}projector_commands`;
  }

  async onModuleInit(): Promise<void> {
    const client = new Client({ connectionString: this.config.databaseUrl });
    client.on('notification', (n) => {
      for (const wake of this.waiters.get(n.payload ?? '') ?? []) wake();
    });
    client.on('error', () => undefined);
    await client.connect();
    await client.query(`LISTEN "${this.channel}"`);
    this.client = client;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.end().catch(() => undefined);
  }

  /** Resolves when the command's answer may be there, or after `ms`. */
  wait(commandId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(commandId) ?? new Set();
      this.waiters.set(commandId, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(commandId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }
}
