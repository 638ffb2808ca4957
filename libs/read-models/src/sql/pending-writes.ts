/**
 * Statements of one transaction sent one after another without the batch waiting for their
 * answers, so PostgreSQL works on one while JavaScript makes the next. One at a time because a
 * connection runs one statement at a time (node-postgres deprecates queueing a query on a busy
 * client). For writes whose answers nobody reads until the transaction ends: each write is a
 * function called when the writes before it are answered, over data nobody changes meanwhile.
 */
export class PendingWrites {
  private tail: Promise<void> = Promise.resolve();
  private inFlight = 0;
  /** The first write to fail; the ones after it are not sent (the transaction is aborted). */
  private failure?: { error: unknown };

  /** @param ahead writes allowed in flight before `turn` waits for them (bounds memory) */
  constructor(private readonly ahead = 8) {}

  add(write: () => Promise<unknown>): void {
    this.inFlight++;
    this.tail = this.tail.then(async () => {
      try {
        if (!this.failure) await write();
      } catch (error) {
        this.failure ??= { error };
      } finally {
        this.inFlight--;
      }
    });
  }

  /**
   * Lets the connection take an answer and send the next write: a batch making records calls
   * this every few dozen events, since nothing is sent while JavaScript runs. Waits while more
   * than `ahead` are in flight; throws once one failed, so the batch stops early.
   */
  async turn(): Promise<void> {
    if (this.inFlight > this.ahead) await this.tail;
    if (this.failure) throw this.failure.error;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Every write answered; throws the first failure. */
  async settle(): Promise<void> {
    await this.tail;
    if (this.failure) throw this.failure.error;
  }
}
