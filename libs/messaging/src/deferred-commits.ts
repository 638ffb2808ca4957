/** A partition's committed offset: the next one to read. */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Offsets of messages a handler skipped, waiting to be committed: the latest per partition,
 * sent together `delayMs` after the first of them came (or when flushed). An owner that reacts
 * to a few event types of a busy topic skips most batches; committing each one cost a broker
 * request and a write to its offsets log per batch, more than reading the batch.
 */
export class DeferredCommits {
  private readonly waiting = new Map<string, PartitionOffset>();
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly delayMs: number,
    private readonly send: (offsets: PartitionOffset[]) => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  get size(): number {
    return this.waiting.size;
  }

  defer(topic: string, partition: number, offset: string): void {
    this.waiting.set(`${partition}\u0000${topic}`, { topic, partition, offset });
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush().catch(this.onError), this.delayMs);
    this.timer.unref();
  }

  /** The partition is being committed at once, past what waits for it. */
  supersede(topic: string, partition: number): void {
    this.waiting.delete(`${partition}\u0000${topic}`);
  }

  /**
   * The assignment these offsets were read under is over (a rebalance): they are dropped, not
   * sent under the next one, where another member may own the partition and have gone further.
   * At worst the skipped messages are read and skipped again.
   */
  drop(): void {
    this.waiting.clear();
    this.stopTimer();
  }

  /** Sends what waits now (before a stop, or for a reader of committed offsets). */
  async flush(): Promise<void> {
    this.stopTimer();
    if (this.waiting.size === 0) return;
    const offsets = [...this.waiting.values()];
    this.waiting.clear();
    await this.send(offsets);
  }

  private stopTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
