import { api } from './api-client';
import type { AuditRow, AuditVerify } from './api-types';
import { chip, esc } from './format';
import { outcomeText } from './page-state';

/**
 * The PE's audit trail, newest first, and whether the chains verify; a token without the role is told which it needs.
 */
export async function auditHtml(hostId: string, peId: string): Promise<string> {
  const [records, verify] = await Promise.all([api.audit(hostId, peId), api.auditVerify()]);
  const status = verifyStatus(verify);
  if (records === null)
    return `<h2>Audit trail ${status}</h2><p class="muted" id="audit">The audit trail needs the auditor (or operator) role.</p>`;
  const rows = [...records].reverse().slice(0, 60).map(auditRow);
  return `<h2>Audit trail ${status}</h2>
    <table id="audit"><thead><tr><th>seq</th><th>recorded (UTC)</th><th>subject</th><th>decision</th><th>reasons</th><th>by</th><th>hash</th></tr></thead><tbody>${rows.join('') || '<tr><td colspan="7" class="muted">no records</td></tr>'}</tbody></table>
    <p class="muted">${records.length} records for this PE, newest first${records.length > 60 ? ' (60 shown)' : ''}.</p>`;
}

function verifyStatus(verify: AuditVerify | null): string {
  if (verify === null) return '<span class="status na" id="verify">needs auditor</span>';
  if (verify.ok) return `<span class="status ok" id="verify">chain verified: ${verify.records} records</span>`;
  return `<span class="status bad" id="verify">chain broken at ${esc(verify.failure?.hostId)}/${esc(verify.failure?.seq)}: ${esc(verify.failure?.problem ?? '')}</span>`;
}

function auditRow(r: AuditRow): string {
  const rec = r.record;
  const s = rec.subject ?? {};
  const what = s.kind === 'bar' ? `${s.bdf} BAR${s.index}` : `PE ${s.pe}`;
  const now = outcomeText(rec.outcome);
  const before = rec.previous ? outcomeText(rec.previous) : null;
  const shown = (text: string) => (rec.outcome?.mode ? chip(text) : esc(text));
  return `<tr><td>${r.seq}</td><td class="mono">${esc(r.recordedAt.replace('T', ' ').replace('Z', ''))}</td><td class="mono">${esc(what)}</td>
      <td>${before ? `${shown(before)}<span class="arrow">→</span>` : '<span class="muted">new</span><span class="arrow">→</span>'}${shown(now)}</td>
      <td class="mono">${esc((rec.outcome?.reasons ?? []).join(' '))}</td><td>${esc(rec.principal ?? '')}</td><td class="mono" title="${esc(r.hash)}">${esc(r.hash.slice(0, 12))}…</td></tr>`;
}
