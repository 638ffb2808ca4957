import { DecisionSubject } from '../projection/host-decisions';

/**
 * The hashed content of one audit record: what was decided, from which facts, by which
 * rules, because of which events and whose command. Wall-clock time and Kafka coordinates
 * are kept beside it, not in it, so a rebuild reproduces every hash.
 */
export interface AuditRecord {
  readonly hostId: string;
  /** 1, 2, ... in the host's chain. */
  readonly seq: number;
  readonly subject: DecisionSubject;
  readonly vmId: string | null;
  /** null when the subject went away (its function or PE was removed). */
  readonly outcome: Record<string, unknown> | null;
  /** null when the subject had no decision before (or none any more: outcome is then null too). */
  readonly previous: Record<string, unknown> | null;
  /** The facts the decision used: the scenario's SHA-256 and the subject's own facts. */
  readonly facts: Record<string, unknown>;
  readonly ruleSet: string;
  /** Ids of the events whose application produced this decision, in order. */
  readonly causes: readonly string[];
  readonly correlationId: string | null;
  readonly principal: string | null;
}
