/** Bounded retries: kafkajs alone would retry a failing batch forever (poison message loop). */
export interface RetryPolicy {
  /** Retries of a whole batch after its first failure, before going one message at a time. */
  batchRetries: number;
  /** Retries of a single message after its first failure, before it goes to the DLQ. */
  messageRetries: number;
  /** Backoff before the first retry; doubles each retry up to `maxBackoffMs`. */
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  batchRetries: 2,
  messageRetries: 2,
  initialBackoffMs: 100,
  maxBackoffMs: 2_000,
};

/** Backoff before retry number `retry` (1-based). */
export function backoffMs(policy: RetryPolicy, retry: number): number {
  return Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (retry - 1));
}
