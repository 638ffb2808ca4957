import { ReplayEntry } from './replay-order';

/** Where a streamed replay hands its events, in replay order. */
export interface ReplaySink {
  /** Takes the next event; a promise when the sink wants the replay to wait (a chunk is full). */
  add(entry: ReplayEntry): void | Promise<void>;
  /** The replay has handed it everything: whatever it still holds must be done when this resolves. */
  end?(): Promise<void>;
}

/** Messages of the fact topics dealt with so far (replayed, or passed over as no envelope). */
export interface ReplayCounters {
  read: number;
}
