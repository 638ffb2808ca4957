import type { RelayCounters } from '@barplane/eventstore';
import type { MessagingClient, RetryPolicy } from '@barplane/messaging';
import type { FactsWaitOptions } from './facts-wait';
import type { HostFactsCounters } from './host-facts-view';
import type { OwnerCounters } from './owner-counters';
import type { OwnerLogger } from './owner-logger';
import type { CatchUpWaitOptions } from './reaction-catch-up';

/** How an owner process runs besides its config: what tests shorten or replace. */
export interface OwnerServiceOptions {
  logger?: OwnerLogger;
  factsWait?: FactsWaitOptions;
  /** How long a command waits for the reactions it awaits (Reaction.awaitedBy). */
  catchUpWait?: CatchUpWaitOptions;
  /** Consumer retry policy (tests shorten it). */
  retries?: Partial<RetryPolicy>;
  /** Outbox relay poll interval when idle (NOTIFY wakes it sooner). */
  relayIdleMs?: number;
  /** A consumer crashed for good: the process should exit non-zero. */
  onCrash?: (error: Error) => void;
  /** A client to use instead of one built from config.kafkaBrokers. */
  kafka?: MessagingClient;
  /**
   * Time between heartbeats (`<schema>.heartbeats`, read by the API's /health). Default BARPLANE_HEARTBEAT_MS or 5 s.
   */
  heartbeatMs?: number;
}

export interface OwnerServiceCounters extends OwnerCounters {
  relay: RelayCounters;
  facts?: HostFactsCounters;
}
