import { adviceAction, reasonSentence } from '@barplane/domain/explain/reason-sentences';
import { type PlanAnswer, type ScenarioWire, asAdvice } from './api-types';
import { chip, esc, keyOf } from './format';
import { PeData, sentenceContext } from './pe-data';
import { pageMapSvg } from './page-map';

/**
 * A what-if plan beside the live decisions: this PE's BARs now and planned, the VM's other BARs that change, the
 * planned page map.
 */
export function planHtml(ctx: PeData, scenario: ScenarioWire, plan: PlanAnswer, peId: string): string {
  const sctx = sentenceContext(ctx.host);
  const rows = plan.bars
    .filter((b) => b.pe === peId)
    .map((b) => {
      const now = ctx.decisions.get(keyOf(b.bdf, b.index));
      const changed = now?.mode !== b.mode;
      return `<tr class="${changed ? 'changed' : ''}" data-bdf="${esc(b.bdf)}" data-index="${b.index}" data-now="${esc(now?.mode ?? '')}" data-planned="${esc(b.mode)}">
      <td class="mono">${esc(b.bdf)}</td><td>${b.index}</td><td>${chip(now?.mode ?? 'UNDECIDED')}${changed ? `<span class="arrow">→</span>${chip(b.mode)}` : ' <span class="muted">unchanged</span>'}</td>
      <td><ul>${b.reasons.map((r) => `<li data-reason="${esc(r)}">${esc(reasonSentence(r, sctx))} <code class="muted">${esc(r)}</code></li>`).join('') || '<li class="muted">no rule fired</li>'}</ul></td>
      <td>${b.advice.map((a) => `<div data-kind="${esc(a.kind)}">${esc(adviceAction(asAdvice(a)))}</div>`).join('') || '-'}</td></tr>`;
    });
  const nowVm = new Map((ctx.vm?.decisions ?? []).map((d) => [keyOf(d.bdf, d.index), d.mode]));
  const elsewhere = plan.bars.filter(
    (b) => b.pe !== peId && nowVm.has(keyOf(b.bdf, b.index)) && nowVm.get(keyOf(b.bdf, b.index)) !== b.mode,
  );
  const planned = new Map(plan.bars.map((b) => [keyOf(b.bdf, b.index), b]));
  const guest = new Map((scenario.vm?.guestBars ?? []).map((g) => [keyOf(g.bdf, g.index), g.address]));
  const peAlign = plan.pes.find((p) => p.id === peId)?.alignment;
  return `<h2>The plan</h2>
    <p>alignment policy <b>${esc(peAlign?.policy ?? '-')}</b> (override ${esc(peAlign?.override ?? '-')})${peAlign?.kernelParameter ? `, <code>${esc(peAlign.kernelParameter)}</code>` : ''}${plan.vm ? ` · VM needs ${plan.vm.slotsNeeded} BAR slots, ${plan.vm.slotsUsedBefore} in use, limit ${plan.vm.slotLimit}` : ''}</p>
    <table id="plan-bars"><thead><tr><th>BDF</th><th>BAR</th><th>mode now → planned</th><th>why (planned)</th><th>advice</th></tr></thead><tbody>${rows.join('')}</tbody></table>
    ${elsewhere.length ? `<h2>Other BARs of the VM that change</h2><ul id="plan-elsewhere">${elsewhere.map((b) => `<li class="mono">${esc(b.bdf)} BAR${b.index}: ${chip(nowVm.get(keyOf(b.bdf, b.index)) ?? '')}<span class="arrow">→</span>${chip(b.mode)} ${esc(b.reasons.join(' '))}</li>`).join('')}</ul>` : ''}
    <h2>Planned page map</h2>
    <div class="svgwrap" id="plan-map">${pageMapSvg({ pe: ctx.pe, decisions: planned, guest, pageSize: ctx.host.pageSize, idPrefix: 'plan' })}</div>`;
}
