/** Bounded retries: kafkajs alone would retry a failing batch forever (poison message loop). */
export interface RetryPolicy {
  /** Retries of a whole batch after its first failure, before going one message at a time. */
  batchRetries: number;
  /** Retries of a single message after its first failure, before it goes to the DLQ. */
  messageRetries: number;
  /** Backoff before the first retry; doubles each retry up to `maxBackoffMs`. */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /**
   * The longest wait between retries of a transient failure (database or broker away): those
   * are retried for as long as they last and never count towards the bounded retries above.
   */
  maxTransientBackoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  batchRetries: 2,
  messageRetries: 2,
  initialBackoffMs: 100,
  maxBackoffMs: 2_000,
  maxTransientBackoffMs: 30_000,
};

/** Backoff before retry number `retry` (1-based). */
export function backoffMs(policy: RetryPolicy, retry: number): number {
  return Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (retry - 1));
}

/** Backoff before the `streak`-th retry of a transient failure in a row (1-based). */
export function transientBackoffMs(policy: RetryPolicy, streak: number): number {
  return Math.min(policy.maxTransientBackoffMs, policy.initialBackoffMs * 2 ** Math.min(streak - 1, 20));
}
