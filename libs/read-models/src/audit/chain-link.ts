import { AuditRecord, SubjectDecision, chainLinkText, scenarioSnapshot } from '@barplane/domain';
import { Envelope } from '@barplane/contracts';
import { DecisionChange } from '../decisions/decision-changes';
import { auditRecordOf } from './audit-record-of';

/** One link of a host's audit chain: the record, its canonical text (what is stored and hashed) and its hash. */
export interface ChainLink {
  readonly record: AuditRecord;
  readonly recordJson: string;
  readonly hash: string;
}

/** The link that records `change`, caused by `e`, after the link hashed `prevHash`. */
export function chainLink(
  e: Envelope,
  seq: number,
  change: DecisionChange,
  snapshot: string | null,
  prevHash: string,
): ChainLink {
  const record = auditRecordOf(e, seq, change, snapshot);
  const { text, hash } = chainLinkText(prevHash, record);
  return { record, recordJson: text, hash };
}

/**
 * The fact snapshots one event's decisions point to: one per distinct scenario object (the
 * engine shares it between the decisions it made from one scenario), hashed once.
 */
export class EventSnapshots {
  private readonly byScenario = new Map<SubjectDecision['scenario'], string>();
  /** Every snapshot made, by hash: what to store. */
  readonly made = new Map<string, string>();

  hashOf(next: SubjectDecision | null): string | null {
    if (!next) return null;
    let hash = this.byScenario.get(next.scenario);
    if (!hash) {
      const snapshot = scenarioSnapshot(next.scenario);
      hash = snapshot.hash;
      this.byScenario.set(next.scenario, hash);
      this.made.set(hash, snapshot.json);
    }
    return hash;
  }
}
