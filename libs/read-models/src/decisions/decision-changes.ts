import { DecisionSubject, SubjectDecision, canonicalJson } from '@barplane/domain';

/** A subject's decision as last stored. */
export interface StoredDecision {
  readonly key: string;
  readonly subject: DecisionSubject;
  readonly vmId: string | null;
  readonly outcome: Record<string, unknown>;
  /**
   * Optional comparison shortcuts a caller may keep with a decision it holds in memory:
   * `outcomeJson`, JSON.stringify of the outcome as decided (the same text for an unchanged
   * outcome, since it comes from the same code); `outcomeCanonical`, its canonical JSON.
   */
  readonly outcomeJson?: string;
  readonly outcomeCanonical?: string;
}

export interface DecisionChange {
  readonly key: string;
  readonly next: SubjectDecision | null;
  readonly previous: StoredDecision | null;
}

/** The subjects whose outcome (or VM) changed, appeared or went away, in key order. */
export function decisionChanges(
  next: readonly SubjectDecision[],
  stored: ReadonlyMap<string, StoredDecision>,
): DecisionChange[] {
  const changes: DecisionChange[] = [];
  const seen = new Set<string>();
  for (const d of next) {
    seen.add(d.key);
    const prev = stored.get(d.key) ?? null;
    if (!prev || prev.vmId !== d.vmId || !sameOutcome(prev, d.outcome))
      changes.push({ key: d.key, next: d, previous: prev });
  }
  for (const [key, prev] of stored) if (!seen.has(key)) changes.push({ key, next: null, previous: prev });
  return changes.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * An outcome held in memory was made by the same code as the new one (plan-json), which builds
 * equal values with their keys in the same order: their JSON texts decide. One read back from
 * the database (jsonb keeps values, not key order) is compared by canonical forms.
 */
function sameOutcome(prev: StoredDecision, outcome: Record<string, unknown>): boolean {
  if (prev.outcomeJson !== undefined) return prev.outcomeJson === JSON.stringify(outcome);
  return (prev.outcomeCanonical ?? canonicalJson(prev.outcome)) === canonicalJson(outcome);
}
