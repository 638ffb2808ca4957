/**
 * Statements of one transaction sent without waiting for each other's answers, so PostgreSQL
 * works on one while JavaScript makes the next (node-postgres queues them on the connection in
 * the order they were sent). For writes whose answers nobody reads until the transaction ends.
 */
export class PendingWrites {
  private readonly pending: Promise<void>[] = [];
  /** The first write to fail (one connection answers in the order sent: the cause, not a follower). */
  private failure?: { error: unknown };

  /** @param ahead statements allowed in flight before `turn` waits for the oldest (bounds memory) */
  constructor(private readonly ahead = 8) {}

  add(write: Promise<unknown>): void {
    this.pending.push(
      write.then(
        () => undefined,
        (error: unknown) => {
          this.failure ??= { error };
        },
      ),
    );
  }

  /** Lets the connection send what was added and take its answers; waits while too many are in flight. */
  async turn(): Promise<void> {
    while (this.pending.length > this.ahead) await this.pending.shift();
    if (this.failure) return this.settle();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Every write answered; throws the first failure. */
  async settle(): Promise<void> {
    await Promise.all(this.pending.splice(0));
    if (this.failure) throw this.failure.error;
  }
}
