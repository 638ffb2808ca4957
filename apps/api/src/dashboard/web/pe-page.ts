import { adviceAction, adviceSummary, modeSentence, reasonSentence } from '@barplane/domain/explain/reason-sentences';
import { asAdvice } from './api-types';
import { auditHtml } from './audit-section';
import { fragmentHtml } from './fragments';
import { big, chip, enc, esc, human, keyOf } from './format';
import { PeData, loadPe, sentenceContext, splitKey } from './pe-data';
import { legendHtml, pageMapSvg } from './page-map';
import { main, session, stale } from './page-state';

// A PE: its host pages drawn with each BAR and its decision, the BAR table, the decision of
// the BAR clicked (reasons in plain sentences, advice with fragments to paste), the audit trail.

export async function pePage(hostId: string, peId: string, selected: string | null, seq: number): Promise<void> {
  session.current = { hostId, refresh: () => pePage(hostId, peId, selected, session.renderSeq) };
  const ctx = await loadPe(hostId, peId);
  const audit = await auditHtml(hostId, peId);
  if (stale(seq)) return;
  const a = ctx.pe.alignment;
  main().innerHTML = `
    <p class="muted"><a href="#/">Fleet</a> / ${esc(hostId)} / PE</p>
    <h1>PE <span class="mono">${esc(peId)}</span> on <span class="mono">${esc(hostId)}</span></h1>
    <p>${esc(ctx.host.platform)}, ${human(big(ctx.host.pageSize))} host pages · VM <span class="mono">${esc(ctx.pe.vmId ?? 'none')}</span>${ctx.vm ? ` (${esc(ctx.vm.machine)}, MSI-X relocation ${esc(ctx.vm.msixRelocation)})` : ''}
      · alignment <b id="policy">${esc(a?.policy ?? '-')}</b>, override <b id="override">${esc(ctx.pe.alignmentOverride)}</b>${a?.mmioCost && a.mmioCost !== '0x0' ? `, MMIO cost ${human(big(a.mmioCost))}` : ''}${a?.kernelParameter ? `, <code>${esc(a.kernelParameter)}</code>` : ''}
      · <a href="#/whatif/${enc(hostId)}/${enc(peId)}">What if…</a></p>
    ${legendHtml()}
    <div class="layout">
      <div>
        <div class="svgwrap" id="pagemap">${pageMapSvg({ pe: ctx.pe, decisions: ctx.decisions, guest: ctx.guest, pageSize: ctx.host.pageSize, selected })}</div>
      </div>
      ${decisionPanel(ctx, selected ?? '')}
    </div>
    <h2>BARs</h2>
    ${barTable(ctx, selected)}
    ${audit}`;
  main()
    .querySelectorAll<HTMLElement | SVGElement>('svg rect.bar, svg rect.guest-bar, #bars tr.clickable')
    .forEach((el) => {
      el.addEventListener('click', () => {
        const bdf = el.dataset.bdf ?? el.dataset.guestBdf ?? '';
        const index = el.dataset.index ?? el.dataset.guestIndex ?? '';
        window.location.hash = `#/pe/${enc(hostId)}/${enc(peId)}/${enc(bdf)}/${index}`;
      });
    });
}

function decisionPanel(ctx: PeData, key: string): string {
  const { bdf, index } = splitKey(key);
  const fn = ctx.pe.functions.find((f) => f.bdf === bdf);
  const bar = fn?.bars.find((b) => b.index === index);
  if (!fn || !bar)
    return '<div class="panel" id="decision"><p class="muted">Click a BAR in the picture or the table to see its decision.</p></div>';
  const d = ctx.decisions.get(key);
  const sctx = sentenceContext(ctx.host);
  const reasons = d?.reasons ?? [];
  const advice = d?.advice ?? [];
  const msix = fn.msix && (fn.msix.tableBar === index || fn.msix.pbaBar === index) ? fn.msix : null;
  return `<div class="panel" id="decision" data-bdf="${esc(bdf)}" data-index="${index}">
    <h3>${esc(bdf)} BAR${index} ${d ? chip(d.mode) : chip('UNDECIDED')}</h3>
    <p>${esc(d ? modeSentence(d.mode) : 'No decision yet.')}</p>
    <h4>Why</h4>
    ${reasons.length ? `<ul class="reasons">${reasons.map((r) => `<li data-reason="${esc(r)}">${esc(reasonSentence(r, sctx))} <code class="muted">${esc(r)}</code></li>`).join('')}</ul>` : '<p class="muted reasons">No rule fired: nothing stands between this BAR and the fast path.</p>'}
    <h4>Advice</h4>
    ${advice.length ? `<ul class="advice">${advice.map((a) => `<li data-kind="${esc(a.kind)}">${esc(adviceAction(asAdvice(a)))}${a.apply.map(fragmentHtml).join('')}</li>`).join('')}</ul>` : '<p class="muted advice">None needed.</p>'}
    <table class="facts"><tbody>
      <tr><th>kind</th><td>${esc(bar.kind)}${bar.prefetchable ? ', prefetchable' : ''}${bar.fixed ? ', fixed' : ''}</td></tr>
      <tr><th>host</th><td class="mono">${esc(bar.address)} +${esc(bar.size)} (${human(big(bar.size))})</td></tr>
      <tr><th>guest</th><td class="mono">${esc(ctx.guest.get(key) ?? 'not programmed')}</td></tr>
      <tr><th>KVM slots</th><td>${d?.slots ?? 0}${d?.directRanges.length ? ` — ${d.directRanges.map((r) => `<span class="mono">${esc(r.offset)}+${esc(r.size)}</span>`).join(', ')}` : ''}</td></tr>
      ${msix ? `<tr><th>MSI-X</th><td class="mono">${msix.tableBar === index ? `table @${esc(msix.tableOffset)} (${msix.vectors} vectors)` : ''} ${msix.pbaBar === index ? `PBA @${esc(msix.pbaOffset)}` : ''}</td></tr>` : ''}
      <tr><th>decided</th><td>${esc(d?.decidedAt ?? '-')} <span class="muted">${esc(d?.ruleSet ?? '')}</span></td></tr>
      <tr><th>audit</th><td class="mono">${esc(d?.auditId ?? '-')}</td></tr>
    </tbody></table>
    <p><a href="#/whatif/${enc(ctx.host.id)}/${enc(ctx.pe.id)}">What if… (plan a change for this PE)</a></p>
  </div>`;
}

function barTable(ctx: PeData, selected: string | null): string {
  const rows: string[] = [];
  for (const fn of ctx.pe.functions)
    for (const bar of fn.bars) {
      const key = keyOf(fn.bdf, bar.index);
      const d = ctx.decisions.get(key);
      rows.push(`<tr class="clickable${key === selected ? ' selected' : ''}" data-bdf="${esc(fn.bdf)}" data-index="${bar.index}"><td class="mono">${esc(fn.bdf)}</td><td>${bar.index}</td><td>${esc(bar.kind)}</td>
      <td class="mono">${esc(bar.address)}</td><td class="mono">${human(big(bar.size))}</td><td class="mono">${esc(ctx.guest.get(key) ?? '-')}</td><td>${chip(d?.mode ?? 'UNDECIDED')}</td>
      <td class="mono">${esc((d?.reasons ?? []).join(' ') || '-')}</td><td>${esc((d?.advice ?? []).map((a) => adviceSummary(asAdvice(a))).join('; ') || '-')}</td></tr>`);
    }
  return `<table id="bars"><thead><tr><th>BDF</th><th>BAR</th><th>kind</th><th>host address</th><th>size</th><th>guest address</th><th>mode</th><th>reasons</th><th>advice</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
