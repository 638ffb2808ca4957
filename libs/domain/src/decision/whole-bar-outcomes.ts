import { DirectRange } from './bar-decision';
import { BarOutcome, EXPANDED_REASONS, NO_REASONS, outcome } from './bar-outcome';

/**
 * The outcome of a BAR mapped whole in one piece (DIRECT, or DIRECT_PAGE_EXPANDED for a
 * sub-page BAR grown to a page), one per mapped size and shared, frozen, by every such BAR of
 * a plan: they are most of a VM's mapped BARs, and each made its own outcome, range list and
 * range before (0.8 MB per 30,000-BAR plan, all of it live until the plan is dropped).
 */
export class WholeBarOutcomes {
  private readonly direct = new Map<bigint, BarOutcome>();
  private readonly expanded: BarOutcome;

  constructor(pageSize: bigint) {
    this.expanded = frozenOutcome('DIRECT_PAGE_EXPANDED', EXPANDED_REASONS, pageSize);
  }

  /** A BAR of `size` (at least a page) mapped whole. */
  directOf(size: bigint): BarOutcome {
    let found = this.direct.get(size);
    if (!found) this.direct.set(size, (found = frozenOutcome('DIRECT', NO_REASONS, size)));
    return found;
  }

  /** A sub-page BAR mapped as its whole page. */
  expandedToPage(): BarOutcome {
    return this.expanded;
  }
}

function frozenOutcome(mode: 'DIRECT' | 'DIRECT_PAGE_EXPANDED', reasons: BarOutcome['reasons'], size: bigint) {
  const range: DirectRange = Object.freeze({ offset: 0n, size });
  return Object.freeze(outcome(mode, reasons, Object.freeze([range])));
}
