import { DecisionSubject, SubjectDecision, structuralEqual } from '@barplane/domain';

/** A subject's decision as last stored. */
export interface StoredDecision {
  readonly key: string;
  readonly subject: DecisionSubject;
  readonly vmId: string | null;
  readonly outcome: Record<string, unknown>;
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
 * The engine hands back the very outcome object it held for a decision nothing changed (it
 * keeps a VM's and a host's decisions while their facts stay), so identity settles most
 * comparisons (structuralEqual's first test); otherwise the values decide, whatever their key
 * order (one read back from jsonb).
 */
function sameOutcome(prev: StoredDecision, outcome: Record<string, unknown>): boolean {
  return structuralEqual(prev.outcome, outcome);
}
