import { DomainError, type HostFacts } from '@barplane/domain';

/** Where an owner reads host facts from (a HostFactsView, or a fake in unit specs). */
export interface FactsSource {
  load(hostId: string): Promise<HostFacts | undefined>;
  /** Several hosts at once (a batch); hosts without facts are absent or undefined. */
  loadMany?(hostIds: readonly string[]): Promise<Map<string, HostFacts | undefined>>;
  /** True while the view may not have applied everything pe.events holds. */
  mightBeStale(): Promise<boolean>;
}

export interface FactsWaitOptions {
  /** Tries in all (default 20). */
  attempts: number;
  /** Pause between tries (default 100 ms). */
  intervalMs: number;
}

export const DEFAULT_FACTS_WAIT: FactsWaitOptions = { attempts: 20, intervalMs: 100 };

/**
 * Runs `decide` with the host's facts. Facts arrive asynchronously (pe.events, through the view),
 * so a NOT_FOUND while they are missing, or while the view lags behind the topic, may only mean
 * "not yet": load again after a pause, a bounded number of times, then let the error through.
 * Without a source (pe-registry), decide runs once with undefined facts.
 */
export async function withFreshFacts<T>(
  source: FactsSource | undefined,
  hostId: string,
  decide: (facts: HostFacts | undefined) => T,
  options: FactsWaitOptions = DEFAULT_FACTS_WAIT,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const facts = source ? await source.load(hostId) : undefined;
    try {
      return decide(facts);
    } catch (error) {
      const notFound = error instanceof DomainError && error.code === 'NOT_FOUND';
      if (!notFound || !source || attempt >= options.attempts) throw error;
      if (facts && !(await source.mightBeStale())) throw error;
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
    }
  }
}
