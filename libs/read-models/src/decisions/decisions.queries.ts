import { qualified } from '@barplane/eventstore';
import { ReadQuery } from '../sql/read-query';

export interface DecisionRow {
  host_id: string;
  subject_key: string;
  subject: { kind: 'bar' | 'pe'; pe: string; bdf?: string; index?: number };
  vm_id: string | null;
  outcome: Record<string, unknown>;
  audit_seq: number;
  decided_at: Date;
}

export interface DecisionFilter {
  host?: string;
  pe?: string;
  vm?: string;
  kind?: 'bar' | 'pe';
}

/** The current decisions that match, in (host, subject) order. */
export function decisionRows(read: ReadQuery, schema: string, filter: DecisionFilter = {}): Promise<DecisionRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.host) add('host_id = ?', filter.host);
  if (filter.pe) add(`subject->>'pe' = ?`, filter.pe);
  if (filter.vm) add('vm_id = ?', filter.vm);
  if (filter.kind) add(`subject->>'kind' = ?`, filter.kind);
  return read<DecisionRow>(
    `SELECT host_id, subject_key, subject, vm_id, outcome, audit_seq, decided_at FROM ${qualified(schema, 'decisions')}
     ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY host_id, subject_key`,
    params,
  );
}
