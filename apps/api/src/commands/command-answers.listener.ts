import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { CommandNotice, readCommandNotice } from '@barplane/contracts';
import { readModelNames } from '@barplane/read-models';
import { API_CONFIG, ApiConfig } from '../api-config';
import { SummaryChanges } from '../read-models/summary-changes';

const RECONNECT_MS = 1000;

/**
 * Wakes waiting command requests when the projector records an answer: it NOTIFYs
 * `<schema>_commands` with the command id and, when it fits, the answer (CommandNotice).
 * Waiters also poll, for a NOTIFY lost with the connection. The same connection hears host
 * summary writes (SummaryChanges): one connection delivers a commit's notices in order, so a
 * summary written with a command's answer is known before the answer wakes its request.
 */
@Injectable()
export class CommandAnswersListener implements OnModuleInit, OnApplicationShutdown {
  private client?: Client;
  private stopped = false;
  private retry?: NodeJS.Timeout;
  private readonly waiters = new Map<string, Set<(notice?: CommandNotice) => void>>();
  private readonly channel: string;
  private readonly summariesChannel: string;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly summaries: SummaryChanges,
  ) {
    ({ answersChannel: this.channel, summariesChannel: this.summariesChannel } = readModelNames(config.namespace));
  }

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.config.databaseUrl });
    client.on('notification', (n) => {
      if (n.channel === this.summariesChannel) return this.summaries.changed();
      const notice = readCommandNotice(n.payload ?? '');
      for (const wake of this.waiters.get(notice.commandId) ?? []) wake(notice);
    });
    // A lost connection is a lost LISTEN: waiters fall back to polling until it is back.
    const lost = () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.summaries.lost();
      client.end().catch(() => undefined);
      this.reconnectLater();
    };
    client.on('error', lost);
    client.on('end', lost);
    this.client = client;
    await client.connect();
    await client.query(`LISTEN "${this.channel}"; LISTEN "${this.summariesChannel}"`);
    if (this.client === client) this.summaries.listening();
  }

  private reconnectLater(): void {
    if (this.stopped) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.connect().catch(() => this.reconnectLater()), RECONNECT_MS);
  }

  /**
   * Listens for the command's answer before the caller looks for it, so a NOTIFY that arrives
   * while the caller's query is in flight is not missed: `woken` resolves with the notice (which
   * may carry the answer) or, after `ms` or `cancel`, with nothing.
   */
  arm(commandId: string, ms: number): { woken: Promise<CommandNotice | undefined>; cancel: () => void } {
    let done!: (notice?: CommandNotice) => void;
    const woken = new Promise<CommandNotice | undefined>((resolve) => {
      const set = this.waiters.get(commandId) ?? new Set();
      this.waiters.set(commandId, set);
      done = (notice) => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(commandId);
        resolve(notice);
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
    return { woken, cancel: () => done() };
  }
}
