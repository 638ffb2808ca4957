import { EventStoreError } from './event-store.error';

/**
 * The stream moved on since the caller read it: a stale expected version is a conflict (409 or
 * "re-read and retry"), never a silent overwrite. `actualVersion` is what the stream holds now
 * (0n when it does not exist), read after the failed attempt, so it may already be newer again.
 */
export class ConcurrencyError extends EventStoreError {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: bigint,
    readonly actualVersion: bigint,
  ) {
    super('CONFLICT', `stream ${streamId}: expected version ${expectedVersion}, actual ${actualVersion}`);
  }
}
