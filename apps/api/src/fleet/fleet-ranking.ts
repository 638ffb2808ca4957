import { FleetPeWire, HostWire } from './fleet-wire';

// The fleet overview's order (dashboard "Hosts, worst coverage first" and "PEs, worst
// offenders first"), decided here so that every client ranks the same way.

/**
 * Worst first by the byte share of what VMs were given, then the BAR share; a host with nothing given to a VM has
 * nothing to rank and goes last.
 */
export function compareHosts(a: HostWire, b: HostWire): number {
  const unranked = (h: HostWire) => (h.coverage.bars.total === 0 ? 1 : 0);
  const barShare = (h: HostWire) => h.coverage.bars.fastPath / (h.coverage.bars.total || 1);
  const byteShare = (h: HostWire) => h.coverage.byteShare ?? barShare(h);
  return (
    unranked(a) - unranked(b) || byteShare(a) - byteShare(b) || barShare(a) - barShare(b) || compareText(a.id, b.id)
  );
}

/**
 * How badly a PE's VM fares: a BAR the kernel cannot bind at all outweighs any number of slow
 * ones, an emulated BAR outweighs a partly mapped one, and so on. A PE no VM holds slows
 * nobody down yet: -1, last.
 */
export function offenderScore(pe: Pick<FleetPeWire, 'vmId' | 'byMode'>): number {
  if (!pe.vmId) return -1;
  const n = (mode: string) => pe.byMode[mode] ?? 0;
  return n('UNAVAILABLE') * 10_000 + n('EMULATED') * 1_000 + n('PARTIAL_DIRECT') * 100 + n('PENDING') * 10;
}

/** Worst offender first, then the most bytes off the fast path, then host and PE id. */
export function comparePes(a: FleetPeWire, b: FleetPeWire): number {
  const slowA = BigInt(a.offFastPathBytes);
  const slowB = BigInt(b.offFastPathBytes);
  return (
    offenderScore(b) - offenderScore(a) ||
    (slowB > slowA ? 1 : slowB < slowA ? -1 : 0) ||
    compareText(a.hostId, b.hostId) ||
    compareText(a.id, b.id)
  );
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
