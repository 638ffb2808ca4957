/**
 * Group commit of concurrent calls: one `write` in flight at a time, and the items of every
 * call that arrives meanwhile go out together in the next one, in call order. Each call
 * resolves once the write holding its items succeeded, or rejects with that write's error.
 * Concurrent callers (50 HTTP clients, say) then share round trips and transactions instead of
 * each taking its own.
 */
export class GroupCommit<T> {
  private waiting: { items: readonly T[]; done: (error?: unknown) => void }[] = [];
  private writing = false;

  constructor(private readonly write: (items: T[]) => Promise<void>) {}

  add(items: readonly T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiting.push({ items, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const calls = this.waiting;
      this.waiting = [];
      try {
        await this.write(calls.flatMap((c) => c.items));
        for (const c of calls) c.done();
      } catch (error) {
        for (const c of calls) c.done(error ?? new Error('write failed'));
      }
    }
    this.writing = false;
  }
}
