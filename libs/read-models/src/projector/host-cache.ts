import { HostProjection } from '@barplane/domain';
import { HeldDecision } from '../decisions/decisions.writer';

/**
 * A host as the last transaction of this instance committed it, with the version of its
 * host_projections row then (xmin and updated_at): valid only while the row still has that
 * version. Any other writer (another instance after a rebalance, a rebuild, one-at-a-time)
 * writes the row, so it changes the version and the entry is simply not used.
 */
export interface CachedHost {
  readonly version: string;
  readonly state: HostProjection;
  readonly decisions: ReadonlyMap<string, HeldDecision>;
  readonly seq: number;
  readonly prevHash: string;
}

/** Hosts kept at most, and their decisions at most (~1 KB each: a 50-function host holds 160, ~0.15 MB). */
const HOSTS_KEPT = 1_000;
const DECISIONS_KEPT = 200_000;

/**
 * The hosts a BatchProjector keeps across batches, least recently used first out, bounded by
 * hosts and by decisions: the projector runs under a heap ceiling, and a count of hosts alone
 * would let a fleet of large hosts pass it.
 */
export class HostCache {
  private readonly hosts = new Map<string, CachedHost>();
  private decisions = 0;

  constructor(private readonly limits = { hosts: HOSTS_KEPT, decisions: DECISIONS_KEPT }) {}

  get(hostId: string): CachedHost | undefined {
    return this.hosts.get(hostId);
  }

  /** Keeps `host` as the most recently used, dropping the least recently used past the limits. */
  set(hostId: string, host: CachedHost): void {
    this.delete(hostId);
    this.hosts.set(hostId, host);
    this.decisions += host.decisions.size;
    while (this.hosts.size > 1 && (this.hosts.size > this.limits.hosts || this.decisions > this.limits.decisions))
      this.delete(this.hosts.keys().next().value!);
  }

  delete(hostId: string): void {
    const host = this.hosts.get(hostId);
    if (!host) return;
    this.decisions -= host.decisions.size;
    this.hosts.delete(hostId);
  }

  clear(): void {
    this.hosts.clear();
    this.decisions = 0;
  }

  get size(): number {
    return this.hosts.size;
  }
}
