/** One line of `GET /v1/audit` (apps/api/src/audit/audit.controller.ts). */
export interface AuditLine {
  hostId: string;
  seq: number;
  recordedAt: string;
  hash: string;
  prevHash: string | null;
  record: {
    subject?: { kind: 'bar'; pe: string; bdf: string; index: number } | { kind: 'pe'; pe: string };
    vmId?: string | null;
    outcome?: { mode?: string; policy?: string; reasons?: string[] } | null;
    principal?: string | null;
    correlationId?: string | null;
  };
}

export const AUDIT_CSV_HEADER = [
  'hostId',
  'seq',
  'recordedAt',
  'subject',
  'vmId',
  'mode',
  'reasons',
  'principal',
  'correlationId',
  'hash',
] as const;

/** RFC 4180: quote a field holding a comma, quote, CR or LF; double the quotes. */
export function csvField(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `bar:0000:01:00.0/2` or `pe:0000:01`, as the read models key decisions. */
export function subjectText(s: AuditLine['record']['subject']): string {
  if (!s) return '';
  return s.kind === 'bar' ? `bar:${s.bdf}/${s.index}` : `pe:${s.pe}`;
}

/** A BAR's mode, or a PE's alignment policy; empty when the subject went away. */
export function auditCsvRow(l: AuditLine): string {
  const r = l.record ?? {};
  const o = r.outcome ?? null;
  return [
    l.hostId,
    l.seq,
    l.recordedAt,
    subjectText(r.subject),
    r.vmId ?? '',
    o?.mode ?? o?.policy ?? '',
    (o?.reasons ?? []).join(' '),
    r.principal ?? '',
    r.correlationId ?? '',
    l.hash,
  ]
    .map(csvField)
    .join(',');
}
